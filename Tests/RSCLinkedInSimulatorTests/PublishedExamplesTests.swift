import Foundation
import Hummingbird
import RSCChangeEvents
import RSCLinkedInClient
import Testing
@testable import RSCLinkedInSimulator

/// LinkedIn's published examples (`Published/`): every sync and delete request of LinkedIn's collection is
/// accepted by the simulator as written, and every published answer is read by the client.
@Suite("LinkedIn's published examples")
struct PublishedExamplesTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Published")

    struct PublishedRequest {
        let name: String
        let source: String
        let method: HTTPRequest.Method
        let path: String
        let headers: [String: String]
        let body: SimulatedJSON?
    }

    static func requests() throws -> [PublishedRequest] {
        let folder = directory.appendingPathComponent("requests")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let json = try #require(SimulatedJSON.parse(try Data(contentsOf: folder.appendingPathComponent(name))))
            var headers: [String: String] = [:]
            for (key, value) in json["headers"]?.objectValue ?? [:] { headers[key] = value.stringValue }
            let source = try #require(json["source"]?.stringValue, "\(name) names its source")
            let methodName = try #require(json["method"]?.stringValue)
            let method = try #require(HTTPRequest.Method(methodName))
            let path = try #require(json["path"]?.stringValue)
            return PublishedRequest(name: name, source: source, method: method, path: path, headers: headers, body: json["body"])
        }
    }

    static func answer(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: directory.appendingPathComponent("answers/\(name).json"))
        let fixture = try JSONValue.parse(Array(data))
        #expect(fixture["source"]?.stringValue?.isEmpty == false, "\(name) names its source")
        return try #require(fixture["answer"])
    }

    @Test("the simulator accepts every sync and delete request LinkedIn's collection publishes, as written")
    func simulatorAcceptsPublishedRequests() async throws {
        let requests = try Self.requests()
        #expect(requests.count == 18)
        try await withSimulator { h in
            let token = try await h.token()
            var tasks: [String: String] = [:]
            for request in requests {
                var path = request.path
                for (job, task) in tasks { path = path.replacingOccurrences(of: "{{task:\(job)}}", with: Keys.encode(task)) }
                var headers = request.headers
                headers["Authorization"] = "Bearer \(token)"
                let body = request.body.map { String(decoding: $0.encoded(), as: UTF8.self) }
                let reply = try await h.send(request.method, path, headers: headers, body: body)
                #expect(reply.status == 200, "\(request.name): \(reply.status) \(reply.text)")
                let json = try #require(reply.json, "\(request.name)")

                if request.path.hasPrefix("/v2/simpleJobPostings") {
                    // batch_create: one accepted task per element.
                    let element = try #require(json["elements"]?.arrayValue?.first, "\(request.name)")
                    #expect(element["status"] == 202, "\(request.name): \(reply.text)")
                    let job = try #require(request.body?["elements"]?.arrayValue?.first?["externalJobPostingId"]?.stringValue)
                    tasks[job] = try #require(element["id"]?.stringValue)
                } else if request.method == .delete {
                    // A delete after the candidate's own delete finds what the cascade already removed.
                    for (key, error) in json["errors"]?.objectValue ?? [:] {
                        #expect(error["status"] == 404, "\(request.name): \(key) \(error)")
                    }
                } else {
                    #expect(json["errors"]?.objectValue?.isEmpty != false, "\(request.name): \(reply.text)")
                    for (key, result) in json["results"]?.objectValue ?? [:] where result["status"] != nil {
                        #expect(result["status"] == 204 || result["status"] == "IN_PROGRESS", "\(request.name): \(key)")
                    }
                }
            }
            #expect(tasks.count == 2)
            // The interview-feedback PUT came without x-restli-method and was stored.
            let log = await h.state.requestLog()
            #expect(log.contains { $0.path.hasSuffix("/interviewFeedback") && $0.method == "PUT" && $0.restliMethod == nil && $0.status == 200 })
        }
    }

    @Test("job posting tasks read IN_PROGRESS until the processing time passed, then SUCCEEDED with the job posting")
    func tasksStayInProgress() async throws {
        try await withSimulator({ $0.jobTaskProcessingTime = .seconds(30) }) { h in
            let token = try await h.token()
            let create = try await h.call(
                .post, "/v2/simpleJobPostings", token: token, restli: "batch_create",
                json: ["elements": [Fixtures.job(id: "J1"), Fixtures.job(id: "J2", extra: ["location": "Nowhere"])]])
            let ids = try #require(create.json?["elements"]?.arrayValue?.compactMap { $0["id"]?.stringValue })
            let query = "/v2/simpleJobPostingTasks?" + ids.map { "ids=\(Keys.encode($0))" }.joined(separator: "&")
            let early = try await h.call(.get, query, token: token)
            #expect(early.json?["results"]?[ids[0]]?["status"] == "IN_PROGRESS")
            #expect(early.json?["results"]?[ids[1]]?["status"] == "IN_PROGRESS")
            #expect(early.json?["statuses"] == [:])
            h.clock.advance(by: .seconds(29))
            #expect(try await h.call(.get, query, token: token).json?["results"]?[ids[0]]?["status"] == "IN_PROGRESS")
            h.clock.advance(by: .seconds(1))
            let done = try await h.call(.get, query, token: token)
            let succeeded = try #require(done.json?["results"]?[ids[0]])
            #expect(succeeded["status"] == "SUCCEEDED")
            #expect(succeeded["id"] == .string(ids[0]))
            #expect(succeeded["externalJobPostingId"] == "J1")
            #expect(succeeded["jobPosting"]?.stringValue?.hasPrefix("urn:li:jobPosting:") == true)
            let failed = try #require(done.json?["results"]?[ids[1]])
            #expect(failed["status"] == "FAILED")
            #expect(failed["errorMessage"]?.stringValue?.contains("location") == true)
            #expect(failed["message"] == nil)

            // The client reads both through its own decoding.
            let decoded = LinkedInClient.decodeJobPostingTasks(try JSONValue.parse(Array(done.text.utf8)), taskIDs: ids)
            #expect(decoded[ids[0]] == .succeeded)
            #expect(decoded[ids[1]] == .failed(message: failed["errorMessage"]?.stringValue ?? ""))
        }
    }

    @Test("the client reads the SDK's task answers: IN_PROGRESS pending, SUCCEEDED and PROCESSED done, FAILED with errorMessage")
    func clientDecodesTaskAnswers() throws {
        let single = try Self.answer("TaskStatusSuccessResponse")
        let task = "urn:li:simpleJobPostingTask:c85fc9e7-b434-44d2-b9c1-a5ac688a1fe1"
        #expect(LinkedInClient.decodeJobPostingTasks(single, taskIDs: [task]) == [task: .succeeded])

        let multiple = try Self.answer("MultipleTaskStatusSuccessResponse")
        let second = "urn:li:simpleJobPostingTask:d958f4d2-3079-4290-8891-3a73e4fb70d7"
        #expect(LinkedInClient.decodeJobPostingTasks(multiple, taskIDs: [task, second]) == [task: .succeeded, second: .pending])

        let mixed = try Self.answer("TaskStatusFailedAndProcessed")
        let failed = "urn:li:simpleJobPostingTask:0b7e7a52-0000-4000-8000-000000000001"
        let processed = "urn:li:simpleJobPostingTask:0b7e7a52-0000-4000-8000-000000000002"
        let statuses = LinkedInClient.decodeJobPostingTasks(mixed, taskIDs: [failed, processed, "urn:li:simpleJobPostingTask:absent"])
        #expect(statuses[failed] == .failed(message: "Unable to resolve the job location"))
        #expect(statuses[processed] == .succeeded, "PROCESSED is done, not pending")
        #expect(statuses["urn:li:simpleJobPostingTask:absent"] == nil)
    }

    @Test("the client reads Rest.li 1.0 answer keys by meaning: sorted, form-encoded, '+' as a space")
    func clientDecodesRestliKeys() throws {
        let answer = try Self.answer("RestliBatchUpdateCompoundKeys")
        let context = "urn:li:organization:123"
        let keys = [
            (RestliKey.candidate("CAND-1", context: context).bodyForm, "CAND-1"),
            (RestliKey.candidate("CAND 2/Å", context: context).bodyForm, "CAND 2/Å"),
            (RestliKey.candidate("CAND-3", context: context).bodyForm, "CAND-3"),
        ]
        let results = LinkedInClient.decodeRecordResults(answer, keys: keys)
        #expect(results["CAND-1"] == .accepted)
        #expect(results["CAND 2/Å"] == .refused(status: 422, message: "emailAddresses[0] is not a valid email address"))
        #expect(results["CAND-3"] == .missing)
    }

    @Test("the client reads the SDK's batch_create answer: one task id per job")
    func clientDecodesJobPostingCreate() throws {
        let answer = try Self.answer("JobPostingSuccessResponse")
        guard case .array(let elements)? = answer["elements"] else { throw FixtureError.shape("elements") }
        let element = try #require(elements.first)
        #expect(element["id"]?.stringValue == "urn:li:simpleJobPostingTask:d958f4d2-3079-4290-8891-3a73e4fb70d7")
        #expect(element["status"] == .number(202))
    }
}

enum FixtureError: Error {
    case shape(String)
}
