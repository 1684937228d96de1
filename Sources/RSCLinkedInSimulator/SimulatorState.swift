import Foundation
import Logging
import RSCSimulatorSupport

/// Everything the simulator knows, inspectable and steerable in-process (see `SimulatorState+Inspection.swift`).
// One actor, so each LinkedIn call runs here whole (auth, faults, quota, validation, change) and either happens
// completely or not at all. The `/_simulator` HTTP endpoints call the same methods tests call directly.
public actor SimulatorState {
    let configuration: LinkedInSimulatorConfiguration
    let clock: any SimulatorClock

    var data = SimulatorData()
    var registry = ApplicationRegistry()
    var quota: QuotaLedger
    /// Call budgets other than the sync one (recruiter data, configuration), per application.
    var budgets: [APIEndpoint.CallBudget: QuotaLedger] = [:]
    /// Push notifications to customers' callback URLs, every attempt recorded.
    var notifications = NotificationLog()
    let pusher: PushDeliverer
    var faults = FaultInjector()
    var log: RequestLog
    /// client_id → 429 answers (quota and forced).
    var throttled: [String: Int] = [:]

    init(configuration: LinkedInSimulatorConfiguration, clock: any SimulatorClock, logger: Logger) {
        self.configuration = configuration
        self.clock = clock
        log = RequestLog(capacity: configuration.requestLogCapacity)
        quota = QuotaLedger(origin: clock.now())
        budgets = [.recruiterData: QuotaLedger(origin: clock.now()), .configuration: QuotaLedger(origin: clock.now())]
        pusher = PushDeliverer(
            attempts: configuration.pushAttempts, backoff: configuration.pushBackoff, timeout: configuration.pushTimeout,
            logger: logger)
        registry.registerPartner(clientID: configuration.partnerClientID, clientSecret: configuration.partnerClientSecret)
        if configuration.recordsAcceptanceLatency { data.acceptanceLatencies = [] }
    }

    /// The injected latency, slept by the HTTP layer before the call enters the actor.
    var latency: Duration { faults.configuration.latency }

    /// Answers one `/v2` call and logs it.
    func serveAPI(_ call: IncomingCall, endpoint: APIEndpoint) -> OutgoingResponse {
        let now = clock.now()
        var entry = RequestLogEntry(
            method: call.method, path: call.path, restliMethod: call.restliMethod, recordCount: 0, status: 0,
            time: now, clientID: nil)
        let response = handle(call, endpoint: endpoint, now: now, entry: &entry)
        record(&entry, response)
        return response
    }

    /// Logs a call that never reached an endpoint (unknown path, wrong method, body too large).
    func logUnrouted(_ call: IncomingCall, status: Int) {
        var entry = RequestLogEntry(
            method: call.method, path: call.path, restliMethod: call.restliMethod, recordCount: 0, status: status,
            time: clock.now(), clientID: try? registry.authenticate(call.authorization, now: clock.now()).clientID)
        record(&entry, OutgoingResponse(status: status))
    }

    func record(_ entry: inout RequestLogEntry, _ response: OutgoingResponse) {
        entry.status = response.status
        if response.status == 429, let client = entry.clientID { throttled[client, default: 0] += 1 }
        log.append(entry)
    }

    private func handle(_ call: IncomingCall, endpoint: APIEndpoint, now: Date, entry: inout RequestLogEntry)
        -> OutgoingResponse
    {
        let caller: ApplicationRegistry.Application
        do throws(APIError) {
            caller = try registry.authenticate(call.authorization, now: now)
        } catch {
            return .error(error)
        }
        entry.clientID = caller.clientID
        switch (endpoint.audience, caller.role) {
        case (.partner, .child):
            return .error(.forbidden("provisioning takes the partner application's token, not a child application's"))
        case (.child, .partner):
            return .error(.forbidden("the partner application may only call provisioning; use the customer's child application"))
        default: break
        }

        if let retryAfter = faults.takeForcedThrottle(clientID: caller.clientID) {
            return .error(.throttled("Too many requests (injected throttle)", retryAfter: retryAfter))
        }
        if let status = faults.drawServerError() {
            return .error(APIError(status: status, message: "Injected server error"))
        }
        if endpoint.budget != .sync {
            return handleBudgeted(call, endpoint: endpoint, caller: caller, now: now, entry: &entry)
        }
        if let retryAfter = quota.callRetryAfter(clientID: caller.clientID, now: now, configuration: configuration) {
            return .error(.throttled(
                "Resource level throttle APPLICATION DAY limit for calls to this application is reached",
                retryAfter: retryAfter))
        }

        let operation: PreparedOperation
        do throws(APIError) {
            operation = try prepare(call, endpoint: endpoint, caller: caller, now: now)
        } catch {
            // A malformed call still used a call, but no records.
            quota.consume(clientID: caller.clientID, records: 0, now: now, configuration: configuration)
            return .error(error)
        }
        entry.recordCount = operation.recordCount

        let records = operation.countsRecords ? operation.recordCount : 0
        if let retryAfter = quota.recordRetryAfter(
            clientID: caller.clientID, count: records, now: now, configuration: configuration)
        {
            return .error(.throttled(
                "Resource level throttle APPLICATION MINUTE limit for records of this application is reached",
                retryAfter: retryAfter))
        }
        quota.consume(clientID: caller.clientID, records: records, now: now, configuration: configuration)
        return run(operation, caller: caller, now: now)
    }

    /// Recruiter-data and configuration calls: their own daily call budget, no record quota.
    private func handleBudgeted(
        _ call: IncomingCall, endpoint: APIEndpoint, caller: ApplicationRegistry.Application, now: Date,
        entry: inout RequestLogEntry
    ) -> OutgoingResponse {
        let limit = endpoint.budget == .recruiterData
            ? configuration.recruiterDataCallsPerDay : configuration.configurationCallsPerDay
        var ledger = budgets[endpoint.budget] ?? QuotaLedger(origin: now)
        defer { budgets[endpoint.budget] = ledger }
        if let retryAfter = ledger.callRetryAfter(clientID: caller.clientID, now: now, configuration: configuration, limit: limit) {
            let what = endpoint.budget == .recruiterData ? "recruiter data" : "configuration"
            return .error(.throttled(
                "Resource level throttle APPLICATION DAY limit for \(what) calls of this application is reached",
                retryAfter: retryAfter))
        }
        ledger.consume(clientID: caller.clientID, records: 0, now: now, configuration: configuration)
        let operation: PreparedOperation
        do throws(APIError) {
            operation = try prepare(call, endpoint: endpoint, caller: caller, now: now)
        } catch {
            return .error(error)
        }
        entry.recordCount = operation.recordCount
        return run(operation, caller: caller, now: now)
    }

    private func run(_ operation: PreparedOperation, caller: ApplicationRegistry.Application, now: Date) -> OutgoingResponse {
        do throws(APIError) {
            let processing = configuration.jobTaskProcessingTime.components
            let context = OperationContext(
                now: now, caller: caller,
                jobTaskProcessingTime: TimeInterval(processing.seconds) + TimeInterval(processing.attoseconds) / 1e18)
            let body = try operation.apply(&data, context)
            // Provisioning creates child applications; they get tokens from now on.
            for application in data.onboarding.takePendingRegistrations() {
                registry.register(clientID: application.clientID, clientSecret: application.clientSecret, organization: "")
            }
            return operation.successStatus == 204 ? .noContent : .json(operation.successStatus, body)
        } catch {
            return .error(error)
        }
    }

    /// The method Rest.li's router infers without an `x-restli-method` header (`RestLiRouter`'s lookup table):
    /// a PUT with `ids` is a batch_update, a POST with `ids` a batch_partial_update. Only batch_create, which a
    /// plain create's signature collides with, needs the header.
    static func impliedRestliMethod(_ method: String, query: QueryParameters) -> RestliMethod? {
        guard query.names.contains(where: { $0 == "ids" || $0.hasPrefix("ids[") }) else { return nil }
        switch method.uppercased() {
        case "PUT": return .batchUpdate
        case "POST": return .batchPartialUpdate
        default: return nil
        }
    }

    /// Protocol-level checks every endpoint shares, then the endpoint's own.
    private func prepare(
        _ call: IncomingCall, endpoint: APIEndpoint, caller: ApplicationRegistry.Application, now: Date
    ) throws(APIError) -> PreparedOperation {
        if let version = call.restliProtocolVersion, version.trimmingCharacters(in: .whitespaces) != "1.0.0" {
            throw APIError.badRequest(
                "Unsupported X-RestLi-Protocol-Version \(version): these /v2 resources take Rest.li 1.0.0 keys")
        }
        let expected = endpoint.restliMethod.rawValue
        let query = try QueryParameters(raw: call.query)
        if endpoint.takesBody && !endpoint.restliMethod.headerOptional {
            guard let sent = call.restliMethod ?? Self.impliedRestliMethod(call.method, query: query)?.rawValue else {
                throw APIError.badRequest("Missing x-restli-method header: \(call.method) here must be \(expected)")
            }
            guard sent.lowercased() == expected else {
                throw APIError.badRequest("x-restli-method '\(sent)' is wrong: \(call.method) here must be \(expected)")
            }
        } else if let sent = call.restliMethod, sent.lowercased() != expected {
            throw APIError.badRequest("x-restli-method '\(sent)' does not fit \(call.method) (\(expected))")
        }

        var body: SimulatedJSON?
        if endpoint.takesBody {
            // LinkedIn's collection sends the provisioned application's update with a raw body and no JSON type
            // (Postman then says text/plain), and LinkedIn takes it.
            let lenient = endpoint.restliMethod == .partialUpdate && (call.mediaType == nil || call.mediaType == "text/plain")
            guard call.mediaType == "application/json" || lenient else {
                throw APIError(status: 415, message: "Content-Type must be application/json")
            }
            guard let bytes = call.body, !bytes.isEmpty else { throw APIError.badRequest("The request body is empty") }
            guard let json = SimulatedJSON.parse(bytes) else { throw APIError.badRequest("The request body is not valid JSON") }
            guard json.objectValue != nil else { throw APIError.badRequest("The request body must be a JSON object") }
            try NullRefusal.check(json)
            body = json
        }
        return try endpoint.prepare(APIRequest(call: call, caller: caller, query: query, body: body, now: now))
    }
}
