"""Opening, closing, exec and the error classes a Python user catches."""

from __future__ import annotations

import hashlib
import json
import pathlib
import sqlite3

import pytest

import crm
from _engine import ON_POSTGRES


# -- open / close ---------------------------------------------------------------

def test_database_opens_and_closes(new_target):
    target = new_target()
    db = crm.Database(target)
    assert not db.closed and db.path == str(target)
    assert db.exec("account.list")["items"] == []
    db.close()
    assert db.closed
    db.close()  # idempotent
    db.close()


def test_memory_is_the_default():
    with crm.Database() as db:
        assert db.path == ":memory:"
        assert db.exec("account.list")["items"] == []


def test_context_manager_closes_on_exit_and_on_error(new_target):
    with crm.Database(new_target()) as db:
        db.accounts.create(name="Inside")
    assert db.closed
    with pytest.raises(ZeroDivisionError):
        with crm.Database(new_target()) as db2:
            1 / 0
    assert db2.closed


def test_use_after_close_is_misuse(new_target):
    db = crm.Database(new_target())
    db.close()
    with pytest.raises(crm.Misuse) as info:
        db.exec("account.list")
    assert info.value.code == crm.CRM_MISUSE
    for call in (db.begin, db.commit, db.rollback,
                 lambda: db.find_by_ref("account", "s", "r"),
                 lambda: db.on("*", print), lambda: db.off(1),
                 lambda: db.events.fetch("c"), lambda: db.events.ack("c", 1),
                 lambda: db.accounts.create(name="x"), lambda: db.backup("x")):
        with pytest.raises(crm.Misuse):
            call()


def test_file_database_persists(db_path):
    with crm.Database(db_path) as db:
        created = db.accounts.create(name="Persisted Ltd")
    if not ON_POSTGRES:
        assert db_path.exists()
    with crm.Database(str(db_path)) as db:
        assert db.accounts.get(created["id"])["name"] == "Persisted Ltd"


def test_databases_are_private(new_target):
    # two ":memory:" databases, or two schemas of one PostgreSQL database
    with crm.Database(new_target()) as one, crm.Database(new_target()) as two:
        one.accounts.create(name="Only In One")
        assert two.accounts.list()["items"] == []


# -- read-only ----------------------------------------------------------------------

def _fingerprint(target):
    """The bytes of an SQLite file (a read-only handle must not change
    them); on PostgreSQL the server's files are not ours to read."""
    if ON_POSTGRES:
        return None
    return hashlib.sha256(pathlib.Path(target).read_bytes()).hexdigest()


def test_readonly_handle_reads_but_refuses_writes(db_path):
    with crm.Database(db_path) as db:
        acct = db.accounts.create(name="Read Me", source="ledger", external_ref="R1")
        db.events.ack("reader", db.events.fetch("reader")[-1]["seq"])
    before = _fingerprint(db_path)
    with crm.Database(db_path, readonly=True) as ro:
        assert ro.readonly
        assert ro.accounts.get(acct["id"])["name"] == "Read Me"
        assert ro.find_by_ref("account", "ledger", "R1") == acct["id"]
        assert len(ro.accounts.list()["items"]) == 1
        assert ro.events.fetch("someone-else")[0]["type"] == "account.created"
        for write in (lambda: ro.accounts.create(name="Nope"),
                      lambda: ro.accounts.update(acct["id"], name="Nope"),
                      lambda: ro.accounts.archive(acct["id"]),
                      lambda: ro.events.ack("someone-else", 1),
                      ro.begin):
            with pytest.raises(crm.ReadOnly) as info:
                write()
            assert info.value.code == crm.CRM_READONLY
            assert info.value.message
    with crm.Database(db_path) as db:
        assert [a["name"] for a in db.accounts.list()["items"]] == ["Read Me"]
        assert db.events.fetch("someone-else")[0]["type"] == "account.created"
    assert _fingerprint(db_path) == before


@pytest.mark.sqlite_only("a missing file")
def test_readonly_open_of_missing_file_fails_without_creating_it(tmp_path):
    path = tmp_path / "absent.crm"
    with pytest.raises(crm.CRMError):
        crm.Database(path, readonly=True)
    assert not path.exists()


