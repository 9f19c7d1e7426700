"""Invoices and credit notes: from a job card, a quote or lines; partial and
progress billing; issuing with gapless numbers; recorded invoices; credit notes."""

from __future__ import annotations

import pytest

import crm
from _helpers import event_types


def _setup(db):
    account = db.accounts.create(name="Karoo Irrigation", currency="ZAR", payment_terms_days=30)
    pump = db.products.create(code="PUMP-075", name="Borehole pump 0.75 kW", kind="part",
                              unit_price_minor=125_000, tax_rate_bp=1_500, revenue_account="4100")
    fitter = db.products.create(code="LAB-FIT", name="Fitter, per hour", kind="labour",
                                unit="hour", unit_price_minor=45_000, tax_rate_bp=1_500)
    return account["id"], pump["id"], fitter["id"]


def _completed_card(db, account, pump, fitter):
    card = db.jobcards.create(account_id=account, description="Pump trips the breaker")["id"]
    db.jobcards.use_part(card, 1_000, product_id=pump)
    db.jobcards.log_labour(card, "Sipho", 90, product_id=fitter)
    db.jobcards.schedule(card, "2026-12-03")
    db.jobcards.start(card)
    db.jobcards.complete(card, signed_by="J. Botha")
    return card


def test_a_job_card_invoiced_issued_and_credited(db):
    account, pump, fitter = _setup(db)
    card = _completed_card(db, account, pump, fitter)
    draft = db.invoices.create(jobcard_id=card, source="workshop", external_ref="INV-A")
    assert draft["status"] == "draft" and draft["number"] is None and draft["replayed"] is False
    assert [line["quantity_milli"] for line in draft["lines"]] == [1_000, 1_500]
    assert draft["total_minor"] == 221_375
    assert db.find_by_ref("invoice", "workshop", "INV-A") == draft["id"]
    issued = db.invoices.issue(draft["id"], issued_on="2026-12-01")
    assert issued["number"] == "INV-000001" and issued["due_on"] == "2026-12-31"
    lines = issued["posting"]["lines"]
    assert [line["account"] for line in lines] == ["1100", "4100", "4000", "2200"]
    assert sum(line.get("debit_minor", 0) for line in lines) == sum(line.get("credit_minor", 0) for line in lines)
    assert db.jobcards.get(card)["status"] == "invoiced"
    assert event_types(db)[-2:] == ["invoice.issued", "jobcard.invoiced"]
    with pytest.raises(crm.ConstraintViolation, match="only a draft"):
        db.invoices.update(draft["id"], notes="changed")
    with pytest.raises(crm.ConstraintViolation, match="only a draft"):
        db.invoices.delete(draft["id"])
    assert db.invoices.get(draft["id"], as_of="2027-01-01")["overdue"] is True
    note = db.credit_notes.create(invoice_id=draft["id"], line_positions=[1], quantities_milli=[500])
    credited = db.credit_notes.issue(note["id"])
    assert credited["number"] == "CN-000001" and credited["total_minor"] == 25_875
    assert credited["posting"]["lines"][0] == {"account": "1100", "credit_minor": 25_875, "currency": "ZAR"}
    invoice = db.invoices.get(draft["id"])
    assert invoice["credited_minor"] == 25_875 and invoice["balance_due_minor"] == 221_375 - 25_875
    db.credit_notes.issue(db.credit_notes.create(invoice_id=draft["id"])["id"])
    assert db.invoices.get(draft["id"])["status"] == "credited"
    with pytest.raises(crm.ConstraintViolation, match="nothing left to credit"):
        db.credit_notes.create(invoice_id=draft["id"])
    assert len(list(db.credit_notes.iter(invoice_id=draft["id"]))) == 2


def test_progress_billing_of_a_quote_never_exceeds_it(db):
    account, pump, fitter = _setup(db)
    quote = db.quotes.create(account_id=account, lines=[{"product_id": pump, "quantity_milli": 1_000},
                                                        {"product_id": fitter, "quantity_milli": 2_500}])
    db.quotes.send(quote["id"])
    db.quotes.accept(quote["id"])
    first = db.invoices.create(quote_id=quote["id"], percent_bp=3_000)
    assert [line["quantity_milli"] for line in first["lines"]] == [300, 750]
    with pytest.raises(crm.ConstraintViolation, match="percent_bp 8000"):
        db.invoices.create(quote_id=quote["id"], percent_bp=8_000)
    with pytest.raises(crm.ConstraintViolation, match="quantities_milli"):
        db.invoices.create(quote_id=quote["id"], line_positions=[1], quantities_milli=[1_751])
    rest = db.invoices.create(quote_id=quote["id"])
    assert [line["quantity_milli"] for line in rest["lines"]] == [700, 1_750]
    with pytest.raises(crm.ConstraintViolation, match="nothing left"):
        db.invoices.create(quote_id=quote["id"])
    db.invoices.delete(rest["id"])
    assert len(db.invoices.create(quote_id=quote["id"], line_positions=[0])["lines"]) == 1
    numbers = [db.invoices.issue(invoice["id"])["number"] for invoice in db.invoices.iter(quote_id=quote["id"])]
    assert numbers == ["INV-000001", "INV-000002"]


def test_recorded_invoices_and_bad_input(db):
    account, pump, _ = _setup(db)
    before = len(event_types(db))
    with pytest.raises(crm.InvalidArgument, match="source and external_ref"):
        db.invoices.record(account_id=account, number="SI-1", issued_on="2026-10-01", total_minor=100)
    with pytest.raises(crm.InvalidArgument, match="account_id is required"):
        db.invoices.create(lines=[])
    assert len(event_types(db)) == before
    recorded = db.invoices.record(source="ledger", external_ref="SI-1", account_id=account, number="SI-1",
                                  issued_on="2026-10-01", total_minor=115_000, tax_minor=15_000)
    assert recorded["recorded"] is True and recorded["status"] == "issued" and recorded["due_on"] == "2026-10-31"
    assert "posting" not in recorded
    again = db.invoices.record(source="ledger", external_ref="SI-1", account_id=account, number="SI-1",
                               issued_on="2026-10-01", total_minor=115_000, tax_minor=15_000)
    assert again["replayed"] is True and again["id"] == recorded["id"]
    with pytest.raises(crm.ConstraintViolation, match="recorded"):
        db.invoices.issue(recorded["id"])
    note = db.credit_notes.record(source="ledger", external_ref="SC-1", invoice_id=recorded["id"],
                                  number="SC-1", issued_on="2026-10-05", posting=True)
    assert note["recorded"] is True and note["total_minor"] == 115_000 and len(note["posting"]["lines"]) == 3
    assert db.invoices.get(recorded["id"])["status"] == "credited"
    standalone = db.invoices.create(account_id=account, lines=[{"product_id": pump, "quantity_milli": 1_000}])
    assert db.invoices.issue(standalone["id"])["number"] == "INV-000001"
    db.invoices.configure_series(next_number=500, prefix="K-")
    other = db.invoices.create(account_id=account, lines=[{"product_id": pump, "quantity_milli": 1_000}])
    assert db.invoices.issue(other["id"])["number"] == "K-000500"
