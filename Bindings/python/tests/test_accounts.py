"""Accounts: create/get/update/archive, paging, replay, search, duplicates, merge."""

from __future__ import annotations

import re

import pytest

import crm
from _helpers import all_events, changed_fields, event_types

RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def test_create_fills_defaults(db):
    acct = db.accounts.create(name="Cape Builders")
    assert isinstance(acct["id"], int) and acct["id"] > 0
    assert acct["replayed"] is False
    expected = {"name": "Cape Builders", "kind": "business", "strategic": False,
                "national": False, "currency": "ZAR", "payment_terms_days": 30,
                "status": "prospect", "tags": [], "addresses": [],
                "archived": False, "archived_at": None, "merged_into_id": None,
                "credit_limit_minor": None, "parent_account_id": None,
                "external_refs": [], "version": 1}
    assert {k: acct[k] for k in expected} == expected
    assert RFC3339_UTC.match(acct["created_at"]) and RFC3339_UTC.match(acct["updated_at"])


def test_create_with_every_field(db):
    parent = db.accounts.create(name="Group HQ")
    acct = db.accounts.create(
        name="Boland Hardware (Paarl)", kind="dealer", strategic=True, national=True,
        size_band="medium", segment="hardware", tags=["paint", "tools", "bolts"],
        region="Western Cape", currency="ZAR", payment_terms_days=60,
        credit_limit_minor=500000, owner="thandi", status="active",
        parent_account_id=parent["id"], tax_number="4123456789",
        email="accounts@boland.example", phone="+27 21 555 0101",
        website="https://boland.example", notes="Collects on Fridays.",
        addresses=[{"kind": "shipping", "line1": "12 Main Road", "city": "Paarl",
                    "postal_code": "7646", "country": "ZA"}],
        source="ledger", external_ref="BOL001")
    again = db.accounts.get(acct["id"])
    assert again["tags"] == ["bolts", "paint", "tools"]  # kept sorted
    assert again["credit_limit_minor"] == 500000
    assert again["parent_account_id"] == parent["id"]
    assert again["addresses"][0]["line1"] == "12 Main Road"
    assert again["addresses"][0]["country"] == "ZA"
    assert again["external_refs"] == [{"source": "ledger", "external_ref": "BOL001"}]
    assert {k: v for k, v in again.items() if k != "replayed"} == \
        {k: v for k, v in acct.items() if k != "replayed"}


def test_address_kind_defaults_to_billing(db):
    acct = db.accounts.create(name="Addr", addresses=[{"line1": "1 Long Street"}])
    assert acct["addresses"][0]["kind"] == "billing"
    with pytest.raises(crm.InvalidArgument) as info:
        db.accounts.create(name="Addr2", addresses=[{"city": "Paarl"}])
    assert "line1" in info.value.message


def test_get_by_reference(db, account):
    by_ref = db.accounts.get(source="ledger", external_ref="C0001")
    assert by_ref["id"] == account["id"]
    assert db.find_by_ref("account", "ledger", "C0001") == account["id"]
    with pytest.raises(crm.NotFound):
        db.find_by_ref("account", "ledger", "C9999")
    with pytest.raises(crm.NotFound):
        db.find_by_ref("contact", "ledger", "C0001")
    with pytest.raises(crm.InvalidArgument):
        db.find_by_ref("invoice-ish", "ledger", "C0001")


def test_update_changes_only_given_fields(db, account):
    seq = all_events(db)[-1]["seq"]
    updated = db.accounts.update(account["id"], region="Karoo", segment="farming")
    assert updated["region"] == "Karoo" and updated["segment"] == "farming"
    assert updated["name"] == account["name"]
    assert updated["version"] == 2
    events = all_events(db, after_seq=seq)
    assert [e["type"] for e in events] == ["account.updated"]
    assert sorted(changed_fields(events[0])) == ["region", "segment"]
    # null clears a field
    cleared = db.accounts.update(account["id"], segment=None)
    assert cleared["segment"] is None and cleared["region"] == "Karoo"
    assert cleared["version"] == 3
    # update by reference
    by_ref = db.accounts.update(source="ledger", external_ref="C0001", owner="pieter")
    assert by_ref["id"] == account["id"] and by_ref["owner"] == "pieter"