# -- files libcrm must refuse ----------------------------------------------------------

def test_newer_file_is_version_mismatch_and_untouched(db_path, raw_sql):
    with crm.Database(db_path) as db:
        db.accounts.create(name="Old Data")
    raw_sql(db_path, "INSERT INTO crm_migrations(id, applied_at) "
                     "VALUES ('9999-future', '2099-01-01T00:00:00Z')")
    before = _fingerprint(db_path)
    for readonly in (False, True):
        with pytest.raises(crm.VersionMismatch) as info:
            crm.Database(db_path, readonly=readonly)
        assert info.value.code == crm.CRM_VERSION_ERR
        assert info.value.command == "crm_open"
        assert info.value.message
    assert _fingerprint(db_path) == before
    ids = {row[0] for row in raw_sql(db_path, "SELECT id FROM crm_migrations")}
    assert "9999-future" in ids


def test_readonly_open_of_a_file_that_needs_migrating_is_readonly(db_path, raw_sql):
    crm.Database(db_path).close()
    # make the database look one migration behind this library
    last = raw_sql(db_path, "SELECT id FROM crm_migrations ORDER BY id DESC LIMIT 1")[0][0]
    raw_sql(db_path, f"DELETE FROM crm_migrations WHERE id = '{last}'")
    before = _fingerprint(db_path)
    with pytest.raises(crm.ReadOnly) as info:
        crm.Database(db_path, readonly=True)
    assert info.value.command == "crm_open"
    assert _fingerprint(db_path) == before
    ids = {row[0] for row in raw_sql(db_path, "SELECT id FROM crm_migrations")}
    assert last not in ids


@pytest.mark.sqlite_only("a file that is not a database")
def test_garbage_file_is_corrupt(tmp_path):
    path = tmp_path / "garbage.crm"
    path.write_bytes(b"this is not a database at all\n" * 200)
    before = path.read_bytes()
    with pytest.raises(crm.Corrupt) as info:
        crm.Database(path)
    assert info.value.code == crm.CRM_CORRUPT
    assert path.read_bytes() == before


@pytest.mark.sqlite_only("a foreign SQLite file (test_other_schema_is_corrupt on PostgreSQL)")
def test_other_sqlite_database_is_corrupt(tmp_path):
    """crm.h: CRM_CORRUPT "the file is not a libcrm database"."""
    path = tmp_path / "ledger.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE gl_journal(id INTEGER PRIMARY KEY, amount INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(crm.Corrupt):
        crm.Database(path)
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    assert tables == {"gl_journal"}


def test_other_schema_is_corrupt(db_path, raw_sql):
    """A database (on PostgreSQL: the schema libcrm is pointed at) that holds
    another application's tables is not a libcrm database: CRM_CORRUPT, and
    nothing is added to it."""
    raw_sql(db_path, "CREATE TABLE gl_journal(id INTEGER PRIMARY KEY, amount INTEGER)")
    with pytest.raises(crm.Corrupt):
        crm.Database(db_path)
    if ON_POSTGRES:
        query = "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
    else:
        query = "SELECT name FROM sqlite_master WHERE type='table'"
    assert {row[0] for row in raw_sql(db_path, query)} == {"gl_journal"}


@pytest.mark.sqlite_only("a directory given as the file")
def test_directory_is_io_error(tmp_path):
    with pytest.raises((crm.CRMIOError, crm.Corrupt)):
        crm.Database(tmp_path)


# -- exec ---------------------------------------------------------------------------------

def test_exec_accepts_dict_and_keywords(db):
    a = db.exec("account.create", {"name": "Dict Style", "region": "Karoo"})
    b = db.exec("account.create", name="Keyword Style", region="Boland")
    c = db.exec("account.create", {"name": "Both", "region": "X"}, region="Overberg")
    assert (a["region"], b["region"], c["region"]) == ("Karoo", "Boland", "Overberg")
    assert db.exec("account.get", {"id": a["id"]}) == db.exec("account.get", id=a["id"])


