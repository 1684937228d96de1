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
                guard case .created(let app) = try await client.provisionOrReportApplication(
                    uniqueForeignId: "tt-7", name: "Teamtailor - Acme", description: "Acme", jsSdkDomains: ["https://app.teamtailor.com"],
                    partner: Self.partner)
                else { Issue.record("the first create must create"); return }
                // A second create meets the first: reported with its client id, and no secret (LinkedIn never shows it again).
                let again = try await client.provisionOrReportApplication(
                    uniqueForeignId: "tt-7", name: "Teamtailor - Acme", description: "Acme", partner: Self.partner)
                guard case .existsWithoutSecret(let listing) = again else { Issue.record("expected the existing application"); return }
                #expect(listing.key == app.key && listing.clientID == app.credentials.clientID)
                #expect(listing.validJsSdkDomains == ["https://app.teamtailor.com"])
                #expect(await h.state.childApplicationCount(uniqueForeignId: "tt-7") == 1)
                #expect(try await client.findProvisionedApplication(uniqueForeignId: "nobody", partner: Self.partner) == nil)
                try await client.updateApplication(key: app.key, validJsSdkDomains: ["https://tt.example.com"], partner: Self.partner)
                #expect(try await client.findProvisionedApplication(uniqueForeignId: "tt-7", partner: Self.partner)?.validJsSdkDomains
                    == ["https://tt.example.com"])

                await h.state.completeOnboarding(clientID: app.credentials.clientID, organization: Harness.org)
                try await h.state.addSeat(
                    Harness.seat, contract: Harness.contract, organization: Harness.org, firstName: "Rita",
                    lastName: "Recruiter", email: "rita@example.com")
                let keys = ATSIntegrationKey.all(organization: Harness.org, contracts: [Harness.contract])
                let named = try await client.nameIntegrations(keys, name: "Teamtailor", application: app.credentials)
                #expect(named.count == 4 && named.values.allSatisfy { $0 == .accepted })
                let callback = try await client.configureIntegration(
                    [("CALLBACK_URL", url), ("JOB_POSTING_VIEWERS", "ALL_PRODUCT_USERS")],
                    integration: ATSIntegrationKey(context: Harness.org, type: .oneClickExport), application: app.credentials)
                #expect(callback == ["CALLBACK_URL": .accepted, "JOB_POSTING_VIEWERS": .accepted])
                let viewers = try await client.configureIntegration(
                    [("APPLICATION_VIEWERS", "ALL_PRODUCT_USERS")],
                    integration: ATSIntegrationKey(context: Harness.org, type: .inATSIndicator), application: app.credentials)
                #expect(viewers == ["APPLICATION_VIEWERS": .accepted])
                // One BATCH_GET reads all four, whatever field order and encoding the answer's keys use.
                let checked = try await client.integrations(keys, application: app.credentials)
                #expect(checked.count == 4 && checked.values.allSatisfy { $0 == .named(name: "Teamtailor", status: nil) })

                let change = try await h.state.setIntegrationStatus(.enabled, organization: Harness.org)
                let push = try #require(receiver.received.last)
                #expect(LinkedInWebhookSignature.verify(
                    signature: push.signature ?? "", body: Array(push.body), secret: app.credentials.clientSecret))
                #expect(!LinkedInWebhookSignature.verify(
                    signature: push.signature ?? "", body: Array(push.body), secret: Harness.secret))
                let enabled = try await client.integrations(keys, application: app.credentials)
                #expect(enabled.values.allSatisfy { $0 == .named(name: "Teamtailor", status: "ENABLED") })
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
                #expect(first.elements.allSatisfy { Int64($0.id) != nil }, "numeric ids decode as text")
                #expect(first.elements[1].visibility == .private)
                #expect(first.nextStart == 2)
                let second = try await client.prospectNotes(
                    contract: Harness.contract, owners: [Harness.seat], window: window, start: 2, count: 2,
                    application: app.credentials)
                #expect(second.elements.map(\.note) == ["n30"])
                #expect(!second.hasMore)

                let seats = try await client.seats(contract: Harness.contract, application: app.credentials)
                #expect(seats.elements.map(\.seat) == [Harness.seat], "urn:li:seat:{id} from seatsV2's id")
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
