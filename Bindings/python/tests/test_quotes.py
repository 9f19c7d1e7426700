"""Quotes: create from the catalogue, totals, send, accept (winning the
opportunity), decline, expire, revise, derived expiry, replay, lists."""

from __future__ import annotations

import pytest

import crm
from _helpers import event_types, last_seq


def _setup(db):
    account = db.accounts.create(name="Khumalo Roofing", currency="ZAR")
    sheet = db.products.create(code="IBR-053", name="IBR sheet 0.53 mm, per metre", unit="m",
                               unit_price_minor=18_950, tax_rate_bp=1_500)
    labour = db.products.create(code="LAB-FIT", name="Fitter, per hour", kind="labour",
                                unit="hour", unit_price_minor=45_000, tax_rate_bp=1_500)
    lines = [
        {"product_id": sheet["id"], "quantity_milli": 120_000, "discount_bp": 500},
        {"product_id": labour["id"], "quantity_milli": 1_500, "discount_bp": 1_000},
        {"description": "Delivery to site", "quantity_milli": 333, "unit_price_minor": 150},
    ]
    return account, lines


def test_a_quote_is_priced_sent_and_accepted_winning_its_opportunity(db):
    account, lines = _setup(db)
    opportunity = db.opportunities.create(account_id=account["id"], title="Warehouse roof")
    seq = last_seq(db)
    quote = db.quotes.create(opportunity_id=opportunity["id"], valid_until="2099-12-31",
                             lines=lines, source="erp", external_ref="QT-1")
    assert quote["replayed"] is False and quote["account_id"] == account["id"]
    assert quote["number"] == "Q-000001" and quote["status"] == "draft"
    assert [line["net_minor"] for line in quote["lines"]] == [2_160_300, 60_750, 50]
    assert (quote["subtotal_minor"], quote["tax_minor"], quote["total_minor"]) == \
        (2_221_100, 333_158, 2_554_258)
    again = db.quotes.create(opportunity_id=opportunity["id"], valid_until="2099-12-31",
                             lines=lines, source="erp", external_ref="QT-1")
    assert again["replayed"] is True and again["id"] == quote["id"]
    assert db.find_by_ref("quote", "erp", "QT-1") == quote["id"]
    edited = db.quotes.update(quote["id"], notes="Delivery included", expected_version=1)
    assert edited["version"] == 2
    sent = db.quotes.send(quote["id"], issued_on="2026-12-01")
    assert sent["status"] == "sent" and sent["issued_on"] == "2026-12-01"
    with pytest.raises(crm.ConstraintViolation, match="only a draft"):
        db.quotes.update(quote["id"], notes="x")
    accepted = db.quotes.accept(quote["id"])
    assert accepted["status"] == "accepted"
    assert db.opportunities.get(opportunity["id"])["status"] == "won"
    assert event_types(db, seq) == ["quote.created", "quote.updated", "quote.sent",
                                    "quote.accepted", "opportunity.won"]


def test_illegal_moves_decline_expire_and_revise(db):
    account, lines = _setup(db)
    quote = db.quotes.create(account_id=account["id"], lines=lines)
    seq = last_seq(db)
    with pytest.raises(crm.ConstraintViolation, match="from draft to accepted"):
        db.quotes.accept(quote["id"])
    with pytest.raises(crm.InvalidArgument, match="reason is required"):
        db.quotes.decline(quote["id"], reason=" ")
    assert event_types(db, seq) == []
    db.quotes.send(quote["id"], issued_on="2026-12-01")
    revised = db.quotes.revise(quote["id"])
    assert revised["number"] == "Q-000001-2" and revised["revision"] == 2
    assert revised["revision_of"] == quote["id"] and revised["status"] == "draft"
    assert db.quotes.get(quote["id"])["status"] == "superseded"
    db.quotes.send(revised["id"], issued_on="2026-12-01")
    declined = db.quotes.decline(revised["id"], reason="Too expensive")
    assert declined["decline_reason"] == "Too expensive"
    other = db.quotes.create(account_id=account["id"], lines=lines, valid_until="2026-12-31")
    db.quotes.send(other["id"], issued_on="2026-12-01")
    assert db.quotes.get(other["id"], as_of="2026-12-15")["expired"] is False
    later = db.quotes.get(other["id"], as_of="2027-01-01")
    assert later["expired"] is True and later["effective_status"] == "expired"
    assert [q["id"] for q in db.quotes.iter(status="expired", as_of="2027-01-01")] == [other["id"]]
    assert db.quotes.expire(other["id"])["status"] == "expired"
    with pytest.raises(crm.ConstraintViolation, match="from expired to accepted"):
        db.quotes.accept(other["id"])
    assert [q["id"] for q in db.quotes.iter(limit=1)] == [quote["id"], revised["id"], other["id"]]
    assert event_types(db, seq) == ["quote.sent", "quote.revised", "quote.sent", "quote.declined",
                                    "quote.created", "quote.sent", "quote.expired"]


def test_bad_input_names_the_field(db):
    account, _ = _setup(db)
    with pytest.raises(crm.OutOfRange, match=r"lines\[0\]: quantity_milli"):
        db.quotes.create(account_id=account["id"], lines=[{"description": "x", "quantity_milli": 0,
                                                           "unit_price_minor": 1}])
    with pytest.raises(crm.NotFound, match="account_id 999"):
        db.quotes.create(account_id=999)
    assert db.quotes.list()["items"] == []
