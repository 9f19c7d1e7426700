"""Job cards: create, the state machine, sign-off, labour and parts, billable lines."""

from __future__ import annotations

import pytest

import crm
from _helpers import event_types


def _setup(db):
    account = db.accounts.create(name="Karoo Irrigation", currency="ZAR")
    pump = db.products.create(code="PUMP-075", name="Borehole pump 0.75 kW", kind="part",
                              unit_price_minor=125_000, tax_rate_bp=1_500)
    fitter = db.products.create(code="LAB-FIT", name="Fitter, per hour", kind="labour",
                                unit="hour", unit_price_minor=45_000, tax_rate_bp=1_500)
    return account["id"], pump["id"], fitter["id"]


def test_a_job_from_open_to_completed(db):
    account, pump, fitter = _setup(db)
    card = db.jobcards.create(account_id=account, site="Plot 12", serial_number="GRF-99812",
                              warranty=True, tasks=[{"description": "Replace the capacitor"}],
                              source="workshop", external_ref="WO-1")
    assert card["number"] == "J-000001" and card["status"] == "open" and card["replayed"] is False
    again = db.jobcards.create(account_id=account, site="Plot 12", serial_number="GRF-99812",
                               warranty=True, tasks=[{"description": "Replace the capacitor"}],
                               source="workshop", external_ref="WO-1")
    assert again["replayed"] is True and again["id"] == card["id"]
    assert db.find_by_ref("jobcard", "workshop", "WO-1") == card["id"]
    id = card["id"]
    with pytest.raises(crm.ConstraintViolation, match="from open to in_progress"):
        db.jobcards.start(id)
    db.jobcards.schedule(id, "2026-12-03", technicians=["Sipho Dlamini"])
    db.jobcards.start(id)
    db.jobcards.hold(id, "Capacitor on order")
    with pytest.raises(crm.ConstraintViolation, match="from on_hold to completed"):
        db.jobcards.complete(id, signed_by="J. Botha")
    db.jobcards.resume(id)
    db.jobcards.log_labour(id, "Sipho Dlamini", 90, product_id=fitter)
    db.jobcards.log_labour(id, "Sipho Dlamini", 50, unit_price_minor=40_000, tax_rate_bp=1_500)
    db.jobcards.use_part(id, 2_000, product_id=pump)
    with pytest.raises(crm.OutOfRange, match="minutes"):
        db.jobcards.log_labour(id, "Sipho Dlamini", 1_441, product_id=fitter)
    billable = db.jobcards.billable(id)
    assert [line["net_minor"] for line in billable["lines"]] == [250_000, 67_500, 33_320]
    assert billable["subtotal_minor"] == 350_820
    assert billable["tax_minor"] == 37_500 + 10_125 + 4_998
    assert billable["total_minor"] == 350_820 + 52_623
    with pytest.raises(crm.ConstraintViolation, match="open tasks"):
        db.jobcards.complete(id, signed_by="J. Botha")
    db.jobcards.task(id, 0, "done")
    with pytest.raises(crm.InvalidArgument, match="signed_by"):
        db.jobcards.complete(id, signed_by="")
    done = db.jobcards.complete(id, signed_by="J. Botha", signed_at="2026-12-03T16:45:00Z")
    assert done["status"] == "completed" and done["sign_off"]["name"] == "J. Botha"
    assert done["total_minor"] == billable["total_minor"]
    with pytest.raises(crm.ConstraintViolation, match="from completed to cancelled"):
        db.jobcards.cancel(id, "too late")
    assert event_types(db)[-10:] == [
        "jobcard.created", "jobcard.scheduled", "jobcard.started", "jobcard.held",
        "jobcard.resumed", "jobcard.labour_logged", "jobcard.labour_logged",
        "jobcard.part_used", "jobcard.updated", "jobcard.completed"]


def test_updates_lists_and_bad_input(db):
    account, pump, _ = _setup(db)
    a = db.jobcards.create(account_id=account, technicians=["Anna Smit"])["id"]
    b = db.jobcards.create(account_id=account, lines=[{"product_id": pump, "quantity_milli": 1_000}])["id"]
    assert db.jobcards.get(b)["total_minor"] == 143_750
    updated = db.jobcards.update(a, site="Workshop bay 2", expected_version=1)
    assert updated["version"] == 2 and updated["site"] == "Workshop bay 2"
    db.jobcards.cancel(b, "Duplicate")
    assert [c["id"] for c in db.jobcards.iter(status="open")] == [a]
    assert [c["id"] for c in db.jobcards.iter(technician="anna smit")] == [a]
    assert [c["id"] for c in db.jobcards.iter(account_id=account, limit=1)] == [a, b]
    with pytest.raises(crm.NotFound, match="quote_id 1 is not a quote"):
        db.jobcards.create(quote_id=1)
    with pytest.raises(crm.InvalidArgument, match="tasks"):
        db.jobcards.create(account_id=account, tasks=[{"description": "x", "status": "half"}])
    with pytest.raises(crm.NotFound, match="account_id 99"):
        db.jobcards.create(account_id=99)
    with pytest.raises(crm.ConstraintViolation, match="cancelled"):
        db.jobcards.update(b, site="x")
    assert len(list(db.jobcards.iter())) == 2


def test_a_job_card_from_an_accepted_quote(db):
    account, pump, _ = _setup(db)
    quote = db.quotes.create(account_id=account, lines=[
        {"product_id": pump, "quantity_milli": 2_000},
        {"description": "Call-out fee", "quantity_milli": 1_000, "unit_price_minor": 35_000}])
    with pytest.raises(crm.ConstraintViolation, match="is draft"):
        db.jobcards.create(quote_id=quote["id"])
    db.quotes.send(quote["id"])
    db.quotes.accept(quote["id"])
    card = db.jobcards.create(quote_id=quote["id"], line_positions=[0])
    assert card["quote_id"] == quote["id"] and card["account_id"] == account
    assert [line["product_id"] for line in card["lines"]] == [pump]
    assert card["total_minor"] == 2 * 143_750
