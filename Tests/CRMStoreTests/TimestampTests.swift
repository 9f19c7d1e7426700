import Foundation
import Testing
@testable import CRMStore

@Suite("Timestamp")
struct TimestampTests {
    private func parse(_ text: String) -> Timestamp? { Timestamp(rfc3339: text) }

    // MARK: Writing

    @Test func writesRFC3339InUTC() {
        #expect(Timestamp(secondsSinceEpoch: 0)!.description == "1970-01-01T00:00:00Z")
        #expect(Timestamp(secondsSinceEpoch: 1_796_117_400)!.description == "2026-12-01T09:30:00Z")
        #expect(Timestamp(secondsSinceEpoch: 951_868_799)!.description == "2000-02-29T23:59:59Z")
        #expect(Timestamp(secondsSinceEpoch: 253_402_300_799)!.description == "9999-12-31T23:59:59Z")
    }

    @Test func writesInstantsBefore1970() {
        #expect(Timestamp(secondsSinceEpoch: -1)!.description == "1969-12-31T23:59:59Z")
        #expect(Timestamp(secondsSinceEpoch: -86_400)!.description == "1969-12-31T00:00:00Z")
        #expect(Timestamp(secondsSinceEpoch: -86_401)!.description == "1969-12-30T23:59:59Z")
        #expect(Timestamp(secondsSinceEpoch: -62_135_596_800)!.description == "0001-01-01T00:00:00Z")
    }

    @Test func dateIsTheUTCDay() {
        #expect(Timestamp(secondsSinceEpoch: 1_796_117_400)!.date.description == "2026-12-01")
        #expect(Timestamp(secondsSinceEpoch: -1)!.date.description == "1969-12-31")
        #expect(Timestamp(startOf: CalendarDate("2026-12-01")!).secondsSinceEpoch == 1_796_083_200)
    }

    @Test func textSortsInTimeOrder() {
        let instants: [Int64] = [0, 59, 60, 3_599, 86_399, 86_400, 1_796_117_400, 253_402_300_799]
        let texts = instants.map { Timestamp(secondsSinceEpoch: $0)!.description }
        #expect(texts == texts.sorted())
        #expect(Timestamp(secondsSinceEpoch: 1)! < Timestamp(secondsSinceEpoch: 2)!)
        #expect(!(Timestamp(secondsSinceEpoch: 2)! < Timestamp(secondsSinceEpoch: 2)!))
    }

    // MARK: Parsing

    @Test func parsesUTC() {
        #expect(parse("2026-12-01T09:30:00Z")?.secondsSinceEpoch == 1_796_117_400)
        #expect(parse("2026-12-01t09:30:00z")?.secondsSinceEpoch == 1_796_117_400)
        #expect(parse("2026-12-01 09:30:00Z")?.secondsSinceEpoch == 1_796_117_400)
        #expect(parse("1970-01-01T00:00:00Z")?.secondsSinceEpoch == 0)
    }

    @Test func offsetsAreConvertedToUTC() {
        #expect(parse("2026-12-01T11:30:00+02:00")?.description == "2026-12-01T09:30:00Z")
        #expect(parse("2026-12-01T04:30:00-05:00")?.description == "2026-12-01T09:30:00Z")
        #expect(parse("2026-12-01T15:15:00+05:45")?.description == "2026-12-01T09:30:00Z")
        #expect(parse("2026-12-01T09:30:00+00:00")?.description == "2026-12-01T09:30:00Z")
        #expect(parse("2026-12-01T09:30:00-00:00")?.description == "2026-12-01T09:30:00Z")
    }

    @Test func offsetsCanMoveTheInstantToAnotherDay() {
        #expect(parse("2026-01-01T01:00:00+02:00")?.description == "2025-12-31T23:00:00Z")
        #expect(parse("2026-12-31T22:00:00-05:00")?.description == "2027-01-01T03:00:00Z")
        #expect(parse("2024-03-01T00:30:00+01:00")?.description == "2024-02-29T23:30:00Z")
    }

    @Test func fractionsOfASecondAreDropped() {
        #expect(parse("2026-12-01T11:30:00.250+02:00")?.description == "2026-12-01T09:30:00Z")
        #expect(parse("2026-12-01T09:30:59.999999999Z")?.description == "2026-12-01T09:30:59Z")
        #expect(parse("2026-12-01T09:30:00.0Z")?.secondsSinceEpoch == 1_796_117_400)
    }

    @Test func leapSecondIsClampedIntoTheMinute() {
        #expect(parse("2016-12-31T23:59:60Z")?.description == "2016-12-31T23:59:59Z")
    }

    @Test func secondsOutsideTheYears1To9999AreRefused() {
        #expect(Timestamp.validSeconds == -62_135_596_800...253_402_300_799)
        #expect(Timestamp(secondsSinceEpoch: 253_402_300_799)?.description == "9999-12-31T23:59:59Z")
        #expect(Timestamp(secondsSinceEpoch: 253_402_300_800) == nil)
        #expect(Timestamp(secondsSinceEpoch: -62_135_596_800)?.description == "0001-01-01T00:00:00Z")
        #expect(Timestamp(secondsSinceEpoch: -62_135_596_801) == nil)
        #expect(Timestamp(secondsSinceEpoch: Int64.max) == nil)
        #expect(Timestamp(secondsSinceEpoch: Int64.min) == nil)
    }

