"""Shared fixtures.  The suite needs the real libcrm: if it cannot be found
the run stops with an error (never a skip), so CI cannot pass without it.

One variable picks the engine (see _engine.py): ``CRM_TEST_ENGINE=postgresql``
with ``CRM_TEST_POSTGRES_URL`` set runs every test on that server, each
database in a new, empty schema; unset, the tests run on SQLite.  A test
opens its databases through the fixtures ``db``, ``db_path`` and
``new_target``, so the same test runs on both.  Tests about SQLite files
themselves carry ``@pytest.mark.sqlite_only("why")`` and are skipped on
PostgreSQL; ``@pytest.mark.postgresql_only`` the other way round."""

from __future__ import annotations

import pathlib
import sys

import pytest

PACKAGE_ROOT = pathlib.Path(__file__).resolve().parent.parent
# Test the package next to these tests, installed or not.
sys.path.insert(0, str(PACKAGE_ROOT))

import crm  # noqa: E402
import _engine  # noqa: E402
from _engine import ON_POSTGRES  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only(reason): a test about SQLite files themselves "
        "(file modes, WAL, backups to files, foreign files); skipped on PostgreSQL")
    config.addinivalue_line(
        "markers", "postgresql_only(reason): runs only with CRM_TEST_ENGINE=postgresql")


def pytest_collection_modifyitems(config, items):
    for item in items:
        marker = item.get_closest_marker("sqlite_only" if ON_POSTGRES else "postgresql_only")
        if marker is None:
            continue
        why = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
        if ON_POSTGRES:
            reason = "SQLite only" + (f": {why}" if why else "")
        else:
            reason = "PostgreSQL only (CRM_TEST_ENGINE=postgresql)" + (f": {why}" if why else "")
        item.add_marker(pytest.mark.skip(reason=reason))


def pytest_sessionstart(session):
    problem = _engine.configuration_error()
    if problem is not None:
        pytest.exit("\n" + problem, returncode=pytest.ExitCode.USAGE_ERROR)
    try:
        crm.library_path()
    except crm.LibraryNotFoundError as error:
        pytest.exit(
            "\nlibcrm could not be loaded, so the Python binding cannot be "
            "tested.\nBuild the library first, or point CRM_LIBRARY at it:\n"
            "    CRM_LIBRARY=/path/to/libcrm.so python3 -m pytest "
            "Bindings/python/tests\n\n" + str(error),
            returncode=pytest.ExitCode.TESTS_FAILED)


def pytest_report_header(config):
    engine = ("engine: PostgreSQL (CRM_TEST_ENGINE=postgresql), a schema per database"
              if ON_POSTGRES else "engine: SQLite")
    try:
        return [f"libcrm {crm.version()} (ABI {crm.abi_version()}) "
                f"from {crm.library_path()}", engine]
    except Exception as error:  # reported loudly by pytest_sessionstart
        return [f"libcrm: not loaded ({error})", engine]


@pytest.fixture(scope="session")
def postgres_admin():
    """The libpq connection that makes and drops the tests' schemas."""
    if not ON_POSTGRES:
        pytest.skip("needs CRM_TEST_ENGINE=postgresql and CRM_TEST_POSTGRES_URL")
    admin = _engine.Admin(_engine.POSTGRES_URL)
    leftovers = []
    admin.leftovers = leftovers
    yield admin
    for schema in leftovers:
        admin.drop_schema(schema)
    admin.close()


@pytest.fixture
def raw_sql(request):
    """``raw_sql(target, sql)`` runs SQL behind libcrm's back on a database
    a test opened (to plant a fault or fake a newer schema): sqlite3 on an
    SQLite file, the admin connection in the target's schema on PostgreSQL.
    Returns the rows of the last statement."""
    def run(target, sql):
        if ON_POSTGRES:
            admin = request.getfixturevalue("postgres_admin")
            return admin.in_schema(_engine.SCHEMAS[str(target)], sql)
        import sqlite3
        con = sqlite3.connect(target)
        try:
            with con:
                if sql.lstrip().upper().startswith("SELECT"):
                    return [tuple(row) for row in con.execute(sql)]
                con.executescript(sql)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return []
        finally:
            con.close()
    return run


@pytest.fixture
def new_schema(request):
    """``new_schema()`` -> the URL of a new, empty PostgreSQL schema (dropped
    after the test).  Only on PostgreSQL."""
    admin = request.getfixturevalue("postgres_admin")
    made = []

    def make():
        schema = admin.new_schema()
        made.append(schema)
        url = _engine.with_search_path(_engine.POSTGRES_URL, schema)
        _engine.SCHEMAS[url] = schema
        return url

    yield make
    for schema in made:
        if not admin.drop_schema(schema):
            admin.leftovers.append(schema)  # a handle still open: try at the end


@pytest.fixture
def new_target(request, tmp_path):
    """``new_target(name=None)`` -> what ``crm.Database`` opens for this test.

    SQLite: ``tmp_path / name``, or ``":memory:"`` (a new private database)
    without a name.  PostgreSQL: the URL of a schema of this test's own; the
    same name gives the same schema again within the test (a reopened
    "file"), no name a new schema every call."""
    if not ON_POSTGRES:
        return lambda name=None: ":memory:" if name is None else tmp_path / name
    make = request.getfixturevalue("new_schema")
    named = {}

    def target(name=None):
        if name is None:
            return make()
        if name not in named:
            named[name] = make()
        return named[name]

    return target


@pytest.fixture
def db(new_target):
    with crm.Database(new_target()) as database:
        yield database


@pytest.fixture
def db_path(new_target):
    """The "file" a test opens, and opens again: on PostgreSQL a schema URL."""
    return new_target("test.crm")


@pytest.fixture
def file_db(db_path):
    with crm.Database(db_path) as database:
        yield database


@pytest.fixture
def account(db):
    return db.accounts.create(name="Karoo Farm Supplies", kind="business",
                              source="ledger", external_ref="C0001")
