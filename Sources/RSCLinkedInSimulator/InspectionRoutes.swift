import Foundation
import Hummingbird
import RSCSimulatorSupport

/// `/_simulator/…`: unauthenticated JSON endpoints for tests, the demo and benchmarks to read and steer the
/// simulator. Each wraps a `SimulatorState` method; errors use LinkedIn's error body too.
enum InspectionRoutes {
    static let prefix = "/_simulator"

    static func register(on router: Router<BasicRequestContext>, state: SimulatorState) {
        route(router, .get, "applications") { _, _ in
            let list = await state.applications().map { application -> SimulatedJSON in
                [
                    "clientId": .string(application.clientID), "organization": .string(application.organization),
                    "revoked": .bool(application.revoked),
                ]
            }
            return .json(200, ["applications": .array(list)])
        }
        route(router, .post, "applications") { request, _ in
            let body = try await jsonBody(request)
            guard let clientID = body["clientId"]?.stringValue, !clientID.isEmpty,
                let secret = body["clientSecret"]?.stringValue, !secret.isEmpty,
                let organization = body["organization"]?.stringValue, !organization.isEmpty
            else { throw APIError.badRequest("Body must be {\"clientId\", \"clientSecret\", \"organization\"}") }
            await state.registerApplication(clientID: clientID, clientSecret: secret, organization: organization)
            let registered = await state.applications().first { $0.clientID == clientID }!
            return .json(201, ["clientId": .string(clientID), "organization": .string(registered.organization)])
        }
        for action in ["revoke", "restore", "invalidate-tokens"] {
            route(router, .post, "applications/:clientId/\(action)") { _, context in
                let clientID = QueryParameters.decode(context.parameters.get("clientId") ?? "") ?? ""
                let known: Bool
                switch action {
                case "revoke": known = await state.revokeTokens(clientID: clientID)
                case "restore": known = await state.restoreTokens(clientID: clientID)
                default: known = await state.invalidateTokens(clientID: clientID)
                }
                guard known else { throw APIError.notFound("No application with client id \(clientID)") }
                return .noContent
            }
        }
        route(router, .get, "records") { request, _ in
            let query = try QueryParameters(raw: request.uri.query)
            guard let context = query.first("integrationContext") else {
                throw APIError.badRequest("integrationContext is required")
            }
            let resources: [SimulatedResource]
            if let name = query.first("resource") {
                guard let resource = SimulatedResource(rawValue: name) else {
                    throw APIError.badRequest("Unknown resource \(name)")
                }
                resources = [resource]
            } else {
                resources = SimulatedResource.allCases
            }
            var out: JSONObject = [:]
            for resource in resources {
                out[resource.rawValue] = recordsJSON(await state.records(resource, in: context))
            }
            if resources.count == 1 {
                return .json(200, [
                    "integrationContext": .string(context), "resource": .string(resources[0].rawValue),
                    "records": out[resources[0].rawValue]!,
                ])
            }
            return .json(200, ["integrationContext": .string(context), "resources": .object(out)])
        }
        route(router, .get, "counts") { request, _ in
            let query = try QueryParameters(raw: request.uri.query)
            var contexts = await state.integrationContexts()
            if let context = query.first("integrationContext") { contexts = [context] }
            var out: JSONObject = [:]
            for context in contexts {
                let counts = await state.recordCounts(in: context)
                out[context] = .object(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, .int(Int64($0.value))) }))
            }
            return .json(200, ["counts": .object(out)])
        }
        route(router, .get, "matched-members") { request, _ in
            let query = try QueryParameters(raw: request.uri.query)
            guard let context = query.first("integrationContext"), let id = query.first("atsCandidateId") else {
                throw APIError.badRequest("integrationContext and atsCandidateId are required")
            }
            guard let members = await state.matchedMembers(atsCandidateId: id, in: context) else {
                throw APIError.notFound("atsCandidate \(id) does not exist in \(context)")
            }
            return .json(200, ["matchedMembers": .array(members.map(SimulatedJSON.string))])
        }
        route(router, .get, "requests") { request, _ in
            let query = try QueryParameters(raw: request.uri.query)
            var entries = await state.requestLog()
            if let text = query.first("limit") {
                guard let limit = Int(text), limit >= 0 else { throw APIError.badRequest("limit must be a count") }
                entries = Array(entries.suffix(limit))
            }
            return .json(200, ["requests": .array(entries.map(\.json))])
        }
        route(router, .get, "stats") { _, _ in
            let usages = await state.quotaUsages().mapValues { usage -> SimulatedJSON in
                ["recordsInWindow": .int(Int64(usage.recordsInWindow)), "callsInWindow": .int(Int64(usage.callsInWindow))]
            }
            return .json(200, [
                "tokenRequests": counts(await state.tokenRequestCounts()),
                "throttled": counts(await state.throttledCounts()),
                "throttledTotal": .int(Int64(await state.throttledCount())),
                "serverErrorsInjected": .int(Int64(await state.injectedServerErrorCount())),
                "quota": .object(usages),
            ])
        }
        route(router, .post, "no-member-emails") { request, _ in
            let body = try await jsonBody(request)
            guard let emails = body["emails"]?.arrayValue, emails.allSatisfy({ $0.stringValue != nil }) else {
                throw APIError.badRequest("Body must be {\"emails\": [\"…\"]}")
            }
            for email in emails.compactMap(\.stringValue) { await state.markNoMember(email: email) }
            return .noContent
        }
        route(router, .delete, "no-member-emails") { _, _ in
            await state.clearNoMemberEmails()
            return .noContent
        }
        route(router, .get, "faults") { _, _ in
            .json(200, faultsJSON(await state.faultConfiguration()))
        }
        route(router, .put, "faults") { request, _ in
            let faults = try parseFaults(try await jsonBody(request))
            await state.setFaults(faults)
            return .json(200, faultsJSON(faults))
        }
        route(router, .post, "faults/throttle") { request, _ in
            let body = try await jsonBody(request)
            guard let count = body["count"]?.intValue, count >= 0 else {
                throw APIError.badRequest("Body must be {\"count\": N, \"clientId\"?: \"…\", \"retryAfterSeconds\"?: N}")
            }
            let retryAfter = body["retryAfterSeconds"]?.intValue ?? 1
            guard retryAfter >= 1 else { throw APIError.badRequest("retryAfterSeconds must be at least 1") }
            await state.forceThrottle(
                nextCalls: Int(count), clientID: body["clientId"]?.stringValue, retryAfterSeconds: Int(retryAfter))
            return .noContent
        }
        route(router, .post, "reset") { _, _ in
            await state.reset()
            return .noContent
        }
        registerOnboarding(on: router, state: state)
        registerRecruiterData(on: router, state: state)
    }

    static func route(
        _ router: Router<BasicRequestContext>, _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> OutgoingResponse
    ) {
        router.on(RouterPath("\(prefix)/\(path)"), method: method) { request, context -> Response in
            do {
                return try await handler(request, context).response
            } catch let error as APIError {
                return OutgoingResponse.error(error).response
            } catch let error as SimulatorScriptError {
                return OutgoingResponse.error(APIError(status: error.status, message: error.message)).response
            }
        }
    }

    static func jsonBody(_ request: Request) async throws -> SimulatedJSON {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 1 << 20)
        } catch {
            throw APIError(status: 413, message: "Body too large")
        }
        guard let json = SimulatedJSON.parse(Data(buffer.readableBytesView)), json.objectValue != nil else {
            throw APIError.badRequest("Body must be a JSON object")
        }
        return json
    }

    private static func recordsJSON(_ records: [SimulatedRecordID: SimulatedJSON]) -> SimulatedJSON {
        var out: JSONObject = [:]
        for (id, record) in records {
            if let parent = id.parent {
                var children = out[parent]?.objectValue ?? [:]
                children[id.id] = record
                out[parent] = .object(children)
            } else {
                out[id.id] = record
            }
        }
        return .object(out)
    }

    private static func counts(_ counts: [String: Int]) -> SimulatedJSON {
        .object(counts.mapValues { .int(Int64($0)) })
    }

    static func faultsJSON(_ faults: FaultConfiguration) -> SimulatedJSON {
        [
            "serverErrorRate": .double(faults.serverErrorRate),
            "serverErrorStatuses": .array(faults.serverErrorStatuses.map { .int(Int64($0)) }),
            "seed": .int(Int64(bitPattern: faults.seed)),
            "latencyMilliseconds": .int(Int64((faults.latency.timeInterval * 1000).rounded())),
        ]
    }

    /// `{"serverErrorRate": 0.1, "serverErrorStatuses": [500, 503], "seed": 42, "latencyMilliseconds": 20}`;
    /// a field left out takes its default.
    static func parseFaults(_ body: SimulatedJSON) throws(APIError) -> FaultConfiguration {
        var faults = FaultConfiguration()
        if let value = body["serverErrorRate"] {
            let rate: Double
            switch value {
            case .int(let number): rate = Double(number)
            case .double(let number): rate = number
            default: throw APIError.badRequest("serverErrorRate must be a number")
            }
            guard (0...1).contains(rate) else { throw APIError.badRequest("serverErrorRate must be within 0…1") }
            faults.serverErrorRate = rate
        }
        if let value = body["serverErrorStatuses"] {
            guard let statuses = value.arrayValue?.compactMap(\.intValue), statuses.count == value.arrayValue?.count,
                statuses.allSatisfy({ (500...599).contains($0) })
            else { throw APIError.badRequest("serverErrorStatuses must be an array of 5xx statuses") }
            faults.serverErrorStatuses = statuses.map { Int($0) }
        }
        if let value = body["seed"] {
            guard let seed = value.intValue, seed >= 0 else { throw APIError.badRequest("seed must be a non-negative integer") }
            faults.seed = UInt64(seed)
        }
        if let value = body["latencyMilliseconds"] {
            guard let millis = value.intValue, (0...600_000).contains(millis) else {
                throw APIError.badRequest("latencyMilliseconds must be an integer within 0…600000")
            }
            faults.latency = .milliseconds(millis)
        }
        return faults
    }
}
