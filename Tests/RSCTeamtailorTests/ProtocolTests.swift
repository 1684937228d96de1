import Foundation
import RSCChangeEvents
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import Testing

@Suite("Protocol: version, auth, rate limits, faults, bad input")
struct ProtocolTests {
    @Test("a call without X-Api-Version, or with an unknown one, is 406 Invalid/Missing API Version")
    func missingVersion() async throws {
        try await withHarness { h in
            let missing = try await h.raw(.GET, "/v1/candidates", headers: ["Authorization": "Token token=\(Harness.key.apiKey)"])
            #expect(missing.status == 406)
            #expect(missing.json?["errors"]?[0]?["title"]?.stringValue == "Invalid/Missing API Version")
            var headers = Harness.apiHeaders()
            headers["X-Api-Version"] = "20990101"
            #expect(try await h.raw(.GET, "/v1/candidates", headers: headers).status == 406)
            #expect(try await h.raw(.GET, "/v1/candidates", headers: Harness.apiHeaders()).status == 200)
        }
    }

    @Test("an unknown or missing key is 401 with a JSON:API error; the client's verdict is unauthorized")
    func badKey() async throws {
        try await withHarness { h in
            let missing = try await h.raw(.GET, "/v1/jobs", headers: ["X-Api-Version": "20240904"])
            #expect(missing.status == 401)
            #expect(missing.json?["errors"]?[0]?["status"]?.stringValue == "401")
            let error = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.page(.jobs, from: nil, credentials: TeamtailorCredentials(apiKey: "wrong"))
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
            _ = try await h.client.page(.jobs, from: nil, credentials: Harness.key)
            #expect(h.client.rateLimit(for: Harness.key) == TeamtailorRateLimit(limit: 2, remaining: 1, resetAfter: .seconds(60)))
            h.clock.advance(by: .seconds(15))
            _ = try await h.client.page(.jobs, from: nil, credentials: Harness.key)
            let error = await #expect(throws: TeamtailorError.self) {
                _ = try await h.client.page(.jobs, from: nil, credentials: Harness.key)
            }
            #expect(error?.status == 429)
            #expect(error?.verdict == .retryable(after: .seconds(45)))
            #expect(h.client.rateLimit(for: Harness.key)?.remaining == 0)
            h.clock.advance(by: .seconds(45))
            _ = try await h.client.page(.jobs, from: nil, credentials: Harness.key)
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
        }
    }
}
