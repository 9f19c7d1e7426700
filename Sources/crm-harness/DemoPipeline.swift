extension DemoRun {
    // MARK: 11. From lead to won deal

    /// The qualified lead converted into a customer with an opportunity, the
    /// referred lead qualified and converted (crediting the customer who
    /// referred it), opportunities with existing customers, and every deal
    /// moved along the pipeline. A rerun replays the conversions and makes no
    /// move a deal has had already.
    func pipeline() throws {
        heading(11, "From lead to won deal: conversion and the pipeline")
        let leadIDs = try DemoData.leads.map { lead -> Int64 in
            guard let id = try database.lookUpRef("lead", source: DemoData.leadSource, externalRef: lead.ref) else {
                throw HarnessFailure(message: "demo: lead \(lead.ref) was not captured")
            }
            return id
        }
        let stages = try database.exec("pipeline.stages", [:])["items"]?.array ?? []
        say("pipeline.stages: " + stages.map { "\($0["code"]?.string ?? "") \($0["probability"]?.int ?? 0)%" }.joined(separator: " -> "))
        say()

        // The referred lead is qualified first (once).
        let referred = leadIDs[1]
        let referredHistory = try database.exec("lead.history", ["id": .int(referred)])["items"]?.array ?? []
        if !referredHistory.contains(where: { $0["to"]?.string == "qualified" }) {
            _ = try database.exec("lead.transition", ["id": .int(referred), "to": "qualified", "reason": "14 units approved by the council",
                                                      "performed_by": "Lerato Molefe"])
            say("lead.transition: lead \(referred) -> qualified (14 units approved by the council)")
        }

        // The wholesaler delivers in Gauteng itself: leads there fit better.
        let scoring = try database.exec("lead.configure_scoring", ["weights": ["region": ["Gauteng": 10]]])
        say("lead.configure_scoring: Gauteng leads earn 10 fit points (the rule score's maximum is now \(scoring["max_points"]?.int ?? 0)).")
        for lead in [leadIDs[0], referred] {
            let rule = try database.exec("lead.score", ["id": .int(lead)])["rule"] ?? .null
            let reasons = (rule["factors"]?.array ?? []).filter { ($0["points"]?.int ?? 0) > 0 }
                .map { "\($0["factor"]?.string ?? "") \($0["value"]?.string ?? "") \($0["points"]?.int ?? 0)" }
            say("lead.score: lead \(lead) scores \(rule["score"]?.int ?? 0)/100 by the rules (\(reasons.joined(separator: ", ")))")
        }
        say()
        say("lead.convert makes the account, the contact and the opportunity in one transaction;")
        say("sent again (a rerun), it answers the same records with \"replayed\": true.")
        say()
        var conversions = TextTable(["lead", "account", "contact", "opportunity", "value", "replayed"])
        let plans: [(Int64, JSON)] = [
            (leadIDs[0], ["id": .int(leadIDs[0]), "performed_by": "Lerato Molefe",
                          "opportunity": ["title": "Warehouse roof, Olifantsfontein", "expected_close_on": "2027-02-26",
                                          "products": ["IBR sheet 0.53 mm x 1 200 m2", "Lipped channel purlins x 96"],
                                          "competitor": "Macsteel", "next_step": "quote on revised drawings"]]),
            (referred, ["id": .int(referred), "performed_by": "Lerato Molefe",
                        "opportunity": ["title": "Trusses and ceiling boards, 14 townhouses", "expected_close_on": "2027-03-31",
                                        "owner": "Sipho Dube"]]),
        ]
        var convertedOpportunities: [Int64] = []
        for (lead, arguments) in plans {
            let made = try database.exec("lead.convert", arguments)
            let opportunity = made["opportunity"] ?? .null
            convertedOpportunities.append(opportunity["id"]?.int ?? 0)
            let person = [made["contact"]?["first_name"]?.string, made["contact"]?["last_name"]?.string].compactMap { $0 }.joined(separator: " ")
            conversions.add([String(lead), "\(made["account"]?["id"]?.int ?? 0) \(made["account"]?["name"]?.string ?? "")",
                             person.isEmpty ? "-" : person, "\(opportunity["id"]?.int ?? 0) \(opportunity["title"]?.string ?? "")",
                             DemoRun.money(opportunity["amount_minor"]?.int, opportunity["currency"]?.string ?? "ZAR"),
                             made["replayed"]?.bool == true ? "true" : "false"])
        }
        show(conversions)
        do {
            _ = try database.exec("lead.convert", ["id": .int(leadIDs[2])])
        } catch let failure as CRMFailure {
            say("A lead that is not qualified is not converted, and nothing is written: \(failure.message)")
        }
        let referrer = try accountID("HVR001")
        let referrals = try database.exec("lead.referrals", ["account_id": .int(referrer)])
        say("lead.referrals of account \(referrer) (Highveld Roofing): \(referrals["referred"]?.int ?? 0) referred, \(referrals["converted"]?.int ?? 0) became customers.")

        // Deals with existing customers, from the sales desk, replayed on a rerun.
        var deals: [(id: Int64, moves: [(stage: String, reason: String?)])] = [
            (convertedOpportunities[0], [("qualification", nil), ("proposal", nil), ("negotiation", nil), ("won", "delivery within 5 days")]),
            (convertedOpportunities[1], [("qualification", nil), ("proposal", nil)]),
        ]
        for deal in DemoData.opportunities {
            let fields = deal.fields.setting("account_id", .int(try accountID(deal.accountCode)))
            let (record, _) = try importRecord("opportunity.create", type: "opportunity", source: DemoData.opportunitySource,
                                               ref: deal.ref, arguments: fields)
            deals.append((record["id"]?.int ?? 0, deal.moves))
        }
        say()
        say("opportunity.move takes each deal along the stages; won and lost carry their reason:")
        var moved = 0
        for deal in deals {
            let history = try database.exec("opportunity.history", ["id": .int(deal.id)])["items"]?.array ?? []
            for move in deal.moves where !history.contains(where: { $0["to"]?.string == move.stage }) {
                var arguments: JSON = ["id": .int(deal.id), "stage": .string(move.stage), "performed_by": "Lerato Molefe"]
                if let reason = move.reason { arguments = arguments.setting("reason", .string(reason)) }
                let record = try database.exec("opportunity.move", arguments)
                moved += 1
                say("  opportunity \(deal.id) -> \(record["stage"]?.string ?? "") (\(record["probability"]?.int ?? 0)%)\(move.reason.map { ": \($0)" } ?? "")")
            }
        }
        if moved == 0 { say("  (each deal has made its moves already: nothing to do on this run)") }
        do {
            _ = try database.exec("opportunity.move", ["id": .int(convertedOpportunities[0]), "stage": "lost", "reason": "test"])
        } catch let failure as CRMFailure {
            say("A won deal is not lost without reopening it: \(failure.message)")
        }

        say()
        say("The pipeline (crm-harness pipeline --db ...):")
        show(try CRMHarness.Pipeline.table(try database.exec("opportunity.list", ["limit": 100])["items"]?.array ?? [], database: database))
        say()
        say("report.forecast: the open deals expected to close in the first quarter of 2027, weighted by probability")
        say("(crm-harness forecast --from 2027-01-01 --to 2027-03-31 --db ...):")
        let forecast = try database.exec("report.forecast", ["from": "2027-01-01", "to": "2027-03-31", "currency": "ZAR", "group_by": "month"])
        show(CRMHarness.Forecast.table(forecast, by: "month", currency: "ZAR"))
        let today = String(DemoRun.daysFromNow(0).prefix(10))
        let monthAgo = String(DemoRun.daysFromNow(-30).prefix(10))
        say()
        say("report.funnel: how far the deals created in the last 30 days got, and the conversion between stages")
        say("(crm-harness funnel --from \(monthAgo) --to \(today) --db ...):")
        let funnel = try database.exec("report.funnel", ["from": .string(monthAgo), "to": .string(today), "currency": "ZAR"])
        if prose { print(CRMHarness.Funnel.render(funnel["total"] ?? .null, currency: "ZAR"), terminator: "") }
        say()
        let won = convertedOpportunities[0]
        say("opportunity.history of opportunity \(won), from the lead's conversion to won:")
        show(CRMHarness.Pipeline.historyTable(try database.exec("opportunity.history", ["id": .int(won)])["items"]?.array ?? []))
        remember("pipeline", ["converted": .int(Int64(convertedOpportunities.count)), "moved": .int(Int64(moved))])
    }
}
