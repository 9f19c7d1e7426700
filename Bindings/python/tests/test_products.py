"""The product catalogue: create, replay, unique codes, update, archive, list."""

from __future__ import annotations

import pytest

import crm
from _helpers import event_types

SHEET = dict(code="IBR-053", name="IBR sheet 0.53 mm, per metre", kind="goods", unit="m",
             unit_price_minor=18_950, tax_rate_bp=1_500, revenue_account="4000")


def test_catalogue(db):
    sheet = db.products.create(SHEET, source="stock", external_ref="S-1")
    assert sheet["replayed"] is False and sheet["currency"] == "ZAR"
    assert db.products.create(SHEET, source="stock", external_ref="S-1")["replayed"] is True
    assert db.find_by_ref("product", "stock", "S-1") == sheet["id"]
    with pytest.raises(crm.Conflict, match="belongs to product"):
        db.products.create(code="ibr-053", name="Another", unit_price_minor=1)
    with pytest.raises(crm.OutOfRange, match="tax_rate_bp"):
        db.products.create(code="X", name="X", unit_price_minor=1, tax_rate_bp=10_001)
    updated = db.products.update(sheet["id"], unit_price_minor=19_500, expected_version=1)
    assert updated["version"] == 2 and updated["unit_price_minor"] == 19_500
    labour = db.products.create(code="LAB-FIT", name="Fitter, per hour", kind="labour",
                                unit="hour", unit_price_minor=45_000, tax_rate_bp=1_500)
    assert db.products.archive(labour["id"])["archived"] is True
    assert [p["code"] for p in db.products.iter(archived=False)] == ["IBR-053"]
    assert event_types(db) == ["product.created", "product.updated", "product.created",
                               "product.archived"]


def test_ledger_mapping(db):
    assert db.ledger.mapping()["receivable"] == "1100"
    mapping = db.ledger.configure(receivable="8400/000", bank="8500/001")
    assert mapping["receivable"] == "8400/000" and mapping["bank"] == "8500/001"
    assert db.ledger.mapping() == mapping
    assert event_types(db) == ["ledger.configured"]
    with pytest.raises(crm.InvalidArgument, match="cash"):
        db.ledger.configure(cash="1")
