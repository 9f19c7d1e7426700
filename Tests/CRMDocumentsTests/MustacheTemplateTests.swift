import Testing
@testable import CRMDocuments

/// document.render's own Mustache renderer (Rendering/MustacheTemplate.swift).
@Suite("MustacheTemplate")
struct MustacheTemplateTests {
    func render(_ template: String, _ model: [String: Any] = [:], _ escaping: MustacheTemplate.Escaping = .html,
                limit: Int = .max) throws -> String? {
        try MustacheTemplate(template).render(model, escaping: escaping, limit: limit)
    }

    func parseError(_ template: String, maximumNesting: Int = 100) -> MustacheTemplate.ParseError? {
        do {
            _ = try MustacheTemplate(template, maximumNesting: maximumNesting)
            return nil
        } catch {
            return error
        }
    }

    @Test func variablesEscapeInHTMLOnly() throws {
        let model: [String: Any] = ["v": #"<a href="x">Tom & 'Jerry'</a>"#]
        #expect(try render("{{v}}", model) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect(try render("{{v}}", model, .none) == #"<a href="x">Tom & 'Jerry'</a>"#)
        #expect(try render("{{{v}}}|{{& v}}|{{{ v }}}", model) == Array(repeating: #"<a href="x">Tom & 'Jerry'</a>"#, count: 3).joined(separator: "|"))
        #expect(try render("[{{ v }}]", ["v": "é & ü"]) == "[é &amp; ü]")
        #expect(try render("{{missing}}|{{a.missing}}|{{v.x}}", ["v": "x", "a": [String: Any]()]) == "||")
        #expect(try render("{{t}} {{f}} {{n}} {{list}} {{object}}", ["t": true, "f": false, "n": 42, "list": ["a"], "object": ["k": "v"]]) == "true false 42  ")
    }

    @Test func dottedNamesAndTheContextStack() throws {
        let model: [String: Any] = [
            "name": "outer", "currency": "ZAR",
            "account": ["name": "Khumalo", "address": ["city": "Graaff-Reinet"]] as [String: Any],
            "lines": [["name": "one"], ["other": "x"]] as [Any],
            "tags": ["a", "b"] as [Any],
        ]
        #expect(try render("{{account.name}} {{account.address.city}} {{account.address.missing}}", model) == "Khumalo Graaff-Reinet ")
        // A name not in the current context comes from the enclosing ones.
        #expect(try render("{{#lines}}{{name}}/{{currency}};{{/lines}}", model) == "one/ZAR;outer/ZAR;")
        #expect(try render("{{#account}}{{name}} {{#address}}{{city}} {{name}}{{/address}}{{/account}}", model) == "Khumalo Graaff-Reinet Khumalo")
        #expect(try render("{{#tags}}({{.}}){{/tags}}", model) == "(a)(b)")
        // A dotted name's first part resolves through the stack, the rest in what it found.
        #expect(try render("{{#lines}}{{account.name}}{{/lines}}", model) == "KhumaloKhumalo")
        #expect(try render("{{#account.address}}{{city}}{{/account.address}}", model) == "Graaff-Reinet")
    }

    @Test func sectionsAndInvertedSections() throws {
        let model: [String: Any] = ["yes": true, "no": false, "empty": [Any](), "items": ["x", "y"] as [Any],
                                    "object": ["k": "v"], "text": "hi", "blank": ""]
        #expect(try render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{#empty}}E{{/empty}}{{#missing}}M{{/missing}}") == "")
        #expect(try render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{#empty}}E{{/empty}}{{#missing}}M{{/missing}}", model) == "Y")
        #expect(try render("{{^yes}}Y{{/yes}}{{^no}}N{{/no}}{{^empty}}E{{/empty}}{{^missing}}M{{/missing}}", model) == "NEM")
        #expect(try render("{{^items}}I{{/items}}{{^object}}O{{/object}}{{^text}}T{{/text}}", model) == "")
        #expect(try render("{{#items}}<{{.}}>{{/items}}{{#object}}{{k}}{{/object}}{{#text}}[{{.}}]{{/text}}{{#blank}}b{{/blank}}", model) == "<x><y>v[hi]b")
        #expect(try render("{{#items}}{{#items}}{{.}}{{/items}};{{/items}}", model) == "xy;xy;")
    }

    @Test func standaloneLinesAreRemoved() throws {
        let model: [String: Any] = ["items": ["a", "b"] as [Any], "yes": true]
        #expect(try render("begin\n{{#items}}\n  {{.}}\n{{/items}}\nend\n", model, .none) == "begin\n  a\n  b\nend\n")
        #expect(try render("begin\n  {{! a comment }}  \nend", model, .none) == "begin\nend")
        #expect(try render("begin\n\t{{^no}}\r\nx\r\n\t{{/no}}\r\nend", model, .none) == "begin\nx\r\nend")
        // At the template's start and end, without a newline.
        #expect(try render("{{#yes}}\nx\n{{/yes}}", model, .none) == "x\n")
        #expect(try render("  {{#yes}}  \nx\n  {{/yes}}  ", model, .none) == "x\n")
        // Not alone on its line: kept as it is.
        #expect(try render("a {{#yes}}\nx\n{{/yes}} b", model, .none) == "a \nx\n b")
        #expect(try render("{{#yes}}{{#yes}}\nx\n{{/yes}}{{/yes}}\n", model, .none) == "\nx\n\n")
        // A variable is never standalone.
        #expect(try render("a\n{{missing}}\nb", model, .none) == "a\n\nb")
        // Partials and pragmas render as nothing, and stand alone too; a block renders its content, a parent nothing.
        #expect(try render("a\n{{> header}}\n{{% CONTENT_TYPE: TEXT}}\nb{{$x}}c{{/x}}{{<p}}{{$x}}d{{/x}}{{/p}}", model, .none) == "a\nbc")
    }

    @Test func errorsSayWhereAndNeverTrap() throws {
        let mismatched = try #require(parseError("line one\n  {{#lines}}x{{/line}}"))
        #expect(mismatched.line == 2 && mismatched.column == 14 && mismatched.lineText == "  {{#lines}}x{{/line}}")
        #expect(mismatched.message == "{{/line}} closes section 'lines' (opened at line 2, column 3)")
        let unclosed = try #require(parseError("a\nb\n é{{#lines}}x"))
        #expect(unclosed.line == 3 && unclosed.column == 3 && unclosed.message == "section 'lines' is not closed")
        let stray = try #require(parseError("x{{/lines}}"))
        #expect(stray.line == 1 && stray.column == 2 && stray.message == "{{/lines}} closes no section")
        let open = try #require(parseError("ok\n{{name"))
        #expect(open.line == 2 && open.column == 1 && open.message.hasPrefix("tag not closed"))
        #expect(parseError("{{{name}}")?.message.hasPrefix("tag not closed") == true)
        #expect(parseError("{{=<% %>=}}")?.message == "set-delimiter tags are not accepted")
        #expect(parseError("{{}}")?.message == "tag has no name")
        #expect(parseError(String(repeating: "{{#a}}", count: 4) + String(repeating: "{{/a}}", count: 4), maximumNesting: 3)?.message
            == "sections nest more than 3 deep")
        #expect(parseError(String(repeating: "{{#a}}", count: 3) + String(repeating: "{{/a}}", count: 3), maximumNesting: 3) == nil)
        // Odd templates parse or fail, never trap.
        for template in ["{{", "}}", "{{{", "{{#", "{{/}}", "{{!", "{{!}}", "{{>}}", "{", "{{.}}{{..}}{{a..b}}{{.a}}", "{{#.}}{{/.}}", "\u{0}{{\u{0}}}"] {
            if let template = try? MustacheTemplate(template) {
                _ = template.render(["a": ["b": "c"]], escaping: .html)
            }
        }
    }

