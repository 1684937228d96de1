import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import RSCChangeEvents
import Synchronization

/// Teamtailor's API over HTTP (JSON:API): one method per call, pages with a resumable cursor, errors with a
/// verdict. It does not retry: the caller owns the backoff and reads `rateLimit(for:)` to throttle.
///
/// Reads no environment; the worker passes `TEAMTAILOR_API_URL` (regional: `https://api.teamtailor.com`,
/// `https://api.na.teamtailor.com`, `https://api.au.teamtailor.com`). Logs and metrics name the call and the
/// status only: never the key, an email, a name or a note.
public final class TeamtailorClient: Sendable {
    let baseURL: String
    let http: HTTPClient
    let timeout: TimeAmount
    let logger: Logger
    let now: @Sendable () -> Date
    /// The last `X-Rate-Limit-*` reading per API key (in memory only).
    private let rateLimits = Mutex<[String: TeamtailorRateLimit]>([:])

    public init(
        baseURL: URL, http: HTTPClient, timeout: Duration = .seconds(30), now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        let text = baseURL.absoluteString
        self.baseURL = text.hasSuffix("/") ? String(text.dropLast()) : text
        self.http = http
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        self.now = now
        self.logger = logger
    }

    // MARK: - Candidates

    /// The candidate with this email (unique per company), or nil.
    public func findCandidate(email: String, credentials: TeamtailorCredentials) async throws -> TeamtailorRecord? {
        try await send(TeamtailorRequests.findCandidates(email: email), credentials).records.first
    }

    /// The candidate with this LinkedIn profile URL, or nil (`filter[linkedin-url]`, decided here).
    public func findCandidate(linkedInURL: String, credentials: TeamtailorCredentials) async throws -> TeamtailorRecord? {
        try await send(TeamtailorRequests.findCandidates(linkedInURL: linkedInURL), credentials).records.first
    }

    /// nil when Teamtailor answers 404.
    public func candidate(id: String, credentials: TeamtailorCredentials) async throws -> TeamtailorRecord? {
        try await sendOrNil(TeamtailorRequests.candidate(id: id), credentials)
    }

    /// Creates (or, with `merge`, merges into the candidate with the same email) and returns the stored candidate.
    public func createCandidate(_ candidate: TeamtailorNewCandidate, credentials: TeamtailorCredentials) async throws
        -> TeamtailorRecord
    {
        try await single(TeamtailorRequests.createCandidate(candidate), credentials)
    }

    /// Changes only the given kebab-case attributes (`["linkedin-uid": "…"]`).
    public func updateCandidate(id: String, attributes: [String: JSONValue], credentials: TeamtailorCredentials)
        async throws -> TeamtailorRecord
    {
        try await single(TeamtailorRequests.updateCandidate(id: id, attributes: attributes), credentials)
    }

    // MARK: - Jobs and applications

    /// nil when Teamtailor answers 404.
    public func job(id: String, credentials: TeamtailorCredentials) async throws -> TeamtailorRecord? {
        try await sendOrNil(TeamtailorRequests.job(id: id), credentials)
    }

    public func createJobApplication(
        candidateID: String, jobID: String, sourced: Bool = false, credentials: TeamtailorCredentials
    ) async throws -> TeamtailorRecord {
        try await single(TeamtailorRequests.createJobApplication(candidateID: candidateID, jobID: jobID, sourced: sourced), credentials)
    }

    // MARK: - Notes, activities, users

    /// A comment on the candidate, credited to the user.
    public func createNote(candidateID: String, userID: String, text: String, credentials: TeamtailorCredentials)
        async throws -> TeamtailorRecord
    {
        try await single(TeamtailorRequests.createNote(candidateID: candidateID, userID: userID, text: text), credentials)
    }

    public func updateNote(id: String, text: String, credentials: TeamtailorCredentials) async throws -> TeamtailorRecord {
        try await single(TeamtailorRequests.updateNote(id: id, text: text), credentials)
    }

    public func deleteNote(id: String, credentials: TeamtailorCredentials) async throws {
        _ = try await send(TeamtailorRequests.deleteNote(id: id), credentials)
    }

