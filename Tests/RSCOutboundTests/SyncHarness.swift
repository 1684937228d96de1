import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCLinkedInClient
import RSCLinkedInSimulator
@testable import RSCOutbound
import RSCSecrets
import RSCStore
import RSCTestSupport
import ServiceLifecycle

/// A company wired to a real PostgreSQL database and the LinkedIn simulator over HTTP, with events
/// applied as the consumer applies them and send rounds run as the sender runs them.
struct SyncHarness: Sendable {
    let client: PostgresClient
    let simulator: LinkedInSimulator
    let sender: CompanySender
    let store: EntityStateStore
    let logger = TestPostgres.logger
    static let secrets = try! SecretBox(currentKeyBase64: SecretBox.generateKeyBase64())

    static func run(
        simulatorConfiguration: LinkedInSimulatorConfiguration = .init(),
        quota: LinkedInQuota.Limits = .linkedIn,
        companies: [String] = ["1842"],
        _ body: @Sendable (SyncHarness) async throws -> Void
    ) async throws {
        try await TestLinkedIn.withSimulator(simulatorConfiguration) { simulator, endpoints in
            try await TestPostgres.withMigratedDatabase { client, _ async throws in
                let companyStore = CompanyStore(client: client, secrets: secrets, logger: TestPostgres.logger)
                for company in companies {
                    try await companyStore.add(NewCompany(
                        id: company, teamtailorToken: "tt-\(company)", linkedInClientID: "client-\(company)",
                        linkedInClientSecret: "secret-\(company)", organizationURN: organization(company),
                        contractURNs: ["urn:li:contract:\(company)"], jobsPrivate: false
                    ))
                    await simulator.registerApplication(clientID: "client-\(company)", clientSecret: "secret-\(company)", organization: organization(company))
                }
                let linkedIn = LinkedInClient(apiURL: endpoints.api, oauthURL: endpoints.oauth, http: HTTPClient.shared, timeout: .seconds(10), logger: TestPostgres.logger)
                let sender = CompanySender(
                    store: SyncRecordStore(client: client, logger: TestPostgres.logger),
                    quota: LinkedInQuota(client: client, limits: quota, logger: TestPostgres.logger),
                    linkedIn: linkedIn, companies: companyStore,
                    backoff: .init(initial: .milliseconds(50), maximum: .milliseconds(400)), parkFor: .seconds(2),
                    now: { Date() }, logger: TestPostgres.logger
                )
                try await body(SyncHarness(client: client, simulator: simulator, sender: sender, store: EntityStateStore(client: client, logger: TestPostgres.logger)))
            }
        }
    }

    static func organization(_ company: String) -> String { "urn:li:organization:\(company.filter(\.isNumber).isEmpty ? "9" : company.filter(\.isNumber))" }

    /// Rounds until the company has nothing due (waiting where the sender asks to wait), bounded in time.
    func drain(_ company: String = "1842", timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        var idleRounds = 0
        while ContinuousClock.now < deadline {
            switch try await sender.runRound(company: company) {
            case .progressed: idleRounds = 0
            case .idle:
                idleRounds += 1
                // Job tasks are polled on the round after they were submitted.
                if idleRounds >= 2, try await dueRecords(company) == 0, try await awaitingTasks(company) == 0 { return }
            case .waitUntil(let date), .followUpAt(let date):
                try await Task.sleep(for: .milliseconds(max(20, min(2_000, Int(date.timeIntervalSinceNow * 1_000)))))
            case .leaseLost:
                throw HarnessError.leaseLost(company)
            }
        }
        throw HarnessError.notDrained(company)
    }

    func dueRecords(_ company: String) async throws -> Int {
        try await client.query("SELECT count(*)::int FROM linkedin_send_queue WHERE company_id = \(company)", logger: logger)
            .decode(Int.self).reduce(0, +)
    }

    func awaitingTasks(_ company: String) async throws -> Int {
        try await client.query("SELECT count(*)::int FROM linkedin_records WHERE company_id = \(company) AND job_task_id IS NOT NULL", logger: logger)
            .decode(Int.self).reduce(0, +)
    }

