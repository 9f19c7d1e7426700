import CRMStore

/// A document type that `document.render` can render: how to get its JSON
/// and its default templates. Adding a type (an invoice, a credit note) is
/// one more entry in `DocumentRendering.documents`.
public struct RenderableDocument: Sendable {
    /// Where a document's JSON comes from.
    public enum Source: Sendable {
        /// A record found by `id` or `source`+`external_ref` (of the record
        /// type `type`); `load` gives its documented JSON, or nil when there
        /// is no record of that id.
        case record(load: @Sendable (Store, Int64) throws -> JSONValue?)
        /// A document made from arguments of its own rather than one record
        /// (a statement: an account and a period): `fields` are the argument
        /// names it takes, handed to `make` as one JSON object of those sent
        /// (and echoed in the result); `make` checks them and builds the
        /// document's JSON.
        case made(fields: [String], make: @Sendable (Store, JSONValue) throws -> JSONValue)
    }

    /// The `type` argument and the record type of `source`+`external_ref` ("quote").
    public let type: String
    /// The heading of the default templates ("Quote"); `title` in the view model.
    public let title: String
    /// Where its JSON comes from.
    public let source: Source
    /// The default templates by format.
    public let templates: [DocumentRendering.Format: String]

    /// A document that is one record, found by id.
    public init(type: String, title: String, load: @escaping @Sendable (Store, Int64) throws -> JSONValue?,
                templates: [DocumentRendering.Format: String]) {
        self.init(type: type, title: title, source: .record(load: load), templates: templates)
    }

    /// A document from either source (`.made` for one built from arguments).
    public init(type: String, title: String, source: Source, templates: [DocumentRendering.Format: String]) {
        self.type = type
        self.title = title
        self.source = source
        self.templates = templates
    }
}

/// `document.render`: a document through a Mustache template (the default
/// one or the host's) to HTML or plain text.
public enum DocumentRendering {
    public enum Format: String, Sendable, CaseIterable {
        case html, text

        public var contentType: String {
            switch self {
            case .html: return "text/html; charset=utf-8"
            case .text: return "text/plain; charset=utf-8"
            }
        }
    }

    /// The document types that render, in the order an error lists them.
    public static let documents: [RenderableDocument] = [
        RenderableDocument(type: "quote", title: "Quote", load: { store, id in try QuoteQueries.load(store, id: id)?.json },
                           templates: [.html: DefaultTemplates.quoteHTML, .text: DefaultTemplates.quoteText]),
        RenderableDocument(type: "jobcard", title: "Job card", load: { store, id in try JobCardQueries.load(store, id: id)?.json },
                           templates: [.html: DefaultTemplates.jobCardHTML, .text: DefaultTemplates.jobCardText]),
        RenderableDocument(type: "invoice", title: "Tax invoice", load: { store, id in
            try InvoiceQueries.load(store, id: id)?.json(asOf: store.clock.now().date)
        }, templates: [.html: DefaultTemplates.invoiceHTML, .text: DefaultTemplates.invoiceText]),
        RenderableDocument(type: "credit_note", title: "Credit note", load: { store, id in try CreditNoteQueries.load(store, id: id)?.json },
                           templates: [.html: DefaultTemplates.creditNoteHTML, .text: DefaultTemplates.creditNoteText]),
        // The credit module's letters, through its `dunning.get` (no import).
        RenderableDocument(type: "dunning_letter", title: "Payment reminder", load: { store, id in try fetch(store, "dunning.get", id) },
                           templates: [.html: DefaultTemplates.dunningLetterHTML, .text: DefaultTemplates.dunningLetterText]),
        RenderableDocument(type: "statement", title: "Statement",
                           source: .made(fields: ["account_id", "from", "to", "currency"], make: statement),
                           templates: [.html: DefaultTemplates.statementHTML, .text: DefaultTemplates.statementText]),
    ]

