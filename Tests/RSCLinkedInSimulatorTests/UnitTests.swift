import Foundation
import Testing
@testable import RSCLinkedInSimulator

@Suite("Building blocks")
struct UnitTests {
    @Test("compound keys parse from every accepted form to the same key")
    func restliKeys() throws {
        let expected = EntityKey(kind: .candidate, id: "C 1", integrationContext: "urn:li:organization:1")
        let forms = [
            "atsCandidateId=C 1&dataProvider=ATS&integrationContext=urn:li:organization:1",
            "atsCandidateId=C%201&dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A1",
            "integrationContext=urn:li:organization:1&dataProvider=ATS&atsCandidateId=C 1",
            "atsCandidateId%3DC%25201%26dataProvider%3DATS%26integrationContext%3Durn%253Ali%253Aorganization%253A1",
        ]
        for form in forms {
            #expect(try EntityKey(RestliKey.parse(mapKey: form), kind: .candidate) == expected, "\(form)")
        }
        let query = try QueryParameters(
            raw: "ids%5B1%5D.atsCandidateId=B&ids[0].atsCandidateId=A&ids[0].dataProvider=ATS&ids[1].dataProvider=ATS"
                + "&ids[0].integrationContext=urn:li:organization:1&ids[1].integrationContext=urn%3Ali%3Aorganization%3A1&fields=x")
        let keys = try RestliKey.parse(queryIDs: query).map { try EntityKey($0, kind: .candidate) }
        #expect(keys.map(\.id) == ["A", "B"])
        #expect(keys[0].canonical == "atsCandidateId=A&dataProvider=ATS&integrationContext=urn:li:organization:1")
        #expect(throws: APIError.self) { try RestliKey.parse(mapKey: "atsCandidateId") }
        #expect(throws: APIError.self) { try RestliKey.parse(mapKey: "a=1&a=2") }
        #expect(throws: APIError.self) {
            try EntityKey(RestliKey.parse(mapKey: "atsCandidateId=A&dataProvider=ATS&integrationContext=org1"), kind: .candidate)
        }
        #expect(throws: APIError.self) { try QueryParameters(raw: "ids=%ZZ") }
        #expect(try QueryParameters(raw: "a=1+2").first("a") == "1+2")
        #expect(try QueryParameters(raw: "a=1+2", plusIsSpace: true).first("a") == "1 2")
    }

    @Test("quota windows: fixed from the start, or UTC days; Retry-After rounds up")
    func quotaWindows() {
        let origin = Date(timeIntervalSince1970: 1_767_225_600 + 10)
        var configuration = LinkedInSimulatorConfiguration()
        configuration.recordsPerWindow = 10
        configuration.recordWindow = .seconds(60)
        configuration.callsPerDay = 2
        var ledger = QuotaLedger(origin: origin)
        #expect(ledger.recordRetryAfter(clientID: "a", count: 10, now: origin, configuration: configuration) == nil)
        ledger.consume(clientID: "a", records: 10, now: origin, configuration: configuration)
        let later = origin.addingTimeInterval(59.2)
        #expect(ledger.recordRetryAfter(clientID: "a", count: 1, now: later, configuration: configuration) == 1)
        #expect(ledger.recordRetryAfter(clientID: "b", count: 1, now: later, configuration: configuration) == nil)
        #expect(ledger.recordRetryAfter(clientID: "a", count: 10, now: origin.addingTimeInterval(60), configuration: configuration) == nil)
        ledger.consume(clientID: "a", records: 0, now: origin, configuration: configuration)
        // Two calls used (records and the empty one); the day ends 10 s before origin + 1 day.
        #expect(ledger.callRetryAfter(clientID: "a", now: origin, configuration: configuration) == 86_390)
    }

    @Test("the request log keeps the last entries in order")
    func requestLog() {
        var log = RequestLog(capacity: 3)
        for index in 0..<5 {
            log.append(RequestLogEntry(method: "GET", path: "/\(index)", restliMethod: nil, recordCount: 0, status: 200, time: Date(), clientID: nil))
        }
        #expect(log.entries.map(\.path) == ["/2", "/3", "/4"])
    }

    @Test("validation helpers: emails, URLs and lengths in UTF-16")
    func fieldChecks() {
        #expect(FieldChecks.isEmail("a@b.c"))
        #expect(!FieldChecks.isEmail("a@b"))
        #expect(!FieldChecks.isEmail("a b@c.d"))
        #expect(!FieldChecks.isEmail("@b.c"))
        #expect(!FieldChecks.isEmail("a@b."))
        #expect(!FieldChecks.isEmail("a@@b.c"))
        let record: JSONObject = ["title": .string(String(repeating: "😀", count: 101)), "url": "ftp://x"]
        #expect(throws: RecordFailure.self) { try FieldChecks(record: record).string("title", maxLength: 200) }
        #expect(throws: RecordFailure.self) { try FieldChecks(record: record).url("url") }
        #expect(MemberMatching.member(forEmail: " ADA@example.com ") == "urn:li:person:b5fc85e55755")
    }

    @Test("the simulator runs as a Service and waitUntilListening reports a real port")
    func lifecycle() async throws {
        let simulator = LinkedInSimulator(logger: .init(label: "lifecycle"))
        let task = Task { try await simulator.run() }
        let port = try await simulator.waitUntilListening()
        #expect(port > 0)
        #expect(try await simulator.waitUntilListening() == port)
        task.cancel()
        _ = await task.result
    }
}
