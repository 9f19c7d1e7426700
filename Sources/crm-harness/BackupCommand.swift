import ArgumentParser

extension CRMHarness {
    /// `crm-harness backup DEST`: crm_backup of --db into a new file.
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a consistent copy of the database to a new file (crm_backup).",
            discussion: """
                Copies --db through SQLite's online backup API while other programs may go \
                on reading and writing it: the copy holds every transaction committed when \
                the backup began. The copy is a new file, owner-only (0600); a file already \
                at DEST is never overwritten (status 3, CRM_CONFLICT). Never copy a database \
                that is open, or its -wal and -shm files, by hand.

                Example:
                  crm-harness backup /backups/crm-2026-03-01.sqlite --db /data/crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The new file to write; it must not exist.", valueName: "dest"))
        var destination: String

        func validate() throws {
            if destination.isEmpty { throw ValidationError("The destination must name a file.") }
        }

        func run() throws {
            try global.withDatabase { database in
                try database.backup(to: destination)
                if global.json {
                    let summary: JSON = ["source": .string(database.path), "backup": .string(destination)]
                    print(summary)
                } else {
                    print("backed up \(database.path) to \(destination)")
                }
            }
        }
    }
}
