import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RSCSimulatorSupport
@testable import RSCLinkedInSimulator

/// A running simulator on a free loopback port, a manual clock, and a live HTTP client talking to it.
///
/// Two child applications are registered: `child-123` for `urn:li:organization:123` and `child-456` for
/// `urn:li:organization:456`.
struct Harness: Sendable {
    static let org = "urn:li:organization:123"
    static let otherOrg = "urn:li:organization:456"
    static let clientID = "child-123"
    static let secret = "secret-123"
    static let otherClientID = "child-456"
    static let otherSecret = "secret-456"

    let simulator: LinkedInSimulator
    let clock: ManualSimulatorClock
    let client: TestClient
    var state: SimulatorState { simulator.state }

    /// Sends a request exactly as written (path and query are not re-encoded).
    func send(
        _ method: HTTPRequest.Method, _ uri: String, headers: [String: String] = [:], body: String? = nil
    ) async throws -> Reply {
        var fields = HTTPFields()
        for (name, value) in headers { fields[HTTPFields.Element.Name(name)!] = value }
        let request = TestClient.Request(
            uri, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) })
        let response = try await client.execute(request)
        let text = response.body.map { String(buffer: $0) } ?? ""
        return Reply(status: Int(response.status.code), headers: response.headers, text: text)
    }

    func token(clientID: String = Harness.clientID, secret: String = Harness.secret) async throws -> String {
        let reply = try await send(
            .post, "/oauth/v2/accessToken", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "grant_type=client_credentials&client_id=\(clientID)&client_secret=\(secret)")
        guard reply.status == 200, let token = reply.json?["access_token"]?.stringValue else {
            throw HarnessError.noToken(reply.text)
        }
        return token
    }

    /// A Rest.li batch call with bearer token, JSON body and `x-restli-method`.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, token: String, restli: String? = nil, json: SimulatedJSON? = nil
    ) async throws -> Reply {
        var headers = ["Authorization": "Bearer \(token)"]
        if let restli { headers["x-restli-method"] = restli }
        var body: String?
        if let json {
            headers["Content-Type"] = "application/json"
            body = String(decoding: json.encoded(), as: UTF8.self)
        }
        return try await send(method, uri, headers: headers, body: body)
    }

    func putCandidates(_ records: [String: SimulatedJSON], token: String, org: String = Harness.org) async throws -> Reply {
        let ids = records.keys.sorted()
        return try await call(
            .put, "/v2/atsCandidates?" + Keys.query(ids, field: "atsCandidateId", org: org), token: token,
            restli: "batch_update", json: Keys.entities(records, field: "atsCandidateId", org: org))
    }

    func putApplications(_ records: [String: SimulatedJSON], token: String) async throws -> Reply {
        let ids = records.keys.sorted()
        return try await call(
            .put, "/v2/atsApplications?" + Keys.query(ids, field: "atsJobApplicationId", org: Harness.org),
            token: token, restli: "batch_update", json: Keys.entities(records, field: "atsJobApplicationId", org: Harness.org))
    }

    func putChildren(
        _ parentPath: String, _ kind: String, _ records: [String: SimulatedJSON], token: String
    ) async throws -> Reply {
        let query = records.keys.sorted().map { "ids=\($0)" }.joined(separator: "&")
        return try await call(
            .put, "\(parentPath)/\(kind)?\(query)", token: token, restli: "batch_update",
            json: ["entities": .object(records)])
    }
}

/// Builds keys the way the reference spells them.
enum Keys {
    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed)!
    }

    /// `ids[0].field=…&ids[0].dataProvider=ATS&ids[0].integrationContext=urn%3Ali%3A…` (brackets encoded).
    static func query(_ ids: [String], field: String, org: String = Harness.org) -> String {
        ids.enumerated().map { index, id in
            "ids%5B\(index)%5D.\(field)=\(encode(id))&ids%5B\(index)%5D.dataProvider=ATS"
                + "&ids%5B\(index)%5D.integrationContext=\(encode(org))"
        }.joined(separator: "&")
    }

    /// The body map key with raw values.
    static func bodyKey(_ id: String, field: String, org: String = Harness.org) -> String {
        "\(field)=\(id)&dataProvider=ATS&integrationContext=\(org)"
    }

    /// The key as a batch answer spells it: Rest.li 1.0's form (fields sorted, names and values form-encoded).
    static func answerKey(_ id: String, field: String, org: String = Harness.org) -> String {
        RestliKey(fields: [field: id, "dataProvider": "ATS", "integrationContext": org]).answerForm
    }

    /// The path segment, values percent-encoded.
    static func pathKey(_ id: String, field: String, org: String = Harness.org) -> String {
        "\(field)=\(encode(id))&dataProvider=ATS&integrationContext=\(encode(org))"
    }

    static func entities(_ records: [String: SimulatedJSON], field: String, org: String = Harness.org) -> SimulatedJSON {
        var map: JSONObject = [:]
        for (id, record) in records { map[bodyKey(id, field: field, org: org)] = record }
        return ["entities": .object(map)]
    }
}

