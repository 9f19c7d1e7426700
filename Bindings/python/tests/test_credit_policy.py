"""Credit control through db.exec: a step refused with CRM_CREDIT_HOLD raises
CreditHold carrying the decision (crm_exec's json_result) as ``detail``."""

from __future__ import annotations

import pytest

import crm


def _outside_policy(db):
    """An account owing 50,000 against a limit of 40,000 that blocks job cards."""
    account = db.accounts.create(name="Walk-in Hardware", currency="ZAR")["id"]
    db.exec("invoice.record", source="ledger", external_ref="W-1", account_id=account, number="W-1",
            issued_on="2026-11-20", due_on="2099-12-20", total_minor=50_000)
    db.exec("credit.configure_policy", account_id=account, credit_limit_minor=40_000,
            quote_acceptance="warn", jobcard_creation="block")
    return account


def test_a_refused_step_raises_credit_hold_with_the_decision(db):
    account = _outside_policy(db)
    lines = [{"description": "Work", "quantity_milli": 1000, "unit_price_minor": 1_000}]
    with pytest.raises(crm.CreditHold) as refused:
        db.exec("jobcard.create", account_id=account, lines=lines)
    error = refused.value
    assert error.code == 12 and error.code_name == "CRM_CREDIT_HOLD"
    assert "jobcard.create" in error.message and "credit limit" in error.message
    assert error.detail["decision"] == "block"
    assert error.detail["reasons"][0]["rule"] == "credit_limit"
    assert error.detail["exposure_minor"] == 51_000 and error.detail["limit_minor"] == 40_000
    assert db.exec("jobcard.list")["items"] == []
    # The what-if answers the same without raising.
    check = db.exec("credit.check", account_id=account, stage="jobcard_creation", amount_minor=1_000)
    assert check["decision"] == "block" and check["available_minor"] == -11_000


def test_a_warning_goes_through_and_other_errors_carry_no_detail(db):
    account = _outside_policy(db)
    quote = db.exec("quote.create", account_id=account,
                    lines=[{"description": "Work", "quantity_milli": 1000, "unit_price_minor": 2_000}])["id"]
    db.exec("quote.send", id=quote)
    accepted = db.exec("quote.accept", id=quote)
    assert accepted["status"] == "accepted" and accepted["credit"]["decision"] == "warn"
    with pytest.raises(crm.InvalidArgument) as bad:
        db.exec("credit.override", account_id=account, stage="jobcard_creation", reason="Cash on site")
    assert "user is required" in bad.value.message and bad.value.detail is None
