import Foundation
import RSCChangeEvents
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import Testing

@Suite("Protocol: version, auth, rate limits, faults, bad input")
struct ProtocolTests {
    @Test("a call without X-Api-Version, or with an unknown one, is 406 naming the current version; a good one is echoed")
    func missingVersion() async throws {
        try await withHarness { h in
            let missing = try await h.raw(.GET, "/v1/candidates", headers: ["Authorization": "Token token=\(Harness.key.apiKey)"])
            #expect(missing.status == 406)
            #expect(missing.json?["errors"]?[0]?["title"]?.stringValue == "Invalid/Missing API Version")
            // teamtailor-rb's request spec: "… in the X-Api-Version header. Current version is: 20161108".
            #expect(missing.json?["errors"]?[0]?["detail"]?.stringValue
                == "Please provide a correct API version in the X-Api-Version header. Current version is: 20240904")
            #expect(missing.headers.first(name: "X-Api-Version") == nil)
            var headers = Harness.apiHeaders()
            headers["X-Api-Version"] = "20990101"
            #expect(try await h.raw(.GET, "/v1/candidates", headers: headers).status == 406)
            let good = try await h.raw(.GET, "/v1/candidates", headers: Harness.apiHeaders())
            #expect(good.status == 200)
            // Teamtailor/docs, versioning: successful answers carry the version used.
            #expect(good.headers.first(name: "X-Api-Version") == "20240904")
        }
    }

    @Test("an unknown or missing key is 401 with an empty body; the client's verdict is unauthorized")
    func badKey() async throws {
        try await withHarness { h in
            let missing = try await h.raw(.GET, "/v1/jobs", headers: ["X-Api-Version": "20240904"])
            #expect(missing.status == 401)
            #expect(missing.json == nil)
            let error = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.historyPage(.jobs, after: nil, credentials: TeamtailorCredentials(apiKey: "wrong"))
            }
            #expect(error?.verdict == .unauthorized)
            #expect(error?.status == 401)
            // The log keeps method, path and status, never the key.
            let log = await h.state.requestLog()
            #expect(log.map(\.status) == [401, 401])
            #expect(!"\(log)".contains("wrong") && !"\(log)".contains(Harness.key.apiKey))
        }
    }

    @Test("over the per-key limit: 429 with Retry-After, a retryable verdict with that delay, headers exposed")
    func rateLimited() async throws {
        try await withHarness(configure: { $0.rateLimit = 2; $0.rateLimitWindow = .seconds(60) }) { h in
            _ = try await h.client.historyPage(.jobs, after: nil, credentials: Harness.key)
            #expect(h.client.rateLimit(for: Harness.key) == TeamtailorRateLimit(limit: 2, remaining: 1, resetAfter: .seconds(60)))
            h.clock.advance(by: .seconds(15))
            _ = try await h.client.historyPage(.jobs, after: nil, credentials: Harness.key)
            let error = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.historyPage(.jobs, after: nil, credentials: Harness.key)
            }
            #expect(error?.status == 429)
            #expect(error?.verdict == .retryable(after: .seconds(45)))
            #expect(h.client.rateLimit(for: Harness.key)?.remaining == 0)
            h.clock.advance(by: .seconds(45))
            _ = try await h.client.historyPage(.jobs, after: nil, credentials: Harness.key)
            #expect(await h.state.throttledCount() == 1)
        }
    }

    @Test("injected 5xx and a down switch give retryable verdicts; a missing job is nil")
    func faults() async throws {
        try await withHarness { h in
            let missing = try await h.client.job(id: "999999", credentials: Harness.key)
            #expect(missing == nil)
            await h.state.setFaults(TeamtailorFaultConfiguration(serverErrorRate: 1, serverErrorStatuses: [502]))
            let injected = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.job(id: "1", credentials: Harness.key)
            }
            #expect(injected?.status == 502)
            #expect(injected?.isRetryable == true)
            await h.state.setFaults(TeamtailorFaultConfiguration(down: true))
            let down = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.job(id: "1", credentials: Harness.key)
            }
            #expect(down?.verdict == .retryable(after: .seconds(30)))
            await h.state.setFaults(TeamtailorFaultConfiguration())
            let recovered = try await h.client.job(id: "1", credentials: Harness.key)
            #expect(recovered?.attributes["title"]?.stringValue != nil)
        }
    }

    @Test("bad input gets a JSON:API error and a status, never a crash")
    func badInput() async throws {
        try await withHarness { h in
            let headers = Harness.apiHeaders()
            let cases: [(String, String, [String: String], String?, Int)] = [
                ("POST", "/v1/candidates", headers, "{not json", 400),
                ("POST", "/v1/candidates", headers.merging(["Content-Type": "application/json"]) { $1 }, "{}", 415),
                ("POST", "/v1/candidates", headers, #"{"data":{"type":"jobs","attributes":{}}}"#, 409),
                ("POST", "/v1/candidates", headers, #"{"data":{"type":"candidates","attributes":{"email":5}}}"#, 400),
                ("POST", "/v1/candidates", headers, #"{"data":{"type":"candidates","attributes":{"nickname":"x"}}}"#, 400),
                // Read-only attributes (Teamtailor/docs candidates): refused like unknown ones.
                ("POST", "/v1/candidates", headers, #"{"data":{"type":"candidates","attributes":{"email":"a@b.se","referring-site":"x"}}}"#, 400),
                ("POST", "/v1/candidates", headers, #"{"data":{"type":"candidates","attributes":{"email":"a@b.se","linkedin-profile":"x"}}}"#, 400),
                ("PATCH", "/v1/candidates/1", headers, #"{"data":{"type":"candidates","id":"1","attributes":{"referred":true}}}"#, 400),
                ("PATCH", "/v1/candidates/1", headers, #"{"data":{"type":"candidates","id":"1","attributes":{"sourced":true}}}"#, 400),
                // Not published: the LinkedIn URL filter, the activities write and list, interviews.
                ("GET", "/v1/candidates?filter%5Blinkedin-url%5D=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fx", headers, nil, 400),
                ("POST", "/v1/activities", headers, #"{"data":{"type":"activities","attributes":{"code":"x"}}}"#, 405),
                ("GET", "/v1/activities", headers, nil, 404),
                ("GET", "/v1/interviews", headers, nil, 404),
                ("GET", "/v1/job-applications?include=interviewer", headers, nil, 400),
                ("GET", "/v1/jobs?filter%5Bstatus%5D=closed", headers, nil, 400),
                ("GET", "/v1/jobs?sort=colour", headers, nil, 400),
                ("GET", "/v1/candidates/abc", headers, nil, 404),
                ("GET", "/v1/unicorns", headers, nil, 404),
                ("GET", "/nowhere/at/all", headers, nil, 404),
                ("GET", "/v1/candidates?page%5Bsize%5D=31", headers, nil, 400),
                ("GET", "/v1/candidates?page%5Bnumber%5D=0", headers, nil, 400),
                ("GET", "/v1/candidates?filter%5Bupdated-at%5D%5Bfrom%5D=yesterday", headers, nil, 400),
                ("GET", "/v1/candidates?filter%5Bcolour%5D=red", headers, nil, 400),
                ("DELETE", "/v1/jobs/1", headers, nil, 405),
                ("PATCH", "/v1/notes/1", headers, #"{"data":{"type":"notes","id":"2","attributes":{}}}"#, 409),
            ]
            for (method, path, headers, body, status) in cases {
                let reply = try await h.raw(.init(rawValue: method), path, headers: headers, body: body)
                #expect(reply.status == status, "\(method) \(path)")
                #expect(reply.json?["errors"]?[0]?["status"]?.stringValue == String(status), "\(method) \(path)")
            }
            let tooBig = try await h.raw(.GET, "/v1/candidates?page%5Bsize%5D=31", headers: headers)
            #expect(tooBig.json?["errors"]?[0]?["source"]?["parameter"]?.stringValue == "page[size]")
            let unknownFilter = try await h.raw(.GET, "/v1/candidates?filter%5Blinkedin-url%5D=x", headers: headers)
            #expect(unknownFilter.json?["errors"]?[0]?["source"]?["parameter"]?.stringValue == "filter[linkedin-url]")
        }
    }

    @Test("a validation error is 422 with code 100, title and detail as teamtailor-rb's fixture, and the client keeps the code")
    func validationError() async throws {
        try await withHarness(seed: nil) { h in
            let error = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.createCandidate(TeamtailorNewCandidate(firstName: "Foo"), credentials: Harness.key)
            }
            #expect(error?.status == 422)
            #expect(error?.errors.first == TeamtailorError.Detail(
                title: "can't be blank", detail: "email - can't be blank", pointer: "/data/attributes/email", code: "100"))
        }
    }

    @Test("the rate limit keeps its numbers as settings (Teamtailor publishes none) and answers them in the headers")
    func rateLimitIsConfigurable() async throws {
        try await withHarness(configure: { $0.rateLimit = 7; $0.rateLimitWindow = .seconds(5) }) { h in
            let reply = try await h.raw(.GET, "/v1/users", headers: Harness.apiHeaders())
            #expect(reply.headers.first(name: "X-Rate-Limit-Limit") == "7")
            #expect(reply.headers.first(name: "X-Rate-Limit-Remaining") == "6")
            #expect(reply.headers.first(name: "X-Rate-Limit-Reset") == "5")
        }
    }
}