    @Test func clampingStopsAtTheEndsOfTheRange() {
        #expect(Timestamp(clamping: Int64.max).description == "9999-12-31T23:59:59Z")
        #expect(Timestamp(clamping: Int64.min).description == "0001-01-01T00:00:00Z")
        #expect(Timestamp(clamping: 1_796_117_400) == testEpoch)
        #expect(Timestamp.epoch.description == "1970-01-01T00:00:00Z")
    }

    @Test func startAndEndOfADay() throws {
        let last = try #require(CalendarDate("9999-12-31"))
        #expect(Timestamp(startOf: last).description == "9999-12-31T00:00:00Z")
        #expect(Timestamp(endOf: last).description == "9999-12-31T23:59:59Z")
        #expect(Timestamp(endOf: try #require(CalendarDate("0001-01-01"))).description == "0001-01-01T23:59:59Z")
        #expect(Timestamp(endOf: last).date == last)
    }

    @Test func roundTripsItsOwnText() {
        for seconds: Int64 in [-62_135_596_800, -1, 0, 1, 951_868_800, 1_796_117_400, 253_402_300_799] {
            let instant = Timestamp(secondsSinceEpoch: seconds)!
            #expect(Timestamp(rfc3339: instant.description) == instant)
        }
    }

    @Test(arguments: [
        "2026-02-30T00:00:00Z",      // no such day
        "2026-02-29T00:00:00Z",      // not a leap year
        "2026-13-01T00:00:00Z",      // no such month
        "2026-00-10T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "0000-01-01T00:00:00Z",      // year 0 is outside 1...9999
        "2026-12-01T24:00:00Z",      // hour 24
        "2026-12-01T09:60:00Z",      // minute 60
        "2026-12-01T09:30:61Z",      // second 61
        "2026-12-01T09:30:00",       // no zone
        "2026-12-01T09:30Z",         // no seconds
        "2026-12-01",                // a date, not an instant
        "2026-12-01X09:30:00Z",      // bad separator
        "2026-12-01T09:30:00+0200",  // offset without a colon
        "2026-12-01T09:30:00+02",
        "2026-12-01T09:30:00+24:00", // offset hour out of range
        "2026-12-01T09:30:00+02:60",
        "2026-12-01T09:30:00.Z",     // fraction without digits
        "2026-12-01T09:30:00.5",     // fraction without zone
        "2026-12-01T09:30:00ZZ",     // trailing text
        "2026-12-01T09:30:00Z ",
        " 2026-12-01T09:30:00Z",
        "2026-12-01T09:30:00+02:00x",
        "2026-12-01T9:30:00Z",
        "2026-1-01T09:30:00Z",
        "+2026-12-01T09:30:00Z",
        "2026-12-01T09:30:00UTC",
        "2026-12-01T09:3a:00Z",
        "２０２６-12-01T09:30:00Z",   // full-width digits
        "",
    ])
    func rejectsInvalidText(_ text: String) {
        #expect(parse(text) == nil)
    }

    // MARK: Clocks

    @Test func fixedClockSaysWhatItIsTold() {
        let clock = FixedClock(testEpoch)
        #expect(clock.now() == testEpoch)
        clock.advance(seconds: 90)
        #expect(clock.now().description == "2026-12-01T09:31:30Z")
        clock.set(Timestamp(secondsSinceEpoch: 0)!)
        #expect(clock.now().secondsSinceEpoch == 0)
    }

    @Test func fixedClockStopsAtTheEndsOfTheRange() {
        let clock = FixedClock(testEpoch)
        clock.advance(seconds: Int64.max)
        #expect(clock.now().description == "9999-12-31T23:59:59Z")
        clock.advance(seconds: Int64.max)
        #expect(clock.now().description == "9999-12-31T23:59:59Z")
        clock.advance(seconds: Int64.min)
        #expect(clock.now().description == "0001-01-01T00:00:00Z")
    }

