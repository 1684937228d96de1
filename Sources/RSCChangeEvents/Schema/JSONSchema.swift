import Foundation

/// A JSON Schema (draft 2020-12, the subset the project's contracts use), compiled once and then validated against many times.
//
// Supported: `type` (one or an array), `required`, `properties`, `additionalProperties`, `enum`, `const`,
// `pattern`, `minLength`/`maxLength`, `minimum`/`maximum`, `items`, `minItems`/`maxItems`, `$ref` to a
// `#/…` pointer in the same document, `allOf`/`anyOf`/`oneOf`, `if`/`then`/`else`, `format: date-time`,
// boolean schemas, and the annotations (`title`, `description`, …). Anything else is a load error, not
// silently ignored: a rule a schema author adds must never pass unenforced.
public struct JSONSchema: Sendable {
    /// Why a schema could not be loaded; names the file or the schema location, for the operator.
    public enum LoadError: Error, Sendable, CustomStringConvertible {
        case unreadable(path: String)
        case notJSON(path: String, offset: Int, reason: String)
        case invalid(schemaPath: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path): "cannot read JSON Schema file \(path)"
            case .notJSON(let path, let offset, let reason): "JSON Schema \(path) is not JSON at byte \(offset): \(reason)"
            case .invalid(let schemaPath, let reason): "JSON Schema \(schemaPath.isEmpty ? "#" : schemaPath): \(reason)"
            }
        }
    }

    /// The compiled schema: `nodes[0]` is the root, subschemas and `$ref`s point at other indices.
    let nodes: [Node]

    /// Compiles the schema in `bytes`; `name` only labels errors.
    public init(_ bytes: [UInt8], name: String = "schema") throws(LoadError) {
        let document: JSONNode
        do {
            document = try JSONNode.parse(bytes)
        } catch {
            throw .notJSON(path: name, offset: error.offset, reason: error.reason)
        }
        var compiler = Compiler(document: document)
        nodes = try compiler.compileDocument()
    }

    public init(contentsOf url: URL) throws(LoadError) {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .unreadable(path: url.path) }
        try self.init([UInt8](data), name: url.path)
    }

    /// Every violation of the schema by the JSON in `json`; empty when it is valid.
    public func validate(_ json: [UInt8]) -> [SchemaViolation] {
        let instance: JSONNode
        do {
            instance = try JSONNode.parse(json)
        } catch {
            return Self.notJSON(error)
        }
        return validate(instance)
    }

    static func notJSON(_ error: JSONNode.ParseError) -> [SchemaViolation] {
        [SchemaViolation(instancePath: "", rule: .invalidJSON, message: "is not valid UTF-8 JSON (\(error.reason) at byte \(error.offset))")]
    }

    func validate(_ instance: JSONNode) -> [SchemaViolation] {
        JSONSchemaValidator(nodes: nodes).violations(of: instance)
    }
}

extension JSONSchema {
    /// The JSON Schema primitive types; `number` admits integers and `integer` admits `1.0`, as the spec says.
    struct Types: OptionSet, Sendable {
        let rawValue: UInt8
        static let null = Types(rawValue: 1 << 0)
        static let boolean = Types(rawValue: 1 << 1)
        static let object = Types(rawValue: 1 << 2)
        static let array = Types(rawValue: 1 << 3)
        static let number = Types(rawValue: 1 << 4)
        static let string = Types(rawValue: 1 << 5)
        static let integer = Types(rawValue: 1 << 6)

        static let byName: [(String, Types)] = [
            ("null", .null), ("boolean", .boolean), ("object", .object), ("array", .array),
            ("number", .number), ("string", .string), ("integer", .integer),
        ]

        /// "null", "an object", "a string": how a message names a type.
        static func phrase(_ name: String) -> String {
            switch name {
            case "null": "null"
            case "integer", "object", "array": "an \(name)"
            default: "a \(name)"
            }
        }

        /// "null or an object"; `integer` is left out when `number` already covers it.
        var spelledOut: String {
            Self.byName
                .filter { contains($0.1) && !($0.1 == .integer && contains(.number)) }
                .map { Self.phrase($0.0) }
                .joined(separator: " or ")
        }
    }

    /// One compiled subschema, boxed so that visiting it during validation costs one retain, not a copy of every keyword.
    @dynamicMemberLookup
    final class Node: Sendable {
        let keywords: Keywords
        init(_ keywords: Keywords) { self.keywords = keywords }

        subscript<Value>(dynamicMember keyword: KeyPath<Keywords, Value>) -> Value { keywords[keyPath: keyword] }
    }