def test_update_that_changes_nothing_writes_nothing(db, account):
    before = db.accounts.get(account["id"])
    seq = all_events(db)[-1]["seq"]
    same = db.accounts.update(account["id"], name=account["name"])
    assert same["version"] == before["version"]
    assert all_events(db, after_seq=seq) == []


def test_update_replaces_tags_whole(db):
    acct = db.accounts.create(name="Tagged", tags=["b", "a"])
    assert db.accounts.update(acct["id"], tags=["c"])["tags"] == ["c"]
    assert db.accounts.update(acct["id"], tags=[])["tags"] == []


def test_expected_version_prevents_lost_updates(db, account):
    first = db.accounts.update(account["id"], expected_version=1, owner="a")
    assert first["version"] == 2
    with pytest.raises(crm.Conflict) as info:
        db.accounts.update(account["id"], expected_version=1, owner="b")
    assert info.value.code == crm.CRM_CONFLICT
    assert db.accounts.get(account["id"])["owner"] == "a"


def test_read_only_fields_cannot_be_written(db, account):
    for field, value in [("archived", True), ("version", 9), ("merged_into_id", 1),
                         ("external_refs", [])]:
        with pytest.raises(crm.InvalidArgument) as info:
            db.accounts.update(account["id"], **{field: value})
        assert field in info.value.message


def test_archive(db, account):
    archived = db.accounts.archive(account["id"])
    assert archived["archived"] is True
    assert RFC3339_UTC.match(archived["archived_at"])
    assert event_types(db)[-1] == "account.archived"
    with pytest.raises(crm.ConstraintViolation):
        db.accounts.archive(account["id"])
    with pytest.raises(crm.ConstraintViolation) as info:
        db.accounts.update(account["id"], name="Zombie")
    assert info.value.code == crm.CRM_CONSTRAINT
    assert db.accounts.list()["items"] == []
    listed = db.accounts.list(include_archived=True)["items"]
    assert [a["id"] for a in listed] == [account["id"]]
    assert db.accounts.get(account["id"])["archived"] is True


def test_list_pages_and_iter_walks_every_page(db):
    ids = [db.accounts.create(name=f"Customer {n:02d}")["id"] for n in range(7)]
    page = db.accounts.list(limit=3)
    assert [a["id"] for a in page["items"]] == ids[:3]
    assert isinstance(page["next_cursor"], str) and page["next_cursor"]
    page2 = db.accounts.list(limit=3, cursor=page["next_cursor"])
    assert [a["id"] for a in page2["items"]] == ids[3:6]
    page3 = db.accounts.list(limit=3, cursor=page2["next_cursor"])
    assert [a["id"] for a in page3["items"]] == ids[6:]
    assert page3["next_cursor"] is None
    assert [a["id"] for a in db.accounts.iter(limit=3)] == ids
    assert [a["id"] for a in db.accounts.iter(limit=7)] == ids
    assert [a["id"] for a in db.accounts.iter()] == ids
    assert db.accounts.list()["next_cursor"] is None


def test_iter_is_lazy_and_sees_new_rows_in_later_pages(db):
    for n in range(4):
        db.accounts.create(name=f"Lazy {n}")
    walker = db.accounts.iter(limit=2)
    first = next(walker)
    assert first["name"] == "Lazy 0"
    db.accounts.create(name="Lazy 4")
    assert [a["name"] for a in walker] == ["Lazy 1", "Lazy 2", "Lazy 3", "Lazy 4"]


