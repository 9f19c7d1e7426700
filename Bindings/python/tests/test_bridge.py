"""Plain-text journals of libcrm's postings through db.bridge, worked by hand."""

from __future__ import annotations

import shutil
import subprocess

import pytest

import crm


def _book(db):
    """Karoo Irrigation: an invoice of 1000.00 + 150.00 tax issued
    2026-12-01, 400.00 of it paid on 2026-12-02 (750.00 left)."""
    account = db.accounts.create(name="Karoo Irrigation", currency="ZAR")["id"]
    invoice = db.exec("invoice.create", account_id=account,
                      lines=[{"description": "Pump", "quantity_milli": 1000, "unit_price_minor": 100_000,
                              "tax_rate_bp": 1500}])["id"]
    db.exec("invoice.issue", id=invoice, issued_on="2026-12-01")
    db.payments.record(account_id=account, amount_minor=40_000, method="eft", received_on="2026-12-02",
                       allocations=[{"invoice_id": invoice, "amount_minor": 40_000}])
    return account


def test_hledger_journal_and_consumer(db, tmp_path):
    account = _book(db)
    journal = db.bridge.export_journal("hledger", consumer="books")
    assert journal["transactions"] == 2 and journal["consumer"] == "books" and journal["from_seq"] == 0
    text = journal["text"]
    assert f"account Assets:Receivable:1100:Karoo Irrigation {account}\n" in text
    assert "(INV-000001) Invoice INV-000001\n" in text
    assert f"    Assets:Receivable:1100:Karoo Irrigation {account}  1150.00 ZAR\n" in text
    assert f"    Assets:Receivable:1100:Karoo Irrigation {account}  -400.00 ZAR = 750.00 ZAR\n" in text
    # Acknowledged: nothing new the next time.
    again = db.bridge.export_journal("hledger", consumer="books")
    assert again["transactions"] == 0 and again["from_seq"] == journal["to_seq"]
    # Without a consumer: a read from after_seq.
    assert db.bridge.export_journal("hledger", after_seq=0)["text"] == text
    if shutil.which("hledger"):
        path = tmp_path / "books.journal"
        path.write_text(text)
        subprocess.run(["hledger", "-f", str(path), "check", "--strict"], check=True)


def test_beancount_journal(db):
    _book(db)
    text = db.bridge.export_journal("beancount")["text"]
    assert "1970-01-01 commodity ZAR\n" in text
    assert "1970-01-01 open Assets:Receivable:1100:Karoo-Irrigation-1\n" in text
    assert "2026-12-03 balance Assets:Receivable:1100:Karoo-Irrigation-1  750.00 ZAR\n" in text


def test_journal_state_per_consumer(db):
    account = _book(db)
    first = db.bridge.export_journal("ledger", consumer="books")
    assert first["state"] == "new" and first["assertions"] == 1 and first["assertions_omitted"] == 0
    db.payments.record(account_id=account, amount_minor=50_000, method="eft", received_on="2026-12-04",
                       allocations=[{"invoice_id": 1, "amount_minor": 50_000}])
    # Only the new events are read; the assertion builds on the state kept: 750.00 - 500.00.
    second = db.bridge.export_journal("ledger", consumer="books")
    assert second["state"] == "kept" and second["events_read"] == second["to_seq"] - second["from_seq"]
    assert f"Karoo Irrigation {account}  -500.00 ZAR = 250.00 ZAR\n" in second["text"]
    assert second["warnings"] == []
    # A consumer given with after_seq is refused, naming after_seq.
    with pytest.raises(crm.InvalidArgument) as caught:
        db.bridge.export_journal("ledger", consumer="books", after_seq=1)
    assert "after_seq" in str(caught.value)
    # Retiring the consumer drops its journal state.
    assert db.exec("events.retire", consumer="books")["journal_states_dropped"] == 1


def test_bad_format_is_refused(db):
    _book(db)
    with pytest.raises(crm.InvalidArgument) as caught:
        db.bridge.export_journal("gnucash", consumer="books")
    assert "bridge.export_journal" in str(caught.value) and "format" in str(caught.value)
    with pytest.raises(crm.OutOfRange):
        db.bridge.export_journal("ledger", limit=0, consumer="books")
    assert db.bridge.export_journal("ledger", consumer="books")["from_seq"] == 0
