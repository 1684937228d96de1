import Foundation
import RSCChangeEvents
import RSCSimulatorSupport

/// Everything the simulator knows, inspectable and steerable in-process (see `TeamtailorSimulatorState+Inspection.swift`).
// One actor, so each call runs here whole (auth, version, rate limit, faults, change) and either happens
// completely or not at all. Change events leave with the answer; the HTTP layer hands them to the sink
// outside the actor, before it answers, so a client that has its answer knows the event was published.
public actor TeamtailorSimulatorState {
    let clock: any SimulatorClock
    var configuration: TeamtailorSimulatorConfiguration
    var companies: [String: CompanyStore] = [:]
    /// API key → company id.
    var companyByKey: [String: String] = [:]
    var rateLimiter: RateLimiter
    var faults = FaultInjector()
    var log = RequestLog()
    var events = ChangeEventFactory()
    var throttledCalls = 0

    init(configuration: TeamtailorSimulatorConfiguration, clock: any SimulatorClock) {
        self.configuration = configuration
        self.clock = clock
        rateLimiter = RateLimiter(limit: configuration.rateLimit, window: configuration.rateLimitWindow)
    }

    /// The injected latency, slept by the HTTP layer before the call enters the actor.
    var latency: Duration { faults.configuration.latency }

    /// Answers one `/v1` call and logs it; the events are what it changed, for the sink.
    func serveAPI(_ call: IncomingCall) -> (OutgoingResponse, [ChangeEvent]) {
        let now = clock.now()
        var entry = TeamtailorRequestLogEntry(method: call.method, path: call.path, status: 0, companyID: nil, time: now)
        let (response, changes) = answer(call, now: now, entry: &entry)
        var published: [ChangeEvent] = []
        if let companyID = entry.companyID, let store = companies[companyID] {
            published = changes.compactMap { events.event(for: $0, in: store, now: now) }
        }
        entry.status = response.status
        if response.status == 429 { throttledCalls += 1 }
        log.append(entry)
        return (response, published)
    }

    /// Logs a call that never reached the API (unknown path, body too large).
    func logUnrouted(_ call: IncomingCall, status: Int) {
        let company = call.apiKey.flatMap { companyByKey[$0] }
        log.append(TeamtailorRequestLogEntry(method: call.method, path: call.path, status: status, companyID: company, time: clock.now()))
    }

    /// Checked in this order: down → auth (401) → API version (406) → rate limit (429) → injected 5xx → the call.
    private func answer(_ call: IncomingCall, now: Date, entry: inout TeamtailorRequestLogEntry)
        -> (OutgoingResponse, [RecordChange])
    {
        if faults.configuration.down {
            return (.failure(APIFailure(status: 503, title: "Service unavailable", detail: "Teamtailor is down (injected)", retryAfter: 30)), [])
        }
        guard let key = call.apiKey, let companyID = companyByKey[key], var store = companies[companyID] else {
            return (.failure(.unauthorized), [])
        }
        entry.companyID = companyID
        guard let version = call.apiVersion, configuration.acceptedAPIVersions.contains(version) else {
            return (.failure(.invalidAPIVersion(current: configuration.currentAPIVersion)), [])
        }
        let reading = rateLimiter.admit(key: key, now: now)
        var response: OutgoingResponse
        var changes: [RecordChange] = []
        if let retryAfter = reading.retryAfter {
            response = .failure(APIFailure(
                status: 429, title: "Too many requests",
                detail: "Rate limit of \(reading.limit) requests per \(Int(configuration.rateLimitWindow.timeInterval)) s exceeded",
                retryAfter: retryAfter))
        } else if let status = faults.drawServerError() {
            response = .failure(APIFailure(status: status, title: "Server error", detail: "Injected server error"))
        } else {
            do throws(APIFailure) {
                let handled = try APIRequestHandler(call: call, configuration: configuration, now: now).handle(&store)
                response = handled.response
                changes = handled.changes
                // Written back only on success: a refused call changes nothing.
                companies[companyID] = store
            } catch {
                response = .failure(error)
            }
        }
        // Teamtailor/docs, versioning: "Successful API requests will have the used API version in the response
        // header `X-Api-Version`".
        if (200..<300).contains(response.status) { response.headers.append(("X-Api-Version", version)) }
        response.headers += [
            ("X-Rate-Limit-Limit", String(reading.limit)), ("X-Rate-Limit-Remaining", String(reading.remaining)),
            ("X-Rate-Limit-Reset", String(reading.resetSeconds)),
        ]
        return (response, changes)
    }

    /// Runs a Swift-side change on one company and returns its events (the simulator publishes them).
    func mutate<T>(
        company companyID: String, _ change: (inout CompanyStore, Date) throws(APIFailure) -> (T, [RecordChange])
    ) throws(TeamtailorSimulatorError) -> (T, [ChangeEvent]) {
        guard var store = companies[companyID] else { throw .unknownCompany(companyID) }
        let now = clock.now()
        let result: T
        let changes: [RecordChange]
        do throws(APIFailure) {
            (result, changes) = try change(&store, now)
        } catch {
            throw .refused(status: error.status, detail: error.items.first?.detail ?? "")
        }
        companies[companyID] = store
        return (result, changes.compactMap { events.event(for: $0, in: store, now: now) })
    }
}

/// A Swift-side seeding or mutation the simulator refused.
public enum TeamtailorSimulatorError: Error, Equatable, CustomStringConvertible {
    case unknownCompany(String)
    case apiKeyInUse
    /// The same rule the API applies refused it (status as the API would answer).
    case refused(status: Int, detail: String)

    public var description: String {
        switch self {
        case .unknownCompany(let id): "No simulated company \(id)"
        case .apiKeyInUse: "That API key belongs to another company"
        case .refused(let status, let detail): "Refused with \(status): \(detail)"
        }
    }
}
