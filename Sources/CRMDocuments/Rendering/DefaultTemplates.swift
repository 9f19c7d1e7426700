/// The Mustache templates `document.render` uses when the host sends none:
/// an A4-printable HTML page with inline CSS and an 80-column text version,
/// per document type. They use the view model's fields only
/// (docs/COMMANDS.md, "Rendering documents"), so a host can start its own
/// from them.
public enum DefaultTemplates {
    /// The CSS every default HTML template shares.
    static let style = """
        <style>
          @page { size: A4; margin: 18mm 16mm; }
          * { box-sizing: border-box; }
          body { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 10pt; color: #222; margin: 0; }
          .page { max-width: 178mm; margin: 0 auto; }
          header { display: flex; justify-content: space-between; align-items: flex-start; border-bottom: 2px solid #333; padding-bottom: 4mm; margin-bottom: 6mm; }
          h1 { font-size: 20pt; margin: 0; letter-spacing: 0.05em; text-transform: uppercase; }
          h2 { font-size: 11pt; margin: 6mm 0 2mm; text-transform: uppercase; color: #555; }
          .number { font-size: 12pt; font-weight: bold; }
          .meta { text-align: right; }
          .meta div, .party div { margin: 0.5mm 0; }
          .label { color: #666; }
          .parties { display: flex; justify-content: space-between; margin-bottom: 6mm; }
          table { width: 100%; border-collapse: collapse; }
          th { text-align: left; font-size: 9pt; color: #555; border-bottom: 1px solid #999; padding: 1.5mm 1mm; }
          td { padding: 1.5mm 1mm; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
          .num { text-align: right; white-space: nowrap; }
          table.totals { width: 45%; margin-left: auto; margin-top: 4mm; }
          table.totals td { border: none; padding: 1mm; }
          table.totals tr.total td { font-weight: bold; font-size: 12pt; border-top: 2px solid #333; }
          .notes { margin-top: 8mm; white-space: pre-wrap; }
          .signature { margin-top: 12mm; display: flex; gap: 20mm; }
          .signature div { flex: 1; border-top: 1px solid #333; padding-top: 1mm; }
          @media print { .page { max-width: none; } }
        </style>
        """