def test_bad_cursor_is_invalid(db):
    with pytest.raises(crm.InvalidArgument):
        db.accounts.list(cursor="definitely-not-a-cursor")


def test_list_filters(db):
    a = db.accounts.create(name="A", status="active", kind="dealer", tags=["vip"],
                           strategic=True, region="Karoo", owner="thandi", segment="farm")
    b = db.accounts.create(name="B", status="prospect", kind="consumer",
                           parent_account_id=a["id"])
    c = db.accounts.create(name="C", status="active", kind="business", tags=["vip", "x"])

    def names(**filters):
        return [r["name"] for r in db.accounts.iter(**filters)]

    assert names(status="active") == ["A", "C"]
    assert names(kind="consumer") == ["B"]
    assert names(tag="vip") == ["A", "C"]
    assert names(strategic=True) == ["A"]
    assert names(strategic=False) == ["B", "C"]
    assert names(region="Karoo") == ["A"]
    assert names(owner="thandi") == ["A"]
    assert names(segment="farm") == ["A"]
    assert names(parent_account_id=a["id"]) == ["B"]
    assert names(status="active", tag="x") == ["C"]
    assert names(status=None) == ["A", "B", "C"]  # None filters are left out
    assert c["id"] > b["id"] > a["id"]


# -- replay --------------------------------------------------------------------------

def test_replay_same_reference_same_content(db):
    fields = dict(name="Karoo Farm Supplies", region="Karoo", tags=["farm"],
                  source="ledger", external_ref="C0001")
    first = db.accounts.create(**fields)
    events_after_first = event_types(db)
    again = db.accounts.create(**fields)
    assert again["id"] == first["id"]
    assert first["replayed"] is False and again["replayed"] is True
    assert {k: v for k, v in again.items() if k != "replayed"} == \
        {k: v for k, v in first.items() if k != "replayed"}
    assert event_types(db) == events_after_first  # no second event
    assert len(db.accounts.list()["items"]) == 1


def test_replay_with_different_content_is_conflict_naming_the_field(db):
    db.accounts.create(name="Karoo Farm Supplies", region="Karoo",
                       source="ledger", external_ref="C0001")
    with pytest.raises(crm.Conflict) as info:
        db.accounts.create(name="Karoo Farm Supplies", region="Boland",
                           source="ledger", external_ref="C0001")
    assert "region" in info.value.message
    with pytest.raises(crm.Conflict) as info:
        db.accounts.create(name="Karoo Farm & Co", region="Karoo",
                           source="ledger", external_ref="C0001")
    assert "name" in info.value.message
    assert len(db.accounts.list()["items"]) == 1


def test_same_reference_in_another_source_is_another_record(db):
    a = db.accounts.create(name="Same Code", source="ledger", external_ref="X1")
    b = db.accounts.create(name="Same Code", source="webshop", external_ref="X1")
    assert a["id"] != b["id"] and not b["replayed"]


def test_reference_needs_both_halves(db):
    with pytest.raises(crm.InvalidArgument):
        db.accounts.create(name="Half", source="ledger")
    with pytest.raises(crm.InvalidArgument):
        db.accounts.create(name="Half", external_ref="H1")
    with pytest.raises(crm.OutOfRange):
        db.accounts.create(name="Long Ref", source="ledger", external_ref="r" * 201)
    with pytest.raises(crm.OutOfRange):
        db.accounts.create(name="Long Src", source="s" * 101, external_ref="r")


# -- search and duplicates --------------------------------------------------------------

