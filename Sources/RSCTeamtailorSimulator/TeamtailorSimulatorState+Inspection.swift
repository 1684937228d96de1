import Foundation
import RSCChangeEvents

/// A candidate with everything hanging under it, for inspection.
public struct SimulatedCandidateDetail: Sendable, Equatable {
    public var candidate: SimulatedTeamtailorRecord
    public var applications: [SimulatedTeamtailorRecord]
    public var notes: [SimulatedTeamtailorRecord]
    public var activities: [SimulatedTeamtailorRecord]
    public var interviews: [SimulatedTeamtailorRecord]
}

/// In-process inspection and control; the `/_simulator` endpoints are thin wrappers around these.
extension TeamtailorSimulatorState {
    // MARK: Companies

    /// Creates an empty company whose calls authenticate with `apiKey`; an existing company keeps its data
    /// and takes the new key.
    public func createCompany(id companyID: String, apiKey: String) throws(TeamtailorSimulatorError) {
        if let owner = companyByKey[apiKey], owner != companyID { throw .apiKeyInUse }
        if var existing = companies[companyID] {
            companyByKey[existing.apiKey] = nil
            existing.apiKey = apiKey
            companies[companyID] = existing
        } else {
            companies[companyID] = CompanyStore(companyID: companyID, apiKey: apiKey)
        }
        companyByKey[apiKey] = companyID
    }

    /// Replaces the company's data with seeded data (creating the company when `apiKey` is given); publishes
    /// no events: a seeded company is the history the first global sync reads through the API.
    @discardableResult
    public func seedCompany(id companyID: String, apiKey: String? = nil, _ seed: TeamtailorSeed) throws(TeamtailorSimulatorError)
        -> [SimulatedTeamtailorResource: Int]
    {
        if let apiKey { try createCompany(id: companyID, apiKey: apiKey) }
        guard let existing = companies[companyID] else { throw .unknownCompany(companyID) }
        var store = CompanyStore(companyID: companyID, apiKey: existing.apiKey)
        var seeder = CompanySeeder(seed, now: clock.now())
        seeder.fill(&store)
        companies[companyID] = store
        return recordCounts(company: companyID)
    }

    public func companyIDs() -> [String] { companies.keys.sorted() }

    // MARK: Records

    /// Every resource with its count (zeros included); empty for an unknown company.
    public func recordCounts(company companyID: String) -> [SimulatedTeamtailorResource: Int] {
        guard let store = companies[companyID] else { return [:] }
        return Dictionary(uniqueKeysWithValues: SimulatedTeamtailorResource.allCases.map { ($0, store.collection($0).count) })
    }

    /// Records in id order, `offset` and `limit` applied.
    public func records(
        _ resource: SimulatedTeamtailorResource, company companyID: String, offset: Int = 0, limit: Int = .max
    ) -> [SimulatedTeamtailorRecord] {
        guard let records = companies[companyID]?.collection(resource).records, offset < records.count else { return [] }
        let start = max(0, offset)
        return Array(records[start..<(start + min(limit, records.count - start))])
    }

    public func record(_ resource: SimulatedTeamtailorResource, id: Int, company companyID: String) -> SimulatedTeamtailorRecord? {
        companies[companyID]?.record(resource, id)
    }

    /// The record as the contract's entity state: what a change event for it would carry now.
    public func contractState(_ resource: SimulatedTeamtailorResource, id: Int, company companyID: String)
        -> (attributes: [String: JSONValue], relationships: [String: JSONValue])?
    {
        guard let store = companies[companyID], let record = store.record(resource, id) else { return nil }
        return ContractState.of(record, in: store)
    }

    public func candidateID(email: String, company companyID: String) -> Int? {
        companies[companyID]?.candidateID(email: email)
    }

    public func candidateDetail(id: Int, company companyID: String) -> SimulatedCandidateDetail? {
        guard let store = companies[companyID], let candidate = store.record(.candidates, id) else { return nil }
        func mine(_ resource: SimulatedTeamtailorResource) -> [SimulatedTeamtailorRecord] {
            store.collection(resource).records.filter { $0.link("candidate")?.id == id }
        }
        return SimulatedCandidateDetail(
            candidate: candidate, applications: mine(.jobApplications), notes: mine(.notes), activities: mine(.activities),
            interviews: mine(.interviews))
    }

    // MARK: Calls, limits, faults

    /// The last 10,000 `/v1` calls, oldest first.
    public func requestLog() -> [TeamtailorRequestLogEntry] { log.entries }

    /// 429 answers so far.
    public func throttledCount() -> Int { throttledCalls }

    public func injectedServerErrorCount() -> Int { faults.serverErrorsInjected }

    public func faultConfiguration() -> TeamtailorFaultConfiguration { faults.configuration }

    /// Replaces the fault settings and reseeds the generator.
    public func setFaults(_ configuration: TeamtailorFaultConfiguration) { faults.configure(configuration) }

    /// Calls per API key and window; the windows in progress restart.
    public func setRateLimit(_ limit: Int, window: Duration) {
        configuration.rateLimit = max(1, limit)
        configuration.rateLimitWindow = window
        rateLimiter = RateLimiter(limit: configuration.rateLimit, window: window)
    }

    public func rateLimit() -> (limit: Int, window: Duration) { (configuration.rateLimit, configuration.rateLimitWindow) }

    /// Forgets every company, the log, counters, rate windows and faults.
    public func reset() {
        companies = [:]
        companyByKey = [:]
        log.removeAll()
        throttledCalls = 0
        rateLimiter.reset()
        faults = FaultInjector()
    }
}
