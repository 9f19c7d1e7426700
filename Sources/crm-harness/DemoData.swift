// Sample data for `crm-harness demo`: the customer ledger of Sizwe Building
// Supplies, a mid-size building-supplies wholesaler in Gauteng that sells to
// contractors, hardware dealers, distributors, one national retail group and
// walk-in home builders. Every record carries the ledger's own reference
// (source "ledger" + the customer code), so importing the feed again replays.
// All dates are fixed, so a second run sends exactly the same content.

struct DemoContact {
    let ref: String
    let fields: JSON
    /// (channel, status, recorded_at, source), in the order they were recorded.
    let consent: [(channel: String, status: String, recordedAt: String, source: String)]
    let preferences: [(key: String, value: String)]
}

struct DemoAccount {
    /// The ledger's customer code: the external_ref.
    let code: String
    /// account.create fields, without source, external_ref or parent.
    let fields: JSON
    /// The ledger code of the head office, for a branch.
    let parentCode: String?
    let contacts: [DemoContact]
}

struct DemoInteraction {
    let ref: String
    let accountCode: String
    let contactRef: String?
    /// interaction.log fields, without account_id, contact_id, source, external_ref.
    let fields: JSON
}

enum DemoData {
    static let source = "ledger"
    static let company = "Sizwe Building Supplies (Pty) Ltd"

