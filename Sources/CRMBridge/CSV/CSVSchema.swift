import CRMStore

/// Where each CSV import stands: the line and byte offset after its last
/// committed batch, keyed by the source and the file's path, so a rerun
/// after a crash continues from there, and the fingerprint of the file then. Migrations 0510-0519.
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
        // What the file held when the position was committed (FileFingerprint):
        // a resume into a file rewritten since is refused. Null for positions
        // kept before it (those resume unchecked).
        Migration("0511-bridge-csv-imports-fingerprint", [
            "ALTER TABLE bridge_csv_imports ADD COLUMN file_size BIGINT",
            "ALTER TABLE bridge_csv_imports ADD COLUMN file_modified_at TEXT",
            "ALTER TABLE bridge_csv_imports ADD COLUMN head_sha256 TEXT",
            "ALTER TABLE bridge_csv_imports ADD COLUMN before_offset_sha256 TEXT",
        ]),
    ]
}
