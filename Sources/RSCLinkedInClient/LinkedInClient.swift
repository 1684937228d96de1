import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import RSCChangeEvents

/// The credentials of one company's LinkedIn child application.
public struct LinkedInApplication: Sendable, Hashable {
    public var clientID: String
    public var clientSecret: String

    public init(clientID: String, clientSecret: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
    }
}

/// LinkedIn's RSC API over HTTP: one call per method, exact keys, headers and bodies per LinkedIn's
/// reference, per-record results. It does not retry: the caller owns the quota and the backoff.
///
/// Reads no environment; the worker passes `LINKEDIN_API_URL` and `LINKEDIN_OAUTH_URL`.
public final class LinkedInClient: Sendable {
    let apiURL: String
    let oauthURL: String
    let http: HTTPClient
    let tokens: AccessTokenCache
    let timeout: TimeAmount
    let logger: Logger

    public init(
        apiURL: URL, oauthURL: URL, http: HTTPClient, timeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.apiURL = apiURL.absoluteString.hasSuffix("/") ? String(apiURL.absoluteString.dropLast()) : apiURL.absoluteString
        self.oauthURL = oauthURL.absoluteString
        self.http = http
        self.tokens = AccessTokenCache(now: now)
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000)
        self.logger = logger
    }

    // MARK: - Sync resources

    /// `PUT /v2/atsCandidates?ids…` (batch_update, full replace).
    public func upsertCandidates(_ records: [(id: String, body: JSONValue)], context: String, application: LinkedInApplication) async throws -> [String: RecordResult] {
        let answer = try await send(LinkedInRequests.upsertCandidates(records, context: context), application: application)
        return Self.recordResults(answer, keys: records.map { (.compound(RestliKey.candidate($0.id, context: context)), $0.id) })
    }

    /// `PUT /v2/atsApplications?ids…` (batch_update: always the whole record).
    public func upsertApplications(_ records: [(id: String, body: JSONValue)], context: String, application: LinkedInApplication) async throws -> [String: RecordResult] {
        let answer = try await send(LinkedInRequests.upsertApplications(records, context: context), application: application)
        return Self.recordResults(answer, keys: records.map { (.compound(RestliKey.application($0.id, context: context)), $0.id) })
    }

    public func deleteCandidates(_ ids: [String], context: String, application: LinkedInApplication) async throws {
        _ = try await send(LinkedInRequests.deleteCandidates(ids, context: context), application: application)
    }

    public func deleteApplications(_ ids: [String], context: String, application: LinkedInApplication) async throws {
        _ = try await send(LinkedInRequests.deleteApplications(ids, context: context), application: application)
    }

    /// Sub-records (`notes`, `stages`, `interviewFeedback`) under one candidate or application.
    public enum SubResource: String, Sendable {
        case candidateNotes = "notes"
        case applicationNotes = "application-notes"
        case stages
        case interviewFeedback

        var parentCollection: String { self == .candidateNotes ? "atsCandidates" : "atsApplications" }
        var pathName: String { self == .applicationNotes ? "notes" : rawValue }
    }

    public func upsertSubRecords(_ subResource: SubResource, parentID: String, records: [(id: String, body: JSONValue)], context: String, application: LinkedInApplication) async throws -> [String: RecordResult] {
        let answer = try await send(LinkedInRequests.upsertSubRecords(subResource, parentID: parentID, records: records, context: context), application: application)
        return Self.recordResults(answer, keys: records.map { ($0.id, $0.id) })
    }

    public func deleteSubRecords(_ subResource: SubResource, parentID: String, ids: [String], context: String, application: LinkedInApplication) async throws {
        _ = try await send(LinkedInRequests.deleteSubRecords(subResource, parentID: parentID, ids: ids, context: context), application: application)
    }

    /// `POST /v2/simpleJobPostings` (batch_create). Per job: a task id to poll, or LinkedIn's refusal.
    public func createJobPostings(_ elements: [(id: String, body: JSONValue)], application: LinkedInApplication) async throws -> [String: JobPostingSubmission] {
        let request = LinkedInRequests.createJobPostings(elements.map(\.body))
        let answer = try await send(request, application: application)
        guard case .array(let results)? = answer["elements"], results.count == elements.count else {
            throw LinkedInError(kind: .unreadable, status: 200, message: "batch_create answer has no element per job", call: request.call)
        }
        var submissions: [String: JobPostingSubmission] = [:]
        for (element, result) in zip(elements, results) {
            if let task = result["id"]?.stringValue {
                submissions[element.id] = .task(task)
            } else {
                submissions[element.id] = .refused(status: result["status"].flatMap(Self.integer) ?? 422, message: result["message"]?.stringValue ?? "refused")
            }
        }
        return submissions
    }

    /// `GET /v2/simpleJobPostingTasks?ids=…`: how each submitted job ended.
    public func jobPostingTasks(_ taskIDs: [String], application: LinkedInApplication) async throws -> [String: JobPostingTaskStatus] {
        let answer = try await send(LinkedInRequests.jobPostingTasks(taskIDs), application: application)
        return Self.decodeJobPostingTasks(answer, taskIDs: taskIDs)
    }

    /// A `simpleJobPostingTasks` BATCH_GET answer (the SDK's `JobTaskStatusResponse`): per task, `status`
    /// `IN_PROGRESS` (pending), `SUCCEEDED` or `PROCESSED` (done), `FAILED` with the reason in `errorMessage`.
    /// A status this client does not know stays pending (the SDK reads it as `UNKNOWN`); a task the answer
    /// leaves out is absent.
    public static func decodeJobPostingTasks(_ answer: JSONValue, taskIDs: [String]) -> [String: JobPostingTaskStatus] {
        let batch = RestliBatchAnswer(answer)
        var statuses: [String: JobPostingTaskStatus] = [:]
        for task in taskIDs {
            guard let result = batch.entry(.results, simple: task) else { continue }
            switch result["status"]?.stringValue {
            case "SUCCEEDED", "PROCESSED": statuses[task] = .succeeded
            case "FAILED":
                let reason = result["errorMessage"]?.stringValue ?? result["message"]?.stringValue
                statuses[task] = .failed(message: reason ?? "LinkedIn could not process the job")
            default: statuses[task] = .pending
            }
        }
        return statuses
    }

    /// `GET /v2/atsCandidates?ids…&fields=matchedMembers,manualMatchedMember`: the person URN per candidate.
    public func matchedMembers(_ candidateIDs: [String], context: String, application: LinkedInApplication) async throws -> [String: String] {
        let answer = try await send(LinkedInRequests.matchedMembers(candidateIDs, context: context), application: application)
        return Self.decodeMatchedMembers(answer, candidateIDs: candidateIDs, context: context)
    }

    /// The person URN per candidate in an atsCandidates BATCH_GET answer: `manualMatchedMember`, else the
    /// first of `matchedMembers`; a candidate with neither (or a null) is absent.
    public static func decodeMatchedMembers(_ answer: JSONValue, candidateIDs: [String], context: String) -> [String: String] {
        let batch = RestliBatchAnswer(answer)
        var members: [String: String] = [:]
        for id in candidateIDs {
            guard let result = batch.entry(.results, RestliKey.candidate(id, context: context)) else { continue }
            if let manual = result["manualMatchedMember"]?.stringValue {
                members[id] = manual
            } else if case .array(let matched)? = result["matchedMembers"], let first = matched.first?.stringValue {
                members[id] = first
            }
        }
        return members
    }

    /// Links a candidate to a member by hand (`manualMatchedMember`), as after an export.
    public func linkMember(candidateID: String, person: String, context: String, application: LinkedInApplication) async throws -> RecordResult {
        let answer = try await send(LinkedInRequests.linkMember(candidateID: candidateID, person: person, context: context), application: application)
        let key = RestliKey.candidate(candidateID, context: context).bodyForm
        return Self.recordResults(answer, keys: [(key, candidateID)])[candidateID] ?? .missing
    }

    // MARK: - Transport

    /// LinkedIn's batch answer: `{"results": {KEY: {"status": 204}}, "errors": {KEY: {"status": 422, "message"}}}`.
    /// Keys are matched by meaning (`RestliBatchAnswer`): a compound key in any field order or encoding, a simple
    /// id raw or percent-encoded.
    public static func decodeRecordResults(_ answer: JSONValue, keys: [(answerKey: String, id: String)]) -> [String: RecordResult] {
        recordResults(answer, keys: keys)
    }

    static func recordResults(_ answer: JSONValue, keys: [(answerKey: String, id: String)]) -> [String: RecordResult] {
        recordResults(answer, keys: keys.map { (RestliBatchAnswer.AnswerKey($0.answerKey), $0.id) })
    }

    /// Keys we built ourselves go in as they are: writing a key as text only to parse it back cost as much as
    /// reading the answer.
    static func recordResults(_ answer: JSONValue, keys: [(answerKey: RestliBatchAnswer.AnswerKey, id: String)]) -> [String: RecordResult] {
        let batch = RestliBatchAnswer(answer)
        var results: [String: RecordResult] = [:]
        results.reserveCapacity(keys.count)
        for (answerKey, id) in keys {
            if let error = batch.entry(.errors, answerKey) {
                results[id] = .refused(status: error["status"].flatMap(integer) ?? 400, message: error["message"]?.stringValue ?? "refused")
            } else if let result = batch.entry(.results, answerKey), let status = result["status"].flatMap(integer) {
                results[id] = (200..<300).contains(status) ? .accepted : .refused(status: status, message: result["message"]?.stringValue ?? "refused")
            } else {
                results[id] = .missing
            }
        }
        return results
    }

    static func integer(_ value: JSONValue) -> Int? {
        if case .number(let number) = value { return Int(number) }
        return value.stringValue.flatMap { Int($0) }
    }

    /// One call with the application's token; a 401 is retried once with a fresh token (it may have
    /// been revoked early or the clocks disagree) before the verdict "access lost".
    func send(_ call: LinkedInRequest, application: LinkedInApplication) async throws -> JSONValue {
        var refreshed = false
        while true {
            let token = try await accessToken(application)
            var request = HTTPClientRequest(url: apiURL + call.path)
            request.method = HTTPMethod(rawValue: call.method.rawValue)
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "X-Restli-Protocol-Version", value: "1.0.0")
            if let restliMethod = call.restliMethod { request.headers.add(name: "x-restli-method", value: restliMethod) }
            if let body = call.body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: body.canonicalBytes))
            }
            let (status, headers, answer) = try await execute(request, call: call.call)
            Counter(label: "rsc_linkedin_calls_total", dimensions: [("call", call.call), ("status", "\(status)")]).increment()
            switch status {
            case 200..<300:
                return answer ?? .object([:])
            case 401 where !refreshed:
                await tokens.invalidate(application.clientID)
                refreshed = true
                continue
            default:
                throw Self.error(status: status, headers: headers, answer: answer, call: call.call)
            }
        }
    }

    func accessToken(_ application: LinkedInApplication) async throws -> String {
        try await tokens.token(for: application.clientID) { [self] in
            var request = HTTPClientRequest(url: oauthURL)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let form = "grant_type=client_credentials&client_id=\(RestliKey.encode(application.clientID))&client_secret=\(RestliKey.encode(application.clientSecret))"
            request.body = .bytes(ByteBuffer(string: form))
            let call = "POST oauth/v2/accessToken"
            let (status, headers, answer) = try await execute(request, call: call)
            guard (200..<300).contains(status) else {
                // A refused client secret is lost access, whatever the status LinkedIn chose.
                var error = Self.error(status: status, headers: headers, answer: answer, call: call)
                if (400..<500).contains(status) && status != 429 { error.kind = .accessLost }
                throw error
            }
            guard let token = answer?["access_token"]?.stringValue, let lifetime = answer?["expires_in"].flatMap(Self.integer) else {
                throw LinkedInError(kind: .unreadable, status: status, message: "token answer lacks access_token or expires_in", call: call)
            }
            return (token, TimeInterval(lifetime))
        }
    }

    func execute(_ request: HTTPClientRequest, call: String) async throws -> (Int, HTTPHeaders, JSONValue?) {
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: timeout, logger: logger)
            bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        } catch let error as LinkedInError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw LinkedInError(kind: .transient, status: nil, message: "no answer (\(type(of: error)): \(error))", call: call)
        }
        let status = Int(response.status.code)
        let data = Data(bytes.readableBytesView)
        let answer = data.isEmpty ? nil : try? JSONValue.parse(Array(data))
        if answer == nil && !data.isEmpty && (200..<300).contains(status) {
            throw LinkedInError(kind: .unreadable, status: status, message: "answer is not JSON", call: call)
        }
        return (status, response.headers, answer)
    }

    static func error(status: Int, headers: HTTPHeaders, answer: JSONValue?, call: String) -> LinkedInError {
        let message = answer?["message"]?.stringValue ?? "HTTP \(status)"
        let kind: LinkedInError.Kind
        switch status {
        case 429: kind = .rateLimited(retryAfterSeconds: headers.first(name: "Retry-After").flatMap { Int($0) })
        case 401, 403: kind = .accessLost
        case 408, 500...: kind = .transient
        default: kind = .rejected
        }
        return LinkedInError(kind: kind, status: status, message: message, call: call)
    }
}

/// What LinkedIn said to one job of a `simpleJobPostings` batch.
public enum JobPostingSubmission: Sendable, Equatable {
    case task(String)
    case refused(status: Int, message: String)
}

/// How a submitted job posting ended.
public enum JobPostingTaskStatus: Sendable, Equatable {
    case pending
    case succeeded
    case failed(message: String)
}
