/// An ISO 4217 currency code: three capital letters ("ZAR", "USD"). Only the
/// shape is checked here; `Currency(code:)` checks the code is on the list.
public struct CurrencyCode: Sendable, Hashable, CustomStringConvertible {
    /// The three letters.
    public let code: String

    /// Checks the shape of the code; nil unless three letters A-Z.
    public init?(_ code: String) {
        guard LetterCode.slot(code, letters: 3) != nil else { return nil }
        self.code = code
    }

    public var description: String { code }

    init(checked code: String) { self.code = code }

    /// The South African rand, the default currency of a new account.
    public static let zar = CurrencyCode(checked: "ZAR")
}

/// An amount of money: integer minor units (cents) of one currency. Never
/// floating point; every arithmetic operation checks for overflow.
public struct Money: Sendable, Hashable, CustomStringConvertible {
    /// The amount in minor units.
    public let amountMinor: Int64
    /// Its currency.
    public let currency: CurrencyCode

    public init(amountMinor: Int64, currency: CurrencyCode) {
        self.amountMinor = amountMinor
        self.currency = currency
    }

    public var description: String { "\(amountMinor) \(currency) minor units" }

    /// The sum, or a range error on overflow or a currency error on mixing.
    public func adding(_ other: Money) throws -> Money {
        try combine(other, "add") { $0.addingReportingOverflow($1) }
    }

    /// The difference, or a range error on overflow.
    public func subtracting(_ other: Money) throws -> Money {
        try combine(other, "subtract") { $0.subtractingReportingOverflow($1) }
    }

    /// The amount times a whole quantity, or a range error on overflow.
    public func multiplied(by quantity: Int64) throws -> Money {
        let (result, overflow) = amountMinor.multipliedReportingOverflow(by: quantity)
        guard !overflow else { throw CRMError.range("amount_minor overflows: \(amountMinor) x \(quantity)") }
        return Money(amountMinor: result, currency: currency)
    }

    private func combine(_ other: Money, _ verb: String,
                         _ operation: (Int64, Int64) -> (partialValue: Int64, overflow: Bool)) throws -> Money {
        guard other.currency == currency else {
            throw CRMError.invalid("cannot \(verb) \(other.currency) to \(currency)")
        }
        let (result, overflow) = operation(amountMinor, other.amountMinor)
        guard !overflow else { throw CRMError.range("amount_minor overflows when we \(verb) \(other.amountMinor) and \(amountMinor)") }
        return Money(amountMinor: result, currency: currency)
    }
}
