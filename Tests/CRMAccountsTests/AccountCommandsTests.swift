import Testing
@testable import CRMAccounts
import CRMStore

@Suite("account commands")
struct AccountCommandsTests {
    // MARK: Create

    @Test func createFillsEveryDefault() throws {
        let f = try Fixture()
        let account = try f.run("account.create", #"{"name": "Acme Trading"}"#)
        #expect(account["id"] == .integer(1))
        #expect(account["name"] == .string("Acme Trading"))
        #expect(account["kind"] == .string("business"))
        #expect(account["strategic"] == .bool(false))
        #expect(account["national"] == .bool(false))
        #expect(account["status"] == .string("prospect"))
        #expect(account["currency"] == .string("ZAR"))
        #expect(account["payment_terms_days"] == .integer(30))
        #expect(account["tags"] == .array([]))
        #expect(account["addresses"] == .array([]))
        #expect(account["external_refs"] == .array([]))
        for field in ["size_band", "segment", "region", "credit_limit_minor", "owner", "parent_account_id", "tax_number",
                      "email", "phone", "website", "notes", "archived_at", "merged_into_id"] {
            #expect(account[field] == .null, "\(field) should default to null")
        }
        #expect(account["archived"] == .bool(false))
        #expect(account["version"] == .integer(1))
        #expect(account["created_at"] == .string(epochText))
        #expect(account["updated_at"] == .string(epochText))
        #expect(account["replayed"] == .bool(false))
    }

    @Test func createKeepsEveryFieldAndGetReturnsTheSameRecord() throws {
        let f = try Fixture()
        let parent = try f.account("Acme Group")
        let created = try f.run("account.create", #"""
            {"name": "Acme Cape Town", "kind": "dealer", "strategic": true, "national": true, "size_band": "medium",
             "segment": "retail", "tags": ["vip"], "region": "Western Cape", "currency": "USD", "payment_terms_days": 60,
             "credit_limit_minor": 5000000, "owner": "thandi", "status": "active", "parent_account_id": \#(parent),
             "tax_number": "4123456789", "email": "accounts@acme.co.za", "phone": "+27 21 555 0100",
             "website": "https://acme.co.za", "notes": "",
             "addresses": [{"kind": "shipping", "line1": "1 Dock Rd", "line2": "Unit 4", "city": "Cape Town",
                            "region": "WC", "postal_code": "8001", "country": "ZA"}]}
            """#)
        #expect(created["kind"] == .string("dealer"))
        #expect(created["strategic"] == .bool(true))
        #expect(created["national"] == .bool(true))
        #expect(created["size_band"] == .string("medium"))
        #expect(created["segment"] == .string("retail"))
        #expect(created["region"] == .string("Western Cape"))
        #expect(created["currency"] == .string("USD"))
        #expect(created["payment_terms_days"] == .integer(60))
        #expect(created["credit_limit_minor"] == .integer(5_000_000))
        #expect(created["owner"] == .string("thandi"))
        #expect(created["status"] == .string("active"))
        #expect(created["parent_account_id"] == .integer(parent))
        #expect(created["tax_number"] == .string("4123456789"))
        #expect(created["email"] == .string("accounts@acme.co.za"))
        #expect(created["phone"] == .string("+27 21 555 0100"))
        #expect(created["website"] == .string("https://acme.co.za"))
        #expect(created["notes"] == .string(""))
        let address = try #require(created["addresses"]?.array?.first)
        #expect(address == (try args(#"""
            {"kind": "shipping", "line1": "1 Dock Rd", "line2": "Unit 4", "city": "Cape Town", "region": "WC",
             "postal_code": "8001", "country": "ZA"}
            """#)))
        let id = try #require(created["id"]?.int)
        let fetched = try f.run("account.get", #"{"id": \#(id)}"#)
        #expect(fetched == created.removing("replayed"))
        #expect(fetched["replayed"] == nil)
    }

    @Test func nameIsRequiredAndNotEmpty() throws {
        let f = try Fixture()
        expectCRMError(.invalid, "name") { try f.run("account.create", #"{"kind": "consumer"}"#) }
        expectCRMError(.invalid, "name") { try f.run("account.create", #"{"name": ""}"#) }
        expectCRMError(.invalid, "name") { try f.run("account.create", #"{"name": null}"#) }
        expectCRMError(.invalid, "name") { try f.run("account.create", #"{"name": 42}"#) }
        expectCRMError(.invalid, "name", "NUL") { try f.run("account.create", #"{"name": "A\u0000B"}"#) }
        #expect(try f.rows("accounts") == 0)
    }

    @Test func overLongNameIsARangeError() throws {
        let f = try Fixture()
        expectCRMError(.range, "name", "200") {
            try f.run("account.create", "{\"name\": \(quoted(String(repeating: "n", count: 201)))}")
        }
        // Lengths count characters, not bytes: 200 accented letters fit.
        let name = String(repeating: "é", count: 200)
        let id = try f.account(name)
        #expect(try f.run("account.get", #"{"id": \#(id)}"#)["name"] == .string(name))
    }

    @Test(arguments: [
        ("kind", ["business", "consumer", "dealer", "distributor"]),
        ("status", ["prospect", "active", "dormant", "lost"]),
        ("size_band", ["micro", "small", "medium", "large", "enterprise"]),
    ])
    func everyDocumentedChoiceIsAccepted(field: String, choices: [String]) throws {
        let f = try Fixture()
        for choice in choices {
            let account = try f.run("account.create", #"{"name": "A \#(choice)", "\#(field)": "\#(choice)"}"#)
            #expect(account[field] == .string(choice))
        }
    }

    @Test(arguments: [("kind", "wholesaler"), ("status", "closed"), ("size_band", "huge"), ("kind", "Business")])
    func aValueOutsideItsSetIsInvalidNamingTheField(field: String, value: String) throws {
        let f = try Fixture()
        expectCRMError(.invalid, field, value) { try f.run("account.create", #"{"name": "A", "\#(field)": "\#(value)"}"#) }
        #expect(try f.rows("accounts") == 0)
    }

    @Test(arguments: ["zar", "ZA", "Z1R", "US$", "ÄBC", ""])
    func currencyMustBeThreeCapitalLetters(currency: String) throws {
        let f = try Fixture()
        expectCRMError(.invalid, "currency") { try f.run("account.create", "{\"name\": \"A\", \"currency\": \(quoted(currency))}") }
    }

    @Test func currencyOfFourLettersOrNotAStringIsRejected() throws {
        let f = try Fixture()
        let error = thrownCRMError { try f.run("account.create", #"{"name": "A", "currency": "ZARR"}"#) }
        #expect(error?.code == .range || error?.code == .invalid)
        #expect(error?.message.contains("currency") == true)
        expectCRMError(.invalid, "currency") { try f.run("account.create", #"{"name": "A", "currency": 710}"#) }
        #expect(try f.run("account.create", #"{"name": "A", "currency": "EUR"}"#)["currency"] == .string("EUR"))
    }

    @Test(arguments: ["XYZ", "XXX", "XTS", "XAU", "HRK", "AAA"])
    func currencyMustBeOnTheISO4217List(currency: String) throws {
        let f = try Fixture()
        expectCRMError(.invalid, "currency '\(currency)'", "ISO 4217") {
            try f.run("account.create", #"{"name": "A", "currency": "\#(currency)"}"#)
        }
        let id = try f.account("B")
        expectCRMError(.invalid, "currency '\(currency)'") { try f.run("account.update", #"{"id": \#(id), "currency": "\#(currency)"}"#) }
        #expect(try f.rows("accounts") == 1)
    }

    @Test(arguments: ["JPY", "KWD", "CLF", "UYW", "USN", "XOF"])
    func currenciesOfEveryMinorUnitAreAccepted(currency: String) throws {
        let f = try Fixture()
        #expect(try f.run("account.create", #"{"name": "A", "currency": "\#(currency)"}"#)["currency"] == .string(currency))
    }

    @Test func paymentTermsDaysIsZeroTo365() throws {
        let f = try Fixture()
        expectCRMError(.range, "payment_terms_days") { try f.run("account.create", #"{"name": "A", "payment_terms_days": -1}"#) }
        expectCRMError(.range, "payment_terms_days") { try f.run("account.create", #"{"name": "A", "payment_terms_days": 366}"#) }
        expectCRMError(.invalid, "payment_terms_days") { try f.run("account.create", #"{"name": "A", "payment_terms_days": 30.5}"#) }
        expectCRMError(.invalid, "payment_terms_days") { try f.run("account.create", #"{"name": "A", "payment_terms_days": "30"}"#) }
        #expect(try f.run("account.create", #"{"name": "A", "payment_terms_days": 0}"#)["payment_terms_days"] == .integer(0))
        #expect(try f.run("account.create", #"{"name": "B", "payment_terms_days": 365}"#)["payment_terms_days"] == .integer(365))
    }

    @Test func creditLimitIsNonNegativeAndFitsIn64Bits() throws {
        let f = try Fixture()
        expectCRMError(.range, "credit_limit_minor") { try f.run("account.create", #"{"name": "A", "credit_limit_minor": -1}"#) }
        expectCRMError(.range, "credit_limit_minor") {
            try f.run("account.create", #"{"name": "A", "credit_limit_minor": 9223372036854775808}"#)
        }
        expectCRMError(.range, "credit_limit_minor") {
            try f.run("account.create", #"{"name": "A", "credit_limit_minor": 123456789012345678901234567890}"#)
        }
        expectCRMError(.invalid, "credit_limit_minor") { try f.run("account.create", #"{"name": "A", "credit_limit_minor": 100.5}"#) }
        #expect(try f.rows("accounts") == 0)
        let max = try f.run("account.create", #"{"name": "A", "credit_limit_minor": 9223372036854775807}"#)
        #expect(max["credit_limit_minor"] == .integer(Int64.max))
        #expect(try f.run("account.create", #"{"name": "B", "credit_limit_minor": 0}"#)["credit_limit_minor"] == .integer(0))
    }

    @Test(arguments: ["no-at-sign.example.com", "jo@", "@example.com", "jo smith@example.com", "jo@ex@ample.com"])
    func emailMustLookLikeAnAddress(email: String) throws {
        let f = try Fixture()
        expectCRMError(.invalid, "email") { try f.run("account.create", "{\"name\": \"A\", \"email\": \(quoted(email))}") }
        #expect(try f.rows("accounts") == 0)
    }

    @Test func emailLengthIsChecked() throws {
        let f = try Fixture()
        expectCRMError(.invalid, "email") { try f.run("account.create", #"{"name": "A", "email": "a@"}"#) }
        let long = String(repeating: "a", count: 250) + "@b.co"
        expectCRMError(.range, "email") { try f.run("account.create", "{\"name\": \"A\", \"email\": \(quoted(long))}") }
        #expect(try f.run("account.create", #"{"name": "A", "email": "a@b"}"#)["email"] == .string("a@b"))
    }

    @Test(arguments: [("segment", 100), ("region", 100), ("owner", 100), ("tax_number", 50), ("phone", 50),
                      ("website", 200), ("notes", 10_000)])
    func overLongOptionalTextIsARangeError(field: String, limit: Int) throws {
        let f = try Fixture()
        let fits = try f.run("account.create", "{\"name\": \"A\", \"\(field)\": \(quoted(String(repeating: "7", count: limit)))}")
        #expect(fits[field]?.text?.count == limit)
        expectCRMError(.range, field) {
            try f.run("account.create", "{\"name\": \"B\", \"\(field)\": \(quoted(String(repeating: "7", count: limit + 1)))}")
        }
    }

    @Test func anUnknownFieldIsInvalidNamingIt() throws {
        let f = try Fixture()
        expectCRMError(.invalid, "account.create", "unknown field 'nmae'") { try f.run("account.create", #"{"name": "A", "nmae": "B"}"#) }
        expectCRMError(.invalid, "unknown field 'archived'") { try f.run("account.create", #"{"name": "A", "archived": true}"#) }
        expectCRMError(.invalid, "unknown field 'id'") { try f.run("account.create", #"{"name": "A", "id": 7}"#) }
        #expect(try f.rows("accounts") == 0)
    }

    @Test func mistypedFlagsAreInvalid() throws {
        let f = try Fixture()
        expectCRMError(.invalid, "strategic") { try f.run("account.create", #"{"name": "A", "strategic": "yes"}"#) }
        expectCRMError(.invalid, "national") { try f.run("account.create", #"{"name": "A", "national": 1}"#) }
        expectCRMError(.invalid, "arguments must be a JSON object") { try f.run("account.create", #"["name"]"#) }
    }

    // MARK: Tags and addresses

    @Test func tagsAreSortedAndDeduplicated() throws {
        let f = try Fixture()
        let account = try f.run("account.create", #"{"name": "A", "tags": ["vip", "b2b", "vip", "Auto", "auto"]}"#)
        #expect(account["tags"]?.strings == ["Auto", "auto", "b2b", "vip"])
        let id = try #require(account["id"]?.int)
        #expect(try f.run("account.get", #"{"id": \#(id)}"#)["tags"]?.strings == ["Auto", "auto", "b2b", "vip"])
    }

    @Test func eachTagIsCheckedByPosition() throws {
        let f = try Fixture()
        expectCRMError(.invalid, "tags[1]") { try f.run("account.create", #"{"name": "A", "tags": ["ok", ""]}"#) }
        expectCRMError(.range, "tags[0]") {
            try f.run("account.create", "{\"name\": \"A\", \"tags\": [\(quoted(String(repeating: "t", count: 51)))]}")
        }
        expectCRMError(.invalid, "tags[2]") { try f.run("account.create", #"{"name": "A", "tags": ["a", "b", 3]}"#) }
        expectCRMError(.invalid, "tags") { try f.run("account.create", #"{"name": "A", "tags": "vip"}"#) }
    }

    @Test func tagsAreReplacedWholeByAnUpdate() throws {
        let f = try Fixture()
        let id = try f.account("A", #""tags": ["a", "b"]"#)
        let updated = try f.run("account.update", #"{"id": \#(id), "tags": ["c"]}"#)
        #expect(updated["tags"]?.strings == ["c"])
        #expect(try f.run("account.list", #"{"tag": "a"}"#).items.isEmpty)
        #expect(try f.ids("account.list", #"{"tag": "c"}"#) == [id])
        // The same tags in another order are no change.
        let again = try f.run("account.update", #"{"id": \#(id), "tags": ["c", "c"]}"#)
        #expect(again["version"] == .integer(2))
    }

    @Test func addressesDefaultToBillingAndAreChecked() throws {
        let f = try Fixture()
        let account = try f.run("account.create", #"{"name": "A", "addresses": [{"line1": "1 Main Rd", "city": "Durban", "country": "ZA"}]}"#)
        let address = try #require(account["addresses"]?.array?.first)
        #expect(address["kind"] == .string("billing"))
        #expect(address["line1"] == .string("1 Main Rd"))
        #expect(address["city"] == .string("Durban"))
        #expect(address["country"] == .string("ZA"))
        #expect(address["line2"] == .null)
        #expect(address["postal_code"] == .null)

        expectCRMError(.invalid, "addresses[0]", "line1") { try f.run("account.create", #"{"name": "B", "addresses": [{"city": "Durban"}]}"#) }
        expectCRMError(.invalid, "addresses[1]", "country") {
            try f.run("account.create", #"{"name": "B", "addresses": [{"line1": "x"}, {"line1": "y", "country": "za"}]}"#)
        }
        expectCRMError(.invalid, "country") { try f.run("account.create", #"{"name": "B", "addresses": [{"line1": "x", "country": "ZAF"}]}"#) }
        for country in ["XX", "XK", "UK", "EU", "AA"] {
            expectCRMError(.invalid, "addresses[0]", "country '\(country)'", "ISO 3166") {
                try f.run("account.create", #"{"name": "B", "addresses": [{"line1": "x", "country": "\#(country)"}]}"#)
            }
        }
        #expect(try f.run("account.create", #"{"name": "C", "addresses": [{"line1": "x", "country": "GB"}]}"#)["addresses"]?.array?.first?["country"] == .string("GB"))
        expectCRMError(.invalid, "kind") { try f.run("account.create", #"{"name": "B", "addresses": [{"line1": "x", "kind": "home"}]}"#) }
        expectCRMError(.invalid, "unknown field 'zip'") {
            try f.run("account.create", #"{"name": "B", "addresses": [{"line1": "x", "zip": "8001"}]}"#)
        }
        let eleven = Array(repeating: #"{"line1": "x"}"#, count: 11).joined(separator: ", ")
        expectCRMError(.range, "addresses") { try f.run("account.create", #"{"name": "B", "addresses": [\#(eleven)]}"#) }
        let ten = Array(repeating: #"{"line1": "x"}"#, count: 10).joined(separator: ", ")
        #expect(try f.run("account.create", #"{"name": "B", "addresses": [\#(ten)]}"#)["addresses"]?.array?.count == 10)
    }

    @Test func addressesKeepTheirOrderAndAreReplacedWhole() throws {
        let f = try Fixture()
        let id = try f.account("A", #""addresses": [{"line1": "first"}, {"kind": "postal", "line1": "second"}]"#)
        let lines = try f.run("account.get", #"{"id": \#(id)}"#)["addresses"]?.array?.compactMap { $0["line1"]?.text }
        #expect(lines == ["first", "second"])
        let updated = try f.run("account.update", #"{"id": \#(id), "addresses": [{"line1": "only"}]}"#)
        #expect(updated["addresses"]?.array?.compactMap { $0["line1"]?.text } == ["only"])
        let cleared = try f.run("account.update", #"{"id": \#(id), "addresses": []}"#)
        #expect(cleared["addresses"] == .array([]))
    }

    // MARK: Parents

    @Test func parentMustExist() throws {
        let f = try Fixture()
        expectCRMError(.notFound, "parent_account_id", "99") { try f.run("account.create", #"{"name": "A", "parent_account_id": 99}"#) }
        expectCRMError(.range, "parent_account_id") { try f.run("account.create", #"{"name": "A", "parent_account_id": 0}"#) }
        #expect(try f.rows("accounts") == 0)
        let parent = try f.account("Group")
        let child = try f.run("account.create", #"{"name": "Branch", "parent_account_id": \#(parent)}"#)
        #expect(child["parent_account_id"] == .integer(parent))
        #expect(try f.ids("account.list", #"{"parent_account_id": \#(parent)}"#) == [child["id"]?.int].compactMap { $0 })
    }

    @Test func anArchivedParentIsRefused() throws {
        let f = try Fixture()
        let parent = try f.account("Group")
        try f.run("account.archive", #"{"id": \#(parent)}"#)
        expectCRMError(.constraint, "parent_account_id") { try f.run("account.create", #"{"name": "A", "parent_account_id": \#(parent)}"#) }
    }

    @Test func parentsCannotFormACycle() throws {
        let f = try Fixture()
        let a = try f.account("A")
        let b = try f.account("B", #""parent_account_id": \#(a)"#)
        let c = try f.account("C", #""parent_account_id": \#(b)"#)
        expectCRMError(.invalid, "parent_account_id") { try f.run("account.update", #"{"id": \#(a), "parent_account_id": \#(c)}"#) }
        expectCRMError(.invalid, "parent_account_id") { try f.run("account.update", #"{"id": \#(a), "parent_account_id": \#(b)}"#) }
        expectCRMError(.invalid, "parent_account_id") { try f.run("account.update", #"{"id": \#(b), "parent_account_id": \#(b)}"#) }
        #expect(try f.run("account.get", #"{"id": \#(a)}"#)["parent_account_id"] == .null)
        // Re-parenting without a cycle is fine.
        let moved = try f.run("account.update", #"{"id": \#(c), "parent_account_id": \#(a)}"#)
        #expect(moved["parent_account_id"] == .integer(a))
    }

    @Test func anAccountWhoseParentWasArchivedCanStillChangeOtherFields() throws {
        let f = try Fixture()
        let parent = try f.account("Group")
        let child = try f.account("Branch", #""parent_account_id": \#(parent)"#)
        try f.run("account.archive", #"{"id": \#(parent)}"#)
        // Only the given fields change: the parent was not given, so it is not re-checked.
        let updated = try f.run("account.update", #"{"id": \#(child), "phone": "021 555 0100"}"#)
        #expect(updated["phone"] == .string("021 555 0100"))
        #expect(updated["parent_account_id"] == .integer(parent))
    }

    // MARK: Update

    @Test func updateChangesOnlyTheGivenFields() throws {
        let f = try Fixture()
        let created = try f.run("account.create", #"""
            {"name": "Acme", "email": "info@acme.test", "segment": "retail", "tags": ["vip"], "credit_limit_minor": 100,
             "addresses": [{"line1": "1 Main Rd"}]}
            """#)
        let id = try #require(created["id"]?.int)
        f.clock.advance(seconds: 3600)
        let updated = try f.run("account.update", #"{"id": \#(id), "phone": "011 555 0199", "status": "active"}"#)
        #expect(updated["phone"] == .string("011 555 0199"))
        #expect(updated["status"] == .string("active"))
        #expect(updated["version"] == .integer(2))
        #expect(updated["updated_at"] == .string("2026-12-01T10:30:00Z"))
        #expect(updated["created_at"] == .string(epochText))
        var expected = created.removing("replayed")
        for key in ["phone", "status", "version", "updated_at"] { expected = expected.removing(key) }
        var rest = updated
        for key in ["phone", "status", "version", "updated_at"] { rest = rest.removing(key) }
        #expect(rest == expected)
        #expect(try f.run("account.get", #"{"id": \#(id)}"#) == updated)
    }

    @Test func nullClearsAnOptionalField() throws {
        let f = try Fixture()
        let id = try f.account("A", #""email": "a@b.test", "segment": "retail", "credit_limit_minor": 5, "size_band": "small", "notes": "x""#)
        let updated = try f.run("account.update",
                                #"{"id": \#(id), "email": null, "segment": null, "credit_limit_minor": null, "size_band": null, "notes": null}"#)
        for field in ["email", "segment", "credit_limit_minor", "size_band", "notes"] {
            #expect(updated[field] == .null, "\(field) should be cleared")
        }
        #expect(updated["version"] == .integer(2))
        let fetched = try f.run("account.get", #"{"id": \#(id)}"#)
        #expect(fetched["email"] == .null)
        #expect(fetched["credit_limit_minor"] == .null)
        // The cleared e-mail no longer matches a search.
        #expect(try f.run("account.search", #"{"query": "a@b.test"}"#).items.isEmpty)
    }

    @Test(arguments: ["name", "kind", "strategic", "national", "tags", "currency", "payment_terms_days", "status", "addresses"])
    func nullOnARequiredFieldIsRejected(field: String) throws {
        let f = try Fixture()
        let id = try f.account("A")
        expectCRMError(.invalid, field, "null") { try f.run("account.update", #"{"id": \#(id), "\#(field)": null}"#) }
        #expect(try f.run("account.get", #"{"id": \#(id)}"#)["version"] == .integer(1))
    }

    @Test func anUpdateThatChangesNothingWritesNoEventAndKeepsTheVersion() throws {
        let f = try Fixture()
        let id = try f.account("Acme", #""email": "a@b.test", "tags": ["x", "y"], "currency": "ZAR""#)
        let before = try f.outboxCount()
        f.clock.advance(seconds: 60)
        let (result, events) = try f.runWithEvents("account.update",
                                                   #"{"id": \#(id), "name": "Acme", "email": "a@b.test", "tags": ["y", "x"], "kind": "business"}"#)
        #expect(events.isEmpty)
        #expect(try f.outboxCount() == before)
        #expect(result["version"] == .integer(1))
        #expect(result["updated_at"] == .string(epochText))
        let (_, none) = try f.runWithEvents("account.update", #"{"id": \#(id)}"#)
        #expect(none.isEmpty)
        #expect(try f.run("account.get", #"{"id": \#(id)}"#)["version"] == .integer(1))
    }

    @Test func aStaleExpectedVersionIsAConflict() throws {
        let f = try Fixture()
        let id = try f.account("A")
        let v2 = try f.run("account.update", #"{"id": \#(id), "expected_version": 1, "name": "B"}"#)
        #expect(v2["version"] == .integer(2))
        expectCRMError(.conflict, "expected_version", "1", "2") {
            try f.run("account.update", #"{"id": \#(id), "expected_version": 1, "name": "C"}"#)
        }
        #expect(try f.run("account.get", #"{"id": \#(id)}"#)["name"] == .string("B"))
        expectCRMError(.range, "expected_version") { try f.run("account.update", #"{"id": \#(id), "expected_version": 0, "name": "C"}"#) }
        let v3 = try f.run("account.update", #"{"id": \#(id), "expected_version": 2, "name": "C"}"#)
        #expect(v3["version"] == .integer(3))
    }

    @Test func updateValidatesLikeCreate() throws {
        let f = try Fixture()
        let id = try f.account("A")
        expectCRMError(.invalid, "email") { try f.run("account.update", #"{"id": \#(id), "email": "nope"}"#) }
        expectCRMError(.invalid, "currency") { try f.run("account.update", #"{"id": \#(id), "currency": "rnd"}"#) }
        expectCRMError(.range, "payment_terms_days") { try f.run("account.update", #"{"id": \#(id), "payment_terms_days": 400}"#) }
        expectCRMError(.invalid, "unknown field 'colour'") { try f.run("account.update", #"{"id": \#(id), "colour": "red"}"#) }
        expectCRMError(.notFound, "account 99") { try f.run("account.update", #"{"id": 99, "name": "X"}"#) }
        expectCRMError(.invalid, "id") { try f.run("account.update", #"{"name": "X"}"#) }
        #expect(try f.run("account.get", #"{"id": \#(id)}"#)["version"] == .integer(1))
    }

    @Test func updateBySourceAndExternalRef() throws {
        let f = try Fixture()
        let id = try f.account("A", #""source": "ledger", "external_ref": "C001""#)
        let updated = try f.run("account.update", #"{"source": "ledger", "external_ref": "C001", "owner": "sipho"}"#)
        #expect(updated["id"] == .integer(id))
        #expect(updated["owner"] == .string("sipho"))
        expectCRMError(.notFound, "C002") { try f.run("account.update", #"{"source": "ledger", "external_ref": "C002", "owner": "x"}"#) }
    }

    // MARK: Archive

    @Test func archiveThenUpdateIsAConstraint() throws {
        let f = try Fixture()
        let id = try f.account("A")
        f.clock.advance(seconds: 120)
        let archived = try f.run("account.archive", #"{"id": \#(id)}"#)
        #expect(archived["archived"] == .bool(true))
        #expect(archived["archived_at"] == .string("2026-12-01T09:32:00Z"))
        #expect(archived["version"] == .integer(2))
        expectCRMError(.constraint, "account \(id)", "archived") { try f.run("account.update", #"{"id": \#(id), "name": "B"}"#) }
        expectCRMError(.constraint, "archived") { try f.run("account.archive", #"{"id": \#(id)}"#) }
        #expect(try f.run("account.get", #"{"id": \#(id)}"#)["name"] == .string("A"))
        expectCRMError(.notFound, "account 42") { try f.run("account.archive", #"{"id": 42}"#) }
    }

    // MARK: Get

    @Test func getByIdOrBySourceAndExternalRef() throws {
        let f = try Fixture()
        _ = try f.account("Other", #""source": "crm", "external_ref": "C001""#)
        let id = try f.account("A", #""source": "ledger", "external_ref": "C001""#)
        let byRef = try f.run("account.get", #"{"source": "ledger", "external_ref": "C001"}"#)
        #expect(byRef["id"] == .integer(id))
        #expect(byRef["external_refs"] == (try args(#"[{"source": "ledger", "external_ref": "C001"}]"#)))
        #expect(try f.run("account.get", #"{"id": \#(id)}"#) == byRef)
        expectCRMError(.notFound, "ledger", "C999") { try f.run("account.get", #"{"source": "ledger", "external_ref": "C999"}"#) }
        expectCRMError(.notFound, "account 77") { try f.run("account.get", #"{"id": 77}"#) }
        expectCRMError(.invalid, "id") { try f.run("account.get", "{}") }
        expectCRMError(.invalid, "not both") { try f.run("account.get", #"{"id": \#(id), "source": "ledger", "external_ref": "C001"}"#) }
        expectCRMError(.invalid, "source") { try f.run("account.get", #"{"external_ref": "C001"}"#) }
        expectCRMError(.invalid, "unknown field 'name'") { try f.run("account.get", #"{"id": \#(id), "name": "A"}"#) }
    }

    // MARK: List

    @Test func listPagesThroughEveryAccountWithACursor() throws {
        let f = try Fixture()
        var created: [Int64] = []
        for number in 1...120 { created.append(try f.account("Account \(number)")) }
        var seen: [Int64] = []
        var cursor: JSONValue = .null
        var pages = 0
        repeat {
            let text = cursor == .null ? #"{"limit": 50}"# : #"{"limit": 50, "cursor": \#(JSONWriter.string(cursor))}"#
            let page = try f.run("account.list", text)
            #expect(page.items.count <= 50)
            seen += page.items.compactMap { $0["id"]?.int }
            cursor = try #require(page["next_cursor"])
            pages += 1
        } while cursor != .null && pages < 10
        #expect(pages == 3)
        #expect(seen == created)
        // Without a limit a page holds 50.
        let first = try f.run("account.list")
        #expect(first.items.count == 50)
        #expect(first["next_cursor"]?.text != nil)
    }

    @Test func listOfExactlyOnePageHasNoCursor() throws {
        let f = try Fixture()
        for number in 1...5 { try f.account("A\(number)") }
        let page = try f.run("account.list", #"{"limit": 5}"#)
        #expect(page.items.count == 5)
        #expect(page["next_cursor"] == .null)
        let empty = try Fixture().run("account.list")
        #expect(empty == (try args(#"{"items": [], "next_cursor": null}"#)))
    }

    @Test func listRejectsBadLimitsAndCursors() throws {
        let f = try Fixture()
        expectCRMError(.range, "limit") { try f.run("account.list", #"{"limit": 0}"#) }
        expectCRMError(.range, "limit") { try f.run("account.list", #"{"limit": 501}"#) }
        expectCRMError(.invalid, "cursor") { try f.run("account.list", #"{"cursor": "page-two"}"#) }
        expectCRMError(.invalid, "cursor") { try f.run("account.list", #"{"cursor": 50}"#) }
        expectCRMError(.invalid, "status") { try f.run("account.list", #"{"status": "closed"}"#) }
        expectCRMError(.invalid, "unknown field 'colour'") { try f.run("account.list", #"{"colour": "red"}"#) }
        #expect(try f.run("account.list", #"{"limit": 500}"#).items.isEmpty)
    }

    @Test func listFiltersByStatusKindTagAndArchived() throws {
        let f = try Fixture()
        let prospect = try f.account("P", #""tags": ["vip"]"#)
        let active = try f.account("A", #""status": "active", "kind": "dealer", "tags": ["vip", "north"]"#)
        let consumer = try f.account("C", #""status": "active", "kind": "consumer", "strategic": true, "segment": "retail""#)
        let archived = try f.account("X", #""status": "active", "tags": ["vip"]"#)
        try f.run("account.archive", #"{"id": \#(archived)}"#)

        #expect(try f.ids("account.list") == [prospect, active, consumer])
        #expect(try f.ids("account.list", #"{"include_archived": true}"#) == [prospect, active, consumer, archived])
        #expect(try f.ids("account.list", #"{"status": "active"}"#) == [active, consumer])
        #expect(try f.ids("account.list", #"{"status": "active", "include_archived": true}"#) == [active, consumer, archived])
        #expect(try f.ids("account.list", #"{"status": "lost"}"#) == [])
        #expect(try f.ids("account.list", #"{"kind": "dealer"}"#) == [active])
        #expect(try f.ids("account.list", #"{"kind": "business"}"#) == [prospect])
        #expect(try f.ids("account.list", #"{"tag": "vip"}"#) == [prospect, active])
        #expect(try f.ids("account.list", #"{"tag": "north"}"#) == [active])
        #expect(try f.ids("account.list", #"{"tag": "vip", "status": "active"}"#) == [active])
        #expect(try f.ids("account.list", #"{"strategic": true}"#) == [consumer])
        #expect(try f.ids("account.list", #"{"strategic": false}"#) == [prospect, active])
        #expect(try f.ids("account.list", #"{"segment": "retail"}"#) == [consumer])
        let owned = try f.account("O", #""owner": "thandi", "region": "KZN""#)
        #expect(try f.ids("account.list", #"{"owner": "thandi"}"#) == [owned])
        #expect(try f.ids("account.list", #"{"region": "KZN"}"#) == [owned])
        #expect(try f.ids("account.list", #"{"region": "KZN", "owner": "sipho"}"#) == [])
    }

    @Test("account.list {source} lists the accounts a system brought in, oldest first, paged")
    func listFiltersBySource() throws {
        let f = try Fixture()
        let tillOne = try f.account("Mokoena Tiling", #""source": "till", "external_ref": "POS-0141""#)
        let ledger = try f.account("Highveld Roofing", #""source": "ledger", "external_ref": "HVR001""#)
        let typed = try f.account("Typed In")
        let tillTwo = try f.account("Thabo Nkosi", #""source": "till", "external_ref": "POS-0142""#)
        #expect(try f.ids("account.list", #"{"source": "till"}"#) == [tillOne, tillTwo])
        #expect(try f.ids("account.list", #"{"source": "ledger"}"#) == [ledger])
        #expect(try f.ids("account.list", #"{"source": "till", "limit": 1}"#) == [tillOne])
        #expect(try f.ids("account.list", #"{"source": "gnucash"}"#) == [])
        #expect(try f.ids("account.list") == [tillOne, ledger, typed, tillTwo])
        expectCRMError(.invalid, "source") { try f.run("account.list", #"{"source": ""}"#) }
    }

    @Test func filteredListPagesCarryTheFilter() throws {
        let f = try Fixture()
        var vip: [Int64] = []
        for number in 1...30 {
            let id = try f.account("A\(number)", number % 3 == 0 ? #""tags": ["vip"]"# : "")
            if number % 3 == 0 { vip.append(id) }
        }
        let first = try f.run("account.list", #"{"tag": "vip", "limit": 4}"#)
        let cursor = try #require(first["next_cursor"]?.text)
        let second = try f.run("account.list", #"{"tag": "vip", "limit": 4, "cursor": \#(quoted(cursor))}"#)
        let third = try f.run("account.list", #"{"tag": "vip", "limit": 4, "cursor": \#(quoted(try #require(second["next_cursor"]?.text)))}"#)
        let ids = (first.items + second.items + third.items).compactMap { $0["id"]?.int }
        #expect(ids == vip)
        #expect(third["next_cursor"] == .null)
    }
}
