#!/usr/bin/env python3
"""libcrm from Python: a small hardware dealer's customers.

    python3 Bindings/python/demo.py              # in memory
    python3 Bindings/python/demo.py shop.crm     # in a file; run it twice

Boland Hardware sells fencing, tools and paint to farms and builders. Its
accounting package already knows every customer by a code (C0001, ...); this
demo shows what libcrm adds beside it: contacts, consent, the history of every
call and visit, a replayable import, search, duplicates, and the events the
ledger can act on.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run from a checkout

import crm  # noqa: E402

# The customer file of the accounting package, as its nightly export sends it.
LEDGER_CUSTOMERS = [
    {"external_ref": "C0001", "name": "Karoo Farm Supplies", "kind": "business",
     "region": "Northern Cape", "payment_terms_days": 30, "credit_limit_minor": 2_500_000,
     "email": "orders@karoofarm.example", "phone": "053 555 0101", "tags": ["farming"]},
    {"external_ref": "C0002", "name": "Cape Builders (Pty) Ltd", "kind": "business",
     "region": "Western Cape", "payment_terms_days": 60, "strategic": True,
     "phone": "021 555 0199", "tax_number": "4123456789", "tags": ["builders", "key"]},
    {"external_ref": "C0003", "name": "J. van Wyk", "kind": "consumer",
     "region": "Western Cape", "payment_terms_days": 0},
]


def section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 60 - len(title)))


def money(minor, currency="ZAR"):
    return "no limit" if minor is None else f"{currency} {minor / 100:,.2f}"


def main(path: str) -> None:
    print(f"libcrm {crm.version()} (ABI {crm.abi_version()}) from {crm.library_path()}")
    with crm.Database(path) as db:
        # A hook: in a real host this would post to the ledger or queue an SMS.
        def print_event(event_type: str, event: dict) -> None:
            record = event["record"]
            if event_type == "consent.changed":
                label = f"contact {record['contact_id']} {record['channel']} {record['status']}"
            elif event_type == "account.merged":
                label = f"account {record['merged_id']} into {record['survivor']['name']}"
            else:
                label = (record.get("name") or record.get("title") or record.get("last_name")
                         or record.get("subject") or "")
            print(f"   [hook] #{event['seq']} {event_type} {label}".rstrip())

        hook = db.on("*", print_event)

        section("Import the ledger's customers (replayable)")
        for customer in LEDGER_CUSTOMERS:
            acct = db.accounts.create(source="ledger", **customer)
            print(f"{customer['external_ref']} -> account {acct['id']} "
                  f"{acct['name']!r} replayed={acct['replayed']}")

        section("The nightly export runs again: nothing is duplicated")
        for customer in LEDGER_CUSTOMERS:
            acct = db.accounts.create(source="ledger", **customer)
            print(f"{customer['external_ref']} -> account {acct['id']} replayed={acct['replayed']}")
        try:
            db.accounts.create(source="ledger", **dict(LEDGER_CUSTOMERS[0], region="Free State"))
        except crm.Conflict as error:
            print(f"changed content under the same code is refused: {error.message}")

        karoo_id = db.find_by_ref("account", "ledger", "C0001")
        builders_id = db.find_by_ref("account", "ledger", "C0002")
        karoo = db.accounts.get(karoo_id)
        print(f"Karoo Farm Supplies: terms {karoo['payment_terms_days']} days, "
              f"credit limit {money(karoo['credit_limit_minor'], karoo['currency'])}")

        section("Contacts, consent and preferences")
        anna = db.contacts.create(account_id=karoo_id, first_name="Anna",
                                  last_name="van der Merwe", role="buyer",
                                  email="anna@karoofarm.example", mobile="082 555 0101",
                                  preferred_channel="sms",
                                  source="ledger", external_ref="C0001-1")
        sipho = db.contacts.create(account_id=builders_id, first_name="Sipho",
                                   last_name="Dlamini", role="accounts payable",
                                   email="ap@capebuilders.example",
                                   source="ledger", external_ref="C0002-1")
        if not db.contacts.consent_history(anna["id"]):  # first run only
            db.contacts.consent(anna["id"], "sms", "opted_in", source="signed application",
                                recorded_at="2026-10-01T08:00:00Z")
            db.contacts.consent(anna["id"], "email", "opted_in", source="web form",
                                recorded_at="2026-10-03T14:20:00Z")
            db.contacts.consent(anna["id"], "email", "opted_out", source="phone call",
                                recorded_at="2026-11-12T10:05:00Z")
        db.contacts.preferences(anna["id"], language="af", statement_delivery="email")
        anna = db.contacts.get(anna["id"])
        print("Anna's consent now:",
              {ch: c["status"] for ch, c in anna["consent"].items() if c})
        print("Anna's consent history:")
        for change in db.contacts.consent_history(anna["id"]):
            print(f"   {change['recorded_at']} {change['channel']:<5} "
                  f"{change['status']:<10} ({change['source']})")
        print("Anna's preferences:", anna["preferences"])

        section("Interactions: every call, visit and complaint")
        history = [
            dict(account_id=karoo_id, contact_id=anna["id"], kind="call", direction="inbound",
                 subject="Quote: 500 m of Bonnox fencing", performed_by="thandi",
                 occurred_at="2026-11-02T09:15:00Z", external_ref="CALL-101"),
            dict(account_id=karoo_id, kind="visit", subject="Delivered fencing, checked the gates",
                 performed_by="pieter", occurred_at="2026-11-09T13:00:00Z",
                 links=[{"record_type": "invoice", "record_id": "INV-1042"}],
                 external_ref="VISIT-7"),
            dict(account_id=builders_id, contact_id=sipho["id"], kind="complaint",
                 direction="inbound", subject="Short delivery of cement",
                 occurred_at="2026-11-10T07:45:00Z", external_ref="CMP-3"),
            dict(account_id=karoo_id, kind="note", subject="Wants to be called before 10:00",
                 occurred_at="2026-11-15T16:00:00Z", external_ref="NOTE-12"),
        ]
        for item in history:
            db.interactions.log(source="ledger", **item)
        print("Karoo Farm Supplies in November (calls and visits):")
        for item in db.interactions.iter(account_id=karoo_id, from_="2026-11-01",
                                         to="2026-11-30"):
            if item["kind"] in ("call", "visit"):
                print(f"   {item['occurred_at'][:10]} {item['kind']:<6} {item['subject']}")

        section("A transaction that fails leaves nothing behind")
        try:
            with db.transaction():
                db.accounts.create(name="Half-imported Customer")
                db.accounts.create(name="Broken Row", payment_terms_days=999)
        except crm.CRMError as error:
            print(f"rolled back ({type(error).__name__}: {error.message})")
        print("Half-imported Customer exists:",
              bool(db.accounts.search("Half-imported Customer")))

        section("Search and duplicates")
        for query in ("cape builders", "0215550199", "C0003"):
            hits = db.accounts.search(query)
            print(f"search {query!r}: " +
                  (", ".join(f"{h['name']} (on {h['matched_on']})" for h in hits) or "nothing"))
        # The webshop signs the same builder up again under another name.
        try:
            web = db.accounts.create(name="CAPE BUILDERS", phone="+27 21 555 0199",
                                     email="info@capebuilders.example",
                                     source="webshop", external_ref="W-77")
        except crm.Conflict:
            # an earlier run merged it: W-77 now belongs to the survivor
            web = db.accounts.get(source="webshop", external_ref="W-77")
            print(f"webshop W-77 was merged into {web['name']!r} on an earlier run")
        print(f"webshop sign-up W-77 -> account {web['id']} {web['name']!r} "
              f"replayed={web.get('replayed')}")
        for pair in db.accounts.duplicates():
            a, b = (db.accounts.get(pair["account_id"]), db.accounts.get(pair["duplicate_id"]))
            print(f"possible duplicate: {a['name']!r} / {b['name']!r} "
                  f"because of {', '.join(pair['reasons'])} "
                  f"(name similarity {pair['name_similarity']:.2f})")
            if {a["id"], b["id"]} == {builders_id, web["id"]}:
                survivor = db.accounts.merge(builders_id, web["id"])
                print(f"merged into {survivor['name']!r}; it now has e-mail "
                      f"{survivor['email']} and refs "
                      + ", ".join(f"{r['source']}:{r['external_ref']}"
                                  for r in survivor["external_refs"]))
        print("webshop W-77 now leads to account",
              db.find_by_ref("account", "webshop", "W-77"))

        section("An enquiry becomes a won deal")
        # The web form's enquiry, captured once (its form number is the reference).
        lead = db.leads.create(first_name="Annelie", last_name="Steyn", company="Steyn Boerdery",
                               phone="082 555 0177", region="Western Cape", kind="business",
                               interest="Game fencing, 4 km", estimated_value_minor=8_400_000,
                               owner="marius", source_channel="referral",
                               referred_by_account_id=karoo_id,
                               source="webform", external_ref="F-2031")
        print(f"lead {lead['id']} {lead['company']!r} replayed={lead['replayed']} "
              f"duplicates={len(lead['duplicates'])}")
        for step in ("contacted", "qualified"):
            if step not in [move["to"] for move in db.leads.history(lead["id"])]:
                db.leads.transition(lead["id"], step, performed_by="marius")
        score = db.leads.score(lead["id"])
        print(f"rule score {score['rule']['score']}/100: " + ", ".join(
            f"{f['factor']} {f['points']}" for f in score["rule"]["factors"] if f["points"]))
        converted = db.leads.convert(lead["id"], opportunity={
            "title": "Game fencing, 4 km", "expected_close_on": "2027-02-15"})
        deal = converted["opportunity"]
        print(f"converted into account {converted['account']['id']} "
              f"{converted['account']['name']!r} and opportunity {deal['id']} "
              f"(replayed={converted['replayed']})")
        call = db.activities.create(kind="call", subject="Fence quote walk-through",
                                    opportunity_id=deal["id"], owner="marius",
                                    source="webform", external_ref="F-2031-call")
        if call["status"] == "open":
            call = db.activities.complete(call["id"], outcome="Wants delivery in January",
                                          minutes_spent=20)
        print(f"call {call['id']} {call['status']}, logged as interaction {call['interaction_id']}")
        if db.opportunities.get(deal["id"])["status"] == "open":
            for stage in ("proposal", "won"):
                db.opportunities.move(deal["id"], stage,
                                      reason="cheapest for high-tensile wire" if stage == "won" else None)
        print("stages: " + " -> ".join(step["to"] for step in db.opportunities.history(deal["id"])))
        referrals = db.leads.referrals(karoo_id)
        print(f"Karoo Farm Supplies referred {referrals['referred']} lead(s), "
              f"{referrals['converted']} became customers")

        db.off(hook)

        section("The ledger's event consumer (at-least-once)")
        batch = db.events.fetch("ledger-sync", limit=5)
        for event in batch:
            print(f"   #{event['seq']} {event['type']} key={event['idempotency_key']}")
        if batch:
            db.events.ack("ledger-sync", batch[-1]["seq"])
            print(f"acknowledged up to #{batch[-1]['seq']}")
        remaining = db.events.fetch("ledger-sync", limit=1000)
        print(f"{len(remaining)} more events wait for the next run "
              "(a restarted consumer resumes after its last ack)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ":memory:")