    /// `data` is a JSON document as a string, as Teamtailor stores it.
    public func createActivity(
        candidateID: String, code: TeamtailorActivityCode, data: String, credentials: TeamtailorCredentials
    ) async throws -> TeamtailorRecord {
        try await single(TeamtailorRequests.createActivity(candidateID: candidateID, code: code, data: data), credentials)
    }

    /// Every activity of the candidate (all pages).
    public func activities(candidateID: String, credentials: TeamtailorCredentials) async throws -> [TeamtailorRecord] {
        try await all(TeamtailorRequests.activities(candidateID: candidateID), credentials)
    }

    /// Every user of the company (all pages).
    public func users(credentials: TeamtailorCredentials) async throws -> [TeamtailorUser] {
        try await all(TeamtailorRequests.users(), credentials).map { record in
            TeamtailorUser(id: record.id, name: record.attributes["name"]?.stringValue, email: record.attributes["email"]?.stringValue)
        }
    }

    // MARK: - Pages

    /// One page of a collection (30 records): the first when `cursor` is nil, else the page the cursor names.
    /// `updatedFrom` applies to the first page (the cursor carries it on) and only where Teamtailor filters.
    public func page(
        _ resource: TeamtailorResource, from cursor: PageCursor?, updatedFrom: Date? = nil,
        credentials: TeamtailorCredentials
    ) async throws -> TeamtailorPage {
        guard let cursor else {
            return try await send(TeamtailorRequests.firstPage(resource, updatedFrom: updatedFrom), credentials)
        }
        let call = "GET /v1/\(resource.rawValue) (next page)"
        // The cursor is opaque, but the key goes only to the API it came from.
        guard cursor.rawValue.hasPrefix(baseURL + "/") else {
            throw TeamtailorError(verdict: .permanent, status: nil, call: call, reason: "page cursor points outside the API base URL")
        }
        let request = TeamtailorRequest(
            method: .GET, path: String(cursor.rawValue.dropFirst(baseURL.count)), body: nil, resource: resource.rawValue,
            call: call)
        return try await send(request, credentials)
    }

    /// What the last answer to this key said about the rate limit; nil before the first answer.
    public func rateLimit(for credentials: TeamtailorCredentials) -> TeamtailorRateLimit? {
        rateLimits.withLock { $0[credentials.apiKey] }
    }

    // MARK: - Transport

    private func single(_ request: TeamtailorRequest, _ credentials: TeamtailorCredentials) async throws -> TeamtailorRecord {
        guard let record = try await send(request, credentials).records.first else {
            throw TeamtailorError(verdict: .permanent, status: nil, call: request.call, reason: "answer has no data object")
        }
        return record
    }

    private func sendOrNil(_ request: TeamtailorRequest, _ credentials: TeamtailorCredentials) async throws -> TeamtailorRecord? {
        do {
            return try await send(request, credentials).records.first
        } catch let error as TeamtailorError where error.status == 404 {
            return nil
        }
    }

    /// Follows `links.next` to the end.
    private func all(_ first: TeamtailorRequest, _ credentials: TeamtailorCredentials) async throws -> [TeamtailorRecord] {
        var page = try await send(first, credentials)
        var records = page.records
        while let next = page.next {
            guard next.rawValue.hasPrefix(baseURL + "/") else {
                throw TeamtailorError(verdict: .permanent, status: nil, call: first.call, reason: "links.next points outside the API base URL")
            }
            let request = TeamtailorRequest(
                method: .GET, path: String(next.rawValue.dropFirst(baseURL.count)), body: nil, resource: first.resource,
                call: first.call)
            page = try await send(request, credentials)
            records += page.records
        }
        return records
    }

    /// One call; a 2xx answer is read as a page (a single `data` object is a page of one).
    func send(_ request: TeamtailorRequest, _ credentials: TeamtailorCredentials) async throws -> TeamtailorPage {
        var http = HTTPClientRequest(url: baseURL + request.path)
        http.method = HTTPMethod(rawValue: request.method.rawValue)
        http.headers.add(name: "Authorization", value: "Token token=\(credentials.apiKey)")
        http.headers.add(name: "X-Api-Version", value: TeamtailorRequests.apiVersion)
        http.headers.add(name: "Accept", value: "application/vnd.api+json")
        if let body = request.body {
            http.headers.add(name: "Content-Type", value: "application/vnd.api+json")
            http.body = .bytes(ByteBuffer(string: body.canonicalText))
        }
        let (status, headers, answer) = try await execute(http, request: request)
        recordRateLimit(headers, credentials)
        guard (200..<300).contains(status) else {
            let error = Self.error(status: status, headers: headers, answer: answer, call: request.call)
            logger.debug("Teamtailor call refused", metadata: ["call": "\(request.call)", "status": "\(status)"])
            throw error
        }
        if status == 204 { return TeamtailorPage(records: [], next: nil, total: nil) }
        guard let answer else {
            throw TeamtailorError(verdict: .permanent, status: status, call: request.call, reason: "answer is not JSON")
        }
        return try Self.page(answer, status: status, call: request.call)
    }

