import AsyncHTTPClient
import Foundation
import Logging
import RSCLinkedInClient
import RSCLinkedInSimulator
import Testing

/// The client's onboarding, export and recruiter-data calls against the simulator: the two sides agree on
/// every shape (keys in answers, element fields, paging, error verdicts).
@Suite("LinkedInClient against the simulator")
struct ClientAgainstSimulatorTests {
    static let partner = LinkedInApplication(clientID: "rsc-partner", clientSecret: "rsc-partner-secret")

    static func client(_ h: Harness) async throws -> LinkedInClient {
        let port = try await h.simulator.waitUntilListening()
        let base = URL(string: "http://127.0.0.1:\(port)")!
        var logger = Logger(label: "client-test")
        logger.logLevel = .warning
        return LinkedInClient(
            apiURL: base, oauthURL: base.appendingPathComponent("oauth/v2/accessToken"), http: HTTPClient.shared,
            logger: logger)
    }

    @Test("the client provisions once, onboards, verifies the push, and reads status, export and recruiter data")
    func onboardingToInbound() async throws {
        let receiver = CallbackReceiver(challengeSecret: "unused")
        try await withReceiver(receiver) { url in
            try await withSimulator(PushTests.fastRetries) { h in
                let client = try await Self.client(h)
                let app = try await client.provisionOrFindApplication(
                    uniqueForeignId: "tt-7", name: "Teamtailor - Acme", description: "Acme", partner: Self.partner)
                let again = try await client.provisionOrFindApplication(
                    uniqueForeignId: "tt-7", name: "Teamtailor - Acme", description: "Acme", partner: Self.partner)
                #expect(again == app)
                #expect(await h.state.childApplicationCount(uniqueForeignId: "tt-7") == 1)
                #expect(try await client.findProvisionedApplication(uniqueForeignId: "nobody", partner: Self.partner) == nil)

                await h.state.completeOnboarding(clientID: app.credentials.clientID, organization: Harness.org)
                try await h.state.addSeat(
                    Harness.seat, contract: Harness.contract, organization: Harness.org, firstName: "Rita",
                    lastName: "Recruiter", email: "rita@example.com")
                let keys = ATSIntegrationKey.all(organization: Harness.org, contracts: [Harness.contract])
                let named = try await client.nameIntegrations(keys, name: "Teamtailor", application: app.credentials)
                #expect(named.count == 4 && named.values.allSatisfy { $0 == .accepted })
                let callback = try await client.registerCallbackURL(
                    url, integration: ATSIntegrationKey(context: Harness.org, type: .oneClickExport),
                    application: app.credentials)
                #expect(callback == .accepted)

                let change = try await h.state.setIntegrationStatus(.enabled, organization: Harness.org)
                let push = try #require(receiver.received.last)
                #expect(LinkedInWebhookSignature.verify(
                    signature: push.signature ?? "", body: Array(push.body), secret: app.credentials.clientSecret))
                #expect(!LinkedInWebhookSignature.verify(
                    signature: push.signature ?? "", body: Array(push.body), secret: Harness.secret))
                let statuses = try await client.integrationStatus(requestId: change.requestId, application: app.credentials)
                #expect(statuses.count == 4 && statuses.allSatisfy(\.enabled))
                #expect(Set(statuses.map(\.key)) == Set(keys))

                let outcome = try await h.state.exportCandidate(
                    organization: Harness.org, seat: Harness.seat,
                    profile: ExportedProfile(person: "urn:li:person:abc", firstName: "Grace", emailAddresses: ["g@example.com"]))
                let exported = try await client.exportedCandidate(requestId: outcome.requestId, application: app.credentials)
                #expect(exported.integrationContext == Harness.org)
                #expect(exported.exporter.seat == Harness.seat)
                #expect(exported.candidate.emailAddresses == ["g@example.com"])
                #expect(exported.candidate.phoneNumbers.isEmpty)
                do {
                    _ = try await client.exportedCandidate(requestId: "missing", application: app.credentials)
                    Issue.record("an unknown request id must fail")
                } catch let error as LinkedInError {
                    #expect(error.status == 404 && error.kind == .rejected)
                }

                let now = h.clock.now()
                for minutes in [50, 40, 30] {
                    try await h.state.addProspectNote(
                        owner: Harness.seat, member: "urn:li:person:m1", note: "n\(minutes)",
                        visibility: minutes == 40 ? .private : .public, at: now.addingTimeInterval(-Double(minutes) * 60))
                }
                let window = RecruiterDataWindow(start: now.epochMillis - 3_600_000, end: now.epochMillis)
                let first = try await client.prospectNotes(
                    contract: Harness.contract, owners: [Harness.seat], window: window, count: 2, application: app.credentials)
                #expect(first.elements.map(\.note) == ["n50", "n40"])
                #expect(first.elements[1].visibility == .private)
                #expect(first.nextStart == 2)
                let second = try await client.prospectNotes(
                    contract: Harness.contract, owners: [Harness.seat], window: window, start: 2, count: 2,
                    application: app.credentials)
                #expect(second.elements.map(\.note) == ["n30"])
                #expect(!second.hasMore)

                let seats = try await client.seats(contract: Harness.contract, application: app.credentials)
                #expect(seats.elements.map(\.seat) == [Harness.seat])
                #expect(seats.elements.first?.email == "rita@example.com")

                do {
                    _ = try await client.seats(contract: Harness.contract, application: Self.partner)
                    Issue.record("the partner token must be refused on recruiter data")
                } catch let error as LinkedInError {
                    #expect(error.status == 403 && error.kind == .accessLost)
                }
            }
        }
    }
}

extension Date {
    fileprivate var epochMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
}
