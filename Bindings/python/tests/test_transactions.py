"""crm_begin / crm_commit / crm_rollback through db.transaction()."""

from __future__ import annotations

import pytest

import crm
from _engine import ON_POSTGRES
from _helpers import all_events, event_types, last_seq


def test_commit_makes_everything_visible_and_runs_hooks_at_commit(db):
    heard = []
    db.on("*", lambda kind, event: heard.append(kind))
    with db.transaction() as same:
        assert same is db
        a = db.accounts.create(name="In Txn A")
        c = db.contacts.create(account_id=a["id"], last_name="Txn")
        assert heard == []  # nothing is committed yet
    assert heard == ["account.created", "contact.created"]
    assert db.contacts.get(c["id"])["account_id"] == a["id"]
    assert event_types(db) == ["account.created", "contact.created"]


def test_rollback_on_exception_leaves_no_record_no_event_no_hook(db):
    db.accounts.create(name="Before")
    seq = last_seq(db)
    heard = []
    db.on("*", lambda kind, event: heard.append(kind))

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with db.transaction():
            doomed = db.accounts.create(name="Doomed", source="ledger", external_ref="D1")
            db.interactions.log(account_id=doomed["id"], kind="note",
                                occurred_at="2026-11-30T09:30:00Z")
            raise Boom()
    assert heard == []
    assert all_events(db, after_seq=seq) == []
    with pytest.raises(crm.NotFound):
        db.accounts.get(doomed["id"])
    with pytest.raises(crm.NotFound):
        db.find_by_ref("account", "ledger", "D1")
    assert [a["name"] for a in db.accounts.iter()] == ["Before"]
    # the handle is usable and outside a transaction again
    with pytest.raises(crm.Misuse):
        db.commit()
    db.accounts.create(name="After")
    assert heard == ["account.created"]


def test_explicit_begin_rollback(db):
    db.begin()
    acct = db.accounts.create(name="Temp")
    db.rollback()
    with pytest.raises(crm.NotFound):
        db.accounts.get(acct["id"])
    assert all_events(db) == []


def test_order_misuse(db):
    with pytest.raises(crm.Misuse) as info:
        db.commit()
    assert info.value.code == crm.CRM_MISUSE and info.value.command == "crm_commit"
    with pytest.raises(crm.Misuse):
        db.rollback()
    db.begin()
    with pytest.raises(crm.Misuse):
        db.begin()  # transactions do not nest
    db.commit()
    with pytest.raises(crm.Misuse):
        with db.transaction():
            with db.transaction():
                pass


def test_call_refused_on_its_input_keeps_the_transaction(db):
    with db.transaction():
        kept = db.accounts.create(name="Kept")
        with pytest.raises(crm.InvalidArgument):
            db.accounts.create(name="Bad", kind="not-a-kind")
        with pytest.raises(crm.NotFound):
            db.accounts.create(name="Orphan", parent_account_id=999999)
        also = db.accounts.create(name="Also Kept")
    assert [a["name"] for a in db.accounts.iter()] == ["Kept", "Also Kept"]
    assert event_types(db) == ["account.created", "account.created"]
    assert also["id"] > kept["id"]


def test_replay_inside_a_transaction(db):
    with db.transaction():
        a = db.accounts.create(name="R", source="ledger", external_ref="R1")
        b = db.accounts.create(name="R", source="ledger", external_ref="R1")
    assert a["id"] == b["id"] and b["replayed"] is True
    assert event_types(db) == ["account.created"]


def test_close_rolls_back_an_open_transaction(db_path):
    with crm.Database(db_path) as db:
        db.accounts.create(name="Committed")
        db.begin()
        db.accounts.create(name="Never Committed")
    with crm.Database(db_path) as db:
        assert [a["name"] for a in db.accounts.iter()] == ["Committed"]
        assert event_types(db) == ["account.created"]


def test_readonly_begin_is_readonly(db_path):
    crm.Database(db_path).close()
    with crm.Database(db_path, readonly=True) as ro:
        with pytest.raises(crm.ReadOnly):
            with ro.transaction():
                pass


def test_second_handle_is_busy_while_a_transaction_is_open(db_path):
    with crm.Database(db_path) as one, crm.Database(db_path) as two:
        one.begin()
        one.accounts.create(name="Holding The Lock")
        # crm.h: 5 s busy timeout, then CRM_BUSY; BEGIN IMMEDIATE fails at begin
        with pytest.raises(crm.Busy):
            two.begin()
        assert two.accounts.list()["items"] == []  # readers still read
        one.commit()
        with two.transaction():
            two.accounts.create(name="Now Free")
        assert len(one.accounts.list()["items"]) == 2


def test_failure_after_a_write_rolls_back_the_whole_transaction(db_path, raw_sql):
    """A fault planted in the database (a trigger refusing one account's
    event) makes account.create fail after its first write: the transaction
    is rolled back whole and the handle refuses calls until it is ended."""
    with crm.Database(db_path) as db:
        db.accounts.create(name="Before The Fault")
    if ON_POSTGRES:
        raw_sql(db_path, """
            CREATE FUNCTION planted_fault() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.record_json LIKE '%"name":"Faulty%' THEN
                    RAISE EXCEPTION 'planted fault';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER planted_fault BEFORE INSERT ON crm_events
                FOR EACH ROW EXECUTE FUNCTION planted_fault()""")
    else:
        raw_sql(db_path, "CREATE TRIGGER planted_fault BEFORE INSERT ON crm_events "
                         "WHEN NEW.record_json LIKE '%\"name\":\"Faulty%' "
                         "BEGIN SELECT RAISE(ABORT, 'planted fault'); END")

    with crm.Database(db_path) as db:
        with pytest.raises(crm.CRMError, match="planted fault") as failure:
            with db.transaction():
                db.accounts.create(name="Lost With It")
                try:
                    db.accounts.create(name="Faulty Traders")
                except crm.CRMError as error:
                    assert "host transaction was rolled back" in str(error)
                    # a later call would otherwise commit on its own
                    with pytest.raises(crm.Misuse, match="crm_rollback"):
                        db.accounts.create(name="Would Commit Alone")
                    raise
        assert not isinstance(failure.value, crm.InvalidArgument)
        assert [a["name"] for a in db.accounts.iter()] == ["Before The Fault"]
        with db.transaction():
            db.accounts.create(name="After The Fault")
        assert [a["name"] for a in db.accounts.iter()] == ["Before The Fault", "After The Fault"]
