#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who may read and write a database file libcrm creates. An existing file
/// keeps whatever mode it has; SQLite gives the `-wal`, `-shm` and `-journal`
/// files the mode of the database file.
public enum FileAccess: Sendable {
    /// 0600: the file holds personal data, so only its owner reads it.
    case ownerOnly
    /// 0660: owner and group, for a host that shares the file with a group.
    case group

    /// The permission bits a new file gets, whatever the process's umask.
    var mode: mode_t {
        switch self {
        case .ownerOnly: return 0o600
        case .group: return 0o660
        }
    }
}

/// The database file on disk, before SQLite opens it: whether it exists, and
/// creating it with the right mode (SQLite itself would create it 0644 under
/// the usual umask). An empty file is a valid empty SQLite database.
enum DatabaseFile {
    /// Whether `path` is a name SQLite keeps no file of its own under
    /// (":memory:", or "" for a private temporary database).
    static func isFileless(_ path: String) -> Bool { path == ":memory:" || path.isEmpty }

    /// Whether nothing exists at `path` (a dangling link counts as missing).
    static func isMissing(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) != 0 && errno == ENOENT
    }

    /// Creates `path` as an empty file with exactly `access`'s mode when
    /// nothing is there. Another process creating it first is fine.
    /// - Throws: `.io` naming the system's reason (a missing directory, no permission).
    static func createIfMissing(_ path: String, access: FileAccess) throws {
        _ = try create(path, mode: access.mode)
    }

    /// Creates `path` as a new, empty file with exactly `mode`.
    /// - Returns: false when something already exists at `path` (left untouched).
    /// - Throws: `.io` for any other failure.
    static func create(_ path: String, mode: mode_t) throws -> Bool {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST { return false }
            throw CRMError(.io, "cannot create the file: \(reason(code))")
        }
        // The umask may have taken bits away: set exactly the mode asked for.
        let changed = fchmod(fd, mode)
        let code = errno
        close(fd)
        guard changed == 0 else {
            unlink(path)
            throw CRMError(.io, "cannot set the new file's permissions: \(reason(code))")
        }
        return true
    }

    /// Removes a file this library created (a failed backup) and the
    /// journal SQLite may have left beside it.
    static func remove(_ path: String) {
        unlink(path)
        unlink(path + "-journal")
        unlink(path + "-wal")
        unlink(path + "-shm")
    }

    /// The system's text for an errno value.
    static func reason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