    static let accounts: [DemoAccount] = [
        DemoAccount(
            code: "HVR001",
            fields: [
                "name": "Highveld Roofing & Timber (Pty) Ltd", "kind": "business", "size_band": "medium",
                "segment": "contractors", "tags": ["contractor", "roofing", "timber"], "region": "Gauteng",
                "currency": "ZAR", "payment_terms_days": 30, "credit_limit_minor": 25_000_000,
                "owner": "Lerato Molefe", "status": "active", "tax_number": "4120187654",
                "email": "accounts@highveldroofing.co.za", "phone": "011 315 2240",
                "website": "www.highveldroofing.co.za",
                "notes": "Roofing contractor, mostly IBR and Corrugated sheeting plus SA pine trusses.",
                "addresses": [
                    ["kind": "billing", "line1": "14 Allandale Road", "line2": "Kaalfontein", "city": "Midrand",
                     "region": "Gauteng", "postal_code": "1685", "country": "ZA"],
                    ["kind": "shipping", "line1": "Yard 3, Old Pretoria Main Road", "city": "Midrand",
                     "region": "Gauteng", "postal_code": "1685", "country": "ZA"],
                ],
            ],
            parentCode: nil,
            contacts: [
                DemoContact(
                    ref: "HVR001-1",
                    fields: ["first_name": "Johan", "last_name": "Botha", "role": "owner",
                             "email": "johan@highveldroofing.co.za", "mobile": "082 555 0141",
                             "preferred_channel": "phone"],
                    consent: [("email", "opted_in", "2025-03-02T08:00:00Z", "signed credit application"),
                              ("phone", "opted_in", "2025-03-02T08:00:00Z", "signed credit application")],
                    preferences: [("language", "Afrikaans"), ("statement_delivery", "email")]),
                DemoContact(
                    ref: "HVR001-2",
                    fields: ["first_name": "Naledi", "last_name": "Khumalo", "role": "buyer",
                             "email": "naledi@highveldroofing.co.za", "phone": "011 315 2241",
                             "mobile": "072 555 0178", "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2025-03-02T08:05:00Z", "signed credit application"),
                              ("sms", "opted_in", "2026-02-10T07:30:00Z", "trade counter form"),
                              ("sms", "opted_out", "2026-09-14T12:02:00Z", "replied STOP to promotion")],
                    preferences: [("delivery_window", "06:30-09:00"), ("quote_format", "PDF")]),
                DemoContact(
                    ref: "HVR001-3",
                    fields: ["first_name": "Priya", "last_name": "Naidoo", "role": "accounts payable",
                             "email": "creditors@highveldroofing.co.za", "phone": "011 315 2243",
                             "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2025-03-02T08:10:00Z", "signed credit application"),
                              ("post", "opted_out", "2025-03-02T08:10:00Z", "signed credit application")],
                    preferences: [("statement_delivery", "email"), ("remittance_email", "creditors@highveldroofing.co.za")]),
            ]),
        DemoAccount(
            code: "MTH001",
            fields: [
                "name": "Mthembu Hardware & Building Supplies CC", "kind": "dealer", "size_band": "small",
                "segment": "hardware dealers", "tags": ["dealer", "hardware"], "region": "KwaZulu-Natal",
                "currency": "ZAR", "payment_terms_days": 30, "credit_limit_minor": 15_000_000,
                "owner": "Sipho Dlamini", "status": "active", "tax_number": "4310276541",
                "phone": "033 342 1187",
                "addresses": [
                    ["kind": "physical", "line1": "221 Church Street", "city": "Pietermaritzburg",
                     "region": "KwaZulu-Natal", "postal_code": "3201", "country": "ZA"],
                ],
            ],
            parentCode: nil,
            contacts: [
                DemoContact(
                    ref: "MTH001-1",
                    fields: ["first_name": "Bongani", "last_name": "Mthembu", "role": "owner",
                             "mobile": "083 555 0192", "preferred_channel": "sms"],
                    consent: [("sms", "opted_in", "2024-11-18T09:00:00Z", "dealer agreement"),
                              ("phone", "opted_in", "2024-11-18T09:00:00Z", "dealer agreement")],
                    preferences: [("language", "isiZulu"), ("price_list", "dealer B")]),
                DemoContact(
                    ref: "MTH001-2",
                    fields: ["first_name": "Zanele", "last_name": "Mthembu", "role": "accounts payable",
                             "email": "zanele@mthembuhardware.co.za", "phone": "033 342 1188",
                             "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2024-11-18T09:05:00Z", "dealer agreement")],
                    preferences: [("statement_delivery", "email")]),
            ]),
        DemoAccount(
            code: "CCB001",
            fields: [
                "name": "Cape Coastal Builders Merchants (Pty) Ltd", "kind": "distributor", "size_band": "large",
                "segment": "distributors", "tags": ["cement", "distributor", "roofing"], "region": "Western Cape",
                "currency": "ZAR", "payment_terms_days": 60, "credit_limit_minor": 120_000_000,
                "owner": "Ayesha Patel", "status": "active", "tax_number": "4790112233",
                "email": "orders@capecoastalbm.co.za", "phone": "021 948 7700",
                "addresses": [
                    ["kind": "billing", "line1": "3 Voortrekker Road", "city": "Bellville",
                     "region": "Western Cape", "postal_code": "7530", "country": "ZA"],
                    ["kind": "shipping", "line1": "Unit 12, Blackheath Industrial Park", "city": "Blackheath",
                     "region": "Western Cape", "postal_code": "7580", "country": "ZA"],
                ],
            ],
            parentCode: nil,
            contacts: [
                DemoContact(
                    ref: "CCB001-1",
                    fields: ["first_name": "Francois", "last_name": "le Roux", "role": "procurement manager",
                             "email": "francois@capecoastalbm.co.za", "phone": "021 948 7712",
                             "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2025-07-01T10:00:00Z", "distributor agreement")],
                    preferences: [("order_confirmations", "email"), ("language", "English")]),
                DemoContact(
                    ref: "CCB001-2",
                    fields: ["first_name": "Nomsa", "last_name": "Jacobs", "role": "logistics",
                             "phone": "021 948 7730", "mobile": "061 555 0123", "preferred_channel": "phone"],
                    consent: [("phone", "opted_in", "2025-07-01T10:00:00Z", "distributor agreement"),
                              ("sms", "opted_in", "2025-07-01T10:00:00Z", "distributor agreement")],
                    preferences: [("delivery_window", "08:00-15:00")]),
            ]),
        DemoAccount(
            code: "BRN001",
            fields: [
                "name": "BuildRite National Group Ltd", "kind": "business", "strategic": true, "national": true,
                "size_band": "enterprise", "segment": "national retail", "tags": ["key account", "national", "retail"],
                "region": "National", "currency": "ZAR", "payment_terms_days": 60,
                "credit_limit_minor": 500_000_000, "owner": "Lerato Molefe", "status": "active",
                "tax_number": "4011998877", "email": "supplier.accounts@buildrite.co.za", "phone": "010 446 9000",
                "website": "www.buildrite.co.za",
                "notes": "Strategic national account: annual rebate agreement, quarterly business reviews.",
                "addresses": [
                    ["kind": "billing", "line1": "BuildRite House, 1 Sandton Drive", "city": "Sandton",
                     "region": "Gauteng", "postal_code": "2196", "country": "ZA"],
                ],
            ],
            parentCode: nil,
            contacts: [
                DemoContact(
                    ref: "BRN001-1",
                    fields: ["first_name": "Michelle", "last_name": "Govender", "role": "category buyer: building materials",
                             "email": "michelle.govender@buildrite.co.za", "phone": "010 446 9123",
                             "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2025-01-20T09:00:00Z", "supplier agreement")],
                    preferences: [("meeting_cadence", "quarterly"), ("report_format", "Excel")]),
                DemoContact(
                    ref: "BRN001-2",
                    fields: ["first_name": "David", "last_name": "Smith", "role": "accounts payable",
                             "email": "ap@buildrite.co.za", "phone": "010 446 9200", "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2025-01-20T09:00:00Z", "supplier agreement"),
                              ("post", "opted_in", "2025-01-20T09:00:00Z", "supplier agreement")],
                    preferences: [("statement_delivery", "EDI")]),
                DemoContact(
                    ref: "BRN001-3",
                    fields: ["first_name": "Kagiso", "last_name": "Sithole", "role": "national logistics",
                             "mobile": "079 555 0166", "preferred_channel": "phone"],
                    consent: [("phone", "opted_in", "2025-01-20T09:00:00Z", "supplier agreement")],
                    preferences: [("delivery_booking", "48h ahead")]),
            ]),
        DemoAccount(
            code: "BRN002",
            fields: [
                "name": "BuildRite Polokwane", "kind": "business", "size_band": "medium",
                "segment": "national retail", "tags": ["branch", "retail"], "region": "Limpopo",
                "currency": "ZAR", "payment_terms_days": 60, "credit_limit_minor": 40_000_000,
                "owner": "Sipho Dlamini", "status": "active", "phone": "015 291 4400",
                "addresses": [
                    ["kind": "shipping", "line1": "Erf 887, Nelson Mandela Drive", "city": "Polokwane",
                     "region": "Limpopo", "postal_code": "0699", "country": "ZA"],
                ],
            ],
            parentCode: "BRN001",
            contacts: [
                DemoContact(
                    ref: "BRN002-1",
                    fields: ["first_name": "Tshepo", "last_name": "Maluleke", "role": "branch manager",
                             "email": "polokwane@buildrite.co.za", "phone": "015 291 4401",
                             "preferred_channel": "phone"],
                    consent: [("phone", "opted_in", "2025-05-05T08:00:00Z", "supplier agreement")],
                    preferences: [("language", "Sepedi")]),
                DemoContact(
                    ref: "BRN002-2",
                    fields: ["first_name": "Refilwe", "last_name": "Mokoena", "role": "receiving clerk",
                             "phone": "015 291 4410", "preferred_channel": "phone"],
                    consent: [],
                    preferences: [("delivery_window", "07:00-12:00")]),
            ]),
        DemoAccount(
            code: "NKO001",
            fields: [
                "name": "Thandi Nkosi", "kind": "consumer", "size_band": "micro", "segment": "home builders",
                "tags": ["cash", "diy"], "region": "Gauteng", "currency": "ZAR", "payment_terms_days": 0,
                "credit_limit_minor": nil, "owner": "Johan Pretorius", "status": "active",
                "email": "thandi.nkosi@example.co.za", "phone": "071 555 0134",
                "addresses": [
                    ["kind": "physical", "line1": "8812 Vilakazi Street", "line2": "Orlando West", "city": "Soweto",
                     "region": "Gauteng", "postal_code": "1804", "country": "ZA"],
                ],
            ],
            parentCode: nil,
            contacts: [
                DemoContact(
                    ref: "NKO001-1",
                    fields: ["first_name": "Thandi", "last_name": "Nkosi", "role": "home owner",
                             "email": "thandi.nkosi@example.co.za", "mobile": "071 555 0134",
                             "preferred_channel": "sms"],
                    consent: [("sms", "opted_in", "2026-04-11T10:20:00Z", "trade counter form"),
                              ("email", "opted_out", "2026-04-11T10:20:00Z", "trade counter form")],
                    preferences: [("delivery_window", "Saturday morning")]),
                DemoContact(
                    ref: "NKO001-2",
                    fields: ["first_name": "Musa", "last_name": "Nkosi", "role": "builder on site",
                             "mobile": "064 555 0187", "preferred_channel": "phone"],
                    consent: [("phone", "opted_in", "2026-04-11T10:25:00Z", "trade counter form")],
                    preferences: []),
            ]),
        DemoAccount(
            code: "VDM001",
            fields: [
                "name": "Pieter van der Merwe", "kind": "consumer", "size_band": "micro", "segment": "home builders",
                "tags": ["farm", "self-build"], "region": "Free State", "currency": "ZAR",
                "payment_terms_days": 7, "credit_limit_minor": 2_000_000, "owner": "Johan Pretorius",
                "status": "active", "phone": "058 555 0110",
                "addresses": [
                    ["kind": "postal", "line1": "PO Box 412", "city": "Bethlehem", "region": "Free State",
                     "postal_code": "9700", "country": "ZA"],
                    ["kind": "shipping", "line1": "Plaas Rietvlei, R26", "city": "Bethlehem",
                     "region": "Free State", "country": "ZA"],
                ],
            ],
            parentCode: nil,
            contacts: [
                DemoContact(
                    ref: "VDM001-1",
                    fields: ["first_name": "Pieter", "last_name": "van der Merwe", "role": "owner",
                             "phone": "058 555 0110", "mobile": "082 555 0199", "preferred_channel": "post",
                             "address": ["kind": "postal", "line1": "PO Box 412", "city": "Bethlehem",
                                         "postal_code": "9700", "country": "ZA"]],
                    consent: [("post", "opted_in", "2026-01-15T07:45:00Z", "signed account application"),
                              ("phone", "opted_in", "2026-01-15T07:45:00Z", "signed account application")],
                    preferences: [("language", "Afrikaans"), ("statement_delivery", "post")]),
                DemoContact(
                    ref: "VDM001-2",
                    fields: ["first_name": "Annelie", "last_name": "van der Merwe", "role": "pays the account",
                             "email": "annelie.vdm@example.co.za", "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2026-01-15T07:50:00Z", "signed account application")],
                    preferences: []),
            ]),
        DemoAccount(
            code: "KPS001",
            fields: [
                "name": "Karoo Plumbing & Sanitary Ware", "kind": "dealer", "size_band": "small",
                "segment": "plumbing dealers", "tags": ["dealer", "plumbing"], "region": "Northern Cape",
                "currency": "ZAR", "payment_terms_days": 30, "credit_limit_minor": 8_500_000,
                "owner": "Ayesha Patel", "status": "dormant", "tax_number": "4560033112",
                "email": "info@karooplumbing.co.za", "phone": "053 831 2020",
                "addresses": [
                    ["kind": "physical", "line1": "45 Du Toitspan Road", "city": "Kimberley",
                     "region": "Northern Cape", "postal_code": "8301", "country": "ZA"],
                ],
            ],
            parentCode: nil,
            contacts: [
                DemoContact(
                    ref: "KPS001-1",
                    fields: ["first_name": "Willem", "last_name": "Steyn", "role": "owner",
                             "email": "willem@karooplumbing.co.za", "phone": "053 831 2021",
                             "preferred_channel": "phone"],
                    consent: [("phone", "opted_in", "2023-08-01T08:00:00Z", "dealer agreement"),
                              ("email", "opted_in", "2023-08-01T08:00:00Z", "dealer agreement")],
                    preferences: [("price_list", "dealer C")]),
                DemoContact(
                    ref: "KPS001-2",
                    fields: ["first_name": "Lindiwe", "last_name": "Mokoena", "role": "counter sales",
                             "phone": "053 831 2022", "preferred_channel": "phone"],
                    consent: [],
                    preferences: []),
            ]),
        DemoAccount(
            code: "MMM001",
            fields: [
                "name": "Mpumalanga Mining Maintenance (Pty) Ltd", "kind": "business", "size_band": "large",
                "segment": "industrial", "tags": ["industrial", "mining", "steel"], "region": "Mpumalanga",
                "currency": "ZAR", "payment_terms_days": 45, "credit_limit_minor": 80_000_000,
                "owner": "Sipho Dlamini", "status": "active", "tax_number": "4870456123",
                "email": "procurement@mmm-mining.co.za", "phone": "013 692 5500",
                "addresses": [
                    ["kind": "billing", "line1": "17 Mandela Street", "city": "eMalahleni",
                     "region": "Mpumalanga", "postal_code": "1035", "country": "ZA"],
                ],
            ],
            parentCode: nil,
            contacts: [
                DemoContact(
                    ref: "MMM001-1",
                    fields: ["first_name": "Gert", "last_name": "Coetzee", "role": "procurement",
                             "email": "gert.coetzee@mmm-mining.co.za", "phone": "013 692 5511",
                             "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2025-10-01T06:30:00Z", "credit application")],
                    preferences: [("po_required", "yes")]),
                DemoContact(
                    ref: "MMM001-2",
                    fields: ["first_name": "Palesa", "last_name": "Radebe", "role": "site foreman",
                             "mobile": "076 555 0102", "preferred_channel": "sms"],
                    consent: [("sms", "opted_in", "2025-10-01T06:30:00Z", "credit application")],
                    preferences: [("delivery_window", "05:30-07:00")]),
            ]),
        DemoAccount(
            code: "ECB001",
            fields: [
                "name": "Eastern Cape Brick & Block Distributors", "kind": "distributor", "size_band": "medium",
                "segment": "distributors", "tags": ["bricks", "distributor"], "region": "Eastern Cape",
                "currency": "ZAR", "payment_terms_days": 45, "credit_limit_minor": 60_000_000,
                "owner": "Ayesha Patel", "status": "active", "tax_number": "4230998811",
                "email": "sales@ecbrick.co.za", "phone": "041 453 7800",
                "addresses": [
                    ["kind": "billing", "line1": "9 Uitenhage Road", "line2": "Korsten", "city": "Gqeberha",
                     "region": "Eastern Cape", "postal_code": "6020", "country": "ZA"],
                ],
            ],
            parentCode: nil,
            contacts: [
                DemoContact(
                    ref: "ECB001-1",
                    fields: ["first_name": "Andile", "last_name": "Mbeki", "role": "buyer",
                             "email": "andile@ecbrick.co.za", "phone": "041 453 7810", "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2025-02-14T09:00:00Z", "distributor agreement")],
                    preferences: [("language", "isiXhosa")]),
                DemoContact(
                    ref: "ECB001-2",
                    fields: ["first_name": "Chantal", "last_name": "Fourie", "role": "accounts payable",
                             "email": "accounts@ecbrick.co.za", "phone": "041 453 7820", "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2025-02-14T09:00:00Z", "distributor agreement")],
                    preferences: [("statement_delivery", "email")]),
            ]),
        DemoAccount(
            code: "UHD001",
            fields: [
                "name": "Ubuntu Housing Developments (Pty) Ltd", "kind": "business", "size_band": "large",
                "segment": "developers", "tags": ["developer", "housing"], "region": "Gauteng",
                "currency": "ZAR", "payment_terms_days": 30, "credit_limit_minor": 200_000_000,
                "owner": "Johan Pretorius", "status": "prospect", "tax_number": "4650221199",
                "email": "projects@ubuntuhousing.co.za", "phone": "012 804 3300",
                "addresses": [
                    ["kind": "billing", "line1": "Block C, Lynnwood Corporate Park", "city": "Pretoria",
                     "region": "Gauteng", "postal_code": "0081", "country": "ZA"],
                ],
            ],
            parentCode: nil,
            contacts: [
                DemoContact(
                    ref: "UHD001-1",
                    fields: ["first_name": "Sibusiso", "last_name": "Ndlovu", "role": "project director",
                             "email": "sibusiso@ubuntuhousing.co.za", "mobile": "084 555 0155",
                             "preferred_channel": "phone"],
                    consent: [("phone", "opted_in", "2026-08-20T13:00:00Z", "meeting at Pretoria office"),
                              ("email", "opted_in", "2026-08-20T13:00:00Z", "meeting at Pretoria office")],
                    preferences: []),
                DemoContact(
                    ref: "UHD001-2",
                    fields: ["first_name": "Megan", "last_name": "Adams", "role": "quantity surveyor",
                             "email": "megan@ubuntuhousing.co.za", "phone": "012 804 3315",
                             "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2026-08-20T13:05:00Z", "meeting at Pretoria office")],
                    preferences: [("quote_format", "BOQ spreadsheet")]),
            ]),
        DemoAccount(
            code: "SPD001",
            fields: [
                "name": "Sunset Paint & Décor", "kind": "dealer", "size_band": "small", "segment": "paint dealers",
                "tags": ["dealer", "paint"], "region": "KwaZulu-Natal", "currency": "ZAR",
                "payment_terms_days": 30, "credit_limit_minor": 5_000_000, "owner": "Sipho Dlamini",
                "status": "active", "email": "hello@sunsetpaint.co.za", "phone": "031 564 2290",
                "addresses": [
                    ["kind": "physical", "line1": "112 Umgeni Road", "city": "Durban",
                     "region": "KwaZulu-Natal", "postal_code": "4001", "country": "ZA"],
                ],
            ],
            parentCode: nil,
            contacts: [
                DemoContact(
                    ref: "SPD001-1",
                    fields: ["first_name": "Rashid", "last_name": "Moosa", "role": "owner",
                             "email": "rashid@sunsetpaint.co.za", "mobile": "083 555 0177",
                             "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2025-06-06T11:00:00Z", "dealer agreement"),
                              ("sms", "opted_in", "2025-06-06T11:00:00Z", "dealer agreement")],
                    preferences: [("price_list", "dealer B")]),
                DemoContact(
                    ref: "SPD001-2",
                    fields: ["first_name": "Fatima", "last_name": "Moosa", "role": "accounts",
                             "email": "accounts@sunsetpaint.co.za", "preferred_channel": "email"],
                    consent: [("email", "opted_in", "2025-06-06T11:05:00Z", "dealer agreement")],
                    preferences: [("statement_delivery", "email")]),
            ]),
    ]

    /// The near-duplicate: the Pietermaritzburg trade counter keyed Mthembu
    /// Hardware in by hand under its own reference, with the same phone number.
    static let duplicateSource = "counter"
    static let duplicate = DemoAccount(
        code: "PMB-WALKIN-0042",
        fields: [
            "name": "Mthembu Hardware and Building Supplies", "kind": "dealer",
            "tags": ["walk-in"], "region": "KwaZulu-Natal", "currency": "ZAR", "payment_terms_days": 0,
            "phone": "033-342-1187", "email": "bongani@mthembuhardware.co.za",
            "website": "www.mthembuhardware.co.za",
            "notes": "Keyed in at the Pietermaritzburg trade counter.",
        ],
        parentCode: nil,
        contacts: [
            DemoContact(
                ref: "PMB-WALKIN-0042-1",
                fields: ["first_name": "Sifiso", "last_name": "Mthembu", "role": "collects orders",
                         "mobile": "078 555 0121", "preferred_channel": "sms"],
                consent: [("sms", "opted_in", "2026-10-03T07:40:00Z", "trade counter form")],
                preferences: []),
        ])
    static let duplicateInteraction = DemoInteraction(
        ref: "PMB-VISIT-0042", accountCode: duplicate.code, contactRef: "PMB-WALKIN-0042-1",
        fields: ["kind": "visit", "direction": "inbound", "subject": "Collected 40 bags of cement at the counter",
                 "performed_by": "Counter PMB", "occurred_at": "2026-10-03T07:45:00Z",
                 "links": [["record_type": "cash_sale", "record_id": "CS-88120"]]])

    /// The customer whose history the walk-through shows.
    static let focusCode = "HVR001"
    /// The account whose credit limit is raised with an expected_version.
    static let updateCode = "UHD001"
    static let updateFields: JSON = [
        "status": "active", "credit_limit_minor": 300_000_000, "payment_terms_days": 45,
        "notes": "Won the Mamelodi East housing tender: 420 units over 18 months.",
    ]

    static let interactions: [DemoInteraction] = [
        // Highveld Roofing & Timber: the full story of one order.
        DemoInteraction(ref: "ACT-2026-0101", accountCode: "HVR001", contactRef: "HVR001-2",
            fields: ["kind": "call", "direction": "inbound", "subject": "Quote request: IBR sheeting for Midrand clinic",
                     "body": "320 m2 of 0.5 mm IBR, ridge capping and 12 trusses; delivery in two drops.",
                     "performed_by": "Lerato Molefe", "occurred_at": "2026-06-04T07:42:00Z",
                     "links": [["record_type": "quote", "record_id": "QT-2291"]]]),
        DemoInteraction(ref: "ACT-2026-0102", accountCode: "HVR001", contactRef: "HVR001-2",
            fields: ["kind": "email", "direction": "outbound", "subject": "Quote QT-2291 sent",
                     "performed_by": "Lerato Molefe", "occurred_at": "2026-06-04T13:10:00Z",
                     "links": [["record_type": "quote", "record_id": "QT-2291"]]]),
        DemoInteraction(ref: "ACT-2026-0103", accountCode: "HVR001", contactRef: "HVR001-1",
            fields: ["kind": "visit", "direction": "outbound", "subject": "Site visit at the clinic, measured the roof",
                     "performed_by": "Lerato Molefe", "occurred_at": "2026-06-09T08:30:00Z"]),
        DemoInteraction(ref: "ACT-2026-0104", accountCode: "HVR001", contactRef: "HVR001-2",
            fields: ["kind": "email", "direction": "inbound", "subject": "Order confirmed on QT-2291",
                     "performed_by": "Lerato Molefe", "occurred_at": "2026-06-11T06:55:00Z",
                     "links": [["record_type": "sales_order", "record_id": "SO-51877"]]]),
        DemoInteraction(ref: "ACT-2026-0105", accountCode: "HVR001", contactRef: "HVR001-1",
            fields: ["kind": "complaint", "direction": "inbound", "subject": "14 IBR sheets delivered dented",
                     "body": "Second drop: forklift damage on the top sheets. Photos on WhatsApp.",
                     "performed_by": "Dispatch desk", "occurred_at": "2026-06-18T10:05:00Z",
                     "links": [["record_type": "invoice", "record_id": "INV-104233"],
                               ["record_type": "delivery_note", "record_id": "DN-77310"]]]),
        DemoInteraction(ref: "ACT-2026-0106", accountCode: "HVR001", contactRef: "HVR001-3",
            fields: ["kind": "note", "subject": "Credit note CN-3308 raised for the 14 damaged sheets",
                     "performed_by": "Credit control", "occurred_at": "2026-06-19T09:00:00Z",
                     "links": [["record_type": "credit_note", "record_id": "CN-3308"],
                               ["record_type": "invoice", "record_id": "INV-104233"]]]),
        DemoInteraction(ref: "ACT-2026-0107", accountCode: "HVR001", contactRef: "HVR001-1",
            fields: ["kind": "call", "direction": "outbound", "subject": "Follow-up: replacement sheets delivered, customer happy",
                     "performed_by": "Lerato Molefe", "occurred_at": "2026-06-23T12:15:00Z"]),
        DemoInteraction(ref: "ACT-2026-0108", accountCode: "HVR001", contactRef: "HVR001-3",
            fields: ["kind": "call", "direction": "outbound", "subject": "Statement query: INV-104233 short-paid",
                     "performed_by": "Credit control", "occurred_at": "2026-08-05T08:20:00Z",
                     "links": [["record_type": "invoice", "record_id": "INV-104233"]]]),
        DemoInteraction(ref: "ACT-2026-0109", accountCode: "HVR001", contactRef: "HVR001-1",
            fields: ["kind": "meeting", "direction": "outbound", "subject": "2027 pricing and a larger credit limit",
                     "performed_by": "Lerato Molefe", "occurred_at": "2026-11-12T09:00:00Z"]),
        // Everyone else.
        DemoInteraction(ref: "ACT-2026-0110", accountCode: "MTH001", contactRef: "MTH001-1",
            fields: ["kind": "call", "direction": "inbound", "subject": "Dealer price list for the new PVC range",
                     "performed_by": "Sipho Dlamini", "occurred_at": "2026-07-02T07:10:00Z"]),
        DemoInteraction(ref: "ACT-2026-0111", accountCode: "MTH001", contactRef: "MTH001-1",
            fields: ["kind": "sms", "direction": "outbound", "subject": "Delivery on its way: ETA 11:00",
                     "performed_by": "Dispatch desk", "occurred_at": "2026-09-16T08:00:00Z",
                     "links": [["record_type": "delivery_note", "record_id": "DN-78122"]]]),
        DemoInteraction(ref: "ACT-2026-0112", accountCode: "CCB001", contactRef: "CCB001-1",
            fields: ["kind": "meeting", "direction": "outbound", "subject": "Quarterly review in Bellville",
                     "performed_by": "Ayesha Patel", "occurred_at": "2026-07-21T09:30:00Z"]),
        DemoInteraction(ref: "ACT-2026-0113", accountCode: "CCB001", contactRef: "CCB001-2",
            fields: ["kind": "complaint", "direction": "inbound", "subject": "Cement pallets short on load 4411",
                     "performed_by": "Dispatch desk", "occurred_at": "2026-08-13T14:40:00Z",
                     "links": [["record_type": "delivery_note", "record_id": "DN-77954"]]]),
        DemoInteraction(ref: "ACT-2026-0114", accountCode: "CCB001", contactRef: "CCB001-1",
            fields: ["kind": "email", "direction": "outbound", "subject": "Short delivery resolved, balance sent on load 4420",
                     "performed_by": "Ayesha Patel", "occurred_at": "2026-08-14T11:00:00Z"]),
        DemoInteraction(ref: "ACT-2026-0115", accountCode: "BRN001", contactRef: "BRN001-1",
            fields: ["kind": "meeting", "direction": "outbound", "subject": "QBR: rebate tiers and range review",
                     "performed_by": "Lerato Molefe", "occurred_at": "2026-07-08T08:00:00Z"]),
        DemoInteraction(ref: "ACT-2026-0116", accountCode: "BRN001", contactRef: "BRN001-2",
            fields: ["kind": "email", "direction": "inbound", "subject": "Remittance advice: June statement",
                     "performed_by": "Credit control", "occurred_at": "2026-07-25T10:30:00Z",
                     "links": [["record_type": "payment", "record_id": "RCPT-20931"]]]),
        DemoInteraction(ref: "ACT-2026-0117", accountCode: "BRN001", contactRef: "BRN001-1",
            fields: ["kind": "meeting", "direction": "outbound", "subject": "QBR: festive season stock plan",
                     "performed_by": "Lerato Molefe", "occurred_at": "2026-10-07T08:00:00Z"]),
        DemoInteraction(ref: "ACT-2026-0118", accountCode: "BRN002", contactRef: "BRN002-1",
            fields: ["kind": "call", "direction": "inbound", "subject": "Urgent: roof sheeting for a hail-damage job",
                     "performed_by": "Sipho Dlamini", "occurred_at": "2026-10-22T06:45:00Z"]),
        DemoInteraction(ref: "ACT-2026-0119", accountCode: "NKO001", contactRef: "NKO001-1",
            fields: ["kind": "visit", "direction": "inbound", "subject": "Trade counter: quote for a back-room extension",
                     "performed_by": "Johan Pretorius", "occurred_at": "2026-04-11T10:15:00Z",
                     "links": [["record_type": "quote", "record_id": "QT-2104"]]]),
        DemoInteraction(ref: "ACT-2026-0120", accountCode: "NKO001", contactRef: "NKO001-1",
            fields: ["kind": "sms", "direction": "outbound", "subject": "Your bricks are ready for collection",
                     "performed_by": "Counter Midrand", "occurred_at": "2026-05-02T07:00:00Z"]),
        DemoInteraction(ref: "ACT-2026-0121", accountCode: "NKO001", contactRef: "NKO001-2",
            fields: ["kind": "call", "direction": "inbound", "subject": "Which lintels for a 2.4 m opening?",
                     "performed_by": "Counter Midrand", "occurred_at": "2026-05-20T12:30:00Z"]),
        DemoInteraction(ref: "ACT-2026-0122", accountCode: "VDM001", contactRef: "VDM001-1",
            fields: ["kind": "letter", "direction": "outbound", "subject": "Account opened: terms 7 days, limit R20 000",
                     "performed_by": "Credit control", "occurred_at": "2026-01-16T08:00:00Z"]),
        DemoInteraction(ref: "ACT-2026-0123", accountCode: "VDM001", contactRef: "VDM001-1",
            fields: ["kind": "call", "direction": "inbound", "subject": "Delivery to the farm: gravel road access",
                     "performed_by": "Dispatch desk", "occurred_at": "2026-09-01T06:20:00Z"]),
        DemoInteraction(ref: "ACT-2026-0124", accountCode: "KPS001", contactRef: "KPS001-1",
            fields: ["kind": "call", "direction": "outbound", "subject": "No orders since March: checking in",
                     "body": "Willem says a chain opened in Kimberley; asked for better dealer pricing.",
                     "performed_by": "Ayesha Patel", "occurred_at": "2026-08-27T09:15:00Z"]),
        DemoInteraction(ref: "ACT-2026-0125", accountCode: "MMM001", contactRef: "MMM001-1",
            fields: ["kind": "email", "direction": "inbound", "subject": "RFQ: 12 t of IPE beams and mesh",
                     "performed_by": "Sipho Dlamini", "occurred_at": "2026-09-09T05:50:00Z",
                     "links": [["record_type": "rfq", "record_id": "MMM-RFQ-3391"]]]),
        DemoInteraction(ref: "ACT-2026-0126", accountCode: "MMM001", contactRef: "MMM001-2",
            fields: ["kind": "complaint", "direction": "inbound", "subject": "Delivery arrived after the shift change",
                     "performed_by": "Dispatch desk", "occurred_at": "2026-09-30T07:35:00Z"]),
        DemoInteraction(ref: "ACT-2026-0127", accountCode: "ECB001", contactRef: "ECB001-1",
            fields: ["kind": "call", "direction": "outbound", "subject": "Clinker brick allocation for Q4",
                     "performed_by": "Ayesha Patel", "occurred_at": "2026-10-05T08:10:00Z"]),
        DemoInteraction(ref: "ACT-2026-0128", accountCode: "UHD001", contactRef: "UHD001-1",
            fields: ["kind": "meeting", "direction": "outbound", "subject": "Introduction: supply for the Mamelodi East tender",
                     "performed_by": "Johan Pretorius", "occurred_at": "2026-08-20T12:00:00Z"]),
        DemoInteraction(ref: "ACT-2026-0129", accountCode: "UHD001", contactRef: "UHD001-2",
            fields: ["kind": "email", "direction": "outbound", "subject": "BOQ pricing for phase 1 (140 units)",
                     "performed_by": "Johan Pretorius", "occurred_at": "2026-09-03T14:20:00Z",
                     "links": [["record_type": "quote", "record_id": "QT-2380"]]]),
        DemoInteraction(ref: "ACT-2026-0130", accountCode: "SPD001", contactRef: "SPD001-1",
            fields: ["kind": "visit", "direction": "outbound", "subject": "Merchandising visit: new colour cards",
                     "performed_by": "Sipho Dlamini", "occurred_at": "2026-10-28T10:00:00Z"]),
    ]

    // MARK: Leads

    /// Where web-form leads come from, and their form numbers as external_ref.
    static let leadSource = "web-form"

    /// New enquiries, each with its channel, and how far the demo works it.
    static let leads: [DemoLead] = [
        DemoLead(ref: "WF-2027-0101", fields: [
            "first_name": "Sibusiso", "last_name": "Ndlovu", "company": "Ndlovu Roofing Contractors",
            "email": "sibusiso@ndloveroofing.co.za", "phone": "083 555 0190", "region": "Gauteng",
            "interest": "IBR sheeting and purlins for a 1 200 m2 warehouse in Olifantsfontein",
            "estimated_value_minor": 18_500_000, "currency": "ZAR", "owner": "Lerato Molefe",
            "source_channel": "web", "campaign": "spring-roofing-2027", "kind": "business", "size_band": "small",
        ], steps: [("contacted", nil), ("qualified", "site visit done; drawings received")]),
        DemoLead(ref: "WF-2027-0102", fields: [
            "first_name": "Pieter", "last_name": "van Wyk", "company": "Van Wyk Bouers",
            "phone": "072 555 0311", "region": "Gauteng", "interest": "Trusses and ceiling boards, 14 townhouses",
            "estimated_value_minor": 6_200_000, "currency": "ZAR",
            "source_channel": "referral", "kind": "business", "size_band": "small",
        ], referrerCode: "HVR001", steps: [("contacted", nil)]),
        DemoLead(ref: "WF-2027-0103", fields: [
            "first_name": "Johan", "last_name": "Botha", "company": "Highveld Roofing & Timber",
            "email": "johan@highveldroofing.co.za", "region": "Gauteng", "interest": "Ceiling boards for a new branch",
            "source_channel": "web", "campaign": "spring-roofing-2027", "kind": "business", "size_band": "medium",
        ], steps: []),
        DemoLead(ref: "WF-2027-0104", fields: [
            "first_name": "Lindiwe", "last_name": "Mahlangu", "phone": "076 555 0922", "region": "Mpumalanga",
            "interest": "Cement and bricks for a private house", "estimated_value_minor": 950_000, "currency": "ZAR",
            "source_channel": "phone_in", "kind": "consumer", "size_band": "micro",
        ], steps: [("disqualified", "private build: sent to the retail counter")]),
    ]
}

