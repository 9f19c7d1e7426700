"""db.reports: the pipeline reports over opportunities and leads made with
the library's own commands (created now, so the ranges span the years
around today)."""

from __future__ import annotations

import datetime as dt

import pytest

import crm

FROM, TO = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def pipeline(db):
    """Three ZAR deals: X negotiation (4 350 001, thabo, web, closes
    2027-01-29), Y lost to Acme on price (100 000, lerato, web), Z won
    (250 000, thabo, referral); and one USD deal left out of ZAR reports."""
    account = db.accounts.create(name="Mthembu Hardware")["id"]
    x = db.opportunities.create(account_id=account, title="Gutters", amount_minor=4_350_001, currency="ZAR",
                                owner="thabo", source_channel="web", expected_close_on="2027-01-29")
    y = db.opportunities.create(account_id=account, title="Paint", amount_minor=100_000, currency="ZAR",
                                owner="lerato", source_channel="web", competitor="Acme")
    z = db.opportunities.create(account_id=account, title="Roofing", amount_minor=250_000, currency="ZAR",
                                owner="thabo", source_channel="referral")
    db.opportunities.create(account_id=account, title="Export", amount_minor=999, currency="USD",
                            expected_close_on="2027-01-15")
    db.opportunities.move(x["id"], "negotiation")
    db.opportunities.move(y["id"], "lost", reason="price")
    db.opportunities.move(z["id"], "proposal")
    db.opportunities.move(z["id"], "won", reason="lead time")
    return x, y, z


def test_forecast_weighs_open_opportunities_by_month(db):
    pipeline(db)
    answer = db.reports.forecast(dt.date(2027, 1, 1), "2027-02-28", "ZAR")
    assert answer["group_by"] == ["month"]
    # 4 350 001 x 70% = 3 045 000.7 -> 3 045 001; February is listed, empty.
    assert [(r["month"], r["opportunities"], r["amount_minor"], r["weighted_minor"]) for r in answer["rows"]] == \
        [("2027-01", 1, 4_350_001, 3_045_001), ("2027-02", 0, 0, 0)]
    assert answer["total"] == {"opportunities": 1, "amount_minor": 4_350_001, "weighted_minor": 3_045_001}
    by_stage = db.reports.forecast("2027-01-01", "2027-01-31", "USD", group_by="stage")
    # 999 x 10% = 99.9 -> 100 in prospecting; the other open stages are empty rows.
    assert [(r["stage"], r["weighted_minor"]) for r in by_stage["rows"]] == \
        [("prospecting", 100), ("qualification", 0), ("proposal", 0), ("negotiation", 0)]


def test_funnel_counts_reached_stages_and_conversions(db):
    pipeline(db)
    answer = db.reports.funnel(FROM, TO, "ZAR", group_by=["source_channel"])
    total = answer["total"]
    assert answer["stages"] == ["prospecting", "qualification", "proposal", "negotiation", "won"]
    # X reached negotiation, Y only prospecting, Z won (so every stage).
    assert [s["reached"] for s in total["stages"]] == [3, 2, 2, 2, 1]
    assert total["stages"][0]["conversion_to_next"] == {"numerator": 2, "denominator": 3, "rate_bp": 6667}
    assert total["stages"][3]["conversion_to_next"] == {"numerator": 1, "denominator": 2, "rate_bp": 5000}
    assert total["stages"][4]["conversion_to_next"] is None
    assert (total["open"], total["won"], total["lost"]) == (1, 1, 1)
    assert total["win_rate"] == {"numerator": 1, "denominator": 3, "rate_bp": 3333}
    assert [g["source_channel"] for g in answer["groups"]] == ["referral", "web"]
    empty = db.reports.funnel("1999-01-01", "1999-12-31", "ZAR")
    assert empty["total"]["created"] == 0
    assert empty["total"]["stages"][0]["conversion_to_next"]["rate_bp"] is None


def test_cycle_and_win_loss(db):
    pipeline(db)
    cycle = db.reports.cycle(FROM, TO)
    # Closed within the same second or so: one won, one lost.
    assert cycle["closed"]["won"]["opportunities"] == 1 and cycle["closed"]["lost"]["opportunities"] == 1
    assert [s["stage"] for s in cycle["stages"]] == ["prospecting", "qualification", "proposal", "negotiation"]
    by_reason = db.reports.win_loss(FROM, TO, "ZAR")
    assert [(r["close_reason"], r["won"]["amount_minor"], r["lost"]["amount_minor"]) for r in by_reason["rows"]] == \
        [("lead time", 250_000, 0), ("price", 0, 100_000)]
    assert by_reason["total"]["value_win_rate"] == {"numerator": 250_000, "denominator": 350_000, "rate_bp": 7143}
    by_competitor = db.reports.win_loss(FROM, TO, "ZAR", group_by="competitor")
    assert [r["competitor"] for r in by_competitor["rows"]] == ["Acme", None]


def test_lead_conversion(db):
    lead = db.leads.create(company="Khumalo Roofing", last_name="Khumalo", source_channel="web", campaign="spring")
    db.leads.transition(lead["id"], "contacted")
    db.leads.transition(lead["id"], "qualified")
    db.leads.convert(lead["id"])
    db.leads.create(company="Dube Builders", source_channel="web")
    db.leads.create(company="Naidoo Tiles", source_channel="referral")
    answer = db.reports.lead_conversion(FROM, TO, group_by=["source_channel", "campaign"])
    rows = [(r["source_channel"], r["campaign"], r["leads"], r["converted"], r["customers"]) for r in answer["rows"]]
    assert rows == [("referral", None, 1, 0, 0), ("web", "spring", 1, 1, 1), ("web", None, 1, 0, 0)]
    assert answer["total"]["conversion_rate"] == {"numerator": 1, "denominator": 3, "rate_bp": 3333}


def test_bad_arguments_name_the_field(db):
    with pytest.raises(crm.InvalidArgument, match="from 2027-02-01 is after to 2027-01-01"):
        db.reports.funnel("2027-02-01", "2027-01-01", "ZAR")
    with pytest.raises(crm.InvalidArgument, match="group_by must be one of"):
        db.reports.win_loss("2027-01-01", "2027-01-31", "ZAR", group_by="region")
    with pytest.raises(crm.InvalidArgument, match="to must be a date"):
        db.reports.cycle("2027-01-01", "2027-13-01")
