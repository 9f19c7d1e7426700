"""bridge.import_gnucash through db.bridge against a book GnuCash's own
engine makes here (Tests/fixtures/gnucash/make_book.py run with Debian's
/usr/bin/python3 and python3-gnucash, fresh guids each run): every customer's
balance and overdue amount after the import equal what plain SQL over the
book's lots and splits says; a second import replays everything."""

from __future__ import annotations

import datetime
import os
import pathlib
import sqlite3
import subprocess

import pytest

import crm

ROOT = pathlib.Path(__file__).resolve().parents[3]
MAKE_BOOK = ROOT / "Tests" / "fixtures" / "gnucash" / "make_book.py"
GNUCASH_PYTHON = "/usr/bin/python3"


def _gnucash_engine() -> bool:
    try:
        return subprocess.run([GNUCASH_PYTHON, "-c", "import gnucash"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


HAVE_GNUCASH = _gnucash_engine()
# CI (.ci/run) installs GnuCash and sets CRM_REQUIRE_GNUCASH: there the test
# fails rather than skips when the engine is missing.
if not HAVE_GNUCASH and os.environ.get("CRM_REQUIRE_GNUCASH"):
    raise RuntimeError("CRM_REQUIRE_GNUCASH is set but /usr/bin/python3 cannot import gnucash")
pytestmark = pytest.mark.skipif(not HAVE_GNUCASH,
                                reason="GnuCash's Python engine is not installed (Debian: gnucash python3-gnucash libdbd-sqlite3)")


def _day(stored: str) -> datetime.date:
    """The date GnuCash shows for a stored timestamp: the nearest midnight UTC."""
    digits = "".join(ch for ch in stored if ch.isdigit())
    day = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    return day + datetime.timedelta(days=1) if len(digits) == 14 and int(digits[8:10]) >= 12 else day


def _book_figures(path, as_of: datetime.date):
    """customer id -> (balance, past due) on as_of, from the book's tables alone."""
    book = sqlite3.connect(str(path))
    lots = {}
    for customer, lot, due, is_note in book.execute(
            "SELECT c.id, i.post_lot, d.timespec_val, "
            "  EXISTS (SELECT 1 FROM slots n WHERE n.obj_guid = i.guid AND n.name = 'credit-note' AND n.int64_val = 1) "
            "FROM invoices i JOIN customers c ON c.guid = i.owner_guid "
            "JOIN slots d ON d.obj_guid = i.post_txn AND d.name = 'trans-date-due' "
            "WHERE i.owner_type = 2 AND i.post_txn IS NOT NULL"):
        lots[lot] = (customer, _day(due), bool(is_note))
    for lot, customer in book.execute(
            "SELECT f.obj_guid, c.id FROM slots f JOIN slots o ON o.obj_guid = f.guid_val AND o.name = 'gncOwner/owner-guid' "
            "JOIN customers c ON c.guid = o.guid_val WHERE f.name = 'gncOwner'"):
        lots[lot] = (customer, None, False)
    held = {}
    for lot, posted, num, denom in book.execute(
            "SELECT s.lot_guid, t.post_date, s.value_num, s.value_denom FROM splits s "
            "JOIN transactions t ON t.guid = s.tx_guid WHERE s.lot_guid IS NOT NULL"):
        if lot in lots and _day(posted) <= as_of:
            assert (num * 100) % denom == 0
            held[lot] = held.get(lot, 0) + num * 100 // denom
    figures = {row[0]: [0, 0] for row in book.execute("SELECT id FROM customers")}
    for lot, amount in held.items():
        customer, due, is_note = lots[lot]
        figures[customer][0] += amount
        if due is not None and not is_note and amount > 0 and due < as_of:
            figures[customer][1] += amount
    book.close()
    return figures


def test_a_book_made_by_gnucash_imports_with_its_balances(db, tmp_path):
    book = tmp_path / "shop.gnucash"
    made = subprocess.run([GNUCASH_PYTHON, str(MAKE_BOOK), str(book)], capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr[-2000:]

    dry = db.bridge.import_gnucash(book, dry_run=True)
    assert dry["dry_run"] and dry["counts"]["invoices"]["created"] == 61
    assert db.exec("account.list", {"limit": 10})["items"] == []

    # In committed batches of at most 30 records; the summary counts each record once.
    result = db.bridge.import_gnucash(book, batch_size=30)
    assert result["error_count"] == 0, result["errors"]
    assert result["done"] and all(c["replayed"] == 0 for c in result["counts"].values()), result["counts"]
    counts = result["counts"]
    assert counts["customers"]["created"] == 6 and counts["invoices"]["created"] == 61
    assert counts["credit_notes"]["created"] == 1 and counts["payments"]["created"] == 57
    assert {(s["gnucash"], s["reason"]) for s in result["skipped"]} >= {("invoice B0001", "vendor bill")}

    for as_of in (datetime.date(2025, 3, 31), datetime.date(2025, 9, 30), datetime.date(2025, 12, 31)):
        for customer, (balance, past_due) in _book_figures(book, as_of).items():
            account = db.exec("account.get", {"source": "gnucash", "external_ref": customer})
            ageing = db.exec("ar.ageing", {"as_of": as_of.isoformat(), "account_id": account["id"], "currency": "ZAR"})
            row = ageing["accounts"][0]
            assert row["net_minor"] == balance, (customer, as_of)
            assert sum(b["amount_minor"] for b in row["buckets"][1:]) == past_due, (customer, as_of)

    again = db.bridge.import_gnucash(book)
    assert all(c["created"] == 0 for c in again["counts"].values())
    assert again["counts"]["payments"]["replayed"] == 57


def test_a_missing_book_is_refused_naming_path(db, tmp_path):
    with pytest.raises(crm.CRMIOError) as refused:
        db.bridge.import_gnucash(tmp_path / "none.gnucash")
    assert "path" in str(refused.value)