/// A lead of the demo: its web-form number, its fields, the customer that
/// referred it, and the transitions the demo makes.
struct DemoLead {
    let ref: String
    let fields: JSON
    var referrerCode: String? = nil
    let steps: [(to: String, reason: String?)]
}

extension DemoData {
    /// Where the demo's opportunities for existing customers come from (the
    /// host's quoting system), for replay.
    static let opportunitySource = "sales-desk"

    /// Opportunities with customers of the ledger, and the stages the demo
    /// moves each through (the last with its reason when it closes).
    static let opportunities: [DemoOpportunity] = [
        DemoOpportunity(ref: "SD-2027-014", accountCode: "MTH001", fields: [
            "title": "Gutters and downpipes, 30 houses in Thembisa", "amount_minor": 4_350_000,
            "expected_close_on": "2027-01-29", "owner": "Sipho Dube", "competitor": "BuildIt Midrand",
            "products": ["Seamless gutter 125 mm x 900 m", "Downpipe 75 mm x 210"], "next_step": "revised price on Friday",
        ], moves: [("qualification", nil), ("proposal", nil), ("negotiation", nil)]),
        DemoOpportunity(ref: "SD-2027-015", accountCode: "CCB001", fields: [
            "title": "Face bricks for a school extension", "amount_minor": 12_800_000,
            "expected_close_on": "2027-01-15", "owner": "Lerato Molefe", "competitor": "Corobrik direct",
        ], moves: [("proposal", nil), ("lost", "price: the manufacturer sold direct")]),
        DemoOpportunity(ref: "SD-2027-016", accountCode: "VDM001", fields: [
            "title": "Roof sheeting for two farm sheds", "amount_minor": 7_600_000,
            "expected_close_on": "2027-03-12", "owner": "Sipho Dube",
        ], moves: [("qualification", nil)]),
    ]
}