/// An answer, with its body parsed when it is JSON.
struct Reply: Sendable {
    let status: Int
    let headers: HTTPFields
    let text: String

    var json: SimulatedJSON? { SimulatedJSON.parse(Data(text.utf8)) }

    func header(_ name: String) -> String? { headers[HTTPFields.Element.Name(name)!] }

    /// `results[KEY].status` of a batch answer.
    func resultStatus(_ key: String) -> Int64? { json?["results"]?[key]?["status"]?.intValue }

    func errorStatus(_ key: String) -> Int64? { json?["errors"]?[key]?["status"]?.intValue }

    func errorMessage(_ key: String) -> String? { json?["errors"]?[key]?["message"]?.stringValue }

    /// True when the body is LinkedIn's error body for this reply's status.
    var isLinkedInError: Bool {
        guard let json, let message = json["message"]?.stringValue, !message.isEmpty,
            json["serviceErrorCode"]?.intValue != nil
        else { return false }
        return json["status"]?.intValue == Int64(status)
    }
}

enum HarnessError: Error {
    case noToken(String)
}

/// Starts a simulator (clock at 2026-01-01T00:00:00Z), runs `body` against it, then stops it.
func withSimulator(
    _ configure: (inout LinkedInSimulatorConfiguration) -> Void = { _ in },
    _ body: @escaping @Sendable (Harness) async throws -> Void
) async throws {
    var configuration = LinkedInSimulatorConfiguration()
    configure(&configuration)
    let clock = ManualSimulatorClock()
    var logger = Logger(label: "linkedin-simulator-test")
    logger.logLevel = .warning
    let simulator = LinkedInSimulator(configuration: configuration, clock: clock, logger: logger)
    await simulator.registerApplication(clientID: Harness.clientID, clientSecret: Harness.secret, organization: Harness.org)
    await simulator.registerApplication(
        clientID: Harness.otherClientID, clientSecret: Harness.otherSecret, organization: "456")
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await simulator.run() }
        let port = try await simulator.waitUntilListening()
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await body(Harness(simulator: simulator, clock: clock, client: client))
        }
        group.cancelAll()
    }
}

/// Records that pass validation, to vary one field at a time.
enum Fixtures {
    static let createdAt: Int64 = 1_700_000_000_000

    static func candidate(
        first: String = "Ada", email: String? = "ada@example.com", extra: JSONObject = [:]
    ) -> SimulatedJSON {
        var record: JSONObject = [
            "addresses": [], "atsCreatedAt": .int(createdAt), "atsLastModifiedAt": .int(createdAt + 1000),
            "firstName": .string(first), "lastName": "Lovelace", "phoneNumbers": [],
            "externalProfileUrl": "https://app.example.com/candidates/1",
        ]
        if let email { record["emailAddresses"] = [.string(email)] }
        record.merge(extra) { _, new in new }
        return .object(record)
    }

    static func application(candidate: String) -> SimulatedJSON {
        ["atsCandidateId": .string(candidate), "atsCreatedAt": .int(createdAt), "atsLastModifiedAt": .int(createdAt)]
    }

    static let description = String(repeating: "We build tools that help recruiters. ", count: 4)

    static func job(id: String, org: String = Harness.org, listedAt: Int64 = createdAt, extra: JSONObject = [:]) -> SimulatedJSON {
        var record: JSONObject = [
            "integrationContext": .string(org), "externalJobPostingId": .string(id), "title": "Engineer",
            "description": .string(description), "location": "Stockholm, Sweden", "listedAt": .int(listedAt),
            "state": "LISTED", "availability": "PUBLIC", "companyApplyUrl": "https://jobs.example.com/1",
        ]
        record.merge(extra) { _, new in new }
        return .object(record)
    }
}
