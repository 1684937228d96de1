import Foundation
import Testing
@testable import RSCChangeEvents

@Suite("the JSON Schema validator")
struct JSONSchemaValidatorTests {
    func violations(_ schema: String, _ instance: String) throws -> [SchemaViolation] {
        try JSONSchema(Array(schema.utf8)).validate(Array(instance.utf8))
    }

    @Test("each keyword accepts and refuses what draft 2020-12 says", arguments: KeywordVectors.all + KeywordVectors.dateTimeBeyondPython)
    func keyword(_ vector: KeywordVector) throws {
        let found = try violations(vector.schema, vector.instance)
        if let path = vector.violationPath {
            #expect(found.contains { $0.instancePath == path }, "expected a violation at \(path.isEmpty ? "(root)" : path), got \(found)")
        } else {
            #expect(found.isEmpty, "\(found)")
        }
    }

    @Test("a value of a type no anyOf branch takes is one type violation listing the types")
    func anyOfTypes() throws {
        let found = try violations(##"{"anyOf":[{"type":"null"},{"$ref":"#/$defs/o"}],"$defs":{"o":{"type":"object"}}}"##, #""x""#)
        #expect(found == [SchemaViolation(instancePath: "", rule: .type, message: "must be null or an object (found string)")])
    }

    @Test("when one anyOf branch fits the value's type, its own violations are reported")
    func anyOfFittingBranch() throws {
        let found = try violations(#"{"properties":{"at":{"anyOf":[{"type":"null"},{"type":"string","pattern":"Z$"}]}}}"#, #"{"at":"noon"}"#)
        #expect(found.map(\.rule) == [.pattern])
        #expect(found.first?.instancePath == "at")
    }

    @Test("every violation is collected, not only the first")
    func collectsAll() throws {
        let found = try violations(#"{"required":["a","b"],"properties":{"c":{"type":"string"}}}"#, #"{"c":1}"#)
        #expect(Set(found.map(\.instancePath)) == ["a", "b", "c"])
    }

    @Test("a schema using a keyword the validator does not implement is refused at load, not silently ignored",
          arguments: [#"{"multipleOf":2}"#, #"{"not":{}}"#, #"{"format":"email"}"#, #"{"items":[{}]}"#, #"{"$ref":"other.json#/$defs/a"}"#,
                      ##"{"$ref":"#/$defs/missing"}"##, #"{"pattern":"("}"#, #"{"properties":{"a":{"$id":"x"}}}"#,
                      #"{"$schema":"http://json-schema.org/draft-07/schema#"}"#, #"{"type":"date"}"#, #"{"minLength":-1}"#, #"{"$defs":{"a":{"minimum":"1"}}}"#, "[]", "{"])
    func unsupported(_ schema: String) {
        #expect(throws: JSONSchema.LoadError.self) { try JSONSchema(Array(schema.utf8)) }
    }

    @Test("the parser keeps booleans apart from numbers and integers exact to int64")
    func parserKinds() throws {
        let node = try JSONNode.parse(Array(#"{"t":true,"one":1,"big":9223372036854775807,"neg":-9223372036854775808,"over":9223372036854775808,"f":1.5}"#.utf8))
        guard case .object(let members) = node else { Issue.record("not an object"); return }
        #expect(members["t"].map { if case .bool(true) = $0 { true } else { false } } == true)
        #expect(members["one"].map { if case .integer(1) = $0 { true } else { false } } == true)
        #expect(members["big"].map { if case .integer(Int64.max) = $0 { true } else { false } } == true)
        #expect(members["neg"].map { if case .integer(Int64.min) = $0 { true } else { false } } == true)
        #expect(members["over"].map { if case .double = $0 { true } else { false } } == true)
        #expect(members["f"].map { if case .double(1.5) = $0 { true } else { false } } == true)
    }

    @Test("the parser decodes escapes, surrogate pairs included")
    func parserEscapes() throws {
        let node = try JSONNode.parse(Array(#""a\"\\\/\b\f\n\r\t\u00e5\ud83d\ude00""#.utf8))
        #expect(node.stringValue == "a\"\\/\u{8}\u{c}\n\r\tå😀")
    }

    @Test("the parser refuses what RFC 8259 refuses",
          arguments: ["01", "1.", ".5", "+1", "-", "1e", "[1,]", "{\"a\":1,}", "{'a':1}", "\"\\x\"", "\"\\ud800\"", "\"\\udc00x\"", "tru", "NaN", "Infinity", "\"a", "[1] 2", "{\"a\" 1}"])
    func parserRefuses(_ text: String) {
        #expect(throws: JSONNode.ParseError.self) { try JSONNode.parse(Array(text.utf8)) }
    }

    @Test("nesting deeper than the limit is refused instead of exhausting the stack")
    func parserDepth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONNode.ParseError.self) { try JSONNode.parse(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: JSONNode.maximumDepth) + String(repeating: "]", count: JSONNode.maximumDepth)
        #expect(throws: Never.self) { try JSONNode.parse(Array(fine.utf8)) }
    }

    @Test("a duplicated member keeps its last value, as Python's json and most parsers do")
    func duplicateKeys() throws {
        #expect(try violations(#"{"properties":{"a":{"type":"string"}}}"#, #"{"a":1,"a":"s"}"#).isEmpty)
    }
}
