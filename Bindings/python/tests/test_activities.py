"""Activities: plan, complete (logged in the interaction history), cancel,
list, summary; the time report; follow-up reminders at most once; call
lists that skip phone opt-outs."""

from __future__ import annotations

import pytest

import crm
from _helpers import event_types, last_seq


@pytest.fixture
def customer(db):
    account = db.accounts.create(name="Bester Hardware", owner="thabo", region="Gauteng")
    contact = db.contacts.create(account_id=account["id"], last_name="Bester",
                                 phone="082 555 0101")
    return account, contact


def test_create_get_update_replay(db, customer):
    account, contact = customer
    made = db.activities.create(kind="call", subject="Spring order", contact_id=contact["id"],
                                owner="thabo", due_at="2026-12-02T10:00:00+02:00",
                                source="ledger", external_ref="ACT-1")
    assert made["replayed"] is False and made["status"] == "open"
    assert made["account_id"] == account["id"] and made["due_at"] == "2026-12-02T08:00:00Z"
    again = db.activities.create(kind="call", subject="Spring order", contact_id=contact["id"],
                                 owner="thabo", due_at="2026-12-02T08:00:00Z",
                                 source="ledger", external_ref="ACT-1")
    assert again["replayed"] is True and again["id"] == made["id"]
    assert db.activities.get(source="ledger", external_ref="ACT-1")["id"] == made["id"]
    updated = db.activities.update(made["id"], subject="Spring order, round two", expected_version=1)
    assert updated["version"] == 2
    with pytest.raises(crm.Conflict):
        db.activities.update(made["id"], owner="lerato", expected_version=1)
    with pytest.raises(crm.InvalidArgument, match="at least one of lead_id"):
        db.activities.create(kind="task", subject="Nothing linked")
    with pytest.raises(crm.InvalidArgument, match="kind must be one of"):
        db.activities.create(kind="fax", subject="x", account_id=account["id"])
    assert event_types(db)[-2:] == ["activity.created", "activity.updated"]


def test_complete_logs_the_interaction(db, customer):
    account, contact = customer
    call = db.activities.create(kind="call", subject="Price follow-up", contact_id=contact["id"],
                                owner="thabo")
    seq = last_seq(db)
    done = db.activities.complete(call["id"], outcome="Order promised", minutes_spent=25,
                                  completed_at="2026-11-30T10:00:00Z")
    assert done["status"] == "done" and done["minutes_spent"] == 25
    interaction = db.interactions.get(done["interaction_id"])
    assert interaction["kind"] == "call" and interaction["contact_id"] == contact["id"]
    assert interaction["body"] == "Order promised" and interaction["performed_by"] == "thabo"
    assert event_types(db, seq) == ["interaction.logged", "activity.completed"]
    with pytest.raises(crm.ConstraintViolation, match="done already"):
        db.activities.complete(call["id"])
    with pytest.raises(crm.OutOfRange, match="minutes_spent"):
        task = db.activities.create(kind="task", subject="Quote", account_id=account["id"])
        db.activities.complete(task["id"], minutes_spent=100_000)
    cancelled = db.activities.cancel(task["id"], reason="not needed")
    assert cancelled["status"] == "cancelled" and cancelled["outcome"] == "not needed"
    summary = db.activities.summary(account_id=account["id"])
    assert summary == {"count": 1, "last_completed_at": "2026-11-30T10:00:00Z"}
    assert [a["id"] for a in db.activities.iter(status="done")] == [call["id"]]
    assert [a["id"] for a in db.activities.list(owner="thabo")["items"]] == [call["id"]]


def test_time_report(db, customer):
    account, _ = customer
    for owner, minutes in [("thabo", 30), ("thabo", 45), ("lerato", 10)]:
        made = db.activities.create(kind="visit", subject="Visit", account_id=account["id"],
                                    owner=owner)
        db.activities.complete(made["id"], minutes_spent=minutes,
                               completed_at="2026-11-15T08:00:00Z")
    report = db.activities.time_report("2026-11-01", "2026-11-30", by="owner")
    assert report["items"] == [
        {"owner": "lerato", "completed": 1, "minutes_spent": 10, "average_minutes": 10},
        {"owner": "thabo", "completed": 2, "minutes_spent": 75, "average_minutes": 37},
    ]
    assert report["total"] == {"completed": 3, "minutes_spent": 85, "average_minutes": 28}
    by_account = db.activities.time_report("2026-11-01", "2026-11-30", by="account")
    assert by_account["items"][0]["account_name"] == "Bester Hardware"
    empty = db.activities.time_report("2025-01-01", "2025-01-31")
    assert empty["items"] == [] and empty["total"]["completed"] == 0


def test_reminders_at_most_once(db):
    lead = db.leads.create(company="Khumalo Roofing", owner="thabo")
    assert [r["rule"] for r in db.activities.reminder_rules()] == [
        "lead_untouched", "opportunity_idle", "proposal_no_reply"]
    made = db.activities.run_reminders("2999-01-01")
    assert [(r["rule"], r["record_id"]) for r in made] == [("lead_untouched", lead["id"])]
    assert made[0]["activity"]["owner"] == "thabo"
    assert db.activities.run_reminders("2999-01-01") == []
    assert db.activities.run_reminders("2999-12-31") == []
    due = db.activities.reminders(owner="thabo", date="2999-01-01")["items"]
    assert [a["lead_id"] for a in due] == [lead["id"]]
    assert db.activities.reminders(owner="lerato", date="2999-01-01")["items"] == []
    rule = db.activities.configure_reminder("lead_untouched", days=5, enabled=False)
    assert rule["days"] == 5 and rule["enabled"] is False
    assert "reminder.due" in event_types(db) and "reminder.configured" in event_types(db)
    with pytest.raises(crm.InvalidArgument, match="rule must be one of"):
        db.activities.configure_reminder("stale")


def test_call_list_skips_opted_out_phones(db, customer):
    account, reachable = customer
    opted_out = db.contacts.create(account_id=account["id"], last_name="Nel", phone="082 555 0102")
    db.contacts.consent(opted_out["id"], "phone", "opted_out", source="call centre")
    listed = db.activities.build_call_list("accounts", "Gauteng", region="Gauteng")
    assert listed["entry_count"] == 1 and listed["skipped"] == {"opted_out": 1, "no_phone": 0}
    got = db.activities.call_list(listed["id"])
    assert [e["contact_id"] for e in got["entries"]] == [reachable["id"]]
    assert [s["contact_id"] for s in got["skipped"]] == [opted_out["id"]]
    db.activities.complete(got["entries"][0]["activity_id"], outcome="Call back Friday")
    assert db.activities.call_list(listed["id"])["entries"][0]["outcome"] == "Call back Friday"
    with pytest.raises(crm.InvalidArgument, match="segment applies to accounts only"):
        db.activities.build_call_list("leads", "x", segment="hardware")