/// An opportunity of the demo with an existing customer.
struct DemoOpportunity {
    let ref: String
    let accountCode: String
    let fields: JSON
    let moves: [(stage: String, reason: String?)]
}

extension DemoData {
    /// Where the demo's catalogue comes from (the stock system), for replay.
    static let stockSource = "stock"

    /// The wholesaler's catalogue: what the quotes and job cards are priced from.
    static let products: [(ref: String, fields: JSON)] = [
        ("TRUSS-6M", ["code": "TRUSS-6M", "name": "Roof truss, 6 m span, treated SA pine", "kind": "goods", "unit": "each",
                      "unit_price_minor": 145_000, "tax_rate_bp": 1_500, "revenue_account": "4010"]),
        ("CEIL-6.4", ["code": "CEIL-6.4", "name": "Ceiling board 6.4 mm x 3.6 m", "kind": "goods", "unit": "each",
                      "unit_price_minor": 18_900, "tax_rate_bp": 1_500, "revenue_account": "4010"]),
        ("DEL-GP", ["code": "DEL-GP", "name": "Delivery in Gauteng, per load", "kind": "service", "unit": "load",
                    "unit_price_minor": 85_000, "tax_rate_bp": 1_500, "revenue_account": "4300"]),
        ("LAB-ERECT", ["code": "LAB-ERECT", "name": "Truss erection team, per hour", "kind": "labour", "unit": "hour",
                       "unit_price_minor": 65_000, "tax_rate_bp": 1_500, "revenue_account": "4200", "warranty_months": 12]),
    ]
}
