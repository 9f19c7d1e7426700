"""What only a PostgreSQL database has: its target forms and passwords.

Most of these run with CRM_TEST_ENGINE=postgresql only (skipped otherwise);
how the binding shows a target runs on both."""

from __future__ import annotations

import traceback
from urllib.parse import quote, urlsplit

import pytest

import crm
import _engine

postgresql_only = pytest.mark.postgresql_only("PostgreSQL targets and passwords")

# The role cluster.sh makes for tests of password handling (scram-sha-256).
PASSWORD_USER = "crm_password"
PASSWORD = "crm-test-password"


def _server():
    """(host, port, user, database) of CRM_TEST_POSTGRES_URL."""
    parts = urlsplit(_engine.POSTGRES_URL)
    return (parts.hostname or "127.0.0.1", parts.port or 5432,
            parts.username or "", parts.path.lstrip("/") or "postgres")


def _password_url(database=None, password=PASSWORD, schema=None):
    host, port, _, default_database = _server()
    url = (f"postgresql://{PASSWORD_USER}:{quote(password, safe='')}@{host}:{port}/"
           f"{database or default_database}")
    return _engine.with_search_path(url, schema) if schema else url


@pytest.fixture
def password_schema(db_path, postgres_admin):
    """A new schema the password role may create its tables in."""
    if not postgres_admin.execute(f"SELECT 1 FROM pg_roles WHERE rolname = '{PASSWORD_USER}'"):
        pytest.skip(f"the server has no role {PASSWORD_USER} (Tests/postgres/cluster.sh makes one)")
    schema = _engine.SCHEMAS[db_path]
    postgres_admin.execute(f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {PASSWORD_USER}")
    return schema


def _shows_no_password(error, password=PASSWORD):
    """Every rendering of an exception: message, str, repr, args, traceback."""
    texts = [error.message, str(error), repr(error), *map(str, error.args),
             "".join(traceback.format_exception(type(error), error, error.__traceback__))]
    for text in texts:
        assert password not in text, text
        assert quote(password, safe="") not in text, text


@postgresql_only
def test_url_forms_and_conninfo_reach_the_same_database(db_path):
    schema = _engine.SCHEMAS[db_path]
    host, port, user, database = _server()
    with crm.Database(db_path) as db:
        made = db.accounts.create(name="Everywhere", source="ledger", external_ref="E1")
    assert db_path.startswith("postgresql://")
    short = "postgres://" + db_path[len("postgresql://"):]
    conninfo = (f"host={host} port={port} user={user} dbname={database} "
                f"options='-csearch_path={schema}'")
    for target in (short, conninfo):
        with crm.Database(target) as db:
            assert db.find_by_ref("account", "ledger", "E1") == made["id"]
            again = db.accounts.create(name="Everywhere", source="ledger", external_ref="E1")
            assert again["id"] == made["id"] and again["replayed"] is True


@postgresql_only
def test_a_password_in_the_url_opens_and_is_never_shown(password_schema):
    url = _password_url(schema=password_schema)
    with crm.Database(url) as db:
        made = db.accounts.create(name="Behind A Password", source="ledger", external_ref="P1")
        assert PASSWORD not in repr(db) and PASSWORD not in db.display_path
        assert db.display_path.startswith(f"postgresql://{PASSWORD_USER}@")
        with pytest.raises(crm.NotFound) as info:
            db.accounts.get(10 ** 9)
        _shows_no_password(info.value)
    assert PASSWORD not in repr(db)  # closed
    with crm.Database(url, must_exist=True) as db:
        assert db.accounts.get(made["id"])["name"] == "Behind A Password"
    # the binding's own refusals, before C is called
    with pytest.raises(crm.OutOfRange) as info:
        crm.Database(url, busy_timeout_ms=-5)
    _shows_no_password(info.value)
    with pytest.raises(crm.InvalidArgument) as info:
        crm.Database(url + "\0")
    _shows_no_password(info.value)


@postgresql_only
@pytest.mark.parametrize("form", ["url", "query", "conninfo"])
@pytest.mark.parametrize("fault", ["missing database", "wrong password"])
def test_a_failed_open_never_shows_the_password(password_schema, form, fault):
    host, port, _, database = _server()
    password = PASSWORD if fault == "missing database" else "not-the-crm-test-password"
    if fault == "missing database":
        database = "crm_no_such_database"
    if form == "url":
        target = _password_url(database=database, password=password)
    elif form == "query":
        target = (f"postgresql://{PASSWORD_USER}@{host}:{port}/{database}"
                  f"?password={quote(password, safe='')}&connect_timeout=10")
    else:
        target = (f"host={host} port={port} user={PASSWORD_USER} password={password} "
                  f"dbname={database} connect_timeout=10")
    with pytest.raises(crm.CRMError) as info:
        crm.Database(target)
    error = info.value
    assert error.command == "crm_open"
    assert isinstance(error, crm.CRMIOError), repr(error)
    _shows_no_password(error, password)
    # it still says what went wrong, and where
    if fault == "missing database":
        assert "crm_no_such_database" in error.message
    else:
        assert "password" in error.message or "authentication" in error.message
    assert host in error.message


_MALFORMED = {
    "unterminated quote": "host={host} port={port} dbname={database} password='{password}",
    "keyword without a value": "host={host} port={port} password={password} dbname",
    # libpq refuses the misspelt keyword; its value is the password all the same
    "misspelt password keyword": "host={host} port={port} dbname={database} passwrod={password}",
}


@postgresql_only
@pytest.mark.parametrize("case", [
    "unterminated quote", "keyword without a value", "misspelt password keyword",
])
def test_a_malformed_conninfo_never_shows_the_password(case):
    host, port, _, database = _server()
    target = _MALFORMED[case].format(host=host, port=port, database=database, password=PASSWORD)
    with pytest.raises(crm.CRMError) as info:
        crm.Database(target)
    assert info.value.command == "crm_open"
    _shows_no_password(info.value)


def test_displayed_targets_keep_everything_but_secrets():
    from crm._target import redacted
    assert redacted("postgresql://u:pw@h:5/db?sslmode=require&password=x&application_name=a") \
        == "postgresql://u@h:5/db?sslmode=require&application_name=a"
    assert redacted("postgres://h/db?sslpassword=x") == "postgres://h/db"
    assert redacted("host=h password='a b' user=u") == "host=h user=u"
    assert redacted("host=h password='unterminated") == "host=h ..."
    assert redacted("/data/password=x.crm") == "/data/password=x.crm"
    # a keyword libpq does not know may be a misspelt password
    assert redacted("host=h passwrod=secret") == "host=h passwrod=..."
    assert redacted("postgresql://h/db?passwrod=secret&sslmode=disable") \
        == "postgresql://h/db?passwrod=...&sslmode=disable"


def test_repr_of_a_database_hides_the_password(db_path):
    with crm.Database(db_path) as db:
        db.path = f"host=h user=u password={PASSWORD} passwrod={PASSWORD}"  # as if opened so
        assert PASSWORD not in repr(db) and PASSWORD not in db.display_path
