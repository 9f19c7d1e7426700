/// Whether a field was sent, sent as `null`, or sent with a value.
/// Updates use the difference: absent leaves a field alone, `null` clears it.
public enum Presence<Value> {
    case absent
    case null
    case value(Value)

    /// The value, or nil when absent or null.
    public var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    /// Whether the field was sent at all.
    public var isPresent: Bool {
        if case .absent = self { return false }
        return true
    }
}

extension Presence {
    /// The value of a field an update may leave out but never clear: nil
    /// when absent.
    /// - Throws: `.invalid` naming the field when it was sent as null.
    public func nonNull(_ field: String, context: String) throws -> Value? {
        if case .null = self { throw CRMError.invalid("\(context): \(field) cannot be null") }
        return value
    }
}

extension Presence where Value: Equatable {
    /// Applies an update to an optional field of a record: absent leaves it,
    /// `null` clears it, a value sets it; `field` is added to `changed` when
    /// the stored value differs afterwards.
    @inlinable
    public func apply(to current: inout Value?, field: String, changed: inout [String]) {
        switch self {
        case .absent: return
        case .null:
            if current != nil { current = nil; changed.append(field) }
        case .value(let value):
            if current != value { current = value; changed.append(field) }
        }
    }
}

/// The JSON arguments of one command, read field by field.
///
/// Every read names the field in its error; `finish()` rejects any field no
/// read asked for, so a misspelt field is an error rather than silently
/// dropped.
public struct Arguments {
    /// The prefix of every error message: the command name.
    public let context: String
    private let fields: [(String, JSONValue)]
    /// Which fields a read asked for, by position in `fields`.
    private var used: [Bool]

    /// Wraps `value`, which must be a JSON object.
    public init(_ value: JSONValue, context: String) throws {
        guard case .object(let fields) = value else {
            throw CRMError.invalid("\(context): arguments must be a JSON object, got \(value.typeName)")
        }
        self.context = context
        self.fields = fields
        self.used = Array(repeating: false, count: fields.count)
    }

    /// The raw value of a field, marking it as read.
    public mutating func raw(_ key: String) -> JSONValue? {
        // Lengths first: most fields differ in length, which costs nothing to compare.
        let length = key.utf8.count
        guard let index = fields.firstIndex(where: { $0.0.utf8.count == length && $0.0 == key }) else { return nil }
        used[index] = true
        return fields[index].1
    }

    /// Whether a field was sent (without marking it read).
    public func contains(_ key: String) -> Bool { fields.contains(where: { $0.0 == key }) }

    /// Every field sent, as the JSON object it came in.
    public var json: JSONValue { .object(fields) }

    /// The names of all fields sent.
    public var keys: [String] { fields.map(\.0) }

    /// Throws for the first field that no read asked for.
    public func finish() throws {
        if let index = used.firstIndex(of: false) {
            throw CRMError.invalid("\(context): unknown field '\(fields[index].0.prefix(100))'")
        }
    }

    @inlinable
    mutating func presence<T>(_ key: String, _ decode: (JSONValue) throws -> T) throws -> Presence<T> {
        guard let value = raw(key) else { return .absent }
        if case .null = value { return .null }
        return .value(try decode(value))
    }

    // MARK: Strings

    /// A string field, checked for length in characters (Unicode scalars).
    public mutating func string(_ key: String, length: ClosedRange<Int>) throws -> Presence<String> {
        let context = self.context
        return try presence(key) { try Self.text($0, field: key, context: context, length: length) }
    }

    /// A string field that must be sent.
    public mutating func requiredString(_ key: String, length: ClosedRange<Int>) throws -> String {
        guard let value = try string(key, length: length).value else {
            throw CRMError.invalid("\(context): \(key) is required")
        }
        return value
    }

    /// Checks one JSON value as text of the given length.
    public static func text(_ value: JSONValue, field: @autoclosure () -> String, context: String, length: ClosedRange<Int>) throws -> String {
        guard case .string(let text) = value else {
            throw CRMError.invalid("\(context): \(field()) must be a string, got \(value.typeName)")
        }
        let bytes = text.utf8.count
        // A scalar takes one to four bytes: count scalars only when the bytes leave it open.
        let count = bytes <= length.upperBound && bytes >= length.lowerBound * 4 ? bytes : text.unicodeScalars.count
        if count > length.upperBound {
            throw CRMError.range("\(context): \(field()) is \(count) characters long, at most \(length.upperBound) allowed")
        }
        if count < length.lowerBound {
            throw CRMError.invalid(length.lowerBound == 1
                ? "\(context): \(field()) must not be empty"
                : "\(context): \(field()) must be at least \(length.lowerBound) characters long")
        }
        var copy = text
        if copy.withUTF8({ $0.contains(0) }) {
            throw CRMError.invalid("\(context): \(field()) must not contain a NUL character")
        }
        return text
    }

