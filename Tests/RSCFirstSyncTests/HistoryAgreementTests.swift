import AsyncHTTPClient
import Foundation
import Logging
import RSCChangeEvents
import RSCFirstSync
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import Testing

/// The first sync's reading against the simulator's own truth: every record of a seeded company, read through
/// the published API (history pages, includes, offsets) and mapped, is the state the simulator's change event
/// for it would carry. The two sides share no code, so a mapping that loses a relationship or renames an
/// attribute fails here.
@Suite("history read through the API agrees with Teamtailor's change events")
struct HistoryAgreementTests {
    @Test("every job, stage, candidate, application and comment maps to the state its change event carries")
    func everyRecordAgrees() async throws {
        let simulator = TeamtailorSimulator(configuration: .init(), logger: Logger(label: "tt"))
        let url = try await simulator.start()
        defer { Task { await simulator.stop() } }
        try await simulator.state.seedCompany(
            id: "1842", apiKey: "key", TeamtailorSeed(seed: 8, users: 4, jobs: 25, candidates: 120, applications: 300))
        await simulator.state.setRateLimit(100_000, window: .seconds(10))
        let client = TeamtailorClient(baseURL: url, http: .shared, logger: Logger(label: "client"))
        let key = TeamtailorCredentials(apiKey: "key")
        let users = Dictionary(uniqueKeysWithValues: try await client.users(credentials: key).map {
            ($0.id, HistoryMapping.Author(email: $0.email, name: $0.name))
        })
        let resources: [(TeamtailorResource, SimulatedTeamtailorResource)] = [
            (.jobs, .jobs), (.stages, .stages), (.candidates, .candidates), (.jobApplications, .jobApplications), (.notes, .notes),
        ]
        for (resource, simulated) in resources {
            var cursor: HistoryCursor?
            var read = 0
            repeat {
                let page = try await client.historyPage(resource, after: cursor, credentials: key)
                for record in page.records {
                    let event = try #require(HistoryMapping.event(companyID: "1842", resource: resource, record: record, page: page, users: users))
                    let truth = try #require(await simulator.state.contractState(simulated, id: Int(record.id)!, company: "1842"))
                    var expectedRelationships = truth.relationships
                    if resource == .notes {
                        // The API gives no application for a note: the history files every comment under its candidate.
                        expectedRelationships["job-application"] = .object(["data": .null])
                    }
                    #expect(event.data.attributes == truth.attributes, "\(resource.rawValue) \(record.id)")
                    #expect(event.data.relationships == expectedRelationships, "\(resource.rawValue) \(record.id)")
                }
                read += page.records.count
                cursor = page.history
            } while cursor != nil
            #expect(read == (await simulator.state.recordCounts(company: "1842")[simulated] ?? -1), "\(resource.rawValue)")
        }
    }
}
