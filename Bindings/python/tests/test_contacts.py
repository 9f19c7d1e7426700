"""Contacts, consent (with its history) and preferences."""

from __future__ import annotations

import pytest

import crm
from _helpers import all_events, changed_fields, event_types, last_seq


@pytest.fixture
def contact(db, account):
    return db.contacts.create(account_id=account["id"], first_name="Anna",
                              last_name="van der Merwe", role="buyer",
                              email="anna@karoo.example", mobile="+27 82 555 0101",
                              preferred_channel="sms", source="ledger",
                              external_ref="C0001-1")


def test_create_and_get(db, account, contact):
    assert contact["replayed"] is False and contact["version"] == 1
    assert contact["account_id"] == account["id"]
    assert contact["archived"] is False
    assert contact["consent"] == {"email": None, "sms": None, "phone": None, "post": None}
    assert contact["preferences"] == {}
    got = db.contacts.get(contact["id"])
    assert got["last_name"] == "van der Merwe"
    assert db.contacts.get(source="ledger", external_ref="C0001-1")["id"] == contact["id"]
    assert db.find_by_ref("contact", "ledger", "C0001-1") == contact["id"]
    assert "contact.created" in event_types(db)


def test_create_requires_last_name_and_an_open_account(db, account):
    with pytest.raises(crm.InvalidArgument) as info:
        db.contacts.create(account_id=account["id"], first_name="Only")
    assert "last_name" in info.value.message
    with pytest.raises(crm.InvalidArgument) as info:
        db.contacts.create(last_name="Orphan")
    assert "account_id" in info.value.message
    with pytest.raises(crm.NotFound):
        db.contacts.create(account_id=999999, last_name="Nowhere")
    db.accounts.archive(account["id"])
    with pytest.raises(crm.ConstraintViolation):
        db.contacts.create(account_id=account["id"], last_name="Late")


def test_contact_replay(db, account, contact):
    again = db.contacts.create(account_id=account["id"], first_name="Anna",
                               last_name="van der Merwe", role="buyer",
                               email="anna@karoo.example", mobile="+27 82 555 0101",
                               preferred_channel="sms", source="ledger",
                               external_ref="C0001-1")
    assert again["id"] == contact["id"] and again["replayed"] is True
    with pytest.raises(crm.Conflict) as info:
        db.contacts.create(account_id=account["id"], first_name="Anna",
                           last_name="Smit", role="buyer",
                           email="anna@karoo.example", mobile="+27 82 555 0101",
                           preferred_channel="sms", source="ledger",
                           external_ref="C0001-1")
    assert "last_name" in info.value.message


def test_update_moves_and_archive(db, account, contact):
    other = db.accounts.create(name="Second Shop")
    seq = last_seq(db)
    moved = db.contacts.update(contact["id"], account_id=other["id"], role=None)
    assert moved["account_id"] == other["id"] and moved["role"] is None
    assert moved["version"] == 2
    events = all_events(db, after_seq=seq)
    assert [e["type"] for e in events] == ["contact.updated"]
    assert sorted(changed_fields(events[0])) == ["account_id", "role"]
    with pytest.raises(crm.InvalidArgument):
        db.contacts.update(contact["id"], preferred_channel="pigeon")
    archived = db.contacts.archive(contact["id"])
    assert archived["archived"] is True
    assert event_types(db)[-1] == "contact.archived"


def test_list_by_account_and_email(db, account, contact):
    other = db.accounts.create(name="Second Shop")
    db.contacts.create(account_id=other["id"], last_name="Botha", email="b@second.example")
    db.contacts.create(account_id=account["id"], last_name="Nel")
    names = [c["last_name"] for c in db.contacts.iter(account_id=account["id"])]
    assert names == ["van der Merwe", "Nel"]
    assert [c["last_name"] for c in db.contacts.iter(email="b@second.example")] == ["Botha"]
    assert len(list(db.contacts.iter(limit=1))) == 3
    db.contacts.archive(contact["id"])
    assert [c["last_name"] for c in db.contacts.iter(account_id=account["id"])] == ["Nel"]
    assert len(list(db.contacts.iter(account_id=account["id"], include_archived=True))) == 2