    /// An account's statement for a period, from the credit module's
    /// `account.statement` (which checks the arguments and names the field).
    /// - Throws: `.invalid` when the credit module is not in this library.
    static func statement(_ store: Store, _ arguments: JSONValue) throws -> JSONValue {
        guard store.hasCommand("account.statement") else {
            throw CRMError.invalid("document.render: type statement needs the credit module (account.statement), which is not there")
        }
        return try store.invoke("account.statement", arguments)
    }

    /// The largest template a host may send, in bytes.
    public static let maximumTemplateBytes = 200_000
    /// The deepest nesting of sections a template may have.
    public static let maximumNesting = 100
    /// The most a template may render, as `TemplateCheck.outputBound`
    /// reckons it before rendering (64 MiB).
    public static let maximumOutputBytes = 64 << 20

    public static let commands: [Command] = [Command("document.render", .read, render)]

    /// `document.render {type, id | source+external_ref, format?, template?}`
    /// -> `{type, id, format, content_type, body}`; a statement takes
    /// `account_id`, `from`, `to` and `currency?` instead of the id, and its
    /// result names them instead of `id`.
    static func render(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let type = try arguments.requiredString("type", length: 1...100)
        guard let document = documents.first(where: { $0.type == type }) else {
            throw CRMError.invalid("\(context): type '\(type)' is not a document that renders; use one of \(documents.map(\.type).joined(separator: ", "))")
        }
        var id: Int64?
        var named: [(String, JSONValue)] = []
        switch document.source {
        case .record:
            id = try RecordLocator.id(&arguments, recordType: document.type, store: store)
        case .made(let fields, _):
            for field in fields { if let value = arguments.raw(field) { named.append((field, value)) } }
        }
        let format = try arguments.choice("format", Format.self).value ?? .html
        let hostTemplate = try arguments.string("template", length: 1...maximumTemplateBytes).value
        try arguments.finish()
        if let hostTemplate, hostTemplate.utf8.count > maximumTemplateBytes {
            throw CRMError.range("\(context): template is \(hostTemplate.utf8.count) bytes long, at most \(maximumTemplateBytes) allowed")
        }
        let record: JSONValue
        switch document.source {
        case .record(let load):
            guard let id, let loaded = try load(store, id) else {
                throw CRMError.notFound("\(context): \(document.type) \(id.map(String.init) ?? "") not found")
            }
            record = loaded
            named = [("id", .integer(id))]
        case .made(_, let make):
            record = try make(store, .object(named))
        }
        let naming = id.map { "\(document.type) \($0)" } ?? "this \(document.type)"
        let (template, tags) = try parse(hostTemplate ?? document.templates[format] ?? "", format: format, context: context)
        let model = try viewModel(store, document, record)
        let bound = TemplateCheck.outputBound(tags, ModelStats(model))
        if bound > maximumOutputBytes {
            throw CRMError.range("\(context): template could render more than \(maximumOutputBytes) bytes for \(naming) (its sections repeat over the document's arrays too often)")
        }
        guard let body = template.render(model, escaping: format == .html ? .html : .none, limit: maximumOutputBytes) else {
            throw CRMError.range("\(context): template rendered more than \(maximumOutputBytes) bytes for \(naming)")
        }
        return .object([("type", .string(document.type))] + named + [
            ("format", .string(format.rawValue)),
            ("content_type", .string(format.contentType)),
            ("body", .string(body)),
        ])
    }

    /// The template parsed (`MustacheTemplate`), with its tags for the
    /// output bound; the format's escaping is applied when it renders.
    /// - Throws: `.invalid` naming `template` with the parser's message,
    ///   line and column.
    static func parse(_ text: String, format: Format, context: String) throws -> (MustacheTemplate, [TemplateCheck.Tag]) {
        let tags: [TemplateCheck.Tag]
        switch TemplateCheck.tags(text, maximumNesting: maximumNesting) {
        case .success(let found): tags = found
        case .failure(let problem): throw CRMError.invalid("\(context): template \(problem.message)")
        }
        do {
            return (try MustacheTemplate(text, maximumNesting: maximumNesting), tags)
        } catch {
            let line = String(error.lineText.prefix(200))
            throw CRMError.invalid("\(context): template does not parse: \(error.message) at line \(error.line), column \(error.column): \(line)")
        }
    }