def test_search(db):
    karoo = db.accounts.create(name="Karoo Farm Supplies", email="Orders@Karoo.example",
                               phone="+27 (23) 555-0100", tax_number="4-123-456 789",
                               source="ledger", external_ref="C0001")
    cafe = db.accounts.create(name="Café Hardware Élan")
    gone = db.accounts.create(name="Karoo Old Branch")
    db.accounts.archive(gone["id"])

    hits = db.accounts.search("karoo")
    assert [(h["id"], h["matched_on"]) for h in hits] == [(karoo["id"], "name")]
    assert [h["id"] for h in db.accounts.search("CAFE HARDWARE ELAN")] == [cafe["id"]]
    assert [h["id"] for h in db.accounts.search("hardware")] == [cafe["id"]]
    assert [h["matched_on"] for h in db.accounts.search("orders@karoo.example")] == ["email"]
    assert [h["matched_on"] for h in db.accounts.search("27235550100")] == ["phone"]
    assert [h["matched_on"] for h in db.accounts.search("4123456789")] == ["tax_number"]
    assert [h["matched_on"] for h in db.accounts.search("C0001")] == ["external_ref"]
    assert db.accounts.search("nothing like it") == []
    with pytest.raises(crm.OutOfRange):
        db.accounts.search("q" * 201)
    with pytest.raises((crm.InvalidArgument, crm.OutOfRange)):
        db.accounts.search("")
    with pytest.raises(crm.OutOfRange):
        db.accounts.search("karoo", limit=101)


def test_search_and_duplicates_say_when_more_matched(db):
    for number in range(4):
        db.accounts.create(name=f"Protea Roofing {number}", email="sales@protea.example")
    assert db.accounts.search("protea", limit=3).truncated is True
    everything = db.accounts.search("protea", limit=4)
    assert len(everything) == 4 and everything.truncated is False
    assert db.accounts.duplicates(limit=5).truncated is True   # 6 pairs share the e-mail
    assert db.accounts.duplicates(limit=6).truncated is False


def test_duplicates(db):
    a = db.accounts.create(name="Cape Builders (Pty) Ltd", phone="021 555 0199")
    b = db.accounts.create(name="CAPE BUILDERS", phone="0215550199")
    c = db.accounts.create(name="Totally Different Hardware", email="x@y.example")
    d = db.accounts.create(name="Another Name", email="X@Y.example")
    pairs = db.accounts.duplicates()
    by_pair = {frozenset((p["account_id"], p["duplicate_id"])): p for p in pairs}
    ab = by_pair[frozenset((a["id"], b["id"]))]
    assert "phone" in ab["reasons"] and "name" in ab["reasons"]
    assert 0.85 <= ab["name_similarity"] <= 1
    cd = by_pair[frozenset((c["id"], d["id"]))]
    assert "email" in cd["reasons"]
    assert len(by_pair) == 2
    only_c = db.accounts.duplicates(account_id=c["id"])
    assert [frozenset((p["account_id"], p["duplicate_id"])) for p in only_c] == \
        [frozenset((c["id"], d["id"]))]
    db.accounts.archive(d["id"])
    assert frozenset((c["id"], d["id"])) not in {
        frozenset((p["account_id"], p["duplicate_id"])) for p in db.accounts.duplicates()}