    /// A default HTML page: the shared head and style, a header with
    /// `heading` and the document's number over the `meta` lines, the
    /// customer with `party` beside it, then `content`.
    static func page(heading: String, meta: String, party: String = "", content: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{{title}} {{number}}</title>
        \(style)
        </head>
        <body>
        <div class="page">
          <header>
            <h1>\(heading)</h1>
            <div class="meta">
              <div class="number">{{number}}</div>
        \(meta)
            </div>
          </header>
          <div class="parties">
        \(customerHTML)
        \(party)
          </div>
        \(content)
        </div>
        </body>
        </html>

        """
    }

    /// The customer block every default HTML template shares.
    static let customerHTML = """
          <div class="party">
            {{#account}}
            <div><strong>{{name}}</strong></div>
            {{#address_lines}}
            <div>{{.}}</div>
            {{/address_lines}}
            {{#tax_number}}<div><span class="label">Tax number:</span> {{tax_number}}</div>{{/tax_number}}
            {{#email}}<div>{{email}}</div>{{/email}}
            {{#phone}}<div>{{phone}}</div>{{/phone}}
            {{/account}}
            {{#contact}}
            <div><span class="label">Attention:</span> {{name}}</div>
            {{/contact}}
          </div>
        """

    /// The lines table and totals every default HTML template shares.
    static let linesHTML = """
          {{#has_lines}}
          <table class="lines">
            <thead>
              <tr><th>#</th><th>Description</th><th class="num">Qty</th><th class="num">Unit price</th><th class="num">Discount</th><th class="num">Tax</th><th class="num">Amount</th></tr>
            </thead>
            <tbody>
              {{#lines}}
              <tr><td>{{number}}</td><td>{{description}}</td><td class="num">{{quantity_short}}</td><td class="num">{{unit_price}}</td><td class="num">{{#discounted}}{{discount}}{{/discounted}}</td><td class="num">{{tax_rate}}</td><td class="num">{{net}}</td></tr>
              {{/lines}}
            </tbody>
          </table>
          {{/has_lines}}
        """

    static let totalsHTML = """
          <table class="totals">
            <tr><td>Subtotal</td><td class="num">{{currency}} {{subtotal}}</td></tr>
            <tr><td>Tax</td><td class="num">{{currency}} {{tax}}</td></tr>
            <tr class="total"><td>Total</td><td class="num">{{currency}} {{total}}</td></tr>
          </table>
        """

    public static let quoteHTML = page(
        heading: "{{title}}",
        meta: """
              {{#issued_on_long}}<div><span class="label">Date:</span> {{issued_on_long}}</div>{{/issued_on_long}}
              {{#valid_until_long}}<div><span class="label">Valid until:</span> {{valid_until_long}}</div>{{/valid_until_long}}
              <div><span class="label">Status:</span> {{status}}</div>
        """,
        content: """
        \(linesHTML)
        \(totalsHTML)
          {{#notes}}<div class="notes">{{notes}}</div>{{/notes}}
        """)

    public static let jobCardHTML = page(
        heading: "{{title}}",
        meta: """
              {{#scheduled_on_long}}<div><span class="label">Scheduled:</span> {{scheduled_on_long}}</div>{{/scheduled_on_long}}
              <div><span class="label">Status:</span> {{status}}</div>
              {{#warranty}}<div><strong>Warranty repair</strong></div>{{/warranty}}
        """,
        party: """
            <div class="party meta">
              {{#site}}<div><span class="label">Site:</span> {{site}}</div>{{/site}}
              {{#asset_description}}<div><span class="label">Asset:</span> {{asset_description}}</div>{{/asset_description}}
              {{#serial_number}}<div><span class="label">Serial number:</span> {{serial_number}}</div>{{/serial_number}}
              {{#technicians_list}}<div><span class="label">Technicians:</span> {{technicians_list}}</div>{{/technicians_list}}
            </div>
        """,
        content: """
          {{#description}}<h2>Job</h2><div class="notes">{{description}}</div>{{/description}}
          {{#has_tasks}}
          <h2>Tasks</h2>
          <table class="tasks">
            <tbody>
              {{#tasks}}
              <tr><td>{{number}}</td><td>{{description}}</td><td class="num">{{status}}</td></tr>
              {{/tasks}}
            </tbody>
          </table>
          {{/has_tasks}}
          {{#has_labour}}
          <h2>Labour</h2>
          <table class="labour">
            <thead>
              <tr><th>Date</th><th>Technician</th><th>Description</th><th class="num">Hours</th><th class="num">Rate</th><th class="num">Amount</th></tr>
            </thead>
            <tbody>
              {{#labour}}
              <tr><td>{{worked_on}}</td><td>{{technician}}</td><td>{{description}}</td><td class="num">{{quantity}}</td><td class="num">{{unit_price}}</td><td class="num">{{net}}</td></tr>
              {{/labour}}
            </tbody>
          </table>
          {{/has_labour}}
          {{#has_lines}}<h2>Parts and other work</h2>{{/has_lines}}
        \(linesHTML)
        \(totalsHTML)
          {{#sign_off}}
          <div class="signature"><div>Signed off by {{name}}{{#signed_at_long}}, {{signed_at_long}}{{/signed_at_long}}</div></div>
          {{/sign_off}}
          {{^sign_off}}
          <div class="signature"><div>Customer signature</div><div>Name and date</div></div>
          {{/sign_off}}
        """)

    static let customerText = """
        {{#account}}
        Customer:    {{name}}
        {{#address_lines}}
                     {{.}}
        {{/address_lines}}
        {{#tax_number}}
        Tax number:  {{tax_number}}
        {{/tax_number}}
        {{/account}}
        {{#contact}}
        Attention:   {{name}}
        {{/contact}}
        """

    static let linesText = """
        {{#lines}}
        {{number}}. {{description}}
           {{quantity_short}} x {{unit_price}}{{#discounted}} less {{discount}}{{/discounted}}, tax {{tax_rate}}: {{net}}
        {{/lines}}
        """

    static let totalsText = """
        --------------------------------------------------------------------------------
        Subtotal     {{currency}} {{subtotal}}
        Tax          {{currency}} {{tax}}
        Total        {{currency}} {{total}}
        """

    public static let quoteText = """
        QUOTE {{number}}
        ================================================================================
        \(customerText)
        {{#issued_on_long}}
        Date:        {{issued_on_long}}
        {{/issued_on_long}}
        {{#valid_until_long}}
        Valid until: {{valid_until_long}}
        {{/valid_until_long}}
        Status:      {{status}}
        --------------------------------------------------------------------------------
        \(linesText)
        \(totalsText)
        {{#notes}}

        {{notes}}
        {{/notes}}

        """

    public static let jobCardText = """
        JOB CARD {{number}}
        ================================================================================
        \(customerText)
        {{#site}}
        Site:        {{site}}
        {{/site}}
        {{#asset_description}}
        Asset:       {{asset_description}}
        {{/asset_description}}
        {{#serial_number}}
        Serial:      {{serial_number}}
        {{/serial_number}}
        {{#scheduled_on_long}}
        Scheduled:   {{scheduled_on_long}}
        {{/scheduled_on_long}}
        {{#technicians_list}}
        Technicians: {{technicians_list}}
        {{/technicians_list}}
        {{#warranty}}
        Warranty repair
        {{/warranty}}
        Status:      {{status}}
        {{#description}}

        {{description}}
        {{/description}}
        {{#has_tasks}}
        --------------------------------------------------------------------------------
        Tasks
        {{#tasks}}
        {{number}}. [{{status}}] {{description}}
        {{/tasks}}
        {{/has_tasks}}
        {{#has_labour}}
        --------------------------------------------------------------------------------
        Labour
        {{#labour}}
        {{worked_on}} {{technician}}: {{description}}
           {{quantity}} h x {{unit_price}}, tax {{tax_rate}}: {{net}}
        {{/labour}}
        {{/has_labour}}
        {{#has_lines}}
        --------------------------------------------------------------------------------
        Parts and other work
        {{/has_lines}}
        \(linesText)
        \(totalsText)
        {{#sign_off}}

        Signed off by {{name}}{{#signed_at_long}} on {{signed_at_long}}{{/signed_at_long}}
        {{/sign_off}}

        """

    static let amountsDueHTML = """
          <table class="totals">
            <tr><td>Paid</td><td class="num">{{currency}} {{paid}}</td></tr>
            {{#has_credited}}<tr><td>Credited</td><td class="num">{{currency}} {{credited}}</td></tr>{{/has_credited}}
            <tr class="total"><td>Balance due</td><td class="num">{{currency}} {{balance_due}}</td></tr>
          </table>
        """

    public static let invoiceHTML = page(
        heading: "{{#recorded}}Recorded {{/recorded}}Tax invoice",
        meta: """
              {{#issued_on_long}}<div><span class="label">Date:</span> {{issued_on_long}}</div>{{/issued_on_long}}
              {{#due_on_long}}<div><span class="label">Due:</span> {{due_on_long}}</div>{{/due_on_long}}
              <div><span class="label">Status:</span> {{status}}{{#overdue}}, overdue{{/overdue}}</div>
        """,
        content: """
        \(linesHTML)
        \(totalsHTML)
        \(amountsDueHTML)
          {{#notes}}<div class="notes">{{notes}}</div>{{/notes}}
        """)

    public static let creditNoteHTML = page(
        heading: "Credit note",
        meta: """
              {{#issued_on_long}}<div><span class="label">Date:</span> {{issued_on_long}}</div>{{/issued_on_long}}
              {{#invoice_number}}<div><span class="label">Against invoice:</span> {{invoice_number}}</div>{{/invoice_number}}
              <div><span class="label">Status:</span> {{status}}</div>
        """,
        content: """
        \(linesHTML)
        \(totalsHTML)
          {{#reason}}<div class="notes">{{reason}}</div>{{/reason}}
        """)

    public static let invoiceText = """
        {{#recorded}}RECORDED {{/recorded}}TAX INVOICE {{number}}
        ================================================================================
        \(customerText)
        {{#issued_on_long}}
        Date:        {{issued_on_long}}
        {{/issued_on_long}}
        {{#due_on_long}}
        Due:         {{due_on_long}}
        {{/due_on_long}}
        Status:      {{status}}{{#overdue}}, overdue{{/overdue}}
        --------------------------------------------------------------------------------
        \(linesText)
        \(totalsText)
        Paid         {{currency}} {{paid}}
        {{#has_credited}}
        Credited     {{currency}} {{credited}}
        {{/has_credited}}
        Balance due  {{currency}} {{balance_due}}
        {{#notes}}

        {{notes}}
        {{/notes}}

        """

    public static let creditNoteText = """
        CREDIT NOTE {{number}}
        ================================================================================
        \(customerText)
        {{#issued_on_long}}
        Date:        {{issued_on_long}}
        {{/issued_on_long}}
        {{#invoice_number}}
        Against:     invoice {{invoice_number}}
        {{/invoice_number}}
        Status:      {{status}}
        --------------------------------------------------------------------------------
        \(linesText)
        \(totalsText)
        {{#reason}}

        Reason: {{reason}}
        {{/reason}}

        """

    static let dunningLetterBody = """
        Our records show that invoice {{invoice_number}}, due on {{due_on_long}}, is {{days_overdue}} days overdue.
        Please pay the amount due below, or tell us if you have paid already.
        """

    /// A dunning letter (`dunning.get`'s record): the customer, the invoice
    /// it is about, the outstanding amount with the fee and interest.
    public static let dunningLetterHTML = page(
        heading: "Payment reminder",
        meta: """
              {{#sent_on_long}}<div><span class="label">Date:</span> {{sent_on_long}}</div>{{/sent_on_long}}
              <div><span class="label">Invoice:</span> {{invoice_number}}</div>
              <div><span class="label">Reminder level:</span> {{level}}</div>
        """,
        content: """
          <p>Dear {{#contact}}{{name}}{{/contact}}{{^contact}}customer{{/contact}},</p>
          <p>\(dunningLetterBody)</p>
          <table class="totals">
            <tr><td>Outstanding</td><td class="num">{{currency}} {{outstanding}}</td></tr>
            {{#has_fee}}<tr><td>Fee</td><td class="num">{{currency}} {{fee}}</td></tr>{{/has_fee}}
            {{#has_interest}}<tr><td>Interest</td><td class="num">{{currency}} {{interest}}</td></tr>{{/has_interest}}
            <tr class="total"><td>Amount due</td><td class="num">{{currency}} {{total_due}}</td></tr>
          </table>
        """)

    public static let dunningLetterText = """
        PAYMENT REMINDER (level {{level}})
        ================================================================================
        \(customerText)
        {{#sent_on_long}}
        Date:        {{sent_on_long}}
        {{/sent_on_long}}
        Invoice:     {{invoice_number}}
        --------------------------------------------------------------------------------
        \(dunningLetterBody)
        --------------------------------------------------------------------------------
        Outstanding  {{currency}} {{outstanding}}
        {{#has_fee}}
        Fee          {{currency}} {{fee}}
        {{/has_fee}}
        {{#has_interest}}
        Interest     {{currency}} {{interest}}
        {{/has_interest}}
        Amount due   {{currency}} {{total_due}}

        """

    /// A statement: the account and the period, the lines with their
    /// running balance from the balance brought forward, the closing
    /// balance, and the ageing at the period's end.
    public static let statementHTML = page(
        heading: "Statement",
        meta: """
              <div><span class="label">Period:</span> {{from_long}} to {{to_long}}</div>
              <div><span class="label">Currency:</span> {{currency}}</div>
        """,
        content: """
          <table class="lines">
            <thead>
              <tr><th>Date</th><th>Description</th><th class="num">Debit</th><th class="num">Credit</th><th class="num">Balance</th></tr>
            </thead>
            <tbody>
              <tr><td>{{from}}</td><td>Balance brought forward</td><td class="num"></td><td class="num"></td><td class="num">{{opening_balance}}</td></tr>
              {{#lines}}
              <tr><td>{{date}}</td><td>{{description}}</td><td class="num">{{#has_debit}}{{debit}}{{/has_debit}}</td><td class="num">{{#has_credit}}{{credit}}{{/has_credit}}</td><td class="num">{{balance}}</td></tr>
              {{/lines}}
            </tbody>
          </table>
          <table class="totals">
            <tr><td>Total debits</td><td class="num">{{currency}} {{total_debits}}</td></tr>
            <tr><td>Total credits</td><td class="num">{{currency}} {{total_credits}}</td></tr>
            <tr class="total"><td>Closing balance</td><td class="num">{{currency}} {{closing_balance}}</td></tr>
          </table>
          {{#ageing}}
          <h2>Ageing at {{as_of_long}}</h2>
          <table class="ageing">
            <thead>
              <tr>{{#buckets}}<th class="num">{{label}}</th>{{/buckets}}<th class="num">Total</th></tr>
            </thead>
            <tbody>
              <tr>{{#buckets}}<td class="num">{{amount}}</td>{{/buckets}}<td class="num">{{total}}</td></tr>
            </tbody>
          </table>
          <table class="totals">
            {{#has_open_credit_notes}}<tr><td>Open credit notes</td><td class="num">{{currency}} {{open_credit_notes}}</td></tr>{{/has_open_credit_notes}}
            {{#has_unallocated_payments}}<tr><td>Unallocated payments</td><td class="num">{{currency}} {{unallocated_payments}}</td></tr>{{/has_unallocated_payments}}
            <tr class="total"><td>Net owing</td><td class="num">{{currency}} {{net}}</td></tr>
          </table>
          {{/ageing}}
        """)

    /// The statement in 80 columns: each line's date and description, its
    /// debit or credit and the running balance under it, then the totals and
    /// the ageing a band a line.
    public static let statementText = """
        STATEMENT {{from}} to {{to}}
        ================================================================================
        \(customerText)
        Period:      {{from_long}} to {{to_long}}
        Currency:    {{currency}}
        --------------------------------------------------------------------------------
        {{from}}  Balance brought forward: {{opening_balance}}
        {{#lines}}
        {{date}}  {{description}}
                    {{#has_debit}}debit {{debit}}{{/has_debit}}{{#has_credit}}credit {{credit}}{{/has_credit}}, balance {{balance}}
        {{/lines}}
        --------------------------------------------------------------------------------
        Opening balance  {{currency}} {{opening_balance}}
        Total debits     {{currency}} {{total_debits}}
        Total credits    {{currency}} {{total_credits}}
        Closing balance  {{currency}} {{closing_balance}}
        {{#ageing}}
        --------------------------------------------------------------------------------
        Ageing at {{as_of_long}}
        {{#buckets}}
        {{label}}: {{amount}}
        {{/buckets}}
        Total: {{total}}
        {{#has_open_credit_notes}}
        Open credit notes: {{open_credit_notes}}
        {{/has_open_credit_notes}}
        {{#has_unallocated_payments}}
        Unallocated payments: {{unallocated_payments}}
        {{/has_unallocated_payments}}
        Net owing: {{net}}
        {{/ageing}}

        """
}
