extension DemoRun {
    // MARK: 14. Credit control

    /// Brings in eighteen months of the old ledger's invoices and receipts
    /// (`invoice.record`, `payment.record` with the bank statement's line as
    /// its reference); a rerun replays every one. Returns the account ids by
    /// customer code and how many records were created and replayed.
    func importPaymentHistory() throws -> (accounts: [String: Int64], created: Int, replayed: Int) {
        var accounts: [String: Int64] = [:]
        var created = 0, replayed = 0
        for habit in DemoCreditHistory.habits {
            let accountID = try accountID(habit.code)
            accounts[habit.code] = accountID
            let account = try database.exec("account.get", ["id": .int(accountID)])
            let terms = account["payment_terms_days"]?.int ?? 30
            for invoice in DemoCreditHistory.invoices(habit, termsDays: terms) {
                let (recorded, outcome) = try importRecord("invoice.record", type: "invoice", source: DemoCreditHistory.source,
                                                           ref: invoice.number, arguments: [
                    "account_id": .int(accountID), "number": .string(invoice.number), "issued_on": .string(invoice.issuedOn),
                    "total_minor": .int(invoice.totalMinor), "tax_minor": .int(invoice.taxMinor),
                ])
                if outcome == .created { created += 1 } else { replayed += 1 }
                guard let paidOn = invoice.paidOn, let invoiceID = recorded["id"]?.int else { continue }
                let (_, paid) = try importRecord("payment.record", type: "payment", source: DemoCreditHistory.bankSource,
                                                 ref: "EFT-\(invoice.number)", arguments: [
                    "account_id": .int(accountID), "amount_minor": .int(invoice.totalMinor), "method": "eft",
                    "received_on": .string(paidOn), "reference": .string(invoice.number),
                    "allocations": [["invoice_id": .int(invoiceID), "amount_minor": .int(invoice.totalMinor)]],
                ])
                if paid == .created { created += 1 } else { replayed += 1 }
            }
        }
        return (accounts, created, replayed)
    }
}