def test_merge(db):
    survivor = db.accounts.create(name="Cape Builders", source="ledger", external_ref="CB1")
    merged = db.accounts.create(name="Cape Builders (Pty) Ltd", email="info@capebuilders.example",
                                tags=["builder"], source="webshop", external_ref="W77")
    branch = db.accounts.create(name="Cape Builders Bellville", parent_account_id=merged["id"])
    person = db.contacts.create(account_id=merged["id"], last_name="Dlamini")
    talk = db.interactions.log(account_id=merged["id"], kind="call",
                               occurred_at="2026-11-30T10:00:00Z", subject="Quote")
    seq = all_events(db)[-1]["seq"]

    result = db.accounts.merge(survivor["id"], merged["id"])
    assert result["id"] == survivor["id"]
    assert result["email"] == "info@capebuilders.example"  # filled from the merged one
    assert "builder" in result["tags"]
    assert {"source": "webshop", "external_ref": "W77"} in result["external_refs"]

    gone = db.accounts.get(merged["id"])
    assert gone["archived"] is True and gone["merged_into_id"] == survivor["id"]
    assert db.contacts.get(person["id"])["account_id"] == survivor["id"]
    assert db.interactions.get(talk["id"])["account_id"] == survivor["id"]
    assert db.accounts.get(branch["id"])["parent_account_id"] == survivor["id"]
    assert db.find_by_ref("account", "webshop", "W77") == survivor["id"]

    events = [e for e in all_events(db, after_seq=seq) if e["type"] == "account.merged"]
    assert len(events) == 1
    record = events[0]["record"]
    assert record["survivor"]["id"] == survivor["id"]
    assert record["merged_id"] == merged["id"]
    assert record["moved"] == {"contacts": 1, "interactions": 1, "external_refs": 1,
                               "child_accounts": 1, "referred_leads": 0,
                               "lead_conversions": 0, "credited_referrals": 0, "opportunities": 0,
                               "activities": 0, "quotes": 0, "jobcards": 0,
                               "invoices": 0, "credit_notes": 0, "payments": 0,
                               "credit_experiences": 0, "credit_settlements": 0, "credit_open_invoices": 0,
                               "credit_holds": 0, "credit_overrides": 0, "dunning_letters": 0}

    with pytest.raises(crm.ConstraintViolation):
        db.accounts.update(merged["id"], name="Back From The Dead")
    with pytest.raises((crm.ConstraintViolation, crm.InvalidArgument)):
        db.accounts.merge(survivor["id"], merged["id"])
    with pytest.raises((crm.ConstraintViolation, crm.InvalidArgument)):
        db.accounts.merge(survivor["id"], survivor["id"])
    with pytest.raises(crm.NotFound):
        db.accounts.merge(survivor["id"], 999999)


# -- replay compares content, not spelling -----------------------------------------
# docs/COMMANDS.md: "A create with a pair already used ... and the same content
# returns the record made then with "replayed": true".  These requests make records
# identical to the first one, so they are the same content.

def test_replay_with_defaults_spelled_out(db):
    first = db.accounts.create(name="Defaults", source="ledger", external_ref="D1")
    again = db.accounts.create(name="Defaults", kind="business", currency="ZAR",
                               payment_terms_days=30, status="prospect",
                               source="ledger", external_ref="D1")
    assert (again["id"], again["replayed"]) == (first["id"], True)


def test_replay_with_defaults_left_out(db):
    first = db.accounts.create(name="Explicit", kind="business", strategic=False,
                               source="ledger", external_ref="D2")
    again = db.accounts.create(name="Explicit", source="ledger", external_ref="D2")
    assert (again["id"], again["replayed"]) == (first["id"], True)


def test_replay_with_tags_in_another_order(db):
    first = db.accounts.create(name="Tags", tags=["tools", "paint"],
                               source="ledger", external_ref="T1")
    assert first["tags"] == ["paint", "tools"]
    again = db.accounts.create(name="Tags", tags=["paint", "tools"],
                               source="ledger", external_ref="T1")
    assert (again["id"], again["replayed"]) == (first["id"], True)


def test_replay_after_an_update_returns_the_current_record(db):
    first = db.accounts.create(name="Feed", region="A", source="ledger", external_ref="F1")
    db.accounts.update(first["id"], region="B")
    again = db.accounts.create(name="Feed", region="A", source="ledger", external_ref="F1")
    assert again["replayed"] is True and again["region"] == "B"


def test_replay_of_a_merged_account_leads_to_the_survivor(db):
    survivor = db.accounts.create(name="Survivor", source="ledger", external_ref="S1")
    merged = db.accounts.create(name="Merged", source="webshop", external_ref="W1")
    db.accounts.merge(survivor["id"], merged["id"])
    again = db.accounts.create(name="Merged", source="webshop", external_ref="W1")
    assert again["replayed"] is True and again["id"] == survivor["id"]
