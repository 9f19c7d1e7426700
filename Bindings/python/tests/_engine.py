"""Which engine the suite runs on, and the PostgreSQL schemas it uses.

``CRM_TEST_ENGINE=postgresql`` with ``CRM_TEST_POSTGRES_URL`` set runs the
suite on that server: every database a test opens is a schema of its own
(``options=-csearch_path%3D<schema>`` on the URL), created empty for the test
and dropped after it.  Anything else (``CRM_TEST_ENGINE`` unset or ``sqlite``)
runs it on SQLite files and ``:memory:`` databases, as before.

The schemas are made through libpq itself (``libpq.so.5``, loaded with ctypes:
the same library libcrm loads for a PostgreSQL URL), over one connection kept
for the session.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import secrets
from ctypes import c_char_p, c_int, c_void_p
from typing import List, Optional, Tuple

ENGINE = (os.environ.get("CRM_TEST_ENGINE") or "sqlite").strip().lower()
POSTGRES_URL = (os.environ.get("CRM_TEST_POSTGRES_URL") or "").strip() or None
ON_POSTGRES = ENGINE == "postgresql" and POSTGRES_URL is not None

#: The schema of every URL the fixtures made: {url: schema}.
SCHEMAS = {}


def configuration_error() -> Optional[str]:
    """Why the engine variables cannot be honoured, or None."""
    if ENGINE not in ("sqlite", "postgresql"):
        return (f"CRM_TEST_ENGINE={ENGINE!r}: expected 'sqlite' (the default) "
                "or 'postgresql'")
    if ENGINE == "postgresql" and POSTGRES_URL is None:
        return ("CRM_TEST_ENGINE=postgresql needs CRM_TEST_POSTGRES_URL, the URL "
                "of a PostgreSQL database the tests may fill (see README.md)")
    return None


def is_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def with_search_path(url: str, schema: str) -> str:
    """``url`` (a URL or a libpq key=value conninfo) with its search_path
    set to ``schema``."""
    if is_url(url):
        return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    return f"{url} options='-csearch_path={schema}'"


class Admin:
    """One libpq connection to the test server, for CREATE/DROP SCHEMA."""

    CONNECTION_OK = 0
    PGRES_COMMAND_OK = 1
    PGRES_TUPLES_OK = 2

    # The libpq functions used here, with libpq-fe.h's types.
    _PROTOTYPES = {
        "PQconnectdb": (c_void_p, [c_char_p]),
        "PQstatus": (c_int, [c_void_p]),
        "PQerrorMessage": (c_char_p, [c_void_p]),
        "PQexec": (c_void_p, [c_void_p, c_char_p]),
        "PQresultStatus": (c_int, [c_void_p]),
        "PQresultErrorMessage": (c_char_p, [c_void_p]),
        "PQntuples": (c_int, [c_void_p]),
        "PQnfields": (c_int, [c_void_p]),
        "PQgetisnull": (c_int, [c_void_p, c_int, c_int]),
        "PQgetvalue": (c_char_p, [c_void_p, c_int, c_int]),
        "PQclear": (None, [c_void_p]),
        "PQfinish": (None, [c_void_p]),
    }

    def __init__(self, url: str) -> None:
        pq = ctypes.CDLL("libpq.so.5")
        for name, (restype, argtypes) in self._PROTOTYPES.items():
            function = getattr(pq, name)
            function.restype = restype
            function.argtypes = argtypes
        self._pq = pq
        self._conn = pq.PQconnectdb(url.encode("utf-8"))
        if not self._conn or pq.PQstatus(self._conn) != self.CONNECTION_OK:
            reason = (pq.PQerrorMessage(self._conn) or b"").decode("utf-8", "replace")
            self.close()
            raise RuntimeError(f"cannot connect to CRM_TEST_POSTGRES_URL: {reason.strip()}")
        # Nothing the suite does may hang: a DROP waiting for a handle a test
        # left open gives up after a few seconds.
        self.execute("SET lock_timeout = '5s'")
        self.execute("SET statement_timeout = '60s'")
        self.execute("SET client_min_messages = warning")
        self._names = itertools.count(1)
        self._run = secrets.token_hex(3)

    def execute(self, sql: str) -> List[Tuple[Optional[str], ...]]:
        """Runs ``sql`` (one or more statements); the rows of the last one,
        as text."""
        pq = self._pq
        result = pq.PQexec(self._conn, sql.encode("utf-8"))
        try:
            status = pq.PQresultStatus(result) if result else -1
            if status not in (self.PGRES_COMMAND_OK, self.PGRES_TUPLES_OK):
                reason = (pq.PQresultErrorMessage(result) if result else
                          pq.PQerrorMessage(self._conn)) or b""
                raise RuntimeError(f"{sql}: {reason.decode('utf-8', 'replace').strip()}")
            return [tuple(None if pq.PQgetisnull(result, row, column)
                          else pq.PQgetvalue(result, row, column).decode("utf-8")
                          for column in range(pq.PQnfields(result)))
                    for row in range(pq.PQntuples(result))]
        finally:
            if result:
                pq.PQclear(result)

    def in_schema(self, schema: str, sql: str) -> List[Tuple[Optional[str], ...]]:
        """Runs ``sql`` with ``schema`` as the search_path, in one transaction."""
        self.execute(f"BEGIN; SET LOCAL search_path = {schema}")
        try:
            rows = self.execute(sql)
        except RuntimeError:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")
        return rows

    def new_schema(self) -> str:
        """Creates a new, empty schema and returns its name."""
        name = f"crm_py_{self._run}_{os.getpid()}_{next(self._names)}"
        self.execute(f"CREATE SCHEMA {name}")
        return name

    def drop_schema(self, name: str) -> bool:
        try:
            self.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
            return True
        except RuntimeError:
            return False

    def close(self) -> None:
        if self._conn:
            self._pq.PQfinish(self._conn)
            self._conn = None
