import Foundation

/// Typed reads of one record's fields; each failure is a 422 whose message names the field.
///
/// A JSON `null` never reaches these checks: Rest.li refuses it for the whole call first
/// (`NullRefusal`). Here it would count as absent. Lengths count UTF-16 code units, as LinkedIn's Java
/// services do.
struct FieldChecks {
    let record: JSONObject
    /// Prefix for nested fields, e.g. `author.`.
    var path = ""

    private func present(_ name: String) -> SimulatedJSON? {
        guard let value = record[name], !value.isNull else { return nil }
        return value
    }

    func rejectUnknown(allowed: Set<String>) throws(RecordFailure) {
        if let unknown = record.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalid("\(path)\(unknown) is not a field of this record")
        }
    }

    @discardableResult
    func string(_ name: String, required: Bool = false, minLength: Int = 0, maxLength: Int? = nil)
        throws(RecordFailure) -> String?
    {
        guard let value = present(name) else {
            if required { throw .invalid("\(path)\(name) is required") }
            return nil
        }
        guard let text = value.stringValue else {
            throw .invalid("\(path)\(name) must be a string, not \(value.typeName)")
        }
        let length = text.utf16.count
        if length < minLength {
            throw .invalid(
                minLength == 1
                    ? "\(path)\(name) must not be empty"
                    : "\(path)\(name) must be at least \(minLength) characters (got \(length))")
        }
        if let maxLength, length > maxLength {
            throw .invalid("\(path)\(name) must be at most \(maxLength) characters (got \(length))")
        }
        return text
    }

    /// A UTC epoch-millisecond integer greater than 0.
    @discardableResult
    func epochMillis(_ name: String, required: Bool = false) throws(RecordFailure) -> Int64? {
        guard let value = present(name) else {
            if required { throw .invalid("\(path)\(name) is required") }
            return nil
        }
        guard let millis = value.intValue else {
            throw .invalid("\(path)\(name) must be an integer (UTC epoch milliseconds), not \(value.typeName)")
        }
        guard millis > 0 else { throw .invalid("\(path)\(name) must be greater than 0") }
        return millis
    }

    @discardableResult
    func bool(_ name: String) throws(RecordFailure) -> Bool? {
        guard let value = present(name) else { return nil }
        guard let flag = value.boolValue else { throw .invalid("\(path)\(name) must be a boolean, not \(value.typeName)") }
        return flag
    }

    @discardableResult
    func array(_ name: String, required: Bool = false) throws(RecordFailure) -> [SimulatedJSON]? {
        guard let value = present(name) else {
            if required { throw .invalid("\(path)\(name) is required (send [] when there are none)") }
            return nil
        }
        guard let items = value.arrayValue else { throw .invalid("\(path)\(name) must be an array, not \(value.typeName)") }
        return items
    }

    /// A nested object, checked with `checks` (whose messages carry `name.` in front).
    func object(_ name: String, required: Bool = false, _ checks: (FieldChecks) throws(RecordFailure) -> Void)
        throws(RecordFailure)
    {
        guard let value = present(name) else {
            if required { throw .invalid("\(path)\(name) is required") }
            return
        }
        guard let object = value.objectValue else {
            throw .invalid("\(path)\(name) must be an object, not \(value.typeName)")
        }
        try checks(FieldChecks(record: object, path: "\(path)\(name)."))
    }

    /// Each element of an array as an object, checked with `checks`.
    func objects(_ name: String, required: Bool = false, _ checks: (FieldChecks) throws(RecordFailure) -> Void)
        throws(RecordFailure)
    {
        guard let items = try array(name, required: required) else { return }
        for (index, item) in items.enumerated() {
            guard let object = item.objectValue else {
                throw .invalid("\(path)\(name)[\(index)] must be an object, not \(item.typeName)")
            }
            try checks(FieldChecks(record: object, path: "\(path)\(name)[\(index)]."))
        }
    }

    func email(_ name: String) throws(RecordFailure) {
        guard let text = try string(name) else { return }
        guard Self.isEmail(text) else { throw .invalid("\(path)\(name) is not a valid email address (expected X@X.X)") }
    }

    func emails(_ name: String) throws(RecordFailure) {
        guard let items = try array(name) else { return }
        for (index, item) in items.enumerated() {
            guard let text = item.stringValue else {
                throw .invalid("\(path)\(name)[\(index)] must be a string, not \(item.typeName)")
            }
            guard Self.isEmail(text) else {
                throw .invalid("\(path)\(name)[\(index)] is not a valid email address (expected X@X.X)")
            }
        }
    }

    /// An absolute http(s) URL.
    func url(_ name: String, required: Bool = false) throws(RecordFailure) {
        guard let text = try string(name, required: required) else { return }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { throw .invalid("\(path)\(name) must be an absolute http(s) URL") }
    }

    func oneOf(_ name: String, _ allowed: [String], required: Bool = false) throws(RecordFailure) {
        guard let text = try string(name, required: required) else { return }
        guard allowed.contains(text) else {
            throw .invalid("\(path)\(name) must be one of \(allowed.joined(separator: ", ")) (got '\(text)')")
        }
    }

    /// X@X.X: something, an @, something, a dot, something; no spaces and one @.
    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1]
        guard let dot = domain.lastIndex(of: "."), dot != domain.startIndex else { return false }
        return domain.index(after: dot) != domain.endIndex
    }
}