    /// The keywords of one subschema. Messages are prepared here, from the schema alone, so a violation can never quote the instance.
    struct Keywords: Sendable {
        var rejectsEverything = false
        var types: Types?
        var typeMessage = ""
        var required: [String] = []
        var properties: [(name: String, node: Int)] = []
        var additionalProperties: Int?
        var enumValues: [JSONNode]?
        var enumMessage = ""
        var constValue: JSONNode?
        var constMessage = ""
        var pattern: NSRegularExpression?
        var patternMessage = ""
        var minLength: Int?
        var maxLength: Int?
        var minimum: JSONNode?
        var maximum: JSONNode?
        var items: Int?
        var minItems: Int?
        var maxItems: Int?
        var ref: Int?
        var allOf: [Int] = []
        var anyOf: [Int] = []
        var oneOf: [Int] = []
        var ifNode: Int?
        var thenNode: Int?
        var elseNode: Int?
        var isDateTime = false
    }

    private struct Compiler {
        static let draft = "https://json-schema.org/draft/2020-12/schema"
        /// Keywords that only annotate: they never change whether an instance is valid.
        static let annotations: Set<String> = [
            "title", "description", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly", "$defs",
        ]

        let document: JSONNode
        var nodes: [Keywords?] = []
        var compiledPointers: [String: Int] = [:]

        init(document: JSONNode) { self.document = document }

        mutating func compileDocument() throws(LoadError) -> [Node] {
            if case .object(let root) = document {
                if let draft = root["$schema"], draft.stringValue != Self.draft {
                    throw .invalid(schemaPath: "", reason: "$schema must be \(Self.draft)")
                }
                if let id = root["$id"], id.stringValue == nil { throw .invalid(schemaPath: "", reason: "$id must be a string") }
            }
            _ = try compile(pointer: "#")
            // Definitions nothing refers to yet are compiled too, so a mistake in one fails at load, not in production.
            try compileDefinitions(in: document, at: "#")
            return nodes.map { Node($0 ?? Keywords()) }
        }

        private mutating func compileDefinitions(in value: JSONNode, at pointer: String) throws(LoadError) {
            guard case .object(let members) = value, case .object(let definitions)? = members["$defs"] else { return }
            for name in definitions.keys.sorted() {
                let child = pointer + "/$defs/" + Self.escape(name)
                _ = try compile(pointer: child)
                try compileDefinitions(in: definitions[name] ?? .null, at: child)
            }
        }

        /// The node for a `#/…` pointer, compiled once; the slot is reserved first so recursive `$ref`s terminate.
        private mutating func compile(pointer: String) throws(LoadError) -> Int {
            if let index = compiledPointers[pointer] { return index }
            guard let target = resolve(pointer) else { throw .invalid(schemaPath: pointer, reason: "$ref target does not exist") }
            let index = nodes.count
            nodes.append(nil)
            compiledPointers[pointer] = index
            nodes[index] = try build(target, at: pointer)
            return index
        }

        private mutating func compile(_ value: JSONNode, at path: String) throws(LoadError) -> Int {
            let node = try build(value, at: path)
            nodes.append(node)
            return nodes.count - 1
        }

        private func resolve(_ pointer: String) -> JSONNode? {
            guard pointer.hasPrefix("#") else { return nil }
            var current = document
            for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
                let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                switch current {
                case .object(let members):
                    guard let next = members[name] else { return nil }
                    current = next
                case .array(let elements):
                    guard let index = Int(name), elements.indices.contains(index) else { return nil }
                    current = elements[index]
                default:
                    return nil
                }
            }
            return current
        }

        private static func escape(_ name: String) -> String {
            name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }

