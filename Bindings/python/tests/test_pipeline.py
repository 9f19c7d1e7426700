"""The way from a lead to a won opportunity: conversion, the pipeline's
stages, moves with their history and events, replayed conversions."""

from __future__ import annotations

import pytest

import crm
from _helpers import event_types

LEAD = dict(first_name="Naledi", last_name="Khumalo", company="Khumalo Roofing",
            email="naledi@khumaloroofing.example", phone="082 555 0142",
            region="Gauteng", interest="IBR sheeting for a warehouse",
            estimated_value_minor=18_500_000, currency="ZAR", owner="thabo",
            source_channel="web", campaign="spring-2027")


def qualified(db):
    lead = db.leads.create(LEAD)
    db.leads.transition(lead["id"], "contacted")
    return db.leads.transition(lead["id"], "qualified")


def test_lead_to_won_opportunity(db):
    lead = qualified(db)
    converted = db.leads.convert(lead["id"], performed_by="thabo")
    assert converted["replayed"] is False and converted["account_created"] is True
    assert converted["account"]["name"] == "Khumalo Roofing"
    assert converted["contact"]["last_name"] == "Khumalo"
    opportunity = converted["opportunity"]
    assert opportunity["stage"] == "prospecting" and opportunity["probability"] == 10
    assert opportunity["amount_minor"] == 18_500_000 and opportunity["lead_id"] == lead["id"]
    assert db.leads.get(lead["id"])["status"] == "converted"

    db.opportunities.move(opportunity["id"], "proposal")
    with pytest.raises(crm.InvalidArgument, match="reason"):
        db.opportunities.move(opportunity["id"], "won")
    won = db.opportunities.move(opportunity["id"], "won", reason="best lead time")
    assert won["status"] == "won" and won["probability"] == 100
    assert [step["to"] for step in db.opportunities.history(opportunity["id"])] == \
        ["prospecting", "proposal", "won"]
    assert event_types(db) == ["lead.created", "lead.transitioned", "lead.transitioned",
                               "account.created", "contact.created", "opportunity.created",
                               "lead.converted", "opportunity.moved", "opportunity.won"]
    with pytest.raises(crm.ConstraintViolation, match="won to lost"):
        db.opportunities.move(opportunity["id"], "lost", reason="changed mind")


def test_the_same_conversion_replays(db):
    lead = qualified(db)
    first = db.leads.convert(lead["id"], opportunity={"title": "Warehouse roof"})
    again = db.leads.convert(lead["id"], opportunity={"title": "Warehouse roof"})
    assert again["replayed"] is True
    assert again["opportunity"]["id"] == first["opportunity"]["id"]
    with pytest.raises(crm.Conflict, match="converted already"):
        db.leads.convert(lead["id"], opportunity=None)


def test_a_new_lead_is_not_converted(db):
    lead = db.leads.create(LEAD)
    with pytest.raises(crm.ConstraintViolation, match="from new to converted"):
        db.leads.convert(lead["id"])
    assert db.accounts.list()["items"] == []


def test_opportunities_and_stages(db):
    account = db.accounts.create(name="Bester Hardware")
    made = db.opportunities.create(account_id=account["id"], title="Shelving",
                                   amount_minor=450_000, expected_close_on="2027-01-31",
                                   source="erp", external_ref="Q-7")
    assert made["replayed"] is False and made["currency"] == "ZAR"
    assert db.opportunities.create(account_id=account["id"], title="Shelving",
                                   amount_minor=450_000, expected_close_on="2027-01-31",
                                   source="erp", external_ref="Q-7")["replayed"] is True
    updated = db.opportunities.update(made["id"], next_step="send drawings", expected_version=1)
    assert updated["version"] == 2 and updated["next_step"] == "send drawings"
    assert [o["id"] for o in db.opportunities.iter(account_id=account["id"])] == [made["id"]]
    assert [s["probability"] for s in db.pipeline.stages()] == [10, 20, 50, 70, 100, 0]
    stages = db.pipeline.configure([{"code": "enquiry", "probability": 5},
                                    {"code": "prospecting", "probability": 15}])
    assert [s["code"] for s in stages] == ["enquiry", "prospecting", "won", "lost"]
    with pytest.raises(crm.ConstraintViolation, match="prospecting"):
        db.pipeline.configure([{"code": "enquiry", "probability": 5}])
