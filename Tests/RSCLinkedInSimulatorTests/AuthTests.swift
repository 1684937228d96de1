import Foundation
import Testing
@testable import RSCLinkedInSimulator

@Suite("Tokens and tenants")
struct AuthTests {
    static let matchQuery = "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId")

    @Test("a token is issued, works until tokenLifetime on the injected clock, then answers 401 expired")
    func tokenExpiry() async throws {
        try await withSimulator { h in
            let reply = try await h.send(
                .post, "/oauth/v2/accessToken", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: "grant_type=client_credentials&client_id=child-123&client_secret=secret-123")
            #expect(reply.status == 200)
            #expect(reply.json?["expires_in"]?.intValue == 1800)
            let token = try #require(reply.json?["access_token"]?.stringValue)

            // An unknown candidate is a per-record 404 inside a 200: the token itself was accepted.
            #expect(try await h.call(.get, Self.matchQuery, token: token).status == 200)
            h.clock.advance(by: .seconds(1799))
            #expect(try await h.call(.get, Self.matchQuery, token: token).status == 200)
            h.clock.advance(by: .seconds(1))
            let expired = try await h.call(.get, Self.matchQuery, token: token)
            #expect(expired.status == 401)
            #expect(expired.isLinkedInError)
            #expect(expired.json?["serviceErrorCode"]?.intValue == 65602)
            #expect(await h.state.tokenRequestCount(clientID: Harness.clientID) == 1)
        }
    }

    @Test("a wrong secret, an unknown client and a wrong grant type are refused")
    func badCredentials() async throws {
        try await withSimulator { h in
            let form = ["Content-Type": "application/x-www-form-urlencoded"]
            let wrong = try await h.send(
                .post, "/oauth/v2/accessToken", headers: form,
                body: "grant_type=client_credentials&client_id=child-123&client_secret=nope")
            #expect(wrong.status == 401)
            #expect(wrong.isLinkedInError)
            #expect(wrong.json?["error"]?.stringValue == "invalid_client")
            let unknown = try await h.send(
                .post, "/oauth/v2/accessToken", headers: form,
                body: "grant_type=client_credentials&client_id=ghost&client_secret=x")
            #expect(unknown.status == 401)
            let grant = try await h.send(
                .post, "/oauth/v2/accessToken", headers: form,
                body: "grant_type=authorization_code&client_id=child-123&client_secret=secret-123")
            #expect(grant.status == 400)
            #expect(grant.json?["error"]?.stringValue == "unsupported_grant_type")
            let json = try await h.send(
                .post, "/oauth/v2/accessToken", headers: ["Content-Type": "application/json"],
                body: #"{"grant_type":"client_credentials"}"#)
            #expect(json.status == 400)
            #expect(await h.state.tokenRequestCount(clientID: Harness.clientID) == 2)
        }
    }

    @Test("no token, a non-bearer header and an unknown token are 401 with LinkedIn's error body")
    func missingToken() async throws {
        try await withSimulator { h in
            let none = try await h.send(.get, Self.matchQuery)
            #expect(none.status == 401)
            #expect(none.isLinkedInError)
            #expect(none.json?["message"]?.stringValue == "Empty oauth2_access_token")
            let basic = try await h.send(.get, Self.matchQuery, headers: ["Authorization": "Basic Y2hpbGQ6c2VjcmV0"])
            #expect(basic.status == 401)
            let unknown = try await h.call(.get, Self.matchQuery, token: "AQ-made-up")
            #expect(unknown.status == 401)
            #expect(unknown.json?["serviceErrorCode"]?.intValue == 65600)
        }
    }

    @Test("a revoked client gets 401 for its tokens and for new ones, until restored")
    func revokedClient() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let revoke = try await h.send(.post, "/_simulator/applications/child-123/revoke")
            #expect(revoke.status == 204)
            let refused = try await h.call(.get, Self.matchQuery, token: token)
            #expect(refused.status == 401)
            #expect(refused.json?["serviceErrorCode"]?.intValue == 65601)
            await #expect(throws: HarnessError.self) { try await h.token() }
            // Another customer's application is unaffected.
            let other = try await h.token(clientID: Harness.otherClientID, secret: Harness.otherSecret)
            let otherQuery = "/v2/atsCandidates?" + Keys.query(["C1"], field: "atsCandidateId", org: Harness.otherOrg)
            #expect(try await h.call(.get, otherQuery, token: other).status == 200)

            #expect(try await h.send(.post, "/_simulator/applications/child-123/restore").status == 204)
            #expect(try await h.call(.get, Self.matchQuery, token: token).status == 200)
            #expect(try await h.send(.post, "/_simulator/applications/ghost/revoke").status == 404)
        }
    }

    @Test("invalidated tokens answer 401 but a fresh token works at once")
    func invalidatedTokens() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            #expect(await h.state.invalidateTokens(clientID: Harness.clientID))
            #expect(try await h.call(.get, Self.matchQuery, token: token).status == 401)
            #expect(try await h.call(.get, Self.matchQuery, token: try await h.token()).status == 200)
        }
    }

    @Test("a token used with another organization's integrationContext is 403 and changes nothing")
    func crossOrganization() async throws {
        try await withSimulator { h in
            let token = try await h.token()
            let put = try await h.putCandidates(["C1": Fixtures.candidate()], token: token, org: Harness.otherOrg)
            #expect(put.status == 403)
            #expect(put.isLinkedInError)
            #expect(put.json?["serviceErrorCode"]?.intValue == 100)
            let parent = Keys.pathKey("C1", field: "atsCandidateId", org: Harness.otherOrg)
            let notes = try await h.putChildren(
                "/v2/atsCandidates/\(parent)", "notes",
                ["N1": ["atsCreatedAt": 1, "note": "hello"]], token: token)
            #expect(notes.status == 403)
            let job = try await h.call(
                .post, "/v2/simpleJobPostings", token: token, restli: "batch_create",
                json: ["elements": [Fixtures.job(id: "J1", org: Harness.otherOrg)]])
            #expect(job.status == 200)
            #expect(job.json?["elements"]?.arrayValue?.first?["status"]?.intValue == 422)
            #expect(await h.state.integrationContexts().isEmpty)
        }
    }
}