    /// Templates pieced together at random (a fixed seed) parse or fail,
    /// and render within the limit, without trapping.
    @Test func randomTemplatesNeverTrap() {
        let pieces = ["{{", "}}", "{{{", "}}}", "{{#a}}", "{{/a}}", "{{^b}}", "{{/b}}", "{{#.}}", "{{/.}}", "{{.}}", "{{a.b}}",
                      "{{&a}}", "{{!c}}", "{{>p}}", "{{%x}}", "{{$k}}", "{{/k}}", "{{<p}}", "{{/p}}", "\n", "  ", "\r\n", "x", "é", "{", "}"]
        let model: [String: Any] = ["a": [["b": "<&>"], ["a": false]] as [Any], "b": ["b": "'"], "k": true]
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        for _ in 0..<3000 {
            var template = ""
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            for _ in 0..<Int(seed >> 60) + 1 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                template += pieces[Int((seed >> 33) % UInt64(pieces.count))]
            }
            guard let parsed = try? MustacheTemplate(template, maximumNesting: 4) else { continue }
            let output = parsed.render(model, escaping: .html, limit: 64)
            #expect(output == nil || (output?.utf8.count ?? 0) <= 64, "\(template)")
        }
    }

    @Test func outputStopsAtTheLimit() throws {
        let model: [String: Any] = ["items": Array(repeating: "xxxxxxxxxx", count: 100) as [Any]]
        #expect(try render("{{#items}}{{.}}{{/items}}", model, limit: 1000)?.utf8.count == 1000)
        #expect(try render("{{#items}}{{.}}{{/items}}", model, limit: 999) == nil)
        #expect(try render("{{#items}}<{{/items}}", model, limit: 100) == "<" + String(repeating: "<", count: 99))
        #expect(try render("{{#items}}{{.}}{{/items}}", model, .html, limit: 10) == nil)
    }
}