def test_exec_raw_round_trips_json_text(db):
    text = db.exec_raw("account.create", '{"name": "Raw Text"}')
    record = json.loads(text)
    assert record["name"] == "Raw Text"
    page = json.loads(db.exec_raw("account.list", None))  # NULL args == {}
    assert [a["name"] for a in page["items"]] == ["Raw Text"]


def test_unicode_round_trips(db):
    name = "Ñandú Café — 東京 Tools 🔧"
    notes = "line1\nline2\t\"quoted\" \\ back\u2028slash"
    acct = db.accounts.create(name=name, notes=notes)
    again = db.accounts.get(acct["id"])
    assert again["name"] == name
    assert again["notes"] == notes


def test_nul_inside_a_string_is_refused(db):
    # JSON can carry \u0000, a C host cannot: libcrm refuses it by name
    with pytest.raises(crm.InvalidArgument) as info:
        db.accounts.create(name="ok", notes="before\u0000after")
    assert "notes" in info.value.message


# -- errors: one class per situation -------------------------------------------------------

def test_unknown_command_is_invalid(db):
    with pytest.raises(crm.InvalidArgument) as info:
        db.exec("account.explode")
    error = info.value
    assert isinstance(error, crm.CRMError)
    assert error.code == crm.CRM_INVALID
    assert error.command == "account.explode"
    assert "account.explode" in error.message
    assert "account.explode" in str(error)


def test_unknown_field_is_invalid_and_named(db):
    with pytest.raises(crm.InvalidArgument) as info:
        db.exec("account.create", name="Typo Ltd", nmae="Typo Ltd")
    assert "nmae" in info.value.message
    assert db.accounts.list()["items"] == []


def test_mistyped_fields_are_invalid_and_named(db):
    for field, value in [("name", 123), ("strategic", "yes"), ("tags", "a,b"),
                         ("payment_terms_days", "30"), ("credit_limit_minor", 12.5),
                         ("addresses", {"line1": "x"})]:
        args = {"name": "Typed"}
        args[field] = value
        with pytest.raises(crm.InvalidArgument) as info:
            db.exec("account.create", args)
        assert field in info.value.message, (field, info.value.message)


def test_value_outside_its_set_is_invalid(db):
    for field, value in [("kind", "wholesaler"), ("status", "asleep"),
                         ("size_band", "gigantic"), ("currency", "zar"), ("currency", "ZZ1"),
                         ("email", "no-at-sign")]:
        with pytest.raises(crm.InvalidArgument) as info:
            db.exec("account.create", {"name": "Set Rules", field: value})
        assert field in info.value.message, (field, info.value.message)


def test_currency_and_country_must_be_on_the_iso_lists(db):
    for value in ("XYZ", "XXX", "XAU", "HRK"):
        with pytest.raises(crm.InvalidArgument) as info:
            db.exec("account.create", {"name": "ISO", "currency": value})
        assert f"currency '{value}'" in info.value.message, info.value.message
    for value in ("XX", "UK", "XK"):
        with pytest.raises(crm.InvalidArgument) as info:
            db.exec("account.create", {"name": "ISO", "addresses": [{"line1": "x", "country": value}]})
        assert f"country '{value}'" in info.value.message, info.value.message
    assert db.accounts.list()["items"] == []
    assert db.accounts.create(name="Tokyo", currency="JPY",
                              addresses=[{"line1": "x", "country": "JP"}])["currency"] == "JPY"


def test_minor_units_are_named_only_for_money(db):
    with pytest.raises(crm.InvalidArgument) as info:
        db.exec("account.create", {"name": "x", "credit_limit_minor": 12.5})
    assert "whole number of minor units" in info.value.message
    for command, args in (("account.create", {"name": "x", "payment_terms_days": 30.5}),
                          ("account.list", {"limit": 2.5})):
        with pytest.raises(crm.InvalidArgument) as info:
            db.exec(command, args)
        assert "must be a whole number, got" in info.value.message, info.value.message
        assert "minor" not in info.value.message


def test_malformed_json_is_invalid(db):
    for text in ('{"name": "x"', "not json", '["name"]', '"name"', ""):
        with pytest.raises(crm.InvalidArgument):
            db.exec_raw("account.create", text)
    assert db.accounts.list()["items"] == []


