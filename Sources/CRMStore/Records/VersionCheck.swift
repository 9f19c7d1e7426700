/// A record's `version`: checking the caller's `expected_version` against
/// the stored one, and counting one more change.
public enum VersionCheck {
    /// Throws `.conflict` when the caller's expected version is stale.
    public static func check(_ expected: Int64?, actual: Int64, record: String) throws {
        if let expected, expected != actual {
            throw CRMError.conflict("\(record): expected_version \(expected) is stale; the record is at version \(actual)")
        }
    }

    /// The version after one more change.
    /// - Throws: `.range` past Int64.max.
    public static func next(_ version: Int64, record: String) throws -> Int64 {
        let (next, overflow) = version.addingReportingOverflow(1)
        guard !overflow else { throw CRMError.range("\(record): version overflows") }
        return next
    }
}
