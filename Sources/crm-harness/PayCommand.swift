import ArgumentParser

extension CRMHarness {
    /// `crm-harness pay`: records a payment received through the typed C
    /// call `crm_payment_record`, allocating it oldest-first, and shows what
    /// it paid and the posting it carries.
    struct Pay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a payment received, allocated oldest-first (crm_payment_record).",
            discussion: """
                Uses the typed C call a legacy cash book makes, not crm_exec. The account is given by \
                id, or by the host's reference (--account-source and --account-ref). What no open \
                invoice takes stays as unallocated credit on the account. With --source and \
                --external-ref, recording the same payment again answers the one recorded then.

                Examples:
                  crm-harness pay --account 15 --amount-minor 20000000 --reference "EFT VWB-0042" --db crm.sqlite
                  crm-harness pay --account-source ledger --account-ref VWB001 --amount-minor 500000 --method cheque --db crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("account"), help: ArgumentHelp("The paying account's id.", valueName: "id"))
        var accountID: Int64?
        @Option(name: .customLong("account-source"), help: "The host's system that knows the account (with --account-ref).")
        var accountSource: String?
        @Option(name: .customLong("account-ref"), help: "The host's reference of the account (with --account-source).")
        var accountRef: String?
        @Option(name: .customLong("amount-minor"), help: "What was received, in minor units (cents).")
        var amountMinor: Int64
        @Option(help: "ISO 4217 currency (default: the account's).")
        var currency: String?
        @Option(name: .customLong("received-on"), help: ArgumentHelp("The day it arrived (default today).", valueName: "YYYY-MM-DD"))
        var receivedOn: String?
        @Option(help: "eft, cash, card, cheque, debit_order or other.")
        var method = "eft"
        @Option(help: "The bank or cheque reference.")
        var reference: String?
        @Option(help: "The host's system that knows this payment (with --external-ref).")
        var source: String?
        @Option(name: .customLong("external-ref"), help: "The host's reference of this payment (with --source).")
        var externalRef: String?

        func run() throws {
            try global.withDatabase { database in
                var payment = CRMDatabase.PaymentReceived()
                payment.accountID = accountID ?? 0
                payment.accountSource = accountSource
                payment.accountRef = accountRef
                payment.amountMinor = amountMinor
                payment.currency = currency
                payment.receivedOn = receivedOn
                payment.method = method
                payment.reference = reference
                payment.source = source
                payment.externalRef = externalRef
                let answer = try database.recordPayment(payment)
                if global.json { return print(answer) }
                print(Pay.summary(answer), terminator: "")
            }
        }

        /// The payment, what it paid and its posting, as text.
        static func summary(_ payment: JSON) -> String {
            let currency = payment["currency"]?.string ?? "ZAR"
            var text = "payment \(payment["id"]?.int ?? 0): \(DemoRun.money(payment["amount_minor"]?.int, currency)) "
                + "by \(payment["method"]?.string ?? "") on \(payment["received_on"]?.string ?? "")"
                + "\(payment["replayed"]?.bool == true ? " (recorded before: replayed)" : "")\n"
            var allocations = TextTable(["invoice", "due", "paid"], rightAligned: [2])
            for allocation in payment["allocations"]?.array ?? [] {
                allocations.add([allocation["invoice_number"]?.string ?? String(allocation["invoice_id"]?.int ?? 0),
                                 allocation["invoice_due_on"]?.string ?? "-", DemoRun.money(allocation["amount_minor"]?.int, currency)])
            }
            text += allocations.render(indent: "  ")
            text += "  unallocated credit: \(DemoRun.money(payment["unallocated_minor"]?.int, currency))\n"
            if let lines = payment["posting"]?["lines"]?.array {
                var posting = TextTable(["account", "debit", "credit"], rightAligned: [1, 2])
                for line in lines {
                    posting.add([line["account"]?.string ?? "", line["debit_minor"]?.int.map { DemoRun.money($0, currency) } ?? "",
                                 line["credit_minor"]?.int.map { DemoRun.money($0, currency) } ?? ""])
                }
                text += "  posting:\n" + posting.render(indent: "  ")
            }
            return text
        }
    }
}
