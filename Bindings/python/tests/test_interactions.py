"""Interactions: logging, replay, and the list filters."""

from __future__ import annotations

import datetime as dt

import pytest

import crm
from _helpers import event_types


def test_log_and_get(db, account):
    person = db.contacts.create(account_id=account["id"], last_name="Nel")
    logged = db.interactions.log(
        account_id=account["id"], contact_id=person["id"], kind="call",
        direction="inbound", subject="Quote for fencing", body="Wants 200m of wire.",
        performed_by="thandi", occurred_at="2026-11-30T09:30:00Z",
        links=[{"record_type": "quote", "record_id": "Q-1042"}],
        source="ledger", external_ref="CALL-1")
    assert logged["replayed"] is False
    assert logged["direction"] == "inbound"
    got = db.interactions.get(logged["id"])
    assert got["links"] == [{"record_type": "quote", "record_id": "Q-1042"}]
    assert got["occurred_at"] == "2026-11-30T09:30:00Z"
    assert db.interactions.get(source="ledger", external_ref="CALL-1")["id"] == logged["id"]
    assert db.find_by_ref("interaction", "ledger", "CALL-1") == logged["id"]
    assert event_types(db)[-1] == "interaction.logged"


def test_direction_defaults(db, account):
    note = db.interactions.log(account_id=account["id"], kind="note",
                               occurred_at="2026-11-30T09:30:00Z")
    call = db.interactions.log(account_id=account["id"], kind="call",
                               occurred_at="2026-11-30T09:30:00Z")
    assert note["direction"] == "internal" and call["direction"] == "outbound"


