"""document.render: a quote and a job card through the default templates
and a host's, HTML escaping, errors."""

from __future__ import annotations

import pytest

import crm


def _quote(db, description="Delivery to site"):
    account = db.accounts.create(name="Khumalo Roofing", currency="ZAR",
                                 addresses=[{"kind": "billing", "line1": "12 Main Road",
                                             "city": "Graaff-Reinet", "postal_code": "6280"}])
    sheet = db.products.create(code="IBR-053", name="IBR sheet 0.53 mm, per metre", unit="m",
                               unit_price_minor=18_950, tax_rate_bp=1_500)
    lines = [
        {"product_id": sheet["id"], "quantity_milli": 120_000, "discount_bp": 500},
        {"description": description, "quantity_milli": 333, "unit_price_minor": 150},
    ]
    return db.quotes.create(account_id=account["id"], issued_on="2026-12-01",
                            valid_until="2026-12-31", lines=lines, source="erp", external_ref="QT-1")


def test_the_default_templates_render_a_quote(db):
    quote = _quote(db, description='<b>"Delivery" & site</b>')
    html = db.documents.render("quote", quote["id"])
    assert html.startswith("<!DOCTYPE html>")
    assert "&lt;b&gt;&quot;Delivery&quot; &amp; site&lt;/b&gt;" in html and "<b>" not in html
    assert "ZAR 24 843.95" in html and "Graaff-Reinet 6280" in html
    text = db.documents.render("quote", source="erp", external_ref="QT-1", format="text")
    assert text.startswith("QUOTE Q-000001\n")
    assert '2. <b>"Delivery" & site</b>\n' in text
    assert "   120 x 189.50 less 5%, tax 15%: 21 603.00\n" in text
    assert "Total        ZAR 24 843.95\n" in text
    result = db.documents.render_result("quote", quote["id"], format="text")
    assert result["content_type"] == "text/plain; charset=utf-8" and result["body"] == text
    assert result["type"] == "quote" and result["id"] == quote["id"] and result["format"] == "text"


def test_a_host_template_and_a_job_card(db):
    quote = _quote(db)
    body = db.documents.render("quote", quote["id"], format="text",
                               template="{{number}} {{account.name}}{{#lines}} {{number}}:{{net}}:{{net_minor}}{{/lines}}")
    assert body == "Q-000001 Khumalo Roofing 1:21 603.00:2160300 2:0.50:50"
    card = db.jobcards.create(account_id=quote["account_id"], site="Plot 12", technicians=["Sipho"],
                              description="Pump trips the breaker")
    text = db.documents.render("jobcard", card["id"], format="text")
    assert text.startswith("JOB CARD J-000001\n") and "Technicians: Sipho\n" in text


def test_errors(db):
    quote = _quote(db)
    with pytest.raises(crm.InvalidArgument, match="template does not parse"):
        db.documents.render("quote", quote["id"], template="{{#lines}}")
    with pytest.raises(crm.InvalidArgument, match="quote, jobcard, invoice, credit_note"):
        db.documents.render("receipt", quote["id"])
    with pytest.raises(crm.NotFound):
        db.documents.render("quote", 999)