    static func page(_ answer: JSONValue, status: Int, call: String) throws -> TeamtailorPage {
        var records: [TeamtailorRecord] = []
        switch answer["data"] {
        case .array(let items)?:
            for item in items {
                guard let record = TeamtailorRecord(item) else {
                    throw TeamtailorError(verdict: .permanent, status: status, call: call, reason: "data holds a non-resource")
                }
                records.append(record)
            }
        case .object?:
            guard let record = TeamtailorRecord(answer["data"]!) else {
                throw TeamtailorError(verdict: .permanent, status: status, call: call, reason: "data is not a resource")
            }
            records = [record]
        default:
            break
        }
        let next = answer["links"]?["next"]?.stringValue.map(PageCursor.init(rawValue:))
        var total: Int?
        if case .number(let count)? = answer["meta"]?["record-count"] { total = Int(count) }
        return TeamtailorPage(records: records, next: next, total: total)
    }

    func execute(_ request: HTTPClientRequest, request call: TeamtailorRequest) async throws -> (Int, HTTPHeaders, JSONValue?) {
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: timeout, logger: logger)
            bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            Counter(label: "rsc_teamtailor_calls_total", dimensions: [("resource", call.resource), ("status", "error")]).increment()
            // A timeout, refused or dropped connection: worth another try later.
            throw TeamtailorError(
                verdict: .retryable(after: nil), status: nil, call: call.call, reason: "no answer (\(type(of: error)))")
        }
        let status = Int(response.status.code)
        Counter(label: "rsc_teamtailor_calls_total", dimensions: [("resource", call.resource), ("status", "\(status)")]).increment()
        let data = Array(bytes.readableBytesView)
        return (status, response.headers, data.isEmpty ? nil : try? JSONValue.parse(data))
    }

    private func recordRateLimit(_ headers: HTTPHeaders, _ credentials: TeamtailorCredentials) {
        guard let remaining = headers.first(name: "X-Rate-Limit-Remaining").flatMap({ Int($0) }) else { return }
        let reading = TeamtailorRateLimit(
            limit: headers.first(name: "X-Rate-Limit-Limit").flatMap { Int($0) }, remaining: remaining,
            resetAfter: headers.first(name: "X-Rate-Limit-Reset").flatMap { Int($0) }.map { .seconds($0) })
        rateLimits.withLock { $0[credentials.apiKey] = reading }
    }

    /// The verdict for a non-2xx answer, with JSON:API's `errors[]` parsed.
    static func error(status: Int, headers: HTTPHeaders, answer: JSONValue?, call: String) -> TeamtailorError {
        var details: [TeamtailorError.Detail] = []
        if case .array(let items)? = answer?["errors"] {
            details = items.map { item in
                TeamtailorError.Detail(
                    title: item["title"]?.stringValue, detail: item["detail"]?.stringValue,
                    pointer: item["source"]?["pointer"]?.stringValue, parameter: item["source"]?["parameter"]?.stringValue)
            }
        }
        let retryAfter = headers.first(name: "Retry-After").flatMap { Int($0) }.map { Duration.seconds($0) }
        let verdict: TeamtailorError.Verdict
        switch status {
        case 429:
            verdict = .retryable(after: retryAfter ?? headers.first(name: "X-Rate-Limit-Reset").flatMap { Int($0) }.map { .seconds($0) })
        case 408, 500...: verdict = .retryable(after: retryAfter)
        case 401, 403: verdict = .unauthorized
        default: verdict = .permanent
        }
        return TeamtailorError(verdict: verdict, status: status, errors: details, call: call)
    }
}
