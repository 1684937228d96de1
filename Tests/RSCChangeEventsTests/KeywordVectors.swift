import Testing

/// Small schemas that exercise each supported keyword, including the edges where validators commonly go wrong
/// (code-point lengths, int64 bounds, `1.0` as an integer). Shared with the reference cross-check.
struct KeywordVector: Sendable, CustomTestStringConvertible {
    var name: String
    var schema: String
    var instance: String
    /// nil when the instance is valid, else the path of the violation that must be reported.
    var violationPath: String?

    var testDescription: String { name }
}

enum KeywordVectors {
    static func valid(_ name: String, _ schema: String, _ instance: String) -> KeywordVector {
        KeywordVector(name: name, schema: schema, instance: instance, violationPath: nil)
    }

    static func invalid(_ name: String, _ schema: String, _ instance: String, at path: String = "") -> KeywordVector {
        KeywordVector(name: name, schema: schema, instance: instance, violationPath: path)
    }

    static let tree = ##"{"$defs":{"node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/node"}}}}},"$ref":"#/$defs/node"}"##
    static let dateTime = #"{"type":"string","format":"date-time"}"#

    static let all: [KeywordVector] = [
        valid("type array admits null", #"{"type":["string","null"]}"#, "null"),
        invalid("type array refuses a number", #"{"type":["string","null"]}"#, "1"),
        valid("1.0 is an integer", #"{"type":"integer"}"#, "1.0"),
        valid("1e3 is an integer", #"{"type":"integer"}"#, "1e3"),
        invalid("1.5 is not an integer", #"{"type":"integer"}"#, "1.5"),
        invalid("true is not an integer", #"{"type":"integer"}"#, "true"),
        invalid("1 is not a boolean", #"{"type":"boolean"}"#, "1"),
        invalid("false is not a number", #"{"type":"number"}"#, "false"),
        valid("an integer is a number", #"{"type":"number"}"#, "7"),
        invalid("a one-code-point string is shorter than 2", #"{"minLength":2}"#, #""é""#),
        valid("two emoji are two characters", #"{"minLength":2,"maxLength":2}"#, #""😀😀""#),
        valid("one emoji is one character, not two UTF-16 units", #"{"maxLength":1}"#, #""😀""#),
        invalid("a combining sequence counts its code points", #"{"maxLength":1}"#, #""e\u0301""#),
        valid("minLength ignores non-strings", #"{"minLength":5}"#, "12"),
        valid("a pattern matches anywhere unless anchored", #"{"pattern":"b"}"#, #""abc""#),
        invalid("an anchored pattern must match the whole string", #"{"pattern":"^b$"}"#, #""abc""#),
        valid("a pattern's dot is one code point", #"{"pattern":"^.$"}"#, #""😀""#),
        valid("enum compares numbers by value", #"{"enum":[1,"1",null]}"#, "1.0"),
        invalid("enum does not coerce", #"{"enum":[1,"1",null]}"#, #""2""#),
        invalid("enum does not match a boolean to 1", #"{"enum":[1]}"#, "true"),
        valid("const compares arrays deeply", #"{"const":{"a":[1,2]}}"#, #"{"a":[1,2.0]}"#),
        invalid("const respects array order", #"{"const":{"a":[1,2]}}"#, #"{"a":[2,1]}"#),
        valid("int64 max is at most int64 max", #"{"maximum":9223372036854775807}"#, "9223372036854775807"),
        invalid("int64 max + 1 is above it", #"{"maximum":9223372036854775807}"#, "9223372036854775808"),
        invalid("a double above int64 max is above it", #"{"maximum":9223372036854775807}"#, "9.3e18"),
        invalid("int64 min - 1 is below it", #"{"minimum":-9223372036854775808}"#, "-9223372036854775809"),
        invalid("0 is below a fractional minimum", #"{"minimum":0.5}"#, "0"),
        valid("1 is above a fractional minimum", #"{"minimum":0.5}"#, "1"),
        valid("maximum ignores non-numbers", #"{"maximum":1}"#, #""999""#),
        invalid("items apply to every element", #"{"items":{"type":"string"}}"#, #"["a",1]"#, at: "[1]"),
        invalid("minItems", #"{"minItems":1}"#, "[]"),
        invalid("maxItems", #"{"maxItems":1}"#, "[1,2]"),
        invalid("required names the missing property", #"{"required":["a"]}"#, "{}", at: "a"),
        valid("required ignores non-objects", #"{"required":["a"]}"#, #""a""#),
        valid("unknown properties are allowed by default", #"{"properties":{"a":{"type":"string"}}}"#, #"{"b":1}"#),
        invalid("additionalProperties false refuses other keys", #"{"properties":{"a":{}},"additionalProperties":false}"#, #"{"a":1,"b":2}"#, at: "*"),
        invalid("additionalProperties as a schema", #"{"additionalProperties":{"type":"integer"}}"#, #"{"x":"s"}"#, at: "*"),
        invalid("a false subschema refuses its property", #"{"properties":{"a":false}}"#, #"{"a":1}"#, at: "a"),
        valid("a false subschema does not require its property", #"{"properties":{"a":false}}"#, "{}"),
        invalid("allOf needs every branch", #"{"allOf":[{"type":"integer"},{"minimum":3}]}"#, "2"),
        valid("anyOf needs one branch", #"{"anyOf":[{"type":"null"},{"type":"string","minLength":2}]}"#, #""ab""#),
        invalid("anyOf with no matching branch", #"{"anyOf":[{"type":"null"},{"type":"string","minLength":2}]}"#, #""a""#),
        invalid("oneOf refuses a value that matches two branches", #"{"oneOf":[{"type":"integer"},{"minimum":0}]}"#, "3"),
        valid("oneOf admits a value that matches exactly one", #"{"oneOf":[{"type":"integer"},{"minimum":0}]}"#, "-3"),
        invalid("oneOf refuses a value that matches none", #"{"oneOf":[{"type":"integer"},{"type":"boolean"}]}"#, #""x""#),
        valid("if true applies then", #"{"if":{"minimum":10},"then":{"maximum":20},"else":{"maximum":3}}"#, "15"),
        invalid("if false applies else", #"{"if":{"minimum":10},"then":{"maximum":20},"else":{"maximum":3}}"#, "5"),
        valid("if without then or else constrains nothing", #"{"if":{"type":"string"}}"#, "5"),
        valid("a recursive $ref", tree, #"{"children":[{"children":[{"children":[]}]},{}]}"#),
        invalid("a recursive $ref reports the deep path", tree, #"{"children":[{"children":[1]}]}"#, at: "children[0].children[0]"),
        valid("a $ref pointer with an escaped slash", ##"{"$defs":{"a/b":{"type":"string"}},"$ref":"#/$defs/a~1b"}"##, #""s""#),
        invalid("$ref applies beside sibling keywords", ##"{"$defs":{"s":{"type":"string"}},"$ref":"#/$defs/s","minLength":3}"##, #""ab""#),
        valid("date-time on 29 February of a leap year", dateTime, #""2024-02-29T00:00:00Z""#),
        valid("date-time on 29 February 2000", dateTime, #""2000-02-29T00:00:00+14:00""#),
        invalid("date-time on 29 February 1900", dateTime, #""1900-02-29T00:00:00Z""#),
        invalid("date-time on 31 April", dateTime, #""2026-04-31T00:00:00Z""#),
        invalid("date-time with an empty fraction", dateTime, #""2026-01-01T00:00:00.Z""#),
        invalid("date-time without an offset", dateTime, #""2026-01-01T00:00:00""#),
        invalid("date-time with minute 60", dateTime, #""2026-01-01T00:60:00Z""#),
        invalid("date-time with an offset hour of 24", dateTime, #""2026-01-01T00:00:00+24:00""#),
        valid("date-time in lower case", dateTime, #""2026-01-01t00:00:00z""#),
        valid("format applies to strings only", dateTime.replacingOccurrences(of: #""type":"string","#, with: ""), "5"),
    ]

    /// Where RFC 3339 and Python's checker (`rfc3339-validator`) part ways, so these are not cross-checked:
    /// it refuses every leap second and year 0000, and its `$` lets a trailing newline through. We follow RFC 3339
    /// and JSON Schema's own test suite (leap seconds only as a UTC day's last second).
    static let dateTimeBeyondPython: [KeywordVector] = [
        valid("date-time with a leap second at the end of the UTC day", dateTime, #""1998-12-31T23:59:60Z""#),
        valid("date-time with a leap second in another offset", dateTime, #""1998-12-31T15:59:60.123-08:00""#),
        invalid("date-time with a leap second on the wrong minute", dateTime, #""1998-12-31T23:58:60Z""#),
        valid("date-time in year 0000", dateTime, #""0000-01-01T00:00:00Z""#),
        invalid("date-time with a trailing newline", dateTime, #""2026-01-01T00:00:00Z\n""#),
    ]
}
