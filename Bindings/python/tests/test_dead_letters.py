"""The outbox's consumers, dead letters and retention: db.events.consumers,
fail, dead_letters, replay, settle, retire, prune."""

from __future__ import annotations

import pytest

import crm


def _fill(db, n):
    for i in range(n):
        db.accounts.create(name=f"Dead Letter {i}")
    return [e["seq"] for e in db.events.fetch("probe", limit=1000)]


def test_a_failing_event_is_parked_replayed_and_settled(db):
    seqs = _fill(db, 3)
    db.events.ack("ledger", seqs[0])
    for attempt in (1, 2):
        answer = db.events.fail("ledger", seqs[1], "exit 1", max_attempts=3)
        assert answer["attempts"] == attempt and answer["parked"] is False
        assert answer["state"] == "failing"
    parked = db.events.fail("ledger", seqs[1], "exit 1: ledger offline", max_attempts=3)
    assert parked["parked"] is True and parked["state"] == "parked"
    db.events.ack("ledger", seqs[2])  # the position moves past the parked event

    [ledger] = [c for c in db.events.consumers() if c["name"] == "ledger"]
    assert ledger["acked_seq"] == seqs[2] and ledger["lag"] == 0
    assert ledger["dead_letters"] == 1 and ledger["failing"] == 0
    [letter] = db.events.dead_letters("ledger")
    assert letter["seq"] == seqs[1] and letter["attempts"] == 3
    assert letter["last_error"] == "exit 1: ledger offline"
    assert letter["event"]["type"] == "account.created"
    assert letter["event"]["record"]["name"] == "Dead Letter 1"

    replayed = db.events.replay("ledger", seqs[1])
    assert replayed["state"] == "replay" and replayed["attempts"] == 0
    assert [d["seq"] for d in db.events.dead_letters("ledger", state="replay")] == [seqs[1]]
    assert db.events.dead_letters("ledger", state="parked") == []
    assert db.events.settle("ledger", seqs[1])["settled"] is True
    assert db.events.dead_letters("ledger") == []


def test_prune_keeps_what_a_late_consumer_lacks_and_retire_releases_it(db):
    seqs = _fill(db, 4)
    db.events.ack("ledger", seqs[-1])
    db.events.ack("late", seqs[1])
    young = db.events.prune()  # everything is younger than 90 days
    assert young["pruned"] == 0 and young["held_back_by"] == "late"
    # older_than_days=0 prunes what is older than now: the events just made
    # may share this second, so only what the slowest consumer has is at stake.
    answer = db.events.prune(older_than_days=0)
    assert answer["pruned"] <= 2 and answer["up_to_seq"] == seqs[1]
    assert [e["seq"] for e in db.events.fetch("late")] == seqs[2:]
    retired = db.events.retire("late")
    assert retired["retired_at"] is not None
    with pytest.raises(crm.ConstraintViolation) as refused:
        db.events.fetch("late")
    assert "retired" in refused.value.message
    assert db.events.prune(older_than_days=0)["held_back_by"] == "ledger"
    # seq goes on above the old maximum whatever was pruned
    db.accounts.create(name="After The Prune")
    assert [e["seq"] for e in db.events.fetch("ledger")] == [seqs[-1] + 1]


def test_bad_input_names_the_field_and_changes_nothing(db):
    seqs = _fill(db, 2)
    db.events.ack("ledger", seqs[0])
    with pytest.raises(crm.NotFound) as missing:
        db.events.fail("ledger", 999, "x")
    assert "seq 999" in missing.value.message
    with pytest.raises(crm.Conflict) as delivered:
        db.events.fail("ledger", seqs[0], "x")
    assert "acknowledged position" in delivered.value.message
    with pytest.raises(crm.OutOfRange) as attempts:
        db.events.fail("ledger", seqs[1], "x", max_attempts=0)
    assert "max_attempts" in attempts.value.message
    with pytest.raises(crm.NotFound):
        db.events.replay("ledger", seqs[1])
    with pytest.raises(crm.NotFound) as ghost:
        db.events.retire("ghost")
    assert "ghost" in ghost.value.message
    with pytest.raises(crm.OutOfRange) as days:
        db.events.prune(older_than_days=-1)
    assert "older_than_days" in days.value.message
    [ledger] = [c for c in db.events.consumers() if c["name"] == "ledger"]
    assert ledger["failing"] == 0 and ledger["dead_letters"] == 0 and ledger["retired_at"] is None


def test_prune_with_a_limit_answers_whether_more_is_left(db):
    seqs = _fill(db, 3)
    db.events.ack("ledger", seqs[-1])
    answer = db.events.prune(older_than_days=0, limit=1)
    assert answer["pruned"] <= 1
    assert answer["more"] is (answer["pruned"] == 1)
    with pytest.raises(crm.OutOfRange) as limit:
        db.events.prune(limit=0)
    assert "limit" in limit.value.message
