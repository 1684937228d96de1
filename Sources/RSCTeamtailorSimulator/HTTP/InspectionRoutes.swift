import Foundation
import Hummingbird
import RSCChangeEvents
import RSCSimulatorSupport

/// `/_simulator/…`: unauthenticated JSON endpoints for tests, the demo and benchmarks to seed, read and steer
/// the simulator. Each wraps a `TeamtailorSimulatorState` method; errors are JSON:API error documents too.
enum InspectionRoutes {
    static let prefix = "/_simulator"

    static func register(on router: Router<BasicRequestContext>, state: TeamtailorSimulatorState) {
        route(router, .get, "companies") { _, _ in
            .document(200, .object(["companies": .array(await state.companyIDs().map(JSONValue.string))]))
        }
        route(router, .post, "companies") { request, _ in
            let body = try await jsonBody(request)
            guard let id = body["companyId"]?.stringValue, !id.isEmpty, let key = body["apiKey"]?.stringValue, !key.isEmpty
            else { throw APIFailure.badRequest("Body must be {\"companyId\", \"apiKey\"}") }
            try await perform { () throws(TeamtailorSimulatorError) in try await state.createCompany(id: id, apiKey: key) }
            return .document(201, .object(["companyId": .string(id)]))
        }
        route(router, .post, "companies/:company/seed") { request, context in
            let company = context.parameters.get("company") ?? ""
            let body = try await jsonBody(request)
            let seed = try parseSeed(body)
            let counts = try await perform { () throws(TeamtailorSimulatorError) in
                try await state.seedCompany(id: company, apiKey: body["apiKey"]?.stringValue, seed)
            }
            return .document(201, .object(["companyId": .string(company), "counts": countsJSON(counts)]))
        }
        route(router, .get, "counts") { request, _ in
            let query = try QueryParameters(raw: request.uri.query)
            var ids = await state.companyIDs()
            if let company = query.first("companyId") { ids = [company] }
            var out: [String: JSONValue] = [:]
            for id in ids { out[id] = countsJSON(await state.recordCounts(company: id)) }
            return .document(200, .object(["counts": .object(out)]))
        }
        route(router, .get, "companies/:company/:resource") { request, context in
            let company = context.parameters.get("company") ?? ""
            let resource = try resourceParameter(context)
            let query = try QueryParameters(raw: request.uri.query)
            let offset = try count(query.first("offset")) ?? 0
            let limit = try count(query.first("limit")) ?? 100
            let records = await state.records(resource, company: company, offset: offset, limit: limit)
            let total = await state.recordCounts(company: company)[resource] ?? 0
            return .document(200, .object([
                "data": .array(records.map(\.json)), "meta": .object(["record-count": .number(Double(total))]),
            ]))
        }
        route(router, .get, "companies/:company/:resource/:id") { _, context in
            let company = context.parameters.get("company") ?? ""
            let resource = try resourceParameter(context)
            let id = try JSONAPIDocument.recordID(context.parameters.get("id") ?? "")
            if resource == .candidates {
                guard let detail = await state.candidateDetail(id: id, company: company) else {
                    throw APIFailure.notFound("No candidate \(id) in company \(company)")
                }
                return .document(200, .object([
                    "data": detail.candidate.json,
                    "applications": .array(detail.applications.map(\.json)), "notes": .array(detail.notes.map(\.json)),
                    "activities": .array(detail.activities.map(\.json)), "interviews": .array(detail.interviews.map(\.json)),
                ]))
            }
            guard let record = await state.record(resource, id: id, company: company) else {
                throw APIFailure.notFound("No \(resource.rawValue) \(id) in company \(company)")
            }
            return .document(200, .object(["data": record.json]))
        }
        route(router, .get, "requests") { request, _ in
            let query = try QueryParameters(raw: request.uri.query)
            var entries = await state.requestLog()
            if let limit = try count(query.first("limit")) { entries = Array(entries.suffix(limit)) }
            return .document(200, .object(["requests": .array(entries.map { entry in
                .object([
                    "method": .string(entry.method), "path": .string(entry.path), "status": .number(Double(entry.status)),
                    "companyId": entry.companyID.map(JSONValue.string) ?? .null,
                    "time": .string(TimestampText.format(entry.time)),
                ])
            })]))
        }
        route(router, .get, "stats") { _, _ in
            .document(200, .object([
                "throttled": .number(Double(await state.throttledCount())),
                "serverErrorsInjected": .number(Double(await state.injectedServerErrorCount())),
            ]))
        }
        route(router, .get, "faults") { _, _ in .document(200, faultsJSON(await state.faultConfiguration())) }
        route(router, .put, "faults") { request, _ in
            let faults = try parseFaults(try await jsonBody(request))
            await state.setFaults(faults)
            return .document(200, faultsJSON(faults))
        }
        route(router, .get, "rate-limit") { _, _ in
            let (limit, window) = await state.rateLimit()
            return .document(200, .object(["limit": .number(Double(limit)), "windowSeconds": .number(window.timeInterval)]))
        }
        route(router, .put, "rate-limit") { request, _ in
            let body = try await jsonBody(request)
            guard let limit = try count(body["limit"].flatMap(integerText)), limit >= 1,
                let seconds = try count(body["windowSeconds"].flatMap(integerText)), seconds >= 1
            else { throw APIFailure.badRequest("Body must be {\"limit\": N ≥ 1, \"windowSeconds\": N ≥ 1}") }
            await state.setRateLimit(limit, window: .seconds(seconds))
            return .noContent
        }
        route(router, .post, "reset") { _, _ in
            await state.reset()
            return .noContent
        }
    }