        private mutating func build(_ value: JSONNode, at path: String) throws(LoadError) -> Keywords {
            var node = Keywords()
            let members: [String: JSONNode]
            switch value {
            case .bool(let accepts):
                node.rejectsEverything = !accepts
                return node
            case .object(let object):
                members = object
            default:
                throw .invalid(schemaPath: path, reason: "a schema must be an object or a boolean")
            }
            for (keyword, argument) in members.sorted(by: { $0.key < $1.key }) {
                let here = path + "/" + Self.escape(keyword)
                func fail(_ reason: String) -> LoadError { .invalid(schemaPath: here, reason: reason) }
                switch keyword {
                case _ where Self.annotations.contains(keyword):
                    continue
                case "$schema", "$id":
                    // Only the root may name its dialect or identity; a nested $id would change what $ref means.
                    guard path == "#" else { throw fail("\(keyword) is supported only at the root") }
                case "type":
                    let names: [String]
                    switch argument {
                    case .string(let name): names = [name]
                    case .array(let elements): names = elements.compactMap(\.stringValue)
                        guard names.count == elements.count, !names.isEmpty else { throw fail("must be a type name or a non-empty array of them") }
                    default: throw fail("must be a type name or a non-empty array of them")
                    }
                    var types: Types = []
                    for name in names {
                        guard let type = Types.byName.first(where: { $0.0 == name })?.1 else { throw fail("unknown type") }
                        types.insert(type)
                    }
                    node.types = types
                    node.typeMessage = "must be " + names.map(Types.phrase).joined(separator: " or ")
                case "required":
                    guard case .array(let elements) = argument else { throw fail("must be an array of property names") }
                    node.required = elements.compactMap(\.stringValue)
                    guard node.required.count == elements.count else { throw fail("must be an array of property names") }
                case "properties":
                    guard case .object(let properties) = argument else { throw fail("must be an object of schemas") }
                    for name in properties.keys.sorted() {
                        node.properties.append((name, try compile(properties[name] ?? .null, at: here + "/" + Self.escape(name))))
                    }
                case "additionalProperties":
                    node.additionalProperties = try compile(argument, at: here)
                case "enum":
                    guard case .array(let elements) = argument, !elements.isEmpty else { throw fail("must be a non-empty array") }
                    node.enumValues = elements
                    node.enumMessage = "must be one of " + elements.map(Self.render).joined(separator: ", ")
                case "const":
                    node.constValue = argument
                    node.constMessage = "must be " + Self.render(argument)
                case "pattern":
                    guard let source = argument.stringValue else { throw fail("must be a string") }
                    // ICU, not ECMA-262 as JSON Schema says: schemas keep to the common subset (`[0-9]`, since `\d`
                    // is any Unicode digit in ICU; `$` also matches before a final newline, here as in Python).
                    do {
                        node.pattern = try NSRegularExpression(pattern: source)
                    } catch {
                        throw fail("is not a regular expression")
                    }
                    node.patternMessage = "does not match the pattern \(source)"
                case "minLength": node.minLength = try Self.count(argument, fail)
                case "maxLength": node.maxLength = try Self.count(argument, fail)
                case "minItems": node.minItems = try Self.count(argument, fail)
                case "maxItems": node.maxItems = try Self.count(argument, fail)
                case "minimum", "maximum":
                    switch argument {
                    case .integer, .double: break
                    default: throw fail("must be a number")
                    }
                    if keyword == "minimum" { node.minimum = argument } else { node.maximum = argument }
                case "items":
                    if case .array = argument { throw fail("must be one schema (the array form is draft 2019-09's, not supported)") }
                    node.items = try compile(argument, at: here)
                case "$ref":
                    guard let target = argument.stringValue, target.hasPrefix("#") else {
                        throw fail("only references into the same document (#/…) are supported")
                    }
                    let pointer = target.removingPercentEncoding ?? target
                    guard resolve(pointer) != nil else { throw fail("points at nothing") }
                    node.ref = try compile(pointer: pointer)
                case "allOf", "anyOf", "oneOf":
                    guard case .array(let elements) = argument, !elements.isEmpty else { throw fail("must be a non-empty array of schemas") }
                    var indices: [Int] = []
                    for (offset, element) in elements.enumerated() {
                        indices.append(try compile(element, at: here + "/\(offset)"))
                    }
                    switch keyword {
                    case "allOf": node.allOf = indices
                    case "anyOf": node.anyOf = indices
                    default: node.oneOf = indices
                    }
                case "if": node.ifNode = try compile(argument, at: here)
                case "then": node.thenNode = try compile(argument, at: here)
                case "else": node.elseNode = try compile(argument, at: here)
                case "format":
                    guard argument.stringValue == "date-time" else { throw fail("only the date-time format is supported") }
                    node.isDateTime = true
                default:
                    throw fail("unsupported keyword")
                }
            }
            return node
        }

        private static func count(_ argument: JSONNode, _ fail: (String) -> LoadError) throws(LoadError) -> Int {
            guard case .integer(let value) = argument, value >= 0 else { throw fail("must be a non-negative integer") }
            return Int(value)
        }

        /// A schema value for a message; schema values are ours, never personal data.
        private static func render(_ value: JSONNode) -> String {
            switch value {
            case .null: "null"
            case .bool(let flag): flag ? "true" : "false"
            case .integer(let number): String(number)
            case .double(let number): String(number)
            case .string(let text): "\"\(text)\""
            case .array, .object: "the value given in the schema"
            }
        }
    }
}

extension JSONNode {
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
