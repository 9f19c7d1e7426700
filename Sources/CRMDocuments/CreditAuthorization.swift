import CRMStore

/// How the document chain asks credit control before a step writes: quote
/// acceptance, job card creation and invoice issue run the credit module's
/// `credit.authorize` when the library has it (this module never imports it).
enum CreditAuthorization {
    /// Asks `credit.authorize` for `stage`.
    /// - Returns: the decision the step's result and event carry as
    ///   "credit" when it is not a plain allow (a warning, a covered
    ///   prepayment, an override); nil otherwise, and without the credit module.
    /// - Throws: `CRM_CREDIT_HOLD` (with the decision as detail) when the
    ///   step is refused; the step then writes nothing.
    static func ask(_ store: Store, stage: String, accountID: Int64, amountMinor: Int64, currency: CurrencyCode,
                    documentType: String, documentID: Int64?, asOf: CalendarDate) throws -> JSONValue? {
        guard store.hasCommand("credit.authorize") else { return nil }
        let decision = try store.invoke("credit.authorize", .object([
            ("account_id", .integer(accountID)), ("stage", .string(stage)), ("amount_minor", .integer(amountMinor)),
            ("currency", .string(currency.code)), ("document_type", .string(documentType)), ("document_id", .integer(documentID)),
            ("as_of", .string(asOf.description)),
        ]))
        if decision["decision"] == .string("allow"), decision["override"] == .null { return nil }
        return decision
    }
}
