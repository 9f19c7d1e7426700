#if canImport(Glibc)
import Glibc
#endif
/// Eighteen months of the old ledger's invoices and receipts for five of the
/// demo's customers, each with its own habit of paying: the history the credit
/// section scores. Fixed dates (June 2025 to November 2026), so a rerun on any
/// later day replays every record; only the ageing grows with the calendar.
enum DemoCreditHistory {
    /// The source of the old ledger's documents.
    static let source = "ledger"
    /// The bank statement lines the receipts come from.
    static let bankSource = "bank-statement"
    /// The last day of the history: nothing is paid after it.
    static let lastDay = "2026-11-30"

    /// How one customer pays: per invoice, the days after the due date it was
    /// paid (negative: early), nil for still unpaid.
    struct Habit {
        let code: String
        /// A short description for the table.
        let habit: String
        /// Typical invoice, in cents.
        let baseMinor: Int64
        let daysLate: [Int64?]
    }

    static let habits: [Habit] = [
        Habit(code: "HVR001", habit: "pays early or on the day", baseMinor: 3_180_000,
              daysLate: [-5, -2, 0, -3, 1, -4, 0, -1, -6, 2, 0, -3, -2, 0, -5, 1, -1, nil]),
        Habit(code: "CCB001", habit: "steady, about two weeks late", baseMinor: 8_640_000,
              daysLate: [12, 14, 10, 15, 13, 11, 16, 12, 14, 13, 10, 15, 12, 14, 11, 13, nil, nil]),
        Habit(code: "MMM001", habit: "large orders, three to four weeks late", baseMinor: 14_250_000,
              daysLate: [21, 25, 18, 30, 22, 27, 24, 19, 28, 26, 23, 29, 20, 25, 31, nil, nil, nil]),
        Habit(code: "MTH001", habit: "was on time, slipping since May", baseMinor: 2_460_000,
              daysLate: [0, 2, -1, 3, 0, 1, 4, 2, 0, 1, 18, 29, 41, 52, nil, nil, nil, nil]),
        Habit(code: "KPS001", habit: "chronically two to three months late", baseMinor: 1_270_000,
              daysLate: [64, 71, 88, 59, 93, 77, 85, 102, 69, 96, 81, 90, nil, nil, nil, nil, nil, nil]),
    ]

    /// One invoice of the history and, when paid, its receipt.
    struct Invoice {
        let number: String
        let issuedOn: String
        let totalMinor: Int64
        let taxMinor: Int64
        /// Days after issue it fell due (the account's terms).
        let termsDays: Int64
        let paidOn: String?
    }

    /// The invoices of a habit: one on the 25th of each month from June 2025,
    /// amounts varying around the base, VAT at 15 % inside the total.
    static func invoices(_ habit: Habit, termsDays: Int64) -> [Invoice] {
        habit.daysLate.enumerated().map { index, late in
            let month = 6 + index  // June 2025 = 6
            let year = 2025 + (month - 1) / 12
            let issued = CalendarDay(year: year, month: (month - 1) % 12 + 1, day: 25)
            // Amounts vary by a fixed pattern (no randomness: a rerun is the same).
            let step = Int64((index * 7 + habit.code.count * 3) % 11) - 5
            let total = habit.baseMinor + step * habit.baseMinor / 20
            let rounded = total / 100 * 100
            let tax = (rounded * 15 + 57) / 115  // the VAT inside a VAT-inclusive total, to the cent
            var paid: String?
            if let late {
                let day = issued.adding(days: termsDays + late)
                if day.text <= lastDay { paid = day.text }
            }
            let number = "\(habit.code)-\(String(year).suffix(2))\(String(format2: (month - 1) % 12 + 1))"
            return Invoice(number: "OLD-\(number)", issuedOn: issued.text, totalMinor: rounded, taxMinor: tax,
                           termsDays: termsDays, paidOn: paid)
        }
    }

    /// A calendar day, enough arithmetic for the history.
    struct CalendarDay {
        var year: Int
        var month: Int
        var day: Int

        var text: String { "\(year)-\(String(format2: month))-\(String(format2: day))" }

        /// The day `days` after this one, by the C library's UTC calendar
        /// (timegm and gmtime_r, as `DemoRun.daysFromNow` reads today).
        func adding(days: Int64) -> CalendarDay {
            var parts = tm()
            parts.tm_year = Int32(year - 1900)
            parts.tm_mon = Int32(month - 1)
            parts.tm_mday = Int32(day)
            parts.tm_hour = 12
            var seconds = time_t(Int64(timegm(&parts)) + days * 86_400)
            var moved = tm()
            gmtime_r(&seconds, &moved)
            return CalendarDay(year: Int(moved.tm_year) + 1900, month: Int(moved.tm_mon) + 1, day: Int(moved.tm_mday))
        }
    }
}

extension String {
    /// A number from 0 to 99 as two digits ("07").
    init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : "\(value)"
    }
}
