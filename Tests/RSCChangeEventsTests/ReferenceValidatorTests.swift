import Foundation
import Testing
@testable import RSCChangeEvents

/// Python's `jsonschema` package, run as a child process: an independent implementation of draft 2020-12 to
/// check our validator and our schema files against, so neither is only proven against itself.
enum PythonJSONSchema {
    /// Exit codes of `script` that are not a verdict.
    static let moduleMissing: Int32 = 42
    static let formatCheckerMissing: Int32 = 43

    /// Reads `{"groups": [{"schema": text, "vectors": [{"name", "json"}]}]}` from argv[1], writes the verdicts to argv[2].
    /// Formats are asserted (`FORMAT_CHECKER`), as ours are; without the date-time checker the comparison would be hollow.
    static let script = #"""
    import json, sys
    try:
        from jsonschema import Draft202012Validator
    except ImportError:
        sys.exit(42)
    if "date-time" not in Draft202012Validator.FORMAT_CHECKER.checkers:
        sys.exit(43)
    request = json.load(open(sys.argv[1], encoding="utf-8"))
    verdicts = []
    for group in request["groups"]:
        schema = json.loads(group["schema"])
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        for vector in group["vectors"]:
            errors = list(validator.iter_errors(json.loads(vector["json"])))
            verdicts.append({"name": vector["name"], "valid": not errors})
    json.dump(verdicts, open(sys.argv[2], "w", encoding="utf-8"))
    """#

    static let isAvailable: Bool = (try? run(["-c", "import jsonschema"]).status) == 0

    struct Request: Encodable {
        struct Group: Encodable {
            var schema: String
            var vectors: [Vector]
        }
        struct Vector: Encodable {
            var name: String
            var json: String
        }
        var groups: [Group]
    }

    struct Verdict: Decodable {
        var name: String
        var valid: Bool
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Python's verdict on every vector, by vector name.
    static func verdicts(_ request: Request) throws -> [String: Bool] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rsc-jsonschema-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("request.json")
        let output = directory.appendingPathComponent("verdicts.json")
        try JSONEncoder().encode(request).write(to: input)
        let result = try run(["-c", script, input.path, output.path])
        switch result.status {
        case 0: break
        case moduleMissing: throw Failure(description: "python3 has no jsonschema module")
        case formatCheckerMissing: throw Failure(description: "jsonschema cannot check date-time (install rfc3339-validator)")
        default: throw Failure(description: "python3 exited \(result.status): \(result.errorOutput)")
        }
        let verdicts = try JSONDecoder().decode([Verdict].self, from: Data(contentsOf: output))
        return Dictionary(verdicts.map { ($0.name, $0.valid) }, uniquingKeysWith: { first, _ in first })
    }

    /// Runs python3 from PATH; its stderr goes to a file so a chatty child can never block on a full pipe.
    static func run(_ arguments: [String]) throws -> (status: Int32, errorOutput: String) {
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("rsc-python-\(UUID().uuidString).err")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else { throw Failure(description: "cannot create \(errorFile.path)") }
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        process.waitUntilExit()
        let errorOutput = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, errorOutput)
    }
}

@Suite("cross-checked with Python's jsonschema", .enabled(if: PythonJSONSchema.isAvailable, "python3 or its jsonschema module is not installed"))
struct ReferenceValidatorTests {
    @Test("the contract schema file is valid draft 2020-12 (Draft202012Validator.check_schema)")
    func schemaFileIsValid() throws {
        let text = try String(contentsOf: try Contract.schemaFile(), encoding: .utf8)
        #expect(text.contains(#""$schema": "https://json-schema.org/draft/2020-12/schema""#))
        // check_schema runs for every group; a group with no vectors checks only the schema.
        _ = try PythonJSONSchema.verdicts(.init(groups: [.init(schema: text, vectors: [])]))
    }

    @Test("both validators agree with each other and with the expectation on every contract vector")
    func contractVectors() throws {
        let schemaText = try String(contentsOf: try Contract.schemaFile(), encoding: .utf8)
        let vectors = ContractVectors.valid + ContractVectors.invalid + ContractVectors.leakingValues
        #expect(Set(vectors.map(\.name)).count == vectors.count, "vector names must be unique")
        let python = try PythonJSONSchema.verdicts(.init(groups: [
            .init(schema: schemaText, vectors: vectors.map { .init(name: $0.name, json: $0.json) }),
        ]))
        let schema = try Contract.schema()
        for vector in vectors {
            let swiftValid = schema.validate(Array(vector.json.utf8)).isEmpty
            #expect(python[vector.name] == swiftValid, "\(vector.name): python says \(python[vector.name].map(String.init) ?? "nothing"), swift \(swiftValid)")
            #expect(swiftValid == vector.isValid, "\(vector.name)")
        }
    }

    @Test("both validators agree on every keyword vector")
    func keywordVectors() throws {
        let groups = Dictionary(grouping: KeywordVectors.all, by: \.schema).map { schema, vectors in
            PythonJSONSchema.Request.Group(schema: schema, vectors: vectors.map { .init(name: $0.name, json: $0.instance) })
        }
        let python = try PythonJSONSchema.verdicts(.init(groups: groups))
        for vector in KeywordVectors.all {
            let swiftValid = try JSONSchema(Array(vector.schema.utf8)).validate(Array(vector.instance.utf8)).isEmpty
            #expect(python[vector.name] == swiftValid, "\(vector.name): python says \(python[vector.name].map(String.init) ?? "nothing"), swift \(swiftValid)")
            #expect(swiftValid == (vector.violationPath == nil), "\(vector.name)")
        }
    }
}