def test_consent_and_history(db, contact):
    seq = last_seq(db)
    after = db.contacts.consent(contact["id"], "email", "opted_in", source="web form",
                                recorded_at="2026-11-01T08:00:00Z")
    assert after["consent"]["email"] == {"status": "opted_in",
                                         "recorded_at": "2026-11-01T08:00:00Z",
                                         "source": "web form"}
    assert after["consent"]["sms"] is None
    events = all_events(db, after_seq=seq)
    assert [e["type"] for e in events] == ["consent.changed"]
    record = events[0]["record"]
    assert record["contact_id"] == contact["id"]
    assert record["account_id"] == contact["account_id"]
    assert (record["channel"], record["status"], record["source"]) == \
        ("email", "opted_in", "web form")

    # the same status again: no-op, no event, no history entry
    seq = last_seq(db)
    db.contacts.consent(contact["id"], "email", "opted_in", source="web form")
    assert all_events(db, after_seq=seq) == []

    db.contacts.consent(contact["id"], "email", "opted_out", source="phone call",
                        recorded_at="2026-11-20T08:00:00Z")
    db.contacts.consent(contact["id"], "sms", "opted_in", source="signed application")
    history = db.contacts.consent_history(contact["id"])
    assert [(h["channel"], h["status"], h["source"]) for h in history] == [
        ("email", "opted_in", "web form"),
        ("email", "opted_out", "phone call"),
        ("sms", "opted_in", "signed application")]
    current = db.contacts.get(contact["id"])["consent"]
    assert current["email"]["status"] == "opted_out"
    assert current["sms"]["status"] == "opted_in"


def test_consent_arguments_are_checked(db, contact):
    with pytest.raises(crm.InvalidArgument) as info:
        db.contacts.consent(contact["id"], "carrier-pigeon", "opted_in", source="x")
    assert "channel" in info.value.message
    with pytest.raises(crm.InvalidArgument) as info:
        db.contacts.consent(contact["id"], "email", "maybe", source="x")
    assert "status" in info.value.message
    with pytest.raises(crm.InvalidArgument):
        db.exec("contact.consent", contact_id=contact["id"], channel="email",
                status="opted_in")  # source is required
    with pytest.raises(crm.InvalidArgument):
        db.contacts.consent(contact["id"], "email", "opted_in", source="x",
                            recorded_at="yesterday")
    with pytest.raises(crm.NotFound):
        db.contacts.consent(999999, "email", "opted_in", source="x")
    assert db.contacts.consent_history(contact["id"]) == []


def test_preferences(db, contact):
    seq = last_seq(db)
    after = db.contacts.preferences(contact["id"], language="af", invoice_format="pdf")
    assert after["preferences"] == {"language": "af", "invoice_format": "pdf"}
    events = all_events(db, after_seq=seq)
    assert [e["type"] for e in events] == ["contact.updated"]
    assert changed_fields(events[0]) == ["preferences"]

    after = db.contacts.preferences(contact["id"], {"invoice-format": "paper"},
                                    invoice_format=None)
    assert after["preferences"] == {"language": "af", "invoice-format": "paper"}

    seq = last_seq(db)
    same = db.contacts.preferences(contact["id"], language="af")
    assert same["preferences"] == {"language": "af", "invoice-format": "paper"}
    assert db.contacts.preferences(contact["id"])["preferences"] == same["preferences"]
    assert all_events(db, after_seq=seq) == []

    with pytest.raises(crm.OutOfRange):
        db.contacts.preferences(contact["id"], {"k" * 51: "v"})
    with pytest.raises(crm.OutOfRange):
        db.contacts.preferences(contact["id"], language="v" * 501)
    with pytest.raises(crm.InvalidArgument):
        db.contacts.preferences(contact["id"], language=5)
    assert db.contacts.get(contact["id"])["preferences"] == same["preferences"]


def test_too_many_preferences(db, contact):
    db.contacts.preferences(contact["id"], {f"key{n}": "v" for n in range(100)})
    with pytest.raises((crm.OutOfRange, crm.ConstraintViolation, crm.InvalidArgument)):
        db.contacts.preferences(contact["id"], one_too_many="v")
    assert len(db.contacts.get(contact["id"])["preferences"]) == 100


def test_export_and_erase_a_person(db, account):
    c = db.contacts.create(account_id=account["id"], first_name="Sipho", last_name="Nkosi",
                           email="sipho@example.co.za", source="ledger", external_ref="P-9")
    db.contacts.consent(c["id"], "email", "opted_in", source="signed form")
    db.interactions.log(account_id=account["id"], contact_id=c["id"], kind="call",
                        occurred_at="2026-11-30T10:00:00Z", subject="Sipho's quote")
    export = db.contacts.export(source="ledger", external_ref="P-9")
    assert export["contact"]["email"] == "sipho@example.co.za"
    assert [i["subject"] for i in export["interactions"]] == ["Sipho's quote"]
    assert [e["type"] for e in export["events"]] == ["contact.created", "consent.changed", "interaction.logged"]

    heard = []
    db.on("contact.erased", lambda kind, event: heard.append(event["record"]))
    erased = db.contacts.erase(c["id"])
    assert erased["erased"] is True and erased["email"] is None and erased["last_name"] == ""
    assert heard == [{"id": c["id"], "account_id": account["id"], "erased_at": erased["erased_at"]}]
    with pytest.raises(crm.NotFound):
        db.contacts.get(source="ledger", external_ref="P-9")
    with pytest.raises(crm.ConstraintViolation, match="was erased"):
        db.contacts.update(c["id"], first_name="Sipho")
    assert all("Sipho" not in str(e["record"]) and "sipho@" not in str(e["record"])
               for e in db.events.fetch("privacy-check"))