    private static func route(
        _ router: Router<BasicRequestContext>, _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> OutgoingResponse
    ) {
        router.on(RouterPath("\(prefix)/\(path)"), method: method) { request, context -> Response in
            do {
                return try await handler(request, context).response
            } catch let failure as APIFailure {
                return OutgoingResponse.failure(failure).response
            }
        }
    }

    private static func perform<T>(_ work: () async throws(TeamtailorSimulatorError) -> T) async throws(APIFailure) -> T {
        do {
            return try await work()
        } catch {
            switch error {
            case .unknownCompany: throw APIFailure.notFound(error.description)
            case .apiKeyInUse: throw APIFailure(status: 409, title: "Conflict", detail: error.description)
            case .refused(let status, let detail): throw APIFailure(status: status, title: "Refused", detail: detail)
            }
        }
    }

    private static func resourceParameter(_ context: BasicRequestContext) throws(APIFailure) -> SimulatedTeamtailorResource {
        let name = context.parameters.get("resource") ?? ""
        guard let resource = SimulatedTeamtailorResource(rawValue: name) else {
            throw APIFailure.notFound("Unknown resource \(name)")
        }
        return resource
    }

    private static func count(_ text: String?) throws(APIFailure) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), value >= 0 else { throw APIFailure.badRequest("\(text) is not a count") }
        return value
    }

    private static func integerText(_ value: JSONValue) -> String? {
        if case .number(let number) = value, number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
        return "invalid"
    }

    private static func jsonBody(_ request: Request) async throws(APIFailure) -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 1 << 20)
        } catch {
            throw APIFailure(status: 413, title: "Payload too large", detail: "Body too large")
        }
        guard let json = try? JSONValue.parse(Array(buffer.readableBytesView)), case .object = json else {
            throw APIFailure.badRequest("Body must be a JSON object")
        }
        return json
    }

    private static func countsJSON(_ counts: [SimulatedTeamtailorResource: Int]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, JSONValue.number(Double($0.value))) }))
    }

    /// `{"seed": 7, "users": 8, "jobs": 20, "candidates": 200, "applications": 400, "interviews"?, "notes"?, "historyDays"?}`;
    /// a field left out takes its default.
    static func parseSeed(_ body: JSONValue) throws(APIFailure) -> TeamtailorSeed {
        var seed = TeamtailorSeed()
        func field(_ name: String, limit: Int) throws(APIFailure) -> Int? {
            guard let value = body[name] else { return nil }
            guard let number = try count(integerText(value)), number <= limit else {
                throw APIFailure.badRequest("\(name) must be an integer within 0…\(limit)")
            }
            return number
        }
        if let value = try field("seed", limit: Int(Int32.max)) { seed.seed = UInt64(value) }
        if let value = try field("users", limit: 10_000) { seed.users = value }
        if let value = try field("jobs", limit: 100_000) { seed.jobs = value }
        if let value = try field("candidates", limit: 1_000_000) { seed.candidates = value }
        if let value = try field("applications", limit: 3_000_000) { seed.applications = value }
        if let value = try field("interviews", limit: 1_000_000) { seed.interviews = value }
        if let value = try field("notes", limit: 1_000_000) { seed.notes = value }
        if let value = try field("historyDays", limit: 36_500) { seed.historyDays = value }
        return seed
    }

    static func faultsJSON(_ faults: TeamtailorFaultConfiguration) -> JSONValue {
        .object([
            "serverErrorRate": .number(faults.serverErrorRate),
            "serverErrorStatuses": .array(faults.serverErrorStatuses.map { .number(Double($0)) }),
            "seed": .number(Double(faults.seed)),
            "latencyMilliseconds": .number((faults.latency.timeInterval * 1000).rounded()),
            "down": .bool(faults.down),
        ])
    }

    /// `{"serverErrorRate": 0.1, "serverErrorStatuses": [500, 503], "seed": 42, "latencyMilliseconds": 20, "down": false}`;
    /// a field left out takes its default.
    static func parseFaults(_ body: JSONValue) throws(APIFailure) -> TeamtailorFaultConfiguration {
        var faults = TeamtailorFaultConfiguration()
        if let value = body["serverErrorRate"] {
            guard case .number(let rate) = value, (0...1).contains(rate) else {
                throw APIFailure.badRequest("serverErrorRate must be a number within 0…1")
            }
            faults.serverErrorRate = rate
        }
        if let value = body["serverErrorStatuses"] {
            guard case .array(let items) = value else { throw APIFailure.badRequest("serverErrorStatuses must be an array") }
            var statuses: [Int] = []
            for item in items {
                guard case .number(let number) = item, (500...599).contains(number), number.rounded() == number else {
                    throw APIFailure.badRequest("serverErrorStatuses must hold 5xx statuses")
                }
                statuses.append(Int(number))
            }
            faults.serverErrorStatuses = statuses
        }
        if let value = body["seed"] {
            guard let seed = try count(integerText(value)) else { throw APIFailure.badRequest("seed must be a count") }
            faults.seed = UInt64(seed)
        }
        if let value = body["latencyMilliseconds"] {
            guard let millis = try count(integerText(value)), millis <= 600_000 else {
                throw APIFailure.badRequest("latencyMilliseconds must be an integer within 0…600000")
            }
            faults.latency = .milliseconds(millis)
        }
        if let value = body["down"] {
            guard let down = value.boolValue else { throw APIFailure.badRequest("down must be a boolean") }
            faults.down = down
        }
        return faults
    }
}
