/// A JSON value as the schema validator sees it: booleans never numbers, integers kept exact to int64.
///
/// Our own tree rather than `JSONSerialization`'s: on Linux that returns `NSNumber` for both `1` and `true`
/// (so `"internal": 1` would pass as a boolean), and it rounds int64 versions through `Double`.
enum JSONNode: Sendable {
    case null
    case bool(Bool)
    /// An integer literal that fits in `Int64`.
    case integer(Int64)
    /// Every other number, including integer literals beyond int64 (only their magnitude matters then).
    case double(Double)
    case string(String)
    case array([JSONNode])
    case object([String: JSONNode])

    /// JSON Schema equality (`enum`, `const`): numbers by value, so `1` equals `1.0`.
    func isEqual(to other: JSONNode) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.integer, _), (.double, _):
            guard let order = JSONNode.compareNumbers(self, other) else { return false }
            return order == 0
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isEqual(to: $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { value.isEqual(to: $0) } ?? false }
        default: return false
        }
    }

    /// -1, 0 or 1, exact across int64 and double (a bound of `Int64.max` must not round); nil if either is not a number.
    static func compareNumbers(_ a: JSONNode, _ b: JSONNode) -> Int? {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.double(let x), .double(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.integer(let x), .double(let y)): return compare(x, y)
        case (.double(let x), .integer(let y)): return compare(y, x).map { -$0 }
        default: return nil
        }
    }

    private static func compare(_ integer: Int64, _ double: Double) -> Int? {
        if double.isNaN { return nil }
        if double >= 9_223_372_036_854_775_808.0 { return -1 }  // 2^63: above every Int64
        if double < -9_223_372_036_854_775_808.0 { return 1 }
        let whole = double.rounded(.down)
        let wholeInteger = Int64(whole)
        if integer != wholeInteger { return integer < wholeInteger ? -1 : 1 }
        return double > whole ? -1 : 0
    }

    /// The JSON Schema type name, for messages ("found string"): the kind of value, never the value.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .double(let value): value.isFinite && value.rounded(.towardZero) == value ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONNode {
    /// Where and why the bytes are not JSON (RFC 8259, UTF-8); the offset is a position, not content.
    struct ParseError: Error, Sendable {
        var offset: Int
        var reason: String
    }

    /// Deep enough for any contract message, shallow enough that hostile nesting cannot exhaust the stack.
    static let maximumDepth = 128

    static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONNode {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                var parser = Parser(bytes: buffer)
                return try parser.parseDocument()
            }
        } catch let error as ParseError {
            throw error
        } catch {
            throw ParseError(offset: 0, reason: "unreadable")
        }
    }

    /// A single-pass recursive-descent parser over the raw bytes: no intermediate `Data` or `NSObject`s.
    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func parseDocument() throws(ParseError) -> JSONNode {
            skipWhitespace()
            let value = try parseValue()
            skipWhitespace()
            guard position == bytes.count else { throw fail("unexpected content after the value") }
            return value
        }

        private func fail(_ reason: String) -> ParseError { ParseError(offset: position, reason: reason) }

        private mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return
                }
            }
        }

        private mutating func parseValue() throws(ParseError) -> JSONNode {
            guard position < bytes.count else { throw fail("unexpected end of input") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw fail("unexpected character")
            }
        }

        private mutating func expectLiteral(_ literal: StaticString) throws(ParseError) {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw fail("unexpected end of input") }
            let pointer = literal.utf8Start
            for offset in 0..<count where bytes[position + offset] != pointer[offset] {
                throw fail("invalid literal")
            }
            position += count
        }

        private mutating func enter() throws(ParseError) {
            depth += 1
            guard depth <= JSONNode.maximumDepth else { throw fail("nested deeper than \(JSONNode.maximumDepth) levels") }
        }

        private mutating func parseObject() throws(ParseError) -> JSONNode {
            try enter()
            defer { depth -= 1 }
            position += 1
            var members: [String: JSONNode] = [:]
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let key = try parseString()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                position += 1
                skipWhitespace()
                members[key] = try parseValue()  // a duplicate name keeps the last value, as most parsers do
                skipWhitespace()
                guard position < bytes.count else { throw fail("unexpected end of input") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                } else if bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(members)
                } else {
                    throw fail("expected ',' or '}'")
                }
            }
        }

        private mutating func parseArray() throws(ParseError) -> JSONNode {
            try enter()
            defer { depth -= 1 }
            position += 1
            var elements: [JSONNode] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue())
                skipWhitespace()
                guard position < bytes.count else { throw fail("unexpected end of input") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                } else if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(elements)
                } else {
                    throw fail("expected ',' or ']'")
                }
            }
        }

        private mutating func parseString() throws(ParseError) -> String {
            position += 1
            let start = position
            // Fast path: no escapes, so the bytes between the quotes are the string (checked as UTF-8).
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self) else {
                        throw ParseError(offset: start, reason: "string is not valid UTF-8")
                    }
                    position += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw fail("control character in string") }
                position += 1
            }
            var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
            while position < bytes.count {
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "\""):
                    guard let text = String(validating: buffer, as: UTF8.self) else {
                        throw ParseError(offset: start, reason: "string is not valid UTF-8")
                    }
                    position += 1
                    return text
                case UInt8(ascii: "\\"):
                    position += 1
                    try appendEscape(to: &buffer)
                case 0..<0x20:
                    throw fail("control character in string")
                default:
                    buffer.append(byte)
                    position += 1
                }
            }
            throw fail("unterminated string")
        }

        private mutating func appendEscape(to buffer: inout [UInt8]) throws(ParseError) {
            guard position < bytes.count else { throw fail("unterminated escape") }
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(byte)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(try parseHex4())
                if (0xD800..<0xDC00).contains(scalar) {
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate escape")
                    }
                    position += 2
                    let low = UInt32(try parseHex4())
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail("unpaired surrogate escape")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid escape") }
                buffer.append(contentsOf: Unicode.UTF8.encode(unicode).map(Array.init) ?? [])
            default:
                throw fail("invalid escape")
            }
        }

        private mutating func parseHex4() throws(ParseError) -> UInt16 {
            guard position + 4 <= bytes.count else { throw fail("unterminated escape") }
            var value: UInt16 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("invalid \\u escape")
                }
                value = value << 4 | UInt16(digit)
                position += 1
            }
            return value
        }

        private func isDigit(_ index: Int) -> Bool {
            index < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index])
        }

        private mutating func parseNumber() throws(ParseError) -> JSONNode {
            let start = position
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard isDigit(position) else { throw fail("invalid number") }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
                if isDigit(position) { throw fail("leading zero in number") }
            } else {
                while isDigit(position) { position += 1 }
            }
            var isInteger = true
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                isInteger = false
                position += 1
                guard isDigit(position) else { throw fail("invalid number") }
                while isDigit(position) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                isInteger = false
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard isDigit(position) else { throw fail("invalid number") }
                while isDigit(position) { position += 1 }
            }
            let literal = UnsafeBufferPointer(rebasing: bytes[start..<position])
            if isInteger, let exact = Self.int64(literal) { return .integer(exact) }
            guard var value = Double(String(decoding: literal, as: UTF8.self)) else { throw ParseError(offset: start, reason: "invalid number") }
            // An integer below Int64.min can round to exactly -2^63 == Int64.min; nudge it so it stays below every int64.
            // (Above Int64.max rounding lands on 2^63 or more, which is already above every int64.)
            if isInteger, value == -9_223_372_036_854_775_808.0 { value = value.nextDown }
            return .double(value)
        }

        /// The literal as Int64, or nil when it overflows (then it is kept as a Double).
        private static func int64(_ literal: UnsafeBufferPointer<UInt8>) -> Int64? {
            let negative = literal.first == UInt8(ascii: "-")
            var value: Int64 = 0
            for byte in literal.dropFirst(negative ? 1 : 0) {
                let digit = Int64(byte - UInt8(ascii: "0"))
                let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
                if overflow1 || overflow2 { return nil }
                value = next
            }
            return value
        }
    }
}
