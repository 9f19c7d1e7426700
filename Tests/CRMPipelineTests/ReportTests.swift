import Testing
import CRMStore

// The pipeline reports against fixtures whose figures are worked out by
// hand in the comments. The opportunities and their stage history are
// written by SQL so every timestamp is exactly what the arithmetic says.

/// A timestamp `days` (and `hours`) after the fixture's epoch, 2026-12-01T09:30:00Z.
private func at(days: Int64, hours: Int64 = 0) -> String {
    Timestamp(secondsSinceEpoch: epoch.secondsSinceEpoch + days * 86_400 + hours * 3600)!.description
}

private let probabilities: [String: Int64] = ["prospecting": 10, "qualification": 20, "proposal": 50, "negotiation": 70, "won": 100, "lost": 0]

extension PipelineFixture {
    /// An account for the opportunities to belong to.
    func account() throws -> Int64 { try make("account.create", #""name": "Report Holdings""#) }

    /// Writes an opportunity with its stage history `moves` (stage, when);
    /// its stage, status, probability and closed_at follow the last move;
    /// created when the first move happened.
    @discardableResult
    func opportunity(account: Int64, amount: Int64, currency: String = "ZAR", owner: String? = nil, channel: String? = nil,
                     closeOn: String? = nil, reason: String? = nil, competitor: String? = nil,
                     moves: [(String, String)]) throws -> Int64 {
        try store.write("test fixture") {
        let id = try store.nextID("opportunities")
        let (stage, last) = moves[moves.count - 1]
        let status = stage == "won" || stage == "lost" ? stage : "open"
        try store.connection.run(
            """
            INSERT INTO opportunities (id, account_id, title, amount_minor, currency, expected_close_on, owner, products,
                competitor, source_channel, stage, probability, status, close_reason, closed_at, stage_changed_at,
                version, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
            """,
            [.integer(id), .integer(account), .text("Deal \(id)"), .integer(amount), .text(currency), .text(closeOn), .text(owner),
             .text(competitor), .text(channel), .text(stage), .integer(probabilities[stage] ?? 0), .text(status), .text(reason),
             .text(status == "open" ? nil : last), .text(last), .text(moves[0].1), .text(last)])
        var from: String?
        for (to, when) in moves {
            try store.connection.run(
                "INSERT INTO opportunity_stage_changes (id, opportunity_id, from_stage, to_stage, reopened, occurred_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.integer(try store.nextID("opportunity_stage_changes")), .integer(id), .text(from), .text(to),
                 .integer(from == "won" || from == "lost" ? 1 : 0), .text(when)])
            from = to
        }
        return id
        }.0
    }

    /// Runs a read inside a transaction as crm_exec does.
    func report(_ command: String, _ text: String) throws -> JSONValue { try run(command, text) }
}

/// `{"numerator", "denominator", "rate_bp"}` as a tuple.
private func rate(_ value: JSONValue?) -> [Int64?] {
    [value?["numerator"]?.int, value?["denominator"]?.int, value?["rate_bp"]?.int]
}

/// `{"numerator", "denominator", "hundredths"}` as a tuple.
private func days(_ value: JSONValue?) -> [Int64?] {
    [value?["numerator"]?.int, value?["denominator"]?.int, value?["hundredths"]?.int]
}

// MARK: - Forecast

/// Open ZAR opportunities (amount x probability = weighted, rounded half away from zero):
///   A 100000 x 10% = 10000      prospecting   thabo   closes 2027-01-15
///   B    333 x 50% = 166.5 -> 167 proposal    lerato  closes 2027-01-31
///   C   1001 x 70% = 700.7 -> 701 negotiation thabo   closes 2027-03-01
///   D    999 x 20% = 199.8 -> 200 qualification (no owner) closes 2027-03-31
/// Left out: a USD one, one closing 2027-04-01, one 2026-12-31, a won one, one without a date.
private func forecastFixture() throws -> PipelineFixture {
    let fixture = try PipelineFixture()
    let account = try fixture.account()
    let start = at(days: 0)
    try fixture.opportunity(account: account, amount: 100_000, owner: "thabo", closeOn: "2027-01-15", moves: [("prospecting", start)])
    try fixture.opportunity(account: account, amount: 333, owner: "lerato", closeOn: "2027-01-31", moves: [("proposal", start)])
    try fixture.opportunity(account: account, amount: 1001, owner: "thabo", closeOn: "2027-03-01", moves: [("negotiation", start)])
    try fixture.opportunity(account: account, amount: 999, closeOn: "2027-03-31", moves: [("qualification", start)])
    try fixture.opportunity(account: account, amount: 5000, currency: "USD", owner: "thabo", closeOn: "2027-01-10", moves: [("proposal", start)])
    try fixture.opportunity(account: account, amount: 7000, owner: "thabo", closeOn: "2027-04-01", moves: [("proposal", start)])
    try fixture.opportunity(account: account, amount: 8000, owner: "thabo", closeOn: "2026-12-31", moves: [("proposal", start)])
    try fixture.opportunity(account: account, amount: 9000, owner: "thabo", closeOn: "2027-02-10", moves: [("proposal", start), ("won", at(days: 1))])
    try fixture.opportunity(account: account, amount: 9500, owner: "thabo", moves: [("proposal", start)])
    return fixture
}

private func figures(_ row: JSONValue) -> [Int64?] {
    [row["opportunities"]?.int, row["amount_minor"]?.int, row["weighted_minor"]?.int]
}

@Test func forecastByMonthListsEveryMonthOfTheRange() throws {
    let fixture = try forecastFixture()
    let answer = try fixture.report("report.forecast", #"{"from": "2027-01-01", "to": "2027-03-31", "currency": "ZAR"}"#)
    let rows = answer["rows"]?.array ?? []
    #expect(rows.map { $0["month"]?.text } == ["2027-01", "2027-02", "2027-03"])
    // January: A + B = 2, 100000 + 333 = 100333, 10000 + 167 = 10167.
    #expect(figures(rows[0]) == [2, 100_333, 10_167])
    // February: nothing (the won one does not count), an empty group.
    #expect(figures(rows[1]) == [0, 0, 0])
    // March: C + D = 2, 1001 + 999 = 2000, 701 + 200 = 901.
    #expect(figures(rows[2]) == [2, 2000, 901])
    // Total: 4, 102333, 11068 (the sum of the rounded figures).
    #expect(figures(answer["total"] ?? .null) == [4, 102_333, 11_068])
    #expect(answer["currency"]?.text == "ZAR")
    #expect(answer["group_by"]?.strings == ["month"])
}

@Test func forecastByOwnerAndByStage() throws {
    let fixture = try forecastFixture()
    let byOwner = try fixture.report("report.forecast", #"{"from": "2027-01-01", "to": "2027-03-31", "currency": "ZAR", "group_by": "owner"}"#)
    let owners = byOwner["rows"]?.array ?? []
    // lerato: B; thabo: A + C = 101001, 10000 + 701; no owner (last): D.
    #expect(owners.map { $0["owner"] ?? .string("absent") } == [.string("lerato"), .string("thabo"), .null])
    #expect(owners.map(figures) == [[1, 333, 167], [2, 101_001, 10_701], [1, 999, 200]])

    let byStage = try fixture.report("report.forecast", #"{"from": "2027-01-01", "to": "2027-03-31", "currency": "ZAR", "group_by": ["stage"]}"#)
    let stages = byStage["rows"]?.array ?? []
    // Every open stage in pipeline order, one opportunity each.
    #expect(stages.map { $0["stage"]?.text } == ["prospecting", "qualification", "proposal", "negotiation"])
    #expect(stages.map(figures) == [[1, 100_000, 10_000], [1, 999, 200], [1, 333, 167], [1, 1001, 701]])

    // Month by stage: 3 months x 4 open stages, every cell listed.
    let grid = try fixture.report("report.forecast", #"{"from": "2027-01-01", "to": "2027-03-31", "currency": "ZAR", "group_by": ["month", "stage"]}"#)
    let cells = grid["rows"]?.array ?? []
    #expect(cells.count == 12)
    #expect(cells.filter { $0["opportunities"]?.int != 0 }.map { "\($0["month"]?.text ?? "") \($0["stage"]?.text ?? "")" }
            == ["2027-01 prospecting", "2027-01 proposal", "2027-03 qualification", "2027-03 negotiation"])
}

@Test func forecastOfAnEmptyRangeOrAnotherCurrency() throws {
    let fixture = try forecastFixture()
    let empty = try fixture.report("report.forecast", #"{"from": "2030-05-01", "to": "2030-05-31", "currency": "ZAR"}"#)
    #expect(empty["rows"]?.array?.map(figures) == [[0, 0, 0]])
    #expect(figures(empty["total"] ?? .null) == [0, 0, 0])
    // USD: only the USD opportunity, 5000 x 50% = 2500.
    let usd = try fixture.report("report.forecast", #"{"from": "2027-01-01", "to": "2027-01-31", "currency": "USD", "group_by": "owner"}"#)
    #expect(usd["rows"]?.array?.map(figures) == [[1, 5000, 2500]])
}

// MARK: - Funnel

/// ZAR opportunities created in December 2026 (p = prospecting, q = qualification,
/// pr = proposal, n = negotiation; furthest open stage reached in brackets):
///   F1 web      thabo   1000  p q pr n won   [4, won]
///   F2 web      thabo   2000  p q lost       [2]
///   F3 web      lerato  3000  p (open)       [1]
///   F4 referral lerato  4000  pr lost        [3]
///   F5 referral -       5000  p won          [1, won]
///   F8 phone_in thabo    800  p lost q (reopened, open) [2]
/// Left out: a USD one and one created 2027-01-01.
private func funnelFixture() throws -> PipelineFixture {
    let fixture = try PipelineFixture()
    let account = try fixture.account()
    try fixture.opportunity(account: account, amount: 1000, owner: "thabo", channel: "web",
                            moves: [("prospecting", at(days: 0)), ("qualification", at(days: 1)), ("proposal", at(days: 2)),
                                    ("negotiation", at(days: 3)), ("won", at(days: 4))])
    try fixture.opportunity(account: account, amount: 2000, owner: "thabo", channel: "web",
                            moves: [("prospecting", at(days: 0)), ("qualification", at(days: 1)), ("lost", at(days: 2))])
    try fixture.opportunity(account: account, amount: 3000, owner: "lerato", channel: "web", moves: [("prospecting", at(days: 1))])
    try fixture.opportunity(account: account, amount: 4000, owner: "lerato", channel: "referral",
                            moves: [("proposal", at(days: 2)), ("lost", at(days: 5))])
    try fixture.opportunity(account: account, amount: 5000, channel: "referral", moves: [("prospecting", at(days: 3)), ("won", at(days: 6))])
    try fixture.opportunity(account: account, amount: 600, currency: "USD", owner: "thabo", channel: "web", moves: [("prospecting", at(days: 0))])
    try fixture.opportunity(account: account, amount: 700, owner: "thabo", channel: "web", moves: [("prospecting", "2027-01-01T00:00:00Z")])
    try fixture.opportunity(account: account, amount: 800, owner: "thabo", channel: "phone_in",
                            moves: [("prospecting", at(days: 29)), ("lost", at(days: 29, hours: 1)), ("qualification", at(days: 29, hours: 2))])
    return fixture
}

/// A funnel group's stages as [reached, amount, conversion numerator, denominator, rate_bp].
private func steps(_ group: JSONValue?) -> [[Int64?]] {
    (group?["stages"]?.array ?? []).map { [$0["reached"]?.int, $0["amount_minor"]?.int] + rate($0["conversion_to_next"]) }
}

@Test func funnelTotalCountsReachedStagesAndConversions() throws {
    let fixture = try funnelFixture()
    let answer = try fixture.report("report.funnel", #"{"from": "2026-12-01", "to": "2026-12-31", "currency": "ZAR"}"#)
    #expect(answer["stages"]?.strings == ["prospecting", "qualification", "proposal", "negotiation", "won"])
    #expect(answer["groups"] == nil)
    let total = answer["total"]
    // Created: F1 F2 F3 F4 F5 F8 = 6, 1000+2000+3000+4000+5000+800 = 15800.
    #expect(total?["created"]?.int == 6)
    #expect(total?["amount_minor"]?.int == 15_800)
    #expect(steps(total) == [
        // prospecting: all six (F4 entered later, F5 won): 15800; on to qualification 5/6 = 8333.3 bp -> 8333.
        [6, 15_800, 5, 6, 8333],
        // qualification: F1 F2 F4 F5 F8 = 1000+2000+4000+5000+800 = 12800; on 3/5 = 6000 bp.
        [5, 12_800, 3, 5, 6000],
        // proposal: F1 F4 F5 = 10000; on 2/3 = 6666.7 -> 6667 bp.
        [3, 10_000, 2, 3, 6667],
        // negotiation: F1 F5 = 6000; on 2/2.
        [2, 6000, 2, 2, 10_000],
        // won: F1 F5; the last step has no conversion.
        [2, 6000, nil, nil, nil],
    ])
    // Open now: F3 F8; won F1 F5; lost F2 F4. Win rate 2/6 = 3333 bp.
    #expect([total?["open"]?.int, total?["won"]?.int, total?["lost"]?.int] == [2, 2, 2])
    #expect(rate(total?["win_rate"]) == [2, 6, 3333])
}

@Test func funnelBySourceChannelHasAZeroDenominator() throws {
    let fixture = try funnelFixture()
    let answer = try fixture.report("report.funnel", #"{"from": "2026-12-01", "to": "2026-12-31", "currency": "ZAR", "group_by": "source_channel"}"#)
    let groups = answer["groups"]?.array ?? []
    #expect(groups.map { $0["source_channel"]?.text } == ["phone_in", "referral", "web"])
    // phone_in: F8 only, reached prospecting and qualification; proposal 0, so
    // proposal -> negotiation is 0/0: no rate.
    #expect(groups[0]["created"]?.int == 1)
    #expect(steps(groups[0]) == [[1, 800, 1, 1, 10_000], [1, 800, 0, 1, 0], [0, 0, 0, 0, nil], [0, 0, 0, 0, nil], [0, 0, nil, nil, nil]])
    #expect(rate(groups[0]["win_rate"]) == [0, 1, 0])
    // referral: F4 [3] and F5 [won], 9000: both reach proposal, only F5 negotiation and won.
    #expect(steps(groups[1]) == [[2, 9000, 2, 2, 10_000], [2, 9000, 2, 2, 10_000], [2, 9000, 1, 2, 5000], [1, 5000, 1, 1, 10_000], [1, 5000, nil, nil, nil]])
    #expect([groups[1]["open"]?.int, groups[1]["won"]?.int, groups[1]["lost"]?.int] == [0, 1, 1])
    // web: F1 [4, won], F2 [2], F3 [1], 6000: 2/3 -> 6667, 1/2, 1/1, 1/1.
    #expect(steps(groups[2]) == [[3, 6000, 2, 3, 6667], [2, 3000, 1, 2, 5000], [1, 1000, 1, 1, 10_000], [1, 1000, 1, 1, 10_000], [1, 1000, nil, nil, nil]])
    #expect(rate(groups[2]["win_rate"]) == [1, 3, 3333])
}

@Test func funnelByOwnerAndAnEmptyRange() throws {
    let fixture = try funnelFixture()
    let byOwner = try fixture.report("report.funnel", #"{"from": "2026-12-01", "to": "2026-12-31", "currency": "ZAR", "group_by": ["owner"]}"#)
    let groups = byOwner["groups"]?.array ?? []
    // lerato: F3 F4 (7000); thabo: F1 F2 F8 (3800); no owner: F5 (5000).
    #expect(groups.map { $0["owner"] ?? .string("absent") } == [.string("lerato"), .string("thabo"), .null])
    #expect(groups.map { $0["created"]?.int } == [2, 3, 1])
    #expect(groups.map { $0["amount_minor"]?.int } == [7000, 3800, 5000])
    // thabo: prospecting F1 F2 F8, qualification F1 F2 F8, proposal F1 ...
    #expect(steps(groups[1]).map { $0[0] } == [3, 3, 1, 1, 1])

    let empty = try fixture.report("report.funnel", #"{"from": "2020-01-01", "to": "2020-01-31", "currency": "ZAR", "group_by": "owner"}"#)
    #expect(empty["groups"]?.array == [])
    #expect(empty["total"]?["created"]?.int == 0)
    #expect(steps(empty["total"]) == [[0, 0, 0, 0, nil], [0, 0, 0, 0, nil], [0, 0, 0, 0, nil], [0, 0, 0, 0, nil], [0, 0, nil, nil, nil]])
    #expect(rate(empty["total"]?["win_rate"]) == [0, 0, nil])
}

// MARK: - Cycle

/// Closed in December 2026 (created at the epoch, 2026-12-01T09:30Z):
///   C1 won  after 10 days    (p 2 days, q 8 days)
///   C2 won  after 3.5 days   (p 3.5 days)
///   C3 lost after 1 day      (p 1 day)
///   C4 won  after 20 days    (p 5 days, proposal 15 days)
/// Open: O1 in prospecting since 2026-12-02T09:30Z. Out of range: C5,
/// created 2027-01-05, won 2027-02-01.
private func cycleFixture() throws -> PipelineFixture {
    let fixture = try PipelineFixture()
    let account = try fixture.account()
    try fixture.opportunity(account: account, amount: 100, moves: [("prospecting", at(days: 0)), ("qualification", at(days: 2)), ("won", at(days: 10))])
    try fixture.opportunity(account: account, amount: 100, moves: [("prospecting", at(days: 0)), ("won", at(days: 3, hours: 12))])
    try fixture.opportunity(account: account, amount: 100, moves: [("prospecting", at(days: 0)), ("lost", at(days: 1))])
    try fixture.opportunity(account: account, amount: 100, moves: [("prospecting", at(days: 0)), ("proposal", at(days: 5)), ("won", at(days: 20))])
    try fixture.opportunity(account: account, amount: 100, moves: [("prospecting", at(days: 1))])
    try fixture.opportunity(account: account, amount: 100, moves: [("prospecting", "2027-01-05T10:00:00Z"), ("won", "2027-02-01T10:00:00Z")])
    return fixture
}

@Test func cycleDaysToCloseAndTimeInStage() throws {
    let fixture = try cycleFixture()
    let answer = try fixture.report("report.cycle", #"{"from": "2026-12-01", "to": "2026-12-31", "as_of": "2026-12-31T09:30:00Z"}"#)
    let closed = answer["closed"]
    // Won: 10 + 3.5 + 20 = 33.5 days = 2894400 s over 3 x 86400; 11.1667 days -> 1117 hundredths.
    #expect(closed?["won"]?["opportunities"]?.int == 3)
    #expect(days(closed?["won"]?["average_days"]) == [2_894_400, 259_200, 1117])
    // Median of 3.5, 10, 20: 10 days.
    #expect(days(closed?["won"]?["median_days"]) == [864_000, 86_400, 1000])
    // Lost: one, 1 day.
    #expect(days(closed?["lost"]?["average_days"]) == [86_400, 86_400, 100])
    #expect(days(closed?["lost"]?["median_days"]) == [86_400, 86_400, 100])
    // All four: 34.5 days / 4 = 8.625 -> 863 hundredths (half away from zero);
    // median (3.5 + 10) / 2 = 6.75 days: (302400 + 864000) / (2 x 86400).
    #expect(closed?["all"]?["opportunities"]?.int == 4)
    #expect(days(closed?["all"]?["average_days"]) == [2_980_800, 345_600, 863])
    #expect(days(closed?["all"]?["median_days"]) == [1_166_400, 172_800, 675])

    let stages = answer["stages"]?.array ?? []
    #expect(stages.map { $0["stage"]?.text } == ["prospecting", "qualification", "proposal", "negotiation"])
    #expect(stages.map { $0["visits"]?.int } == [5, 1, 1, 0])
    // Prospecting: 2 + 3.5 + 1 + 5 + 29 (O1, until as_of) = 40.5 days = 3499200 s over 5 visits: 8.1 days.
    #expect(days(stages[0]["average_days"]) == [3_499_200, 432_000, 810])
    #expect(days(stages[1]["average_days"]) == [691_200, 86_400, 800])
    #expect(days(stages[2]["average_days"]) == [1_296_000, 86_400, 1500])
    // Negotiation: no visit, a zero denominator.
    #expect(days(stages[3]["average_days"]) == [0, 0, nil])
}

@Test func cycleOfAnEmptyRangeAndAsOfDefaultingToNow() throws {
    let fixture = try cycleFixture()
    let empty = try fixture.report("report.cycle", #"{"from": "2030-01-01", "to": "2030-12-31"}"#)
    #expect(empty["as_of"]?.text == "2026-12-01T09:30:00Z")
    #expect(empty["closed"]?["all"]?["opportunities"]?.int == 0)
    #expect(days(empty["closed"]?["all"]?["median_days"]) == [0, 0, nil])
    #expect(empty["stages"]?.array?.map { $0["visits"]?.int } == [0, 0, 0, 0])
    // The clock moved on 30 days: O1 has been in prospecting 29 days at as_of now.
    fixture.clock.advance(seconds: 30 * 86_400)
    let now = try fixture.report("report.cycle", #"{"from": "2026-12-02", "to": "2026-12-02"}"#)
    #expect(days(now["stages"]?.array?.first?["average_days"]) == [2_505_600, 86_400, 2900])
}

// MARK: - Win / loss

/// ZAR, closed in December 2026:
///   W1 won  price        Acme  1000
///   W2 won  relationship -     2000
///   W3 lost price        Acme   500
///   W4 lost price        Bolt   700
///   W5 lost no budget    -      300
/// Left out: a USD win, a win on 2027-01-02, an open one.
private func winLossFixture() throws -> PipelineFixture {
    let fixture = try PipelineFixture()
    let account = try fixture.account()
    func deal(_ amount: Int64, _ outcome: String, _ reason: String?, _ competitor: String?, currency: String = "ZAR", closed: String = at(days: 3)) throws {
        try fixture.opportunity(account: account, amount: amount, currency: currency, reason: reason, competitor: competitor,
                                moves: [("prospecting", at(days: 0)), (outcome, closed)])
    }
    try deal(1000, "won", "price", "Acme")
    try deal(2000, "won", "relationship", nil)
    try deal(500, "lost", "price", "Acme")
    try deal(700, "lost", "price", "Bolt")
    try deal(300, "lost", "no budget", nil)
    try deal(9000, "won", "price", "Acme", currency: "USD")
    try deal(9100, "won", "price", "Acme", closed: "2027-01-02T08:00:00Z")
    try deal(9200, "proposal", nil, "Acme")
    return fixture
}

/// [won count, won amount, lost count, lost amount] + win rate + value win rate.
private func outcome(_ row: JSONValue?) -> [Int64?] {
    [row?["won"]?["opportunities"]?.int, row?["won"]?["amount_minor"]?.int,
     row?["lost"]?["opportunities"]?.int, row?["lost"]?["amount_minor"]?.int]
        + rate(row?["win_rate"]) + rate(row?["value_win_rate"])
}

@Test func winLossByReasonAndByCompetitor() throws {
    let fixture = try winLossFixture()
    let byReason = try fixture.report("report.win_loss", #"{"from": "2026-12-01", "to": "2026-12-31", "currency": "ZAR"}"#)
    let reasons = byReason["rows"]?.array ?? []
    #expect(reasons.map { $0["close_reason"]?.text } == ["no budget", "price", "relationship"])
    // no budget: lost W5; win rate 0/1; by value 0/300.
    #expect(outcome(reasons[0]) == [0, 0, 1, 300, 0, 1, 0, 0, 300, 0])
    // price: won W1 1000, lost W3 W4 1200; 1/3 = 3333 bp; 1000/2200 = 4545.45 -> 4545 bp.
    #expect(outcome(reasons[1]) == [1, 1000, 2, 1200, 1, 3, 3333, 1000, 2200, 4545])
    // relationship: won W2 2000; 1/1, 2000/2000.
    #expect(outcome(reasons[2]) == [1, 2000, 0, 0, 1, 1, 10_000, 2000, 2000, 10_000])
    // Total: won 2 (3000), lost 3 (1500); 2/5 = 4000 bp; 3000/4500 = 6666.7 -> 6667 bp.
    #expect(outcome(byReason["total"]) == [2, 3000, 3, 1500, 2, 5, 4000, 3000, 4500, 6667])

    let byCompetitor = try fixture.report("report.win_loss", #"{"from": "2026-12-01", "to": "2026-12-31", "currency": "ZAR", "group_by": "competitor"}"#)
    let competitors = byCompetitor["rows"]?.array ?? []
    #expect(competitors.map { $0["competitor"] ?? .string("absent") } == [.string("Acme"), .string("Bolt"), .null])
    // Acme: W1 won 1000, W3 lost 500: 1/2; 1000/1500 = 6666.7 -> 6667.
    #expect(outcome(competitors[0]) == [1, 1000, 1, 500, 1, 2, 5000, 1000, 1500, 6667])
    #expect(outcome(competitors[1]) == [0, 0, 1, 700, 0, 1, 0, 0, 700, 0])
    // No competitor: W2 won 2000, W5 lost 300: 1/2; 2000/2300 = 8695.65 -> 8696.
    #expect(outcome(competitors[2]) == [1, 2000, 1, 300, 1, 2, 5000, 2000, 2300, 8696])
}

@Test func winLossOfAnEmptyRange() throws {
    let fixture = try winLossFixture()
    let empty = try fixture.report("report.win_loss", #"{"from": "2026-11-01", "to": "2026-11-30", "currency": "ZAR", "group_by": ["close_reason", "competitor"]}"#)
    #expect(empty["rows"]?.array == [])
    #expect(outcome(empty["total"]) == [0, 0, 0, 0, 0, 0, nil, 0, 0, nil])
}

// MARK: - Bad input

@Test func reportsRefuseBadArguments() throws {
    let fixture = try PipelineFixture()
    for command in ["report.forecast", "report.funnel", "report.win_loss"] {
        expectCRMError(.invalid, "from 2027-02-01 is after to 2027-01-31") {
            try fixture.report(command, #"{"from": "2027-02-01", "to": "2027-01-31", "currency": "ZAR"}"#)
        }
        expectCRMError(.invalid, "to must be a date") {
            try fixture.report(command, #"{"from": "2027-01-01", "to": "2027-02-30", "currency": "ZAR"}"#)
        }
        expectCRMError(.invalid, "from is required") { try fixture.report(command, #"{"to": "2027-01-31", "currency": "ZAR"}"#) }
        expectCRMError(.invalid, "group_by must be one of") {
            try fixture.report(command, #"{"from": "2027-01-01", "to": "2027-01-31", "currency": "ZAR", "group_by": "region"}"#)
        }
        expectCRMError(.invalid, "group_by[1] must be one of") {
            try fixture.report(command, #"{"from": "2027-01-01", "to": "2027-01-31", "currency": "ZAR", "group_by": ["owner", "colour"]}"#)
        }
        expectCRMError(.invalid, "currency is required") { try fixture.report(command, #"{"from": "2027-01-01", "to": "2027-01-31"}"#) }
        expectCRMError(.invalid, "currency 'XXX'") {
            try fixture.report(command, #"{"from": "2027-01-01", "to": "2027-01-31", "currency": "XXX"}"#)
        }
        expectCRMError(.invalid, "unknown field 'form'") {
            try fixture.report(command, #"{"form": "2027-01-01", "from": "2027-01-01", "to": "2027-01-31", "currency": "ZAR"}"#)
        }
    }
    expectCRMError(.invalid, "from 2027-02-01 is after to 2027-01-31") { try fixture.report("report.cycle", #"{"from": "2027-02-01", "to": "2027-01-31"}"#) }
    expectCRMError(.invalid, "as_of must be a date") { try fixture.report("report.cycle", #"{"from": "2027-01-01", "to": "2027-01-31", "as_of": "soon"}"#) }
    expectCRMError(.invalid, "from must be a date") { try fixture.report("report.lead_conversion", #"{"from": "1 Jan 2027", "to": "2027-01-31"}"#) }
    expectCRMError(.invalid, "group_by must be one of source_channel, campaign") {
        try fixture.report("report.lead_conversion", #"{"from": "2027-01-01", "to": "2027-01-31", "group_by": "owner"}"#)
    }
    expectCRMError(.invalid, "group_by names owner twice") {
        try fixture.report("report.funnel", #"{"from": "2027-01-01", "to": "2027-01-31", "currency": "ZAR", "group_by": ["owner", "owner"]}"#)
    }
    expectCRMError(.range, "at most 120 months") {
        try fixture.report("report.forecast", #"{"from": "2020-01-01", "to": "2030-01-31", "currency": "ZAR"}"#)
    }
}

// MARK: - Lead conversion

/// Leads captured in December 2026, through lead.create and lead.convert:
///   L1 web      Spring  converted, new account, its opportunity won
///   L2 web      Spring  qualified
///   L3 web      -       converted into an existing account, no opportunity
///   L4 referral Spring  new
///   L5 referral -       disqualified
/// Left out: L6 email, captured 2027-01-05 (converted).
private func leadConversionFixture() throws -> PipelineFixture {
    let fixture = try PipelineFixture()
    let existing = try fixture.account()
    func qualify(_ id: Int64) throws {
        try fixture.run("lead.transition", #"{"id": \#(id), "to": "contacted"}"#)
        try fixture.run("lead.transition", #"{"id": \#(id), "to": "qualified"}"#)
    }
    let l1 = try fixture.make("lead.create", #""company": "One Traders", "source_channel": "web", "campaign": "Spring""#)
    try qualify(l1)
    let converted = try fixture.run("lead.convert", #"{"id": \#(l1), "opportunity": {"title": "Shelving", "amount_minor": 50000}}"#)
    let opportunity = try #require(converted["opportunity"]?["id"]?.int)
    try fixture.run("opportunity.move", #"{"id": \#(opportunity), "stage": "won", "reason": "price"}"#)
    let l2 = try fixture.make("lead.create", #""company": "Two Traders", "source_channel": "web", "campaign": "Spring""#)
    try qualify(l2)
    let l3 = try fixture.make("lead.create", #""company": "Three Traders", "source_channel": "web""#)
    try qualify(l3)
    try fixture.run("lead.convert", #"{"id": \#(l3), "account_id": \#(existing), "opportunity": null}"#)
    try fixture.make("lead.create", #""company": "Four Traders", "source_channel": "referral", "campaign": "Spring""#)
    let l5 = try fixture.make("lead.create", #""company": "Five Traders", "source_channel": "referral""#)
    try fixture.run("lead.transition", #"{"id": \#(l5), "to": "disqualified", "reason": "no budget"}"#)
    fixture.clock.set(Timestamp(rfc3339: "2027-01-05T08:00:00Z")!)
    let l6 = try fixture.make("lead.create", #""company": "Six Traders", "source_channel": "email""#)
    try qualify(l6)
    try fixture.run("lead.convert", #"{"id": \#(l6), "opportunity": null}"#)
    return fixture
}

/// [leads, converted, customers, new_accounts, won] + conversion rate + customer rate + won rate.
private func conversion(_ row: JSONValue?) -> [Int64?] {
    [row?["leads"]?.int, row?["converted"]?.int, row?["customers"]?.int, row?["new_accounts"]?.int, row?["won"]?.int]
        + rate(row?["conversion_rate"]) + rate(row?["customer_rate"]) + rate(row?["won_rate"])
}

@Test func leadConversionBySourceChannelAndCampaign() throws {
    let fixture = try leadConversionFixture()
    let byChannel = try fixture.report("report.lead_conversion", #"{"from": "2026-12-01", "to": "2026-12-31"}"#)
    #expect(byChannel["group_by"]?.strings == ["source_channel"])
    let channels = byChannel["rows"]?.array ?? []
    #expect(channels.map { $0["source_channel"]?.text } == ["referral", "web"])
    // referral: L4 L5, none converted: 0/2.
    #expect(conversion(channels[0]) == [2, 0, 0, 0, 0, 0, 2, 0, 0, 2, 0, 0, 2, 0])
    // web: L1 L2 L3; L1 and L3 converted (2/3 = 6666.7 -> 6667 bp), L1 made a new
    // account, L1's opportunity won (1/3 = 3333 bp).
    #expect(conversion(channels[1]) == [3, 2, 2, 1, 1, 2, 3, 6667, 2, 3, 6667, 1, 3, 3333])
    // Total: 5 leads, 2 converted (4000 bp), 1 won (2000 bp).
    #expect(conversion(byChannel["total"]) == [5, 2, 2, 1, 1, 2, 5, 4000, 2, 5, 4000, 1, 5, 2000])

    let byCampaign = try fixture.report("report.lead_conversion", #"{"from": "2026-12-01", "to": "2026-12-31", "group_by": "campaign"}"#)
    let campaigns = byCampaign["rows"]?.array ?? []
    #expect(campaigns.map { $0["campaign"] ?? .string("absent") } == [.string("Spring"), .null])
    // Spring: L1 L2 L4, L1 converted: 1/3. No campaign: L3 L5, L3 converted: 1/2.
    #expect(conversion(campaigns[0]) == [3, 1, 1, 1, 1, 1, 3, 3333, 1, 3, 3333, 1, 3, 3333])
    #expect(conversion(campaigns[1]) == [2, 1, 1, 0, 0, 1, 2, 5000, 1, 2, 5000, 0, 2, 0])

    let both = try fixture.report("report.lead_conversion", #"{"from": "2026-12-01", "to": "2026-12-31", "group_by": ["source_channel", "campaign"]}"#)
    let cells = both["rows"]?.array ?? []
    #expect(cells.map { [$0["source_channel"]?.text ?? "-", $0["campaign"]?.text ?? "-"] }
            == [["referral", "Spring"], ["referral", "-"], ["web", "Spring"], ["web", "-"]])
    #expect(cells.map { $0["leads"]?.int } == [1, 1, 2, 1])

    // January: L6 alone, converted into a new account without an opportunity.
    let january = try fixture.report("report.lead_conversion", #"{"from": "2027-01-01", "to": "2027-01-31"}"#)
    #expect(conversion(january["total"]) == [1, 1, 1, 1, 0, 1, 1, 10_000, 1, 1, 10_000, 0, 1, 0])
    // No leads: every rate has a zero denominator.
    let empty = try fixture.report("report.lead_conversion", #"{"from": "2020-01-01", "to": "2020-12-31"}"#)
    #expect(empty["rows"]?.array == [])
    #expect(conversion(empty["total"]) == [0, 0, 0, 0, 0, 0, 0, nil, 0, 0, nil, 0, 0, nil])
}

// MARK: - Through the opportunity commands

/// The reports over opportunities made and moved by opportunity.create and
/// opportunity.move (the clock sets every time):
///   X 10000 ZAR  thabo  web   closes 2027-01-20: created, qualification (+1 day),
///                proposal (+3 days), won "price" (+7 days)
///   Y  2500 ZAR  thabo  web   closes 2027-01-25: created, lost "timing" to Acme (+2 days)
///   Z   999 ZAR  lerato -     closes 2027-02-14: created, proposal (+1 day), open
@Test func reportsOverOpportunitiesMadeByCommands() throws {
    let fixture = try PipelineFixture()
    let account = try fixture.account()
    let x = try fixture.make("opportunity.create", #""account_id": \#(account), "title": "X", "amount_minor": 10000, "currency": "ZAR", "owner": "thabo", "source_channel": "web", "expected_close_on": "2027-01-20""#)
    let y = try fixture.make("opportunity.create", #""account_id": \#(account), "title": "Y", "amount_minor": 2500, "currency": "ZAR", "owner": "thabo", "source_channel": "web", "expected_close_on": "2027-01-25", "competitor": "Acme""#)
    let z = try fixture.make("opportunity.create", #""account_id": \#(account), "title": "Z", "amount_minor": 999, "currency": "ZAR", "owner": "lerato", "expected_close_on": "2027-02-14""#)
    fixture.clock.advance(seconds: 86_400)
    try fixture.run("opportunity.move", #"{"id": \#(x), "stage": "qualification"}"#)
    try fixture.run("opportunity.move", #"{"id": \#(z), "stage": "proposal"}"#)
    fixture.clock.advance(seconds: 86_400)
    try fixture.run("opportunity.move", #"{"id": \#(y), "stage": "lost", "reason": "timing"}"#)
    fixture.clock.advance(seconds: 86_400)
    try fixture.run("opportunity.move", #"{"id": \#(x), "stage": "proposal"}"#)
    fixture.clock.advance(seconds: 4 * 86_400)
    try fixture.run("opportunity.move", #"{"id": \#(x), "stage": "won", "reason": "price"}"#)

    // Forecast: only Z is open: 999 x 50% = 499.5 -> 500, in February.
    let forecast = try fixture.report("report.forecast", #"{"from": "2027-01-01", "to": "2027-02-28", "currency": "ZAR"}"#)
    #expect(forecast["rows"]?.array?.map(figures) == [[0, 0, 0], [1, 999, 500]])

    // Funnel: X reached everything, Y only prospecting, Z up to proposal.
    let funnel = try fixture.report("report.funnel", #"{"from": "2026-12-01", "to": "2026-12-31", "currency": "ZAR"}"#)
    #expect(steps(funnel["total"]) == [[3, 13_499, 2, 3, 6667], [2, 10_999, 2, 2, 10_000], [2, 10_999, 1, 2, 5000], [1, 10_000, 1, 1, 10_000], [1, 10_000, nil, nil, nil]])

    // Cycle: X won after 7 days, Y lost after 2; median of two = 4.5 days.
    let cycle = try fixture.report("report.cycle", #"{"from": "2026-12-01", "to": "2026-12-31"}"#)
    #expect(days(cycle["closed"]?["all"]?["median_days"]) == [777_600, 172_800, 450])
    // Prospecting: X 1 day, Y 2 days, Z 1 day: 4 / 3 = 1.33 days. Qualification: X 2 days.
    // Proposal: X 4 days, Z 6 days until now (as_of defaults to the clock): 5 days.
    #expect(cycle["stages"]?.array?.map { days($0["average_days"]) }
            == [[345_600, 259_200, 133], [172_800, 86_400, 200], [864_000, 172_800, 500], [0, 0, nil]])

    // Win/loss by competitor: Acme lost Y (2500), no competitor won X (10000).
    let winLoss = try fixture.report("report.win_loss", #"{"from": "2026-12-01", "to": "2026-12-31", "currency": "ZAR", "group_by": "competitor"}"#)
    #expect(winLoss["rows"]?.array?.map(outcome) == [[0, 0, 1, 2500, 0, 1, 0, 0, 2500, 0], [1, 10_000, 0, 0, 1, 1, 10_000, 10_000, 10_000, 10_000]])
}
