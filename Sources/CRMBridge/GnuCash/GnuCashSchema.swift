import CRMStore

/// The GnuCash import's own table (migrations 0530-0539): the offsets
/// (GnuCash lot links) it brought in through `credit_note.apply` and
/// `payment.allocate`, which take no `external_ref` of their own, so a second
/// import replays them instead of applying them again.
enum GnuCashSchema {
    static let migrations: [Migration] = [
        Migration("0530-gnucash-offsets", [
            """
            CREATE TABLE bridge_gnucash_offsets (
                source TEXT NOT NULL,
                external_ref TEXT NOT NULL,
                record_type TEXT NOT NULL,
                record_id BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                PRIMARY KEY (source, external_ref)
            )
            """,
        ]),
    ]
}

/// The `bridge.import_gnucash` command.
enum GnuCashCommands {
    static let all: [Command] = [
        Command("bridge.import_gnucash", .write, GnuCashImport.run),
    ]
}
