"""What ``crm.Database`` opens, and how it may be shown: never with a password.

The same rule as libcrm's (``PostgreSQLConnectionInfo``): a path beginning
``postgresql://`` or ``postgres://`` is a PostgreSQL URL; one beginning (after
white space) with a libpq connection keyword and ``=`` is a libpq
``key=value`` conninfo; everything else is an SQLite file.  :func:`redacted`
gives a URL without the password of its user part and without secret query
parameters, and a conninfo without its secret pairs (a conninfo that does not
parse is shown up to the first pair that does not, then ``...``).  One step
further than libcrm: the value of a keyword libpq does not know (a misspelt
``passwrod=``) is shown as ``...``, since it may well be the secret.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple
from urllib.parse import unquote

__all__ = ["is_postgresql", "redacted"]

URL_PREFIXES = ("postgresql://", "postgres://")

# libpq's connection keywords (libpq 15 and the ones later versions add).
KEYWORDS = frozenset("""
    service user password passfile channel_binding connect_timeout dbname host
    hostaddr port client_encoding options application_name
    fallback_application_name keepalives keepalives_idle keepalives_interval
    keepalives_count tcp_user_timeout sslmode sslcompression sslcert sslkey
    sslpassword sslrootcert sslcrl sslcrldir sslsni requirepeer
    ssl_min_protocol_version ssl_max_protocol_version gssencmode krbsrvname
    gsslib replication target_session_attrs requiressl require_auth
    sslcertmode load_balance_hosts gssdelegation sslnegotiation sslkeylogfile
    min_protocol_version max_protocol_version scram_client_key scram_server_key
    oauth_issuer oauth_client_id oauth_client_secret oauth_scope
""".split())

SECRET_KEYWORDS = frozenset({"password", "sslpassword", "scram_client_key",
                             "scram_server_key", "oauth_client_secret"})

_SPACE = " \t\n\v\f\r"
_KEYWORD_START = re.compile(r"[ \t\n\v\f\r]*([a-z_]+)[ \t\n\v\f\r]*=")


def _form(path: str) -> Optional[str]:
    if path.startswith(URL_PREFIXES):
        return "url"
    match = _KEYWORD_START.match(path)
    if match and match.group(1) in KEYWORDS:
        return "conninfo"
    return None


def is_postgresql(path: str) -> bool:
    """Whether libcrm opens ``path`` on PostgreSQL rather than as a file."""
    return _form(path) is not None


def redacted(path: str) -> str:
    """``path`` as it may appear in a message or a repr."""
    form = _form(path)
    if form == "url":
        return _redacted_url(path)
    if form == "conninfo":
        return _redacted_conninfo(path)
    return path


def _redacted_url(url: str) -> str:
    prefix = next(p for p in URL_PREFIXES if url.startswith(p))
    rest = url[len(prefix):]
    result = prefix
    # libpq: the user part runs to the first '@' before any '/'.
    cut = min((i for i in (rest.find("@"), rest.find("/")) if i >= 0), default=-1)
    if cut >= 0 and rest[cut] == "@":
        result += rest[:cut].split(":", 1)[0] + "@"
        rest = rest[cut + 1:]
    if "?" not in rest:
        return result + rest
    where, query = rest.split("?", 1)
    kept = []
    for parameter in query.split("&"):
        name = unquote(parameter.split("=", 1)[0], errors="replace")
        if name in SECRET_KEYWORDS:
            continue
        kept.append(parameter if name in KEYWORDS or "=" not in parameter
                    else parameter.split("=", 1)[0] + "=...")
    return result + where + ("?" + "&".join(kept) if kept else "")


def _pairs(conninfo: str) -> Tuple[List[Tuple[str, str]], bool]:
    """The ``keyword = value`` pairs as written, as libpq splits them, and
    whether the whole string was read."""
    pairs: List[Tuple[str, str]] = []
    i, n = 0, len(conninfo)
    while True:
        while i < n and conninfo[i] in _SPACE:
            i += 1
        if i >= n:
            return pairs, True
        start = i
        while i < n and conninfo[i] not in _SPACE and conninfo[i] != "=":
            i += 1
        keyword = conninfo[start:i]
        while i < n and conninfo[i] in _SPACE:
            i += 1
        if i >= n or conninfo[i] != "=":
            return pairs, False
        i += 1
        while i < n and conninfo[i] in _SPACE:
            i += 1
        if i < n and conninfo[i] == "'":
            i += 1
            closed = False
            while i < n:
                char = conninfo[i]
                i += 1
                if char == "\\":
                    if i >= n:
                        break
                    i += 1
                elif char == "'":
                    closed = True
                    break
            if not closed:
                return pairs, False
        else:
            while i < n and conninfo[i] not in _SPACE:
                if conninfo[i] == "\\":
                    i += 1
                    if i >= n:
                        break
                i += 1
        pairs.append((keyword, conninfo[start:i]))


def _redacted_conninfo(conninfo: str) -> str:
    pairs, complete = _pairs(conninfo)
    parts = [text if keyword in KEYWORDS else f"{keyword}=..."
             for keyword, text in pairs if keyword not in SECRET_KEYWORDS]
    if not complete:
        parts.append("...")
    return " ".join(parts)