def test_invalid_utf8_is_invalid(db):
    with pytest.raises(crm.InvalidArgument):
        db.exec_raw("account.create", b'{"name": "caf\xe9"}')
    with pytest.raises(crm.InvalidArgument):
        db.exec_raw(b"account.\xff", "{}")
    # a lone surrogate cannot be UTF-8 at all: refused before reaching C
    with pytest.raises(crm.InvalidArgument):
        db.accounts.create(name="bad \udc80")
    assert db.accounts.list()["items"] == []


def test_overflowing_amount_is_out_of_range(db):
    for value in (2 ** 63, 2 ** 64 + 5, -(2 ** 63) - 1):
        with pytest.raises(crm.OutOfRange) as info:
            db.accounts.create(name="Big Spender", credit_limit_minor=value)
        assert info.value.code == crm.CRM_RANGE
        assert "credit_limit_minor" in info.value.message
    with pytest.raises(crm.OutOfRange):
        db.exec_raw("account.create",
                    '{"name": "Huge", "credit_limit_minor": 123456789012345678901234567890}')
    biggest = db.accounts.create(name="Max", credit_limit_minor=2 ** 63 - 1)
    assert db.accounts.get(biggest["id"])["credit_limit_minor"] == 2 ** 63 - 1


def test_over_long_string_is_out_of_range(db):
    with pytest.raises(crm.OutOfRange) as info:
        db.accounts.create(name="x" * 201)
    assert "name" in info.value.message
    assert db.accounts.create(name="x" * 200)["name"] == "x" * 200
    # the limit counts characters, not UTF-8 bytes
    assert db.accounts.create(name="é" * 200)["name"] == "é" * 200
    with pytest.raises(crm.OutOfRange):
        db.accounts.create(name="ok", notes="n" * 10001)


def test_limit_out_of_bounds_is_out_of_range(db):
    for limit in (0, 501, -1):
        with pytest.raises(crm.OutOfRange):
            db.accounts.list(limit=limit)
    assert db.accounts.list(limit=500)["items"] == []


def test_missing_record_is_not_found(db):
    with pytest.raises(crm.NotFound) as info:
        db.accounts.get(424242)
    assert info.value.code == crm.CRM_NOTFOUND
    assert "424242" in info.value.message
    with pytest.raises(crm.NotFound):
        db.accounts.get(source="ledger", external_ref="NOPE")
    with pytest.raises(crm.NotFound):
        db.accounts.update(424242, name="x")
    with pytest.raises(crm.NotFound):
        db.contacts.get(1)
    with pytest.raises(crm.NotFound):
        db.interactions.get(1)


def test_errors_carry_code_message_command_and_pickle(db):
    import pickle
    with pytest.raises(crm.NotFound) as info:
        db.accounts.get(5)
    error = info.value
    assert (error.code, error.command) == (crm.CRM_NOTFOUND, "account.get")
    assert error.message and error.message != "not an error"
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.code, copy.message, copy.command) == \
        (crm.NotFound, error.code, error.message, error.command)


def test_a_failed_call_leaves_nothing_behind(db):
    from _helpers import all_events
    db.accounts.create(name="Before")
    events_before = all_events(db)
    with pytest.raises(crm.CRMError):
        db.accounts.create(name="After", parent_account_id=999999)
    assert [a["name"] for a in db.accounts.list()["items"]] == ["Before"]
    assert all_events(db) == events_before


def _rss_kib():
    import os
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def test_results_and_errors_are_freed(db):
    """Every char* libcrm returns is released with crm_free (no leak per call)."""
    acct = db.accounts.create(name="Leak Check", notes="n" * 4000)
    for _ in range(2000):  # warm up allocator and caches
        db.accounts.get(acct["id"])
    before = _rss_kib()
    for _ in range(10000):  # ~4 KiB per result: ~40 MiB if leaked
        db.accounts.get(acct["id"])
        db.events.fetch("leak", limit=5)
        try:
            db.accounts.get(10 ** 9)
        except crm.NotFound:
            pass
    assert _rss_kib() - before < 16 * 1024