    /// Runs the whole sender loop (`LinkedInSender`, as `rsc-outbound` does) while `body` runs, then stops it
    /// gracefully. Members are not read back unless `settings` says so, to keep them out of the request log.
    func withSender(
        _ configure: (inout LinkedInSender.Settings) -> Void = { _ in }, pace: ConsumerPace? = nil, _ body: () async throws -> Void
    ) async throws {
        var settings = LinkedInSender.Settings()
        settings.memberReadBackDelay = 3_600
        configure(&settings)
        let sender = LinkedInSender(
            postgres: client, linkedIn: self.sender.linkedIn, companies: self.sender.companies, settings: settings, pace: pace,
            logger: logger)
        let group = ServiceGroup(services: [sender], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let running = Task { try await group.run() }
        defer { running.cancel() }
        try await body()
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @discardableResult
    func apply(_ events: [ChangeEvent]) async throws -> EntityStateStore.Outcome {
        try await store.apply(events)
    }

    func held(_ resource: SimulatedResource, _ company: String = "1842") async -> [SimulatedRecordID: SimulatedJSON] {
        await simulator.state.records(resource, in: Self.organization(company))
    }

    func state(_ resource: String, _ id: String, parent: String = "", company: String = "1842") async throws -> (String, String?)? {
        let rows = try await client.query(
            """
            SELECT state, state_reason FROM linkedin_records
            WHERE company_id = \(company) AND resource = \(resource) AND record_id = \(id) AND parent_id = \(parent)
            """,
            logger: logger
        )
        for try await row in rows.decode((String, String?).self) { return row }
        return nil
    }
}

enum HarnessError: Error {
    case notDrained(String)
    case leaseLost(String)
}

/// Change events as Teamtailor's platform publishes them, with increasing versions.
final class EventFactory: @unchecked Sendable {
    private var version: Int64 = 1_000
    let company: String

    init(company: String = "1842") {
        self.company = company
    }

    func link(_ type: String, _ id: String) -> JSONValue { .object(["data": .object(["type": .string(type), "id": .string(id)])]) }

    func event(_ type: String, _ id: String, action: String = "update", attributes: [String: JSONValue] = [:], relationships: [String: JSONValue] = [:]) -> ChangeEvent {
        version += 1
        let prefix = ["jobs": "job", "candidates": "candidate", "job-applications": "job_application", "stages": "stage", "interviews": "interview", "comments": "comment"][type]!
        return ChangeEvent(
            eventID: UUID().uuidString, event: "\(prefix).\(action)", companyID: company, occurredAt: Date(), version: version,
            data: .init(id: id, type: type, attributes: attributes, relationships: relationships)
        )
    }

    func job(_ id: String, status: String = "open", title: String = "Backend Engineer") -> ChangeEvent {
        event("jobs", id, attributes: [
            "title": .string(title), "status": .string(status), "internal": .bool(false),
            "body": .string(String(repeating: "<p>We are hiring engineers who like Swift and Kubernetes.</p>", count: 3)),
            "created-at": .string("2026-10-01T08:00:00Z"),
            "location": .object(["city": .string("Stockholm"), "country-code": .string("SE")]),
        ])
    }

    func candidate(_ id: String, first: String? = "Åsa", last: String? = "Lindqvist", email: String? = "asa@example.com") -> ChangeEvent {
        event("candidates", id, attributes: [
            "first-name": first.map(JSONValue.string) ?? .null, "last-name": last.map(JSONValue.string) ?? .null,
            "email": email.map(JSONValue.string) ?? .null, "created-at": .string("2026-10-02T09:30:00Z"),
            "updated-at": .string("2026-10-02T09:30:00Z"),
        ])
    }

    func stage(_ id: String, name: String, job: String) -> ChangeEvent {
        event("stages", id, attributes: ["name": .string(name), "stage-type": .string("In process")], relationships: ["job": link("jobs", job)])
    }

    func application(_ id: String, candidate: String, job: String, stage: String, rejected: Bool = false, changedAt: String = "2026-10-05T08:00:00Z") -> ChangeEvent {
        event("job-applications", id, attributes: [
            "created-at": .string("2026-10-03T07:00:00Z"), "updated-at": .string("2026-10-06T07:00:00Z"),
            "changed-stage-at": .string(changedAt), "sourced": .bool(false),
            "rejected-at": rejected ? .string("2026-10-07T07:00:00Z") : .null,
            "reject-reason": rejected ? .string("Position filled") : .null,
        ], relationships: ["candidate": link("candidates", candidate), "job": link("jobs", job), "stage": link("stages", stage)])
    }

    func comment(_ id: String, candidate: String, application: String?, private isPrivate: Bool = false) -> ChangeEvent {
        event("comments", id, attributes: [
            "body": .string("Strong Swift background."), "private": .bool(isPrivate), "created-at": .string("2026-10-05T10:00:00Z"),
        ], relationships: [
            "candidate": link("candidates", candidate),
            "job-application": application.map { link("job-applications", $0) } ?? .object(["data": .null]),
        ])
    }

    func interview(_ id: String, candidate: String, application: String) -> ChangeEvent {
        event("interviews", id, attributes: [
            "created-at": .string("2026-10-08T10:00:00Z"), "note": .string("Good."), "recommendation": .string("yes"),
            "scores": .array([.object(["criterion": .string("Communication"), "value": .number(4), "max": .number(5)])]),
        ], relationships: ["candidate": link("candidates", candidate), "job-application": link("job-applications", application)])
    }

    func destroy(_ type: String, _ id: String) -> ChangeEvent {
        event(type, id, action: "destroy")
    }
}