def test_python_datetimes_are_sent_as_rfc3339(db, account):
    when = dt.datetime(2026, 11, 30, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    logged = db.interactions.log(account_id=account["id"], kind="visit", occurred_at=when)
    assert logged["occurred_at"] == "2026-11-30T09:30:00Z"


def test_replay_and_conflict(db, account):
    fields = dict(account_id=account["id"], kind="email", subject="Statement",
                  occurred_at="2026-11-01T07:00:00Z", source="mailer", external_ref="M-9")
    first = db.interactions.log(**fields)
    again = db.interactions.log(**fields)
    assert again["id"] == first["id"] and again["replayed"] is True
    with pytest.raises(crm.Conflict) as info:
        db.interactions.log(**dict(fields, subject="Statement (corrected)"))
    assert "subject" in info.value.message


def test_log_validates(db, account):
    with pytest.raises(crm.InvalidArgument) as info:
        db.interactions.log(account_id=account["id"], kind="call")
    assert "occurred_at" in info.value.message
    with pytest.raises(crm.InvalidArgument) as info:
        db.interactions.log(account_id=account["id"], kind="telepathy",
                            occurred_at="2026-11-30T09:30:00Z")
    assert "kind" in info.value.message
    with pytest.raises(crm.InvalidArgument):
        db.interactions.log(account_id=account["id"], kind="call",
                            occurred_at="30/11/2026")
    with pytest.raises(crm.NotFound):
        db.interactions.log(account_id=999999, kind="call",
                            occurred_at="2026-11-30T09:30:00Z")
    other = db.accounts.create(name="Elsewhere")
    stranger = db.contacts.create(account_id=other["id"], last_name="Stranger")
    with pytest.raises(crm.CRMError):  # a contact of another account
        db.interactions.log(account_id=account["id"], contact_id=stranger["id"],
                            kind="call", occurred_at="2026-11-30T09:30:00Z")
    with pytest.raises(crm.OutOfRange):
        db.interactions.log(account_id=account["id"], kind="note", body="b" * 20001,
                            occurred_at="2026-11-30T09:30:00Z")
    with pytest.raises(crm.OutOfRange):
        db.interactions.log(account_id=account["id"], kind="note",
                            occurred_at="2026-11-30T09:30:00Z",
                            links=[{"record_type": "invoice", "record_id": str(n)}
                                   for n in range(21)])


def test_interactions_are_never_updated(db, account):
    logged = db.interactions.log(account_id=account["id"], kind="note",
                                 occurred_at="2026-11-30T09:30:00Z")
    with pytest.raises(crm.InvalidArgument):
        db.exec("interaction.update", id=logged["id"], subject="rewrite history")


@pytest.fixture
def history(db, account):
    other = db.accounts.create(name="Other Co")
    anna = db.contacts.create(account_id=account["id"], last_name="Anna")
    rows = [  # logged out of order on purpose
        (account, "call", "2026-11-03T16:00:00Z", anna),
        (account, "email", "2026-11-01T08:00:00Z", None),
        (other, "call", "2026-11-02T12:00:00Z", None),
        (account, "visit", "2026-11-03T23:59:59Z", None),
        (account, "call", "2026-11-04T00:00:00Z", None),
        (account, "call", "2026-11-03T16:00:00Z", None),
    ]
    logged = []
    for acct, kind, when, person in rows:
        logged.append(db.interactions.log(
            account_id=acct["id"], kind=kind, occurred_at=when,
            contact_id=person["id"] if person else None, subject=f"{kind} {when}"))
    return {"account": account, "other": other, "anna": anna, "logged": logged}


def _ids(items):
    return [i["id"] for i in items]


def test_list_is_ordered_by_occurred_at_then_id(db, history):
    got = list(db.interactions.iter(limit=2))
    logged = history["logged"]
    expected = [logged[1], logged[2], logged[0], logged[5], logged[3], logged[4]]
    assert _ids(got) == _ids(expected)


def test_list_filters_by_account_kind_and_contact(db, history):
    logged = history["logged"]
    acct = history["account"]["id"]
    assert _ids(db.interactions.iter(account_id=acct)) == \
        _ids([logged[1], logged[0], logged[5], logged[3], logged[4]])
    assert _ids(db.interactions.iter(account_id=acct, kind="call")) == \
        _ids([logged[0], logged[5], logged[4]])
    assert _ids(db.interactions.iter(kind="call")) == \
        _ids([logged[2], logged[0], logged[5], logged[4]])
    assert _ids(db.interactions.iter(contact_id=history["anna"]["id"])) == _ids([logged[0]])


def test_list_filters_by_date_range(db, history):
    logged = history["logged"]
    acct = history["account"]["id"]
    # a date `to` includes that whole day; `from` is inclusive
    day3 = list(db.interactions.iter(account_id=acct, from_="2026-11-03", to="2026-11-03"))
    assert _ids(day3) == _ids([logged[0], logged[5], logged[3]])
    assert _ids(db.interactions.iter({"account_id": acct, "from": "2026-11-02",
                                      "to": "2026-11-03"})) == \
        _ids([logged[0], logged[5], logged[3]])
    since = db.interactions.iter(account_id=acct, from_="2026-11-03T16:00:00Z")
    assert _ids(since) == _ids([logged[0], logged[5], logged[3], logged[4]])
    until = db.interactions.iter(account_id=acct, to="2026-11-03T16:00:00Z")
    assert _ids(until) == _ids([logged[1], logged[0], logged[5]])
    as_dates = db.interactions.iter(account_id=acct, from_=dt.date(2026, 11, 4),
                                    to=dt.date(2026, 11, 30))
    assert _ids(as_dates) == _ids([logged[4]])
    with pytest.raises(crm.InvalidArgument):
        db.interactions.list(from_="last tuesday")


def test_replay_with_the_timestamp_read_back(db, account):
    """A host that sends what it read back must get a replay: the record says
    occurred_at is the read-back value, so the content is the same."""
    for ref, sent in (("FRAC", "2026-06-30T10:00:00.250Z"),
                      ("OFFSET", "2026-06-30T12:00:00+02:00"),
                      ("LEAP", "2026-06-30T23:59:60Z")):
        first = db.interactions.log(account_id=account["id"], kind="call",
                                    occurred_at=sent, source="ledger", external_ref=ref)
        again = db.interactions.log(account_id=account["id"], kind="call",
                                    occurred_at=first["occurred_at"],
                                    source="ledger", external_ref=ref)
        assert (again["id"], again["replayed"]) == (first["id"], True), (sent, first["occurred_at"])


def test_conflict_message_names_a_command_that_exists(db, account):
    db.interactions.log(account_id=account["id"], kind="call", subject="A",
                        occurred_at="2026-06-30T10:00:00Z", source="ledger", external_ref="X")
    with pytest.raises(crm.Conflict) as info:
        db.interactions.log(account_id=account["id"], kind="call", subject="B",
                            occurred_at="2026-06-30T10:00:00Z", source="ledger",
                            external_ref="X")
    assert "subject" in info.value.message
    assert "interaction.update" not in info.value.message  # there is no such command
