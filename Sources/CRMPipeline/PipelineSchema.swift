import CRMStore

/// The schema of the sales pipeline: its stages, opportunities and their
/// stage history. Migrations 0240-0269.
public enum PipelineSchema {
    public static let migrations: [Migration] = [
        Migration("0241-opportunities", [
            // The stages an opportunity moves through, in order. `outcome`
            // says which stages close it: exactly one `won` and one `lost`.
            """
            CREATE TABLE pipeline_stages (
                code TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                position INTEGER NOT NULL,
                probability INTEGER NOT NULL CHECK (probability >= 0 AND probability <= 100),
                outcome TEXT NOT NULL CHECK (outcome = 'open' OR outcome = 'won' OR outcome = 'lost')
            )
            """,
            "INSERT INTO pipeline_stages (code, name, position, probability, outcome) VALUES ('prospecting', 'Prospecting', 1, 10, 'open')",
            "INSERT INTO pipeline_stages (code, name, position, probability, outcome) VALUES ('qualification', 'Qualification', 2, 20, 'open')",
            "INSERT INTO pipeline_stages (code, name, position, probability, outcome) VALUES ('proposal', 'Proposal', 3, 50, 'open')",
            "INSERT INTO pipeline_stages (code, name, position, probability, outcome) VALUES ('negotiation', 'Negotiation', 4, 70, 'open')",
            "INSERT INTO pipeline_stages (code, name, position, probability, outcome) VALUES ('won', 'Won', 5, 100, 'won')",
            "INSERT INTO pipeline_stages (code, name, position, probability, outcome) VALUES ('lost', 'Lost', 6, 0, 'lost')",
            """
            CREATE TABLE opportunities (
                id INTEGER PRIMARY KEY NOT NULL,
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                contact_id BIGINT REFERENCES contacts (id),
                lead_id BIGINT REFERENCES leads (id),
                title TEXT NOT NULL,
                amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
                currency TEXT NOT NULL,
                expected_close_on TEXT,
                owner TEXT,
                products TEXT NOT NULL,
                description TEXT,
                competitor TEXT,
                next_step TEXT,
                source_channel TEXT,
                campaign TEXT,
                stage TEXT NOT NULL,
                probability INTEGER NOT NULL CHECK (probability >= 0 AND probability <= 100),
                status TEXT NOT NULL CHECK (status = 'open' OR status = 'won' OR status = 'lost'),
                close_reason TEXT,
                closed_at TEXT,
                stage_changed_at TEXT NOT NULL,
                version INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX opportunities_account ON opportunities (account_id, id)",
            "CREATE INDEX opportunities_status ON opportunities (status, stage, id)",
            "CREATE INDEX opportunities_owner ON opportunities (owner, id) WHERE owner IS NOT NULL",
            "CREATE INDEX opportunities_lead ON opportunities (lead_id) WHERE lead_id IS NOT NULL",
            "CREATE INDEX opportunities_created ON opportunities (created_at, id)",
            // Every stage an opportunity entered, from its first (from_stage
            // NULL) on; `reopened` marks a move out of won or lost.
            """
            CREATE TABLE opportunity_stage_changes (
                id INTEGER PRIMARY KEY NOT NULL,
                opportunity_id BIGINT NOT NULL REFERENCES opportunities (id),
                from_stage TEXT,
                to_stage TEXT NOT NULL,
                reason TEXT,
                performed_by TEXT,
                reopened INTEGER NOT NULL CHECK (reopened = 0 OR reopened = 1),
                occurred_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX opportunity_stage_changes_opportunity ON opportunity_stage_changes (opportunity_id, id)",
        ]),
        // The reports: report.funnel reads each opportunity's stages from
        // this index alone (no table row per stage change).
        Migration("0242-pipeline-report-indexes", [
            "CREATE INDEX opportunity_stage_changes_reached ON opportunity_stage_changes (opportunity_id, to_stage)",
        ]),
    ]
}
