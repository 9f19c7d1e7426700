"""Payments: oldest-first and explicit allocation, unallocated credit
allocated later or refunded, reversal reopening invoices, credit notes
offset against another invoice; postings balance."""

from __future__ import annotations

import pytest

import crm
from _helpers import event_types


def _balanced(posting):
    lines = posting["lines"]
    debits = sum(line.get("debit_minor", 0) for line in lines)
    assert debits == sum(line.get("credit_minor", 0) for line in lines) and debits > 0
    return {line["account"]: line.get("debit_minor", 0) - line.get("credit_minor", 0) for line in lines}


def _setup(db):
    account = db.accounts.create(name="Karoo Irrigation", currency="ZAR")["id"]
    ids = []
    for number, due, total in [("A-1", "2026-11-30", 10_000), ("A-2", "2026-11-15", 5_000),
                               ("A-3", "2026-12-15", 20_000)]:
        ids.append(db.invoices.record(source="ledger", external_ref=number, account_id=account, number=number,
                                      issued_on="2026-10-01", due_on=due, total_minor=total)["id"])
    return account, ids


def test_oldest_first_credit_allocate_refund_and_reverse(db):
    account, (a1, a2, a3) = _setup(db)
    first = db.payments.record(account_id=account, amount_minor=12_000, method="eft", reference="EFT 991",
                               received_on="2026-12-01", source="bank", external_ref="R-1")
    assert [a["invoice_id"] for a in first["allocations"]] == [a2, a1]
    assert first["unallocated_minor"] == 0 and first["replayed"] is False
    assert _balanced(first["posting"]) == {"1000": 12_000, "1100": -12_000}
    assert event_types(db)[-3:] == ["payment.recorded", "invoice.paid", "invoice.paid"]
    assert db.invoices.get(a1)["status"] == "partially_paid" and db.invoices.get(a1)["balance_due_minor"] == 3_000
    again = db.payments.record(account_id=account, amount_minor=12_000, method="eft", reference="EFT 991",
                               received_on="2026-12-01", source="bank", external_ref="R-1")
    assert again["replayed"] is True and again["id"] == first["id"]
    with pytest.raises(crm.Conflict, match="amount_minor"):
        db.payments.record(account_id=account, amount_minor=1, method="eft", source="bank", external_ref="R-1")

    credit = db.payments.record(account_id=account, amount_minor=30_000, method="cheque", allocate="none",
                                received_on="2026-12-01")
    assert credit["unallocated_minor"] == 30_000
    assert _balanced(credit["posting"]) == {"1000": 30_000, "2150": -30_000}
    allocated = db.payments.allocate(credit["id"])
    assert [a["amount_minor"] for a in allocated["allocated"]] == [3_000, 20_000]
    assert _balanced(allocated["posting"]) == {"2150": 23_000, "1100": -23_000}
    assert db.invoices.get(a3)["status"] == "paid"
    with pytest.raises(crm.ConstraintViolation, match="amount_minor"):
        db.payments.refund(credit["id"], 7_001)
    refunded = db.payments.refund(credit["id"], 7_000, refunded_on="2026-12-02", reason="Overpaid")
    assert refunded["unallocated_minor"] == 0 and _balanced(refunded["posting"]) == {"2150": 7_000, "1000": -7_000}
    with pytest.raises(crm.ConstraintViolation, match="refunded"):
        db.payments.reverse(credit["id"], "Bounced")

    reversed_ = db.payments.reverse(first["id"], "Bounced", reversed_on="2026-12-05")
    assert reversed_["status"] == "reversed" and _balanced(reversed_["posting"]) == {"1000": -12_000, "1100": 12_000}
    assert event_types(db)[-3:] == ["payment.reversed", "invoice.reopened", "invoice.reopened"]
    assert db.invoices.get(a2)["status"] == "issued" and db.invoices.get(a2)["balance_due_minor"] == 5_000
    assert [p["id"] for p in db.payments.iter(account_id=account, limit=1)] == [first["id"], credit["id"]]
    assert [p["id"] for p in db.payments.list(status="reversed")["items"]] == [first["id"]]
    assert db.payments.get(source="bank", external_ref="R-1")["status"] == "reversed"


def test_explicit_allocations_bad_input_and_credit_note_apply(db):
    account, (a1, a2, a3) = _setup(db)
    paid = db.payments.record(account_id=account, amount_minor=10_000, method="card",
                              allocations=[{"invoice_id": a1, "amount_minor": 10_000}])
    assert paid["allocated_minor"] == 10_000 and db.invoices.get(a1)["status"] == "paid"
    before = len(event_types(db))
    with pytest.raises(crm.ConstraintViolation, match=r"allocations\[0\]\.amount_minor"):
        db.payments.record(account_id=account, amount_minor=9_000, method="eft",
                           allocations=[{"invoice_id": a2, "amount_minor": 5_001}])
    with pytest.raises(crm.InvalidArgument, match="method"):
        db.payments.record(account_id=account, amount_minor=100, method="barter")
    with pytest.raises(crm.NotFound, match="account_id"):
        db.payments.record(account_id=999, amount_minor=100, method="eft")
    assert len(event_types(db)) == before

    note = db.credit_notes.create(invoice_id=a1, quantities_milli=[300])
    db.credit_notes.issue(note["id"])
    applied = db.credit_notes.apply(note["id"], a3)
    assert applied["allocation"]["amount_minor"] == 3_000 and applied["open_minor"] == 0
    assert event_types(db)[-3:] == ["credit_note.applied", "invoice.credited", "invoice.paid"]
    invoice = db.invoices.get(a3)
    assert invoice["status"] == "partially_paid" and invoice["paid_minor"] == 3_000
    with pytest.raises(crm.ConstraintViolation, match="no open amount"):
        db.credit_notes.apply(note["id"], a2)