    @Test func systemClockIsNearFoundationsClock() {
        let now = SystemClock().now().secondsSinceEpoch
        let reference = Int64(Date().timeIntervalSince1970)
        #expect(abs(now - reference) <= 2)
    }
}

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test func parsesAndWritesISODates() {
        #expect(CalendarDate("1970-01-01")?.daysSinceEpoch == 0)
        #expect(CalendarDate("2000-03-01")?.daysSinceEpoch == 11_017)
        #expect(CalendarDate("2024-02-29")?.daysSinceEpoch == 19_782)
        #expect(CalendarDate("0001-01-01")?.daysSinceEpoch == -719_162)
        #expect(CalendarDate("9999-12-31")?.daysSinceEpoch == 2_932_896)
        #expect(CalendarDate(daysSinceEpoch: -719_162)!.description == "0001-01-01")
        #expect(CalendarDate(daysSinceEpoch: 19_782)!.description == "2024-02-29")
        #expect(CalendarDate(daysSinceEpoch: -1)!.description == "1969-12-31")
    }

    @Test func daysOutsideTheYears1To9999AreRefused() {
        #expect(CalendarDate.validDays == -719_162...2_932_896)
        #expect(CalendarDate(daysSinceEpoch: 2_932_896)?.description == "9999-12-31")
        #expect(CalendarDate(daysSinceEpoch: 2_932_897) == nil)
        #expect(CalendarDate(daysSinceEpoch: -719_162)?.description == "0001-01-01")
        #expect(CalendarDate(daysSinceEpoch: -719_163) == nil)
        #expect(CalendarDate(daysSinceEpoch: Int64.max) == nil)
        #expect(CalendarDate(daysSinceEpoch: Int64.min) == nil)
        #expect(CalendarDate(daysSinceEpoch: 0)?.adding(days: Int64.min) == nil)
    }

    @Test func leapYearRules() {
        #expect(CalendarDate("2024-02-29") != nil)  // divisible by 4
        #expect(CalendarDate("2000-02-29") != nil)  // divisible by 400
        #expect(CalendarDate("1900-02-29") == nil)  // divisible by 100, not 400
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(CalendarDate("2026-02-28") != nil)
    }

    @Test(arguments: [
        "2026-02-30", "2026-02-31", "2026-04-31", "2026-06-31", "2026-09-31", "2026-11-31",
        "2026-01-32", "2026-00-01", "2026-13-01", "2026-12-00", "0000-06-01",
        "2026-1-01", "2026-01-1", "26-01-01", "2026/01/01", "2026-01-01T00:00:00Z", "2026-01-01 ",
        "20260101", "abcd-ef-gh", "-026-01-01", "", "2026-+1-01",
    ])
    func rejectsInvalidDates(_ text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test func componentInitializerChecksTheDayExists() {
        #expect(CalendarDate(year: 2026, month: 2, day: 30) == nil)
        #expect(CalendarDate(year: 2026, month: 4, day: 31) == nil)
        #expect(CalendarDate(year: 2026, month: 1, day: 0) == nil)
        #expect(CalendarDate(year: 10_000, month: 1, day: 1) == nil)
        #expect(CalendarDate(year: 0, month: 1, day: 1) == nil)
        #expect(CalendarDate(year: 2026, month: 12, day: 31)?.description == "2026-12-31")
    }

    @Test func componentsRoundTripOverTheWholeRange() throws {
        // Every 13th day from 0001-01-01 to 9999-12-31, and each day's neighbour.
        let first = try #require(CalendarDate("0001-01-01")).daysSinceEpoch
        let last = try #require(CalendarDate("9999-12-31")).daysSinceEpoch
        var failures = 0
        for days in stride(from: first, through: last, by: 13) {
            let date = CalendarDate(daysSinceEpoch: days)!
            let (year, month, day) = date.components
            if CalendarDate(year: year, month: month, day: day) != date { failures += 1 }
            if CalendarDate(date.description) != date { failures += 1 }
            guard let nextDate = date.adding(days: 1) else { if days < last { failures += 1 }; continue }
            let next = nextDate.components
            let expectedNext: (Int64, Int64, Int64) = day < CalendarDate.daysIn(month: month, year: year)
                ? (year, month, day + 1)
                : (month == 12 ? (year + 1, 1, 1) : (year, month + 1, 1))
            if days < last, next != expectedNext { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test func agreesWithFoundationsGregorianCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        for days in stride(from: Int64(-100_000), through: 1_000_000, by: 997) {
            let date = Date(timeIntervalSince1970: TimeInterval(days) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let ours = CalendarDate(daysSinceEpoch: days)!.components
            #expect(ours.year == Int64(parts.year ?? 0) && ours.month == Int64(parts.month ?? 0) && ours.day == Int64(parts.day ?? 0),
                    "day \(days): \(ours) vs \(parts)")
        }
    }

    @Test func addingDaysAndOrdering() throws {
        let date = try #require(CalendarDate("2026-12-31"))
        #expect(date.adding(days: 1)?.description == "2027-01-01")
        #expect(date.adding(days: -365)?.description == "2025-12-31")
        #expect(date.adding(days: 60)?.description == "2027-03-01")
        #expect(try #require(CalendarDate("2024-02-28")).adding(days: 1)?.description == "2024-02-29")
        #expect(date < (try #require(date.adding(days: 1))))
        // Outside the years 1..9999, or past Int64, there is no such date: nil, not a crash.
        #expect(try #require(CalendarDate("9999-12-31")).adding(days: 1) == nil)
        #expect(date.adding(days: Int64.max) == nil)
        #expect(try #require(CalendarDate("2026-01-09")) < (try #require(CalendarDate("2026-01-10"))))
    }
}
