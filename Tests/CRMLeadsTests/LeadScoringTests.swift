import Testing
@testable import CRMLeads
import CRMStore

/// A stand-in for the activities module (being written elsewhere): it
/// answers `activity.summary` for every lead with fixed values, as the real
/// one will from its `activities` table.
private func activitiesStandIn(count: Int64, lastCompletedAt: String?) -> Module {
    Module(name: "activities-standin", migrationIDs: 270...299, migrations: [], commands: [
        Command("activity.summary", .read) { _, arguments in
            _ = try arguments.requiredInteger("lead_id", range: 1...Int64.max)
            return .object([("count", .integer(count)), ("last_completed_at", .string(lastCompletedAt))])
        },
    ])
}

@Suite("lead scoring")
struct LeadScoringTests {
    /// The lead worked by hand below: referral (30 of 30), dealer (15 of 15),
    /// a medium business (12 of 15), Gauteng (0 of 0: no region has points yet).
    private static let handWorked = """
        "company": "Khumalo Roofing", "source_channel": "referral", "kind": "dealer", "size_band": "medium", "region": "Gauteng"
        """

    private func factor(_ score: JSONValue, _ name: String) -> JSONValue? {
        score["rule"]?["factors"]?.array?.first { $0["factor"]?.text == name }
    }

