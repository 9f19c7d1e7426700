/// The outcome codes of libcrm, one per failure a caller can act on.
///
/// The numeric values are those of the `CRM_*` codes in `Include/crm.h`;
/// the C layer maps each case to its macro by name, so the two cannot drift.
public enum ResultCode: Int32, Sendable, CaseIterable {
    case invalid = 1
    case notFound = 2
    case conflict = 3
    case constraint = 4
    case busy = 5
    case io = 6
    case corrupt = 7
    case range = 8
    case misuse = 9
    case version = 10
    case readOnly = 11
    case creditHold = 12
    case `internal` = 13

    /// The name of its macro in `Include/crm.h` ("CRM_INVALID"), as answers
    /// that report a code by name write it (a CSV import's refused rows).
    /// The switch is exhaustive: a new case does not compile until it is named.
    public var headerName: String {
        switch self {
        case .invalid: return "CRM_INVALID"
        case .notFound: return "CRM_NOTFOUND"
        case .conflict: return "CRM_CONFLICT"
        case .constraint: return "CRM_CONSTRAINT"
        case .busy: return "CRM_BUSY"
        case .io: return "CRM_IO"
        case .corrupt: return "CRM_CORRUPT"
        case .range: return "CRM_RANGE"
        case .misuse: return "CRM_MISUSE"
        case .version: return "CRM_VERSION_ERR"
        case .readOnly: return "CRM_READONLY"
        case .creditHold: return "CRM_CREDIT_HOLD"
        case .internal: return "CRM_INTERNAL"
        }
    }
}

/// A failure reported to the host: a code and a message naming the record
/// and field at fault ("account 42: currency must be ..."), never personal data.
public struct CRMError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public let code: ResultCode
    /// The text `crm_errmsg` returns.
    public let message: String
    /// A record that says more than the message, copied to `crm_exec`'s
    /// `json_result` when the call fails (a credit hold's decision); nil for most.
    public let detail: JSONValue?

    public init(_ code: ResultCode, _ message: String, detail: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    public var description: String { message }

    /// A bad argument: an unknown or mistyped field, a value outside its set.
    public static func invalid(_ message: String) -> CRMError { CRMError(.invalid, message) }
    /// A record that does not exist.
    public static func notFound(_ message: String) -> CRMError { CRMError(.notFound, message) }
    /// A duplicate or a stale version.
    public static func conflict(_ message: String) -> CRMError { CRMError(.conflict, message) }
    /// A business rule that refused the change.
    public static func constraint(_ message: String) -> CRMError { CRMError(.constraint, message) }
    /// A value outside its range (overflow, over-long text).
    public static func range(_ message: String) -> CRMError { CRMError(.range, message) }
    /// The API used out of order.
    public static func misuse(_ message: String) -> CRMError { CRMError(.misuse, message) }
}
