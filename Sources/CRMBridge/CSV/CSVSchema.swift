import CRMStore

/// Where each CSV import stands: the line and byte offset after its last
/// committed batch, keyed by the source and the file's path, so a rerun
/// after a crash continues from there. Migrations 0510-0519.
enum CSVSchema {
    static let migrations: [Migration] = [
        Migration("0510-bridge-csv-imports", [
            """
            CREATE TABLE bridge_csv_imports (
                source TEXT NOT NULL,
                path TEXT NOT NULL,
                kind TEXT NOT NULL,
                next_line BIGINT NOT NULL,
                next_offset BIGINT NOT NULL,
                done BIGINT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (source, path)
            )
            """,
        ]),
    ]
}