    @Test func kindAndSizeBandAreLeadFields() throws {
        let f = try LeadsFixture()
        let id = try f.lead(Self.handWorked)
        let lead = try f.run("lead.get", "{\"id\": \(id)}")
        #expect(lead["kind"]?.text == "dealer")
        #expect(lead["size_band"]?.text == "medium")
        let (updated, events) = try f.runWithEvents("lead.update", "{\"id\": \(id), \"kind\": null, \"size_band\": \"large\"}")
        #expect(updated["kind"]?.isNull == true)
        #expect(updated["size_band"]?.text == "large")
        #expect(events.first?.record["changed"]?.strings == ["kind", "size_band"])
        try f.lead(#""company": "Ndlovu Builders", "kind": "dealer", "size_band": "micro""#)
        #expect(try f.run("lead.list", #"{"kind": "dealer"}"#).items.count == 1)
        #expect(try f.run("lead.list", #"{"size_band": "micro"}"#).items.map { $0["company"]?.text } == ["Ndlovu Builders"])
        expectCRMError(.invalid, "kind", "business, consumer, dealer, distributor") {
            try f.run("lead.create", #"{"company": "X", "kind": "strategic"}"#)
        }
        expectCRMError(.invalid, "size_band", "micro, small, medium, large, enterprise") {
            try f.run("lead.create", #"{"company": "X", "size_band": "10-50"}"#)
        }
    }

    @Test func aCaptureFromBeforeKindAndSizeBandStillReplays() throws {
        let f = try LeadsFixture()
        let capture = #"{"company": "Karoo Farm Supplies", "source": "web-form", "external_ref": "WF-7"}"#
        let id = try #require(try f.run("lead.create", capture)["id"]?.int)
        // Stored as a capture made before migration 0203 stored it: without the two fields.
        let stored = try #require(try f.store.connection.row(
            "SELECT request_json FROM crm_external_refs WHERE record_type = ? AND record_id = ?", [.text("lead"), .integer(id)]) { $0.text(0) })
        #expect(!stored.contains("kind") && !stored.contains("size_band"))
        #expect(try f.run("lead.create", capture)["replayed"] == .bool(true))
        expectCRMError(.conflict, "different kind") {
            try f.run("lead.create", #"{"company": "Karoo Farm Supplies", "kind": "dealer", "source": "web-form", "external_ref": "WF-7"}"#)
        }
    }

    @Test func theRuleScoreAddsFitPointsAndSaysEngagementIsUnknownWithoutActivities() throws {
        let f = try LeadsFixture()
        let id = try f.lead(Self.handWorked)
        let score = try f.run("lead.score", "{\"id\": \(id)}")
        #expect(score["lead_id"]?.int == id)
        // 30 + 15 + 12 + 0 + 0 + 0 = 57 of 30 + 15 + 15 + 0 + 20 + 20 = 100.
        #expect(score["rule"]?["points"]?.int == 57)
        #expect(score["rule"]?["max_points"]?.int == 100)
        #expect(score["rule"]?["score"]?.int == 57)
        #expect(score["rule"]?["factors"]?.array?.map { $0["factor"]?.text ?? "" }
                == ["source_channel", "kind", "size_band", "region", "activities", "recency"])
        #expect(factor(score, "source_channel") == .object([
            ("factor", .string("source_channel")), ("value", .string("referral")), ("points", .integer(30)), ("max_points", .integer(30)),
        ]))
        #expect(factor(score, "size_band")?["points"]?.int == 12)
        #expect(factor(score, "region")?["max_points"]?.int == 0)
        #expect(factor(score, "activities")?["value"]?.isNull == true)
        #expect(factor(score, "activities")?["points"]?.int == 0)
        #expect(factor(score, "recency")?["max_points"]?.int == 20)
        #expect(score["rule"]?["engagement"]?.text?.contains("no activities module answers activity.summary") == true)
        #expect(score["rule"]?["as_of"]?.text == "2026-12-01T09:30:00Z")
    }

    @Test func engagementComesFromTheActivitiesModule() throws {
        // Three completed activities, the last six days before the fixture's now.
        let f = try LeadsFixture(others: [activitiesStandIn(count: 3, lastCompletedAt: "2026-11-25T09:30:00Z")])
        let id = try f.lead(Self.handWorked)
        let score = try f.run("lead.score", "{\"id\": \(id)}")
        #expect(factor(score, "activities")?["value"]?.text == "2-3")
        #expect(factor(score, "activities")?["points"]?.int == 10)
        #expect(factor(score, "recency")?["value"]?.text == "0-7")
        #expect(factor(score, "recency")?["points"]?.int == 20)
        // 57 + 10 + 20 = 87 of 100.
        #expect(score["rule"]?["score"]?.int == 87)
        #expect(score["rule"]?["engagement"]?.text == "from activity.summary")
        // As of a later date, the last activity is 36 days old: 31-90, 6 points.
        let later = try f.run("lead.score", "{\"id\": \(id), \"as_of\": \"2026-12-31\"}")
        #expect(later["rule"]?["as_of"]?.text == "2026-12-31T23:59:59Z")
        #expect(factor(later, "recency")?["value"]?.text == "31-90")
        #expect(later["rule"]?["score"]?.int == 73)
        // A lead nobody has worked: no activity, no recency.
        let idle = try LeadsFixture(others: [activitiesStandIn(count: 0, lastCompletedAt: nil)])
        let other = try idle.lead(Self.handWorked)
        let cold = try idle.run("lead.score", "{\"id\": \(other)}")
        #expect(factor(cold, "recency")?["value"]?.text == "none")
        #expect(cold["rule"]?["score"]?.int == 57)
    }

    @Test func configuredWeightsChangeTheScore() throws {
        let f = try LeadsFixture(others: [activitiesStandIn(count: 3, lastCompletedAt: "2026-11-25T09:30:00Z")])
        let id = try f.lead(Self.handWorked)
        let (settings, events) = try f.runWithEvents("lead.configure_scoring", """
            {"weights": {"region": {"Gauteng": 20, "Limpopo": 10}, "source_channel": {"referral": 10}}}
            """)
        #expect(settings["weights"]?["region"] == .object([("Gauteng", .integer(20)), ("Limpopo", .integer(10))]))
        #expect(settings["weights"]?["source_channel"]?["referral"]?.int == 10)
        #expect(settings["weights"]?["source_channel"]?["partner"]?.int == 30)
        // 30 (partner, the most a source gives now) + 15 + 15 + 20 + 20 + 20.
        #expect(settings["max_points"]?.int == 120)
        #expect(events.map(\.type) == ["lead.scoring_configured"])
        #expect(events.first?.record["changed"]?.strings == ["source_channel.referral", "region.Gauteng", "region.Limpopo"])
        #expect(try f.run("lead.scoring_weights") == settings)
        let score = try f.run("lead.score", "{\"id\": \(id)}")
        // 10 + 15 + 12 + 20 + 10 + 20 = 87 of 120: 72.5, rounded half up to 73.
        #expect(score["rule"]?["points"]?.int == 87)
        #expect(score["rule"]?["max_points"]?.int == 120)
        #expect(score["rule"]?["score"]?.int == 73)
        #expect(factor(score, "region")?["points"]?.int == 20)
        // The same weights again change nothing and write no event.
        let (_, none) = try f.runWithEvents("lead.configure_scoring", #"{"weights": {"region": {"Gauteng": 20}}}"#)
        #expect(none.isEmpty)
        // null puts a default back; reset puts every default back.
        let restored = try f.run("lead.configure_scoring", #"{"weights": {"source_channel": {"referral": null}, "region": {"Limpopo": null}}}"#)
        #expect(restored["weights"]?["source_channel"]?["referral"]?.int == 30)
        #expect(restored["weights"]?["region"] == .object([("Gauteng", .integer(20))]))
        #expect(try f.rows("lead_scoring_points") == 1)
        let defaults = try f.run("lead.configure_scoring", #"{"reset": true}"#)
        #expect(defaults["max_points"]?.int == 100)
        #expect(try f.rows("lead_scoring_points") == 0)
        #expect(try f.run("lead.score", "{\"id\": \(id)}")["rule"]?["score"]?.int == 87)
    }

    @Test func badInputNamesTheFieldAndWritesNothing() throws {
        let f = try LeadsFixture()
        let id = try f.lead(Self.handWorked)
        let before = try f.rows("crm_events")
        expectCRMError(.invalid, "weights.kind.strategic", "business, consumer, dealer, distributor") {
            try f.run("lead.configure_scoring", #"{"weights": {"kind": {"strategic": 10}}}"#)
        }
        expectCRMError(.invalid, "weights.size_band.10-50") {
            try f.run("lead.configure_scoring", #"{"weights": {"size_band": {"10-50": 10}}}"#)
        }
        expectCRMError(.invalid, "weights", "unknown field 'colour'") {
            try f.run("lead.configure_scoring", #"{"weights": {"colour": {"red": 10}}}"#)
        }
        // Points outside 0..100 are out of range (CRM_RANGE, as every integer outside its range).
        expectCRMError(.range, "weights.source_channel.web", "between 0 and 100") {
            try f.run("lead.configure_scoring", #"{"weights": {"source_channel": {"referral": 40, "web": 101}}}"#)
        }
        expectCRMError(.range, "weights.region.Gauteng") {
            try f.run("lead.configure_scoring", #"{"weights": {"region": {"Gauteng": -1}}}"#)
        }
        expectCRMError(.invalid, "weights.activities.1", "whole number") {
            try f.run("lead.configure_scoring", #"{"weights": {"activities": {"1": 2.5}}}"#)
        }
        expectCRMError(.invalid, "weights.region", "must not be empty") {
            try f.run("lead.configure_scoring", #"{"weights": {"region": {"": 5}}}"#)
        }
        expectCRMError(.invalid, "weights is required") { try f.run("lead.configure_scoring", "{}") }
        expectCRMError(.invalid, "as_of") { try f.run("lead.score", "{\"id\": \(id), \"as_of\": \"yesterday\"}") }
        expectCRMError(.notFound, "lead 99") { try f.run("lead.score", #"{"id": 99}"#) }
        expectCRMError(.invalid, "unknown field 'all'") { try f.run("lead.train", #"{"all": true}"#) }
        #expect(try f.rows("lead_scoring_points") == 0)
        #expect(try f.rows("lead_scoring_model") == 0)
        #expect(try f.rows("crm_events") == before)
        #expect(try f.run("lead.scoring_weights")["max_points"]?.int == 100)
    }

    @Test func anUntrainedModelAnswersNull() throws {
        let f = try LeadsFixture()
        let id = try f.lead(Self.handWorked)
        let never = try f.run("lead.score", "{\"id\": \(id)}")["predictive"]
        #expect(never?["probability"]?.isNull == true)
        #expect(never?["trained"] == .bool(false))
        #expect(never?["reason"]?.text?.contains("never trained") == true)
        #expect(never?["trained_at"]?.isNull == true)
        // 12 disqualified but only 5 converted leads: too few to learn from.
        for index in 0..<17 {
            let lead = try f.lead("\"company\": \"Farm \(index)\", \"source_channel\": \"web\"")
            if index < 5 {
                try markConverted(f, lead)
            } else {
                try f.run("lead.transition", "{\"id\": \(lead), \"to\": \"disqualified\", \"reason\": \"no budget\"}")
            }
        }
        let (trained, events) = try f.runWithEvents("lead.train")
        #expect(trained["examples"] == .object([("converted", .integer(5)), ("disqualified", .integer(12))]))
        #expect(trained["trained"] == .bool(false))
        #expect(trained["values"]?["source_channel"]?.int == 1)
        #expect(events.map(\.type) == ["lead.trained"])
        #expect(events.first?.record["examples"]?["converted"]?.int == 5)
        let few = try f.run("lead.score", "{\"id\": \(id)}")["predictive"]
        #expect(few?["probability"]?.isNull == true)
        #expect(few?["trained"] == .bool(false))
        #expect(few?["reason"]?.text?.contains("at least 10 of each") == true)
        #expect(few?["trained_at"]?.text == "2026-12-01T09:30:00Z")
        #expect(few?["examples"]?["disqualified"]?.int == 12)
    }

    /// Works the lead up to qualified and converts it into an account (the
    /// leads suite has no pipeline module, so without an opportunity).
    private func markConverted(_ f: LeadsFixture, _ id: Int64) throws {
        try f.run("lead.transition", "{\"id\": \(id), \"to\": \"contacted\"}")
        try f.run("lead.transition", "{\"id\": \(id), \"to\": \"qualified\"}")
        try f.run("lead.convert", "{\"id\": \(id), \"contact\": null, \"opportunity\": null}")
    }

    @Test func theLearnedProbabilityRanksHeldOutLeads() throws {
        let f = try LeadsFixture()
        var random = SeededGenerator(state: 2026)
        func uniform() -> Double { Double(random.next() >> 11) / Double(UInt64(1) << 53) }
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        let channels = ["referral", "partner", "web", "other"]
        let regions = ["Gauteng", "Limpopo", "Free State"]
        let owners = ["thabo", "anna", "pieter", "lindiwe"]
        let kinds = ["business", "consumer", "dealer", "distributor"]
        // The known signal: referral and partner leads convert with p = 0.7,
        // web and other ones with p = 0.2; in Gauteng 0.2 more (0.9, 0.4).
        // Owner, kind and e-mail are noise. (The best possible AUC of this
        // signal, knowing it exactly, is 0.795.)
        var leads: [(id: Int64, converted: Bool)] = []
        for index in 0..<600 {
            let channel = pick(channels)
            let region = pick(regions)
            var p = channel == "referral" || channel == "partner" ? 0.7 : 0.2
            if region == "Gauteng" { p += 0.2 }
            let email = uniform() < 0.5 ? ", \"email\": \"buyer\(index)@example.com\"" : ""
            let id = try f.lead("""
                "company": "Customer \(index)", "source_channel": "\(channel)", "region": "\(region)",
                "owner": "\(pick(owners))", "kind": "\(pick(kinds))"\(email)
                """)
            leads.append((id, uniform() < p))
        }
        // Train on the first 80 %, hold out the rest (they stay new).
        let training = leads.prefix(480)
        let heldOut = Array(leads.dropFirst(480))
        for lead in training {
            if lead.converted {
                try markConverted(f, lead.id)
            } else {
                try f.run("lead.transition", "{\"id\": \(lead.id), \"to\": \"disqualified\", \"reason\": \"went elsewhere\"}")
            }
        }
        let trained = try f.run("lead.train")
        #expect(trained["trained"] == .bool(true))
        #expect(trained["examples"]?["converted"]?.int == Int64(training.filter(\.converted).count))
        var scored: [(probability: Double, converted: Bool)] = []
        for lead in heldOut {
            let predictive = try f.run("lead.score", "{\"id\": \(lead.id)}")["predictive"]
            let probability = try #require(predictive?["probability"]?.number)
            #expect(probability > 0 && probability < 1)
            scored.append((probability, lead.converted))
        }
        // AUC: the chance that a converted held-out lead scores above a
        // disqualified one (ties count half).
        let positives = scored.filter(\.converted).map(\.probability)
        let negatives = scored.filter { !$0.converted }.map(\.probability)
        var wins = 0.0
        for p in positives {
            for n in negatives { wins += p > n ? 1 : p == n ? 0.5 : 0 }
        }
        let auc = wins / Double(positives.count * negatives.count)
        // Measured: AUC = 0.785 (67 converted and 53 disqualified of the 120 held-out leads,
        // seed 2026), the same on SQLite and PostgreSQL.
        print("lead scoring: AUC \(auc) over \(positives.count) converted and \(negatives.count) disqualified held-out leads")
        #expect(auc > 0.75, "AUC \(auc)")
        // The explanation: referral's likelihood ratio is above 1, web's below.
        var referral: Int64?
        for lead in heldOut where referral == nil {
            if try f.run("lead.get", "{\"id\": \(lead.id)}")["source_channel"]?.text == "referral" { referral = lead.id }
        }
        let factors = try f.run("lead.score", "{\"id\": \(try #require(referral))}")["predictive"]?["factors"]?.array ?? []
        #expect(factors.map { $0["field"]?.text ?? "" } == ["source_channel", "campaign", "region", "kind", "size_band", "owner",
                                                            "has_email", "has_phone", "value_band", "has_company"])
        #expect((factors.first?["likelihood_ratio"]?.number ?? 0) > 1)
        #expect(factors[1]["value"]?.isNull == true)
    }
}