    /// The view model: the record's fields by `DocumentViewModel`'s rules,
    /// with `type`, `title`, `currency_digits`, each line's `total` and
    /// `discounted` (a record's lines; a statement's lines are left as they
    /// are), the account (`account.get`) with `address` and
    /// `address_lines`, the contact (`contact.get`) with `name`.
    static func viewModel(_ store: Store, _ document: RenderableDocument, _ record: JSONValue) throws -> [String: Any] {
        let currency = record["currency"].flatMap(text).flatMap { Currency(code: $0) }
        let builder = DocumentViewModel(digits: currency?.minorUnitDigits ?? 2)
        var model: [String: Any]
        if case .record = document.source { model = builder.object(enrichLines(record)) } else { model = builder.object(record) }
        model["type"] = document.type
        model["title"] = document.title
        model["currency_digits"] = String(builder.digits)
        if let accountID = record["account_id"].flatMap(integer),
           let account = try fetch(store, "account.get", accountID) {
            let accountCurrency = account["currency"].flatMap(text).flatMap { Currency(code: $0) }
            var fields = DocumentViewModel(digits: accountCurrency?.minorUnitDigits ?? builder.digits).object(account)
            var addresses: [JSONValue] = []
            if case .array(let items)? = account["addresses"]?.decoded { addresses = items }
            let address = addresses.first { $0["kind"].flatMap(text) == "billing" } ?? addresses.first
            if let address {
                fields["address"] = builder.object(address)
                fields["address_lines"] = DocumentViewModel.addressLines(address)
            }
            model["account"] = fields
        }
        if let contactID = record["contact_id"].flatMap(integer),
           let contact = try fetch(store, "contact.get", contactID) {
            var fields = builder.object(contact)
            let name = [contact["first_name"].flatMap(text), contact["last_name"].flatMap(text)].compactMap { $0 }
            if !name.isEmpty { fields["name"] = name.joined(separator: " ") }
            model["contact"] = fields
        }
        return model
    }

    /// The record with `total_minor` (net + tax) and `discounted` on each
    /// object of its `lines` and `labour`.
    static func enrichLines(_ record: JSONValue) -> JSONValue {
        guard case .object(var fields) = record.decoded else { return record }
        for index in fields.indices where fields[index].0 == "lines" || fields[index].0 == "labour" {
            guard case .array(let items) = fields[index].1.decoded else { continue }
            fields[index].1 = .array(items.map { item in
                var item = item.decoded
                let net = item["net_minor"].flatMap(integer) ?? 0
                let tax = item["tax_minor"].flatMap(integer) ?? 0
                let (total, overflow) = net.addingReportingOverflow(tax)
                if !overflow { item = item.adding("total_minor", .integer(total)) }
                item = item.adding("discounted", .bool((item["discount_bp"].flatMap(integer) ?? 0) > 0))
                return item
            })
        }
        return .object(fields)
    }

    /// Another module's record through its command, or nil when the command
    /// is not there or the record is gone.
    private static func fetch(_ store: Store, _ command: String, _ id: Int64) throws -> JSONValue? {
        guard store.hasCommand(command) else { return nil }
        do {
            return try store.invoke(command, .object([("id", .integer(id))]))
        } catch let error as CRMError where error.code == .notFound {
            return nil
        }
    }

    private static func integer(_ value: JSONValue) -> Int64? {
        if case .integer(let number) = value.decoded { return number }
        return nil
    }

    private static func text(_ value: JSONValue) -> String? {
        if case .string(let string) = value.decoded { return string }
        return nil
    }
}
