"""The outbox: fetch / ack, at-least-once delivery, persistence."""

from __future__ import annotations

import re

import pytest

import crm
from _helpers import all_events


def _fill(db, n):
    return [db.accounts.create(name=f"Evented {i}") for i in range(n)]


def test_fetch_returns_events_oldest_first_with_consecutive_seqs(db):
    acct = db.accounts.create(name="E")
    db.accounts.update(acct["id"], region="Karoo")
    db.contacts.create(account_id=acct["id"], last_name="C")
    events = db.events.fetch("ledger-sync")
    assert [e["type"] for e in events] == ["account.created", "account.updated",
                                           "contact.created"]
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + 3))
    for event in events:
        assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$", event["occurred_at"])
        assert event["idempotency_key"].endswith(f":{event['seq']}")
    assert events[2]["record"]["last_name"] == "C"


def test_fetch_limit_after_seq_and_last_seq(db):
    _fill(db, 5)
    page = db.events.fetch_page("c", limit=2)
    assert len(page["events"]) == 2
    assert page["last_seq"] == page["events"][-1]["seq"]
    rest = db.events.fetch("c", after_seq=page["last_seq"], limit=10)
    assert len(rest) == 3
    empty = db.events.fetch_page("c", after_seq=rest[-1]["seq"])
    assert empty["events"] == [] and empty["last_seq"] == rest[-1]["seq"]


def test_unacked_events_come_again_acked_ones_do_not(db):
    _fill(db, 3)
    first = db.events.fetch("ledger-sync")
    assert len(first) == 3
    assert db.events.fetch("ledger-sync") == first  # at least once
    db.events.ack("ledger-sync", first[1]["seq"])
    assert db.events.fetch("ledger-sync") == first[2:]
    assert db.events.fetch("ledger-sync", after_seq=0) == first[2:]
    # after_seq below the ack does not go back; above it skips further
    assert db.events.fetch("ledger-sync", after_seq=first[0]["seq"]) == first[2:]
    assert db.events.fetch("ledger-sync", after_seq=first[2]["seq"]) == []
    # an ack at or below the position changes nothing
    db.events.ack("ledger-sync", first[0]["seq"])
    assert db.events.fetch("ledger-sync") == first[2:]
    db.events.ack("ledger-sync", first[2]["seq"])
    assert db.events.fetch("ledger-sync") == []
    # consumers are independent
    assert db.events.fetch("mailer") == first


def test_positions_survive_reopen(db_path):
    with crm.Database(db_path) as db:
        _fill(db, 4)
        events = db.events.fetch("ledger-sync")
        db.events.ack("ledger-sync", events[1]["seq"])
        key = events[0]["idempotency_key"]
    with crm.Database(db_path) as db:
        resumed = db.events.fetch("ledger-sync")
        assert resumed == events[2:]
        assert all_events(db)[0]["idempotency_key"] == key
        db.events.ack("ledger-sync", resumed[-1]["seq"])
        db.accounts.create(name="After Restart")
    with crm.Database(db_path, readonly=True) as db:
        fresh = db.events.fetch("ledger-sync")
        assert [e["type"] for e in fresh] == ["account.created"]
        assert fresh[0]["seq"] == events[-1]["seq"] + 1
        assert fresh[0]["record"]["name"] == "After Restart"


def test_idempotency_keys_differ_between_files(new_target):
    keys = []
    for name in ("one.crm", "two.crm"):
        with crm.Database(new_target(name)) as db:
            db.accounts.create(name="Same")
            keys.append(db.events.fetch("c")[0]["idempotency_key"])
    assert keys[0] != keys[1]
    assert keys[0].split(":")[-1] == keys[1].split(":")[-1]


def test_fetch_and_ack_ranges(db):
    _fill(db, 2)
    for limit in (0, -1, 1001):
        with pytest.raises(crm.OutOfRange):
            db.events.fetch("c", limit=limit)
    assert len(db.events.fetch("c", limit=1)) == 1
    assert len(db.events.fetch("c", limit=1000)) == 2
    with pytest.raises(crm.OutOfRange):
        db.events.fetch("c", after_seq=-1)
    with pytest.raises(crm.OutOfRange):  # does not fit int64: refused before C
        db.events.fetch("c", after_seq=2 ** 63)
    with pytest.raises(crm.OutOfRange):
        db.events.fetch("c", limit=2 ** 32 + 10)  # would wrap to 10 in C
    last = db.events.fetch("c")[-1]["seq"]
    with pytest.raises(crm.OutOfRange):
        db.events.ack("c", last + 1)  # never written
    with pytest.raises(crm.OutOfRange):
        db.events.ack("c", -5)
    assert len(db.events.fetch("c")) == 2  # the failed acks changed nothing


def test_consumer_names(db):
    _fill(db, 1)
    with pytest.raises(crm.InvalidArgument):
        db.events.fetch("")
    with pytest.raises((crm.InvalidArgument, crm.OutOfRange)):
        db.events.fetch("c" * 101)
    with pytest.raises((crm.InvalidArgument, crm.OutOfRange)):
        db.events.ack("c" * 101, 1)
    assert len(db.events.fetch("c" * 100)) == 1
    assert len(db.events.fetch("kassa-sinkronisasie ✓")) == 1


def test_fetch_with_no_events(db):
    page = db.events.fetch_page("c")
    assert page == {"events": [], "last_seq": 0}
    with pytest.raises(crm.OutOfRange):
        db.events.ack("c", 1)
    db.events.ack("c", 0)  # at the current position: nothing to do


def test_outbox_and_hooks_agree(db):
    heard = []
    db.on("*", lambda t, e: heard.append(e))
    acct = db.accounts.create(name="Agree")
    db.contacts.consent(db.contacts.create(account_id=acct["id"], last_name="P")["id"],
                        "email", "opted_in", source="web form")
    assert heard == db.events.fetch("agree")