    /// A string field whose value must be one of `choices`.
    public mutating func choice(_ key: String, _ choices: [String]) throws -> Presence<String> {
        let context = self.context
        return try presence(key) { value in
            guard case .string(let text) = value else {
                throw CRMError.invalid("\(context): \(key) must be a string, got \(value.typeName)")
            }
            guard choices.contains(text) else {
                throw CRMError.invalid("\(context): \(key) must be one of \(choices.joined(separator: ", ")); got '\(text.prefix(40))'")
            }
            return text
        }
    }

    /// A field whose value is the raw value of a `String` enum.
    @inlinable
    public mutating func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws -> Presence<E>
    where E.RawValue == String {
        switch try string(key, length: 0...100) {
        case .absent: return .absent
        case .null: return .null
        case .value(let text):
            guard let value = E(rawValue: text) else {
                let choices = type.allCases.map(\.rawValue).joined(separator: ", ")
                throw CRMError.invalid("\(context): \(key) must be one of \(choices); got '\(text.prefix(40))'")
            }
            return .value(value)
        }
    }

    // MARK: Numbers and flags

    /// An integer field within `range`; an integer too large for 64 bits is a range error.
    public mutating func integer(_ key: String, range: ClosedRange<Int64> = Int64.min...Int64.max) throws -> Presence<Int64> {
        let context = self.context
        return try presence(key) { try Self.integer($0, field: key, context: context, range: range) }
    }

    /// Checks one JSON value as an integer within `range`.
    public static func integer(_ value: JSONValue, field: String, context: String, range: ClosedRange<Int64>) throws -> Int64 {
        switch value {
        case .integer(let number):
            guard range.contains(number) else {
                throw CRMError.range("\(context): \(field) must be between \(range.lowerBound) and \(range.upperBound); got \(number)")
            }
            return number
        case .bigInteger(let text):
            throw CRMError.range("\(context): \(field) \(text.prefix(30)) does not fit in a 64-bit integer")
        case .double:
            // Money fields end in "_minor"; only they are told about minor units.
            let unit = field.hasSuffix("_minor") ? " of minor units" : ""
            throw CRMError.invalid("\(context): \(field) must be a whole number\(unit), got \(value.typeName)")
        default:
            throw CRMError.invalid("\(context): \(field) must be an integer, got \(value.typeName)")
        }
    }

    /// An integer field that must be sent.
    public mutating func requiredInteger(_ key: String, range: ClosedRange<Int64> = Int64.min...Int64.max) throws -> Int64 {
        guard let value = try integer(key, range: range).value else {
            throw CRMError.invalid("\(context): \(key) is required")
        }
        return value
    }

    /// A record id: a positive integer.
    public mutating func id(_ key: String) throws -> Presence<Int64> {
        try integer(key, range: 1...Int64.max)
    }

    /// A boolean field.
    public mutating func bool(_ key: String) throws -> Presence<Bool> {
        let context = self.context
        return try presence(key) { value in
            guard case .bool(let flag) = value else {
                throw CRMError.invalid("\(context): \(key) must be true or false, got \(value.typeName)")
            }
            return flag
        }
    }

    // MARK: Arrays and objects

    /// An array field of at most `maximumCount` items, each checked by `item`.
    /// `item` gets each element and a closure naming it ("tags[2]") for its errors.
    @inlinable
    public mutating func array<T>(_ key: String, maximumCount: Int, _ item: (JSONValue, () -> String) throws -> T) throws -> Presence<[T]> {
        let context = self.context
        return try presence(key) { value in
            guard case .array(let items) = value else {
                throw CRMError.invalid("\(context): \(key) must be an array, got \(value.typeName)")
            }
            guard items.count <= maximumCount else {
                throw CRMError.range("\(context): \(key) has \(items.count) items, at most \(maximumCount) allowed")
            }
            var result: [T] = []
            result.reserveCapacity(items.count)
            for (offset, element) in items.enumerated() {
                result.append(try item(element, { "\(key)[\(offset)]" }))
            }
            return result
        }
    }

    /// An object field, handed to `read` as nested `Arguments` whose unknown
    /// fields are rejected too.
    @inlinable
    public mutating func object<T>(_ key: String, _ read: (inout Arguments) throws -> T) throws -> Presence<T> {
        let context = self.context
        return try presence(key) { value in
            guard case .object = value else {
                throw CRMError.invalid("\(context): \(key) must be an object, got \(value.typeName)")
            }
            var nested = try Arguments(value, context: "\(context): \(key)")
            let result = try read(&nested)
            try nested.finish()
            return result
        }
    }
}
