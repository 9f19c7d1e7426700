"""Receivables and payment speed through db.credit and db.dunning: the
ageing, the score and what moved it, the metrics, the statement, the ranking,
the policy at a step, and the dunning letters, with figures worked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

import crm


def _slow_payer(db):
    """Karoo Plumbing (30 days' terms): three invoices of 100.00 paid 92 days
    late, and one of 200.00 due 2026-10-31, still open.  Returns its id."""
    account = db.accounts.create(name="Karoo Plumbing", currency="ZAR", payment_terms_days=30,
                                 segment="dealers")["id"]
    paid = [("2026-05-01", "2026-05-31", "2026-08-31"), ("2026-06-01", "2026-07-01", "2026-10-01"),
            ("2026-07-01", "2026-07-31", "2026-10-31")]
    for index, (issued, due, on) in enumerate(paid):
        invoice = db.exec("invoice.record", source="ledger", external_ref=f"K-{index}", account_id=account,
                          number=f"K-{index}", issued_on=issued, due_on=due, total_minor=10_000)["id"]
        db.payments.record(account_id=account, amount_minor=10_000, method="eft", received_on=on,
                           allocations=[{"invoice_id": invoice, "amount_minor": 10_000}])
    db.exec("invoice.record", source="ledger", external_ref="K-3", account_id=account, number="K-3",
            issued_on="2026-10-01", due_on="2026-10-31", total_minor=20_000)
    return account


def test_ageing_score_and_explanation(db):
    account = _slow_payer(db)
    ageing = db.credit.ageing(dt.date(2026, 11, 30))
    # 30 days past due on 2026-11-30: the 1-30 band.
    assert [b["amount_minor"] for b in ageing["buckets"]] == [0, 20_000, 0, 0, 0, 0]
    assert ageing["accounts"][0]["account_id"] == account
    later = db.credit.ageing("2026-12-01", account_id=account, buckets=[30, 60])
    assert [b["amount_minor"] for b in later["buckets"]] == [0, 0, 20_000, 0]

    score = db.credit.score(account, as_of="2026-11-30")
    # Keys: 92 days late 29.33 (x3 of 100.00), open 30 days 50.00 (200.00):
    # (3 x 10000 x 2933 + 20000 x 5000) / (100 x 50000) = 37.6 -> 38.
    assert score["score"] == 38 and score["band"] == "high"
    assert score["experiences"] == 4 and score["overdue_minor"] == 20_000
    assert score["late_share"]["numerator"] == 50_000 and score["late_share"]["denominator"] == 50_000
    explained = db.credit.explain(account, as_of="2026-11-30")["explained"]
    assert explained[0]["number"] == "K-3" and explained[0]["open"] is True
    assert db.credit.recompute()["experiences"] == 3
    assert db.credit.score(account, as_of="2026-11-30")["score"] == 38
    # 500.00 billed over 6 months of history: 83.33 a month; band high: x 0.5 =
    # 41.66, rounded down to a multiple of 100.00: 0.
    suggested = db.credit.suggest_limit(account, as_of="2026-11-30")
    assert suggested["history_months"] == 6 and suggested["average_monthly_billing_minor"] == 8_333
    assert suggested["band"] == "high" and suggested["limit_minor"] == 0
    assert suggested["reasons"][-1] == "Rounded down to ZAR 0.00."


def test_metrics_statement_and_ranking(db):
    account = _slow_payer(db)
    other = db.accounts.create(name="Highveld Roofing", currency="ZAR")["id"]
    metrics = db.credit.metrics("2026-05-01", "2026-11-30", account_id=account)
    # Sales 500.00 in the window; 200.00 still owed at its end.
    assert metrics["credit_sales_minor"] == 50_000 and metrics["ending_receivables_minor"] == 20_000
    assert db.credit.metrics("2026-05-01", "2026-11-30", dso_method="countback")["dso_method"] == "countback"
    statement = db.credit.statement(account, "2026-05-01", "2026-11-30")
    assert statement["opening_balance_minor"] == 0 and statement["closing_balance_minor"] == 20_000
    assert [line["type"] for line in statement["lines"]].count("payment") == 3
    text = db.documents.render_statement(account, "2026-05-01", "2026-11-30", format="text")
    assert "K-3" in text and "200.00" in text
    ranking = db.credit.rank("score", as_of="2026-11-30")
    assert [(item["account_id"], item["score"]) for item in ranking["items"]] == [(account, 38), (other, None)]
    assert db.credit.rank("overdue", as_of="2026-11-30", segment="dealers")["items"][0]["overdue_minor"] == 20_000
    with pytest.raises(crm.InvalidArgument, match="by"):
        db.credit.rank("colour")


def test_policy_override_and_hold(db):
    account = _slow_payer(db)
    db.credit.configure_policy(min_score=50, jobcard_creation="block", invoice_issue="hold")
    assert db.credit.policy(account_id=account)["level"] == "default"
    assert db.credit.check(account, "jobcard_creation", as_of="2026-11-30")["decision"] == "block"
    lines = [{"description": "Geyser", "quantity_milli": 1000, "unit_price_minor": 500_000}]
    with pytest.raises(crm.CreditHold) as refused:
        db.exec("jobcard.create", account_id=account, lines=lines)
    assert refused.value.detail["reasons"][0]["rule"] == "min_score"
    grant = db.credit.override(account, "jobcard_creation", user="Naledi", reason="Owner vouched")
    card = db.exec("jobcard.create", account_id=account, lines=lines)
    assert card["credit"]["override"]["id"] == grant["id"]
    hold = db.credit.hold(account, user="Naledi", reason="Cheque bounced")
    assert hold["kind"] == "manual" and db.credit.holds(account_id=account, open=True)["items"][0]["id"] == hold["id"]
    released = db.credit.release(account, user="Naledi", reason="Paid in cash")
    assert [h["id"] for h in released["released"]] == [hold["id"]]


def test_dunning_letters_once_per_level(db):
    account = _slow_payer(db)
    db.contacts.create(account_id=account, first_name="Anele", last_name="Dlamini", email="anele@karoo.example")
    levels = db.dunning.levels()["levels"]
    assert [level["days_overdue"] for level in levels] == [7, 21, 45]
    first = db.dunning.run("2026-11-30")
    # K-3 is 30 days overdue: the second reminder (21 days), once.
    assert [(l["invoice_number"], l["level"]) for l in first["letters"]] == [("K-3", 2)]
    assert db.dunning.run("2026-11-30")["letters"] == []
    assert db.dunning.list(account_id=account)["items"][0]["status"] == "sent"
    with pytest.raises(crm.InvalidArgument, match="days_overdue"):
        db.dunning.configure([{"level": 1, "days_overdue": 7, "template": "a"},
                              {"level": 2, "days_overdue": 7, "template": "b"}])
