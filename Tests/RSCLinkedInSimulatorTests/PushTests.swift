import Foundation
import Testing
@testable import RSCLinkedInSimulator

@Suite("Push notifications, challenge and Export to ATS")
struct PushTests {
    static func fastRetries(_ configuration: inout LinkedInSimulatorConfiguration) {
        configuration.pushBackoff = .milliseconds(1)
        configuration.pushAttempts = 4
    }

    @Test("enabling pushes a correctly signed INTEGRATION_STATUS_CHANGE and the status read answers ENABLED")
    func enablePush() async throws {
        let receiver = CallbackReceiver(challengeSecret: Harness.secret)
        try await withReceiver(receiver) { url in
            try await withSimulator(Self.fastRetries) { h in
                let token = try await h.onboard(callback: url)
                let change = try await h.state.setIntegrationStatus(.enabled, organization: Harness.org)
                #expect(change.delivery?.delivered == true)

                let push = try #require(receiver.received.first)
                #expect(receiver.received.count == 1)
                let expected = CallbackReceiver.hmacHex(Data("hmacsha256=".utf8) + push.body, secret: Harness.secret)
                #expect(push.signature == expected)
                #expect(push.json?["type"]?.stringValue == "INTEGRATION_STATUS_CHANGE")
                #expect(push.json?["requestId"]?.stringValue == change.requestId)
                #expect(push.json?["integrationContext"]?.stringValue == Harness.org)
                #expect(push.json?["notificationId"]?.stringValue?.isEmpty == false)
                #expect(push.json?["occurredAt"]?.intValue == h.clock.now().epochMilliseconds)

                let status = try await h.call(
                    .get, "/v2/atsIntegrations?q=request&requestId=\(change.requestId)", token: token)
                #expect(status.status == 200)
                let elements = try #require(status.json?["elements"]?.arrayValue)
                #expect(elements.count == 4)
                #expect(elements.allSatisfy { $0["status"]?.stringValue == "ENABLED" })
                #expect(Set(elements.compactMap { $0["integrationType"]?.stringValue })
                    == ["ONE_CLICK_EXPORT", "IN_ATS_INDICATOR", "PROFILE_PLUGIN", "CSA_API"])

                let otherToken = try await h.token(clientID: Harness.otherClientID, secret: Harness.otherSecret)
                let foreign = try await h.call(
                    .get, "/v2/atsIntegrations?q=request&requestId=\(change.requestId)", token: otherToken)
                #expect(foreign.status == 403)

                let disabled = try await h.state.setIntegrationStatus(.disabled, organization: Harness.org)
                let after = try await h.call(.get, "/v2/atsIntegrations?q=request&requestId=\(disabled.requestId)", token: token)
                #expect(after.json?["elements"]?.arrayValue?.allSatisfy { $0["status"]?.stringValue == "DISABLED" } == true)
            }
        }
    }

    @Test("a receiver answering 500 then 503 gets the push again, and every attempt is recorded")
    func retries() async throws {
        let receiver = CallbackReceiver(statuses: [500, 503], challengeSecret: Harness.secret)
        try await withReceiver(receiver) { url in
            try await withSimulator(Self.fastRetries) { h in
                _ = try await h.onboard(callback: url)
                let change = try await h.state.setIntegrationStatus(.enabled, organization: Harness.org)
                let delivery = try #require(change.delivery)
                #expect(delivery.attempts.map(\.status) == [500, 503, 200])
                #expect(delivery.delivered)
                #expect(receiver.received.count == 3)
                let ids = Set(receiver.received.compactMap { $0.json?["notificationId"]?.stringValue })
                #expect(ids.count == 1)
                let inspected = try await h.send(.get, "/_simulator/notifications")
                #expect(inspected.json?["deliveries"]?.arrayValue?.first?["attempts"]?.arrayValue?.count == 3)
            }
        }
    }

    @Test("a receiver that never answers 2xx leaves the delivery undelivered after the configured attempts")
    func givesUp() async throws {
        let receiver = CallbackReceiver(statuses: [500, 500, 500, 500, 500], challengeSecret: Harness.secret)
        try await withReceiver(receiver) { url in
            try await withSimulator({ Self.fastRetries(&$0); $0.pushAttempts = 3 }) { h in
                _ = try await h.onboard(callback: url)
                let change = try await h.state.setIntegrationStatus(.enabled, organization: Harness.org)
                #expect(change.delivery?.attempts.count == 3)
                #expect(change.delivery?.delivered == false)
            }
        }
    }

    @Test("re-delivery sends the same notificationId, body and signature")
    func redelivery() async throws {
        let receiver = CallbackReceiver(challengeSecret: Harness.secret)
        try await withReceiver(receiver) { url in
            try await withSimulator(Self.fastRetries) { h in
                _ = try await h.onboard(callback: url)
                let change = try await h.state.setIntegrationStatus(.enabled, organization: Harness.org)
                let id = try #require(change.delivery?.notification.notificationId)
                let again = try await h.state.redeliver(notificationId: id)
                #expect(again.isRedelivery)
                #expect(again.delivered)
                #expect(receiver.received.count == 2)
                #expect(receiver.received[0].body == receiver.received[1].body)
                #expect(receiver.received[0].signature == receiver.received[1].signature)
                let viaRoute = try await h.send(.post, "/_simulator/notifications/\(id)/redeliver")
                #expect(viaRoute.status == 200)
                #expect(receiver.received.count == 3)
                let unknown = try await h.send(.post, "/_simulator/notifications/nope/redeliver")
                #expect(unknown.status == 404)
            }
        }
    }

    @Test("the validation challenge passes with the child secret's HMAC and fails with another")
    func challenge() async throws {
        let good = CallbackReceiver(challengeSecret: Harness.secret)
        try await withReceiver(good) { url in
            try await withSimulator { h in
                _ = try await h.onboard(callback: url)
                let outcome = try await h.state.validateCallback(organization: Harness.org)
                #expect(outcome.passed)
                #expect(outcome.status == 200)
            }
        }
        let bad = CallbackReceiver(challengeSecret: "not-the-secret")
        try await withReceiver(bad) { url in
            try await withSimulator { h in
                _ = try await h.onboard(callback: url)
                let outcome = try await h.state.validateCallback(organization: Harness.org)
                #expect(!outcome.passed)
                let route = try await h.send(
                    .post, "/_simulator/callbacks/validate", body: #"{"organization":"urn:li:organization:123"}"#)
                #expect(route.json?["passed"]?.boolValue == false)
            }
        }
    }

    @Test("the challenge to a provisioned child application's callback names it with applicationId, as LinkedIn does for parent-child applications")
    func challengeNamesTheChildApplication() async throws {
        let receiver = CallbackReceiver(challengeSecret: "set below")
        try await withReceiver(receiver) { url in
            try await withSimulator { h in
                let partner = try await h.partnerToken()
                let created = try await h.call(.post, "/v2/provisionedApplications", token: partner, json: OnboardingTests.provisionBody)
                let key = try #require(created.json?["key"]?.stringValue)
                let clientID = try #require(created.json?["credentials"]?["client_id"]?.stringValue)
                let secret = try #require(created.json?["credentials"]?["client_secret"]?.stringValue)
                await h.state.completeOnboarding(clientID: clientID, organization: Harness.org)
                try await h.state.addSeat(Harness.seat, contract: Harness.contract, organization: Harness.org, firstName: "R", lastName: "S")
                let child = try await h.token(clientID: clientID, secret: secret)
                _ = try await h.nameIntegrations(token: child)
                #expect(try await h.registerCallback(url, token: child).resultStatus("CALLBACK_URL") == 204)
                _ = try await h.state.validateCallback(organization: Harness.org)
                let query = try #require(receiver.challenges.last)
                #expect(query["applicationId"] == String(key.dropFirst("urn:li:developerApplication:".count)))
                #expect(query["challengeCode"]?.isEmpty == false)
            }
        }
    }

    @Test("an export pushes EXPORT_CANDIDATE_PROFILE and exportedCandidates answers the stub profile")
    func export() async throws {
        let receiver = CallbackReceiver(challengeSecret: Harness.secret)
        try await withReceiver(receiver) { url in
            try await withSimulator(Self.fastRetries) { h in
                let token = try await h.onboard(callback: url)
                let profile = ExportedProfile(
                    person: "urn:li:person:abc123", firstName: "Grace", lastName: "Hopper", headline: "Rear Admiral",
                    location: "Arlington, VA", profileUrl: "https://www.linkedin.com/in/grace")
                await #expect(throws: SimulatorScriptError.self) {
                    try await h.state.exportCandidate(organization: Harness.org, seat: Harness.seat, profile: profile)
                }
                _ = try await h.state.setIntegrationStatus(.enabled, organization: Harness.org)
                let jobs = try await h.call(
                    .post, "/v2/simpleJobPostings", token: token, restli: "batch_create",
                    json: ["elements": [Fixtures.job(id: "J1")]])
                #expect(jobs.status == 200)
                await #expect(throws: SimulatorScriptError.self) {
                    try await h.state.exportCandidate(
                        organization: Harness.org, seat: Harness.seat, profile: profile, atsJobPostingId: "unsynced")
                }
                let outcome = try await h.state.exportCandidate(
                    organization: Harness.org, seat: Harness.seat, profile: profile, atsJobPostingId: "J1")
                #expect(outcome.delivery?.delivered == true)
                let push = try #require(receiver.received.last?.json)
                #expect(push["type"]?.stringValue == "EXPORT_CANDIDATE_PROFILE")
                #expect(push["requestId"]?.stringValue == outcome.requestId)

                let read = try await h.call(.get, "/v2/exportedCandidates?q=request&requestId=\(outcome.requestId)", token: token)
                #expect(read.status == 200)
                let element = try #require(read.json?["elements"]?.arrayValue?.first)
                #expect(element["integrationContext"]?.stringValue == Harness.org)
                #expect(element["atsJobPostingId"]?.stringValue == "J1")
                #expect(element["exporter"]?["seat"]?.stringValue == Harness.seat)
                #expect(element["exporter"]?["email"]?.stringValue == "rita@example.com")
                #expect(element["candidate"]?["person"]?.stringValue == "urn:li:person:abc123")
                #expect(element["candidate"]?["headline"]?.stringValue == "Rear Admiral")
                #expect(element["candidate"]?["emailAddresses"] == nil)

                let unknown = try await h.call(.get, "/v2/exportedCandidates?q=request&requestId=missing", token: token)
                #expect(unknown.status == 404)
                #expect(unknown.isLinkedInError)
                let otherToken = try await h.token(clientID: Harness.otherClientID, secret: Harness.otherSecret)
                let foreign = try await h.call(
                    .get, "/v2/exportedCandidates?q=request&requestId=\(outcome.requestId)", token: otherToken)
                #expect(foreign.status == 403)
            }
        }
    }
}
