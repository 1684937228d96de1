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
    /// Reading a collection stops with an error after this many pages (a server that never ends a list).
    let maxPages: Int
    /// The last `X-Rate-Limit-*` reading per API key (in memory only).
    private let rateLimits = Mutex<[String: TeamtailorRateLimit]>([:])

    public init(
        baseURL: URL, http: HTTPClient, timeout: Duration = .seconds(30), now: @escaping @Sendable () -> Date = { Date() },
        maxPages: Int = 100_000, logger: Logger
    ) {
        self.maxPages = max(1, maxPages)
        let text = baseURL.absoluteString
        self.baseURL = text.hasSuffix("/") ? String(text.dropLast()) : text
        self.http = http
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        self.now = now
        self.logger = logger
    }

    /// The API host this client calls (its region), for messages.
    public var host: String { URL(string: baseURL)?.host ?? baseURL }

    /// Succeeds when this host accepts the key (one small read: `GET /v1/users?page[size]=1`); a refused key
    /// throws a `TeamtailorError` with the `.unauthorized` verdict.
    public func verifyKey(credentials: TeamtailorCredentials) async throws {
        _ = try await send(TeamtailorRequests.get("/v1/users", query: [("page[size]", "1")], resource: "users", call: "GET /v1/users"), credentials)
    }

    // MARK: - Candidates

    /// The candidate with this email (unique per company), or nil.
    public func findCandidate(email: String, credentials: TeamtailorCredentials) async throws -> TeamtailorRecord? {
        try await send(TeamtailorRequests.findCandidates(email: email), credentials).records.first
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

    /// A note on the candidate, credited to the user; a private note is seen only by the company's recruiters
    /// and is never sent back to LinkedIn.
    public func createNote(
        candidateID: String, userID: String, text: String, isPrivate: Bool = false, credentials: TeamtailorCredentials
    ) async throws -> TeamtailorRecord {
        try await single(
            TeamtailorRequests.createNote(candidateID: candidateID, userID: userID, text: text, isPrivate: isPrivate), credentials)
    }

    public func updateNote(id: String, text: String, credentials: TeamtailorCredentials) async throws -> TeamtailorRecord {
        try await single(TeamtailorRequests.updateNote(id: id, text: text), credentials)
    }

    public func deleteNote(id: String, credentials: TeamtailorCredentials) async throws {
        _ = try await send(TeamtailorRequests.deleteNote(id: id), credentials)
    }

    /// Page `number` (from 1) of the company's notes, newest first.
    public func newestNotes(page number: Int, credentials: TeamtailorCredentials) async throws -> TeamtailorPage {
        try await send(TeamtailorRequests.newestNotes(page: number), credentials)
    }

    /// Every user of the company (all pages).
    public func users(credentials: TeamtailorCredentials) async throws -> [TeamtailorUser] {
        try await all(TeamtailorRequests.users(), credentials).map { record in
            TeamtailorUser(id: record.id, name: record.attributes["name"]?.stringValue, email: record.attributes["email"]?.stringValue)
        }
    }

    // MARK: - Pages

    /// The next page of a collection as the first sync reads it (`TeamtailorRequests.historyPage`), from where
    /// `cursor` left off (nil: the start). Records read before are not returned again.
    ///
    /// Pages are offsets into a list sorted by id, so a record created during the read lands after it; but a
    /// record deleted from the part already read moves every later record back, and a plain next page would
    /// skip as many records. So every page after the first starts at least one record before where the last
    /// one ended (`HistoryWindow`): when its first record is one already read, nothing between was skipped;
    /// when it is not, records moved back, and the read steps back a window and looks again.
    /// `updatedFrom` (a reconciliation's incremental pass) limits the list where Teamtailor filters by it;
    /// pass the same value with every page of one read.
    public func historyPage(
        _ resource: TeamtailorResource, after cursor: HistoryCursor?, updatedFrom: Date? = nil,
        credentials: TeamtailorCredentials
    ) async throws -> TeamtailorPage {
        var position = cursor?.position ?? 0
        let lastID = cursor?.lastID
        var attempts = 0
        while true {
            attempts += 1
            let window = HistoryWindow.overlapping(end: position)
            guard window.start / window.size + 1 <= maxPages, attempts <= maxPages else {
                throw TeamtailorError(
                    verdict: .permanent, status: nil, call: "GET /v1/\(resource.rawValue)",
                    reason: "more than \(maxPages) pages: the list does not end")
            }
            var page = try await send(
                TeamtailorRequests.historyPage(
                    resource, size: window.size, number: window.start / window.size + 1, updatedFrom: updatedFrom),
                credentials)
            if let lastID, window.start > 0 {
                let first = page.records.first.flatMap { Int($0.id) }
                // No overlap with what was read: records moved back past the window's start. Look further back.
                if first.map({ $0 > lastID }) ?? true {
                    position = window.start
                    continue
                }
            }
            // Where this page ends in the list as it is now: the next window overlaps it.
            let end = window.start + page.records.count
            if let lastID { page.records.removeAll { record in Int(record.id).map { $0 <= lastID } ?? false } }
            let highest = page.records.compactMap { Int($0.id) }.max()
            page.history = page.next == nil
                ? nil : HistoryCursor(position: end, lastID: [lastID, highest].compactMap { $0 }.max())
            return page
        }
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

    /// Follows `links.next` to the end (see `PageWalk` for when it stops early).
    func all(_ first: TeamtailorRequest, _ credentials: TeamtailorCredentials) async throws -> [TeamtailorRecord] {
        var page = try await send(first, credentials)
        var records = page.records
        var walk = PageWalk(baseURL: baseURL, maxPages: maxPages, call: first.call)
        while let path = try walk.follow(page.next) {
            let request = TeamtailorRequest(method: .GET, path: path, body: nil, resource: first.resource, call: first.call)
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
        if let version = headers.first(name: "X-Api-Version"), version != TeamtailorRequests.apiVersion {
            // Teamtailor answers with the version it used; another one means the key's account pins another.
            logger.warning("Teamtailor answered with another API version", metadata: ["call": "\(request.call)", "version": "\(version)"])
        }
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
        var included: [TeamtailorRecord] = []
        if case .array(let items)? = answer["included"] {
            included = items.compactMap(TeamtailorRecord.init)
        }
        let next = answer["links"]?["next"]?.stringValue.map(PageCursor.init(rawValue:))
        var total: Int?
        if case .number(let count)? = answer["meta"]?["record-count"] { total = Int(count) }
        return TeamtailorPage(records: records, next: next, total: total, included: included)
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
                    pointer: item["source"]?["pointer"]?.stringValue, parameter: item["source"]?["parameter"]?.stringValue,
                    code: item["code"]?.stringValue)
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

/// The decision to follow one more `links.next`, apart from the I/O: only to the client's own base URL (the
/// key goes nowhere else), never to a page already read (a server that links back would loop forever), and
/// not past `maxPages` pages. Either refusal is a permanent error: the list was not read to the end.
struct PageWalk {
    let baseURL: String
    let maxPages: Int
    let call: String
    private(set) var pagesRead = 1
    private var followed: Set<String> = []

    init(baseURL: String, maxPages: Int, call: String) {
        self.baseURL = baseURL
        self.maxPages = maxPages
        self.call = call
    }

    /// The path (and query) to ask for next; nil at the end of the list.
    mutating func follow(_ next: PageCursor?) throws(TeamtailorError) -> String? {
        guard let next else { return nil }
        guard next.rawValue.hasPrefix(baseURL + "/") else {
            throw TeamtailorError(verdict: .permanent, status: nil, call: call, reason: "links.next points outside the API base URL")
        }
        guard followed.insert(next.rawValue).inserted else {
            throw TeamtailorError(
                verdict: .permanent, status: nil, call: call,
                reason: "links.next repeats a page already read (after \(pagesRead) pages); the list was not read to the end")
        }
        guard pagesRead < maxPages else {
            throw TeamtailorError(
                verdict: .permanent, status: nil, call: call,
                reason: "more than \(maxPages) pages; the list was not read to the end")
        }
        pagesRead += 1
        return String(next.rawValue.dropFirst(baseURL.count))
    }
}

extension TeamtailorPage {
    /// Reads a JSON:API answer (a list, or a single record as a page of one) with its `included` records.
    public init(document: JSONValue) throws {
        self = try TeamtailorClient.page(document, status: 200, call: "document")
    }
}

/// Which page to ask for next: a page size (≤ 30) and a start that is a multiple of it, at least one record
/// before `end` (where the last page ended), so the new page overlaps what was read. Of the windows that
/// overlap, the one that brings the most new records.
struct HistoryWindow: Equatable {
    var start: Int
    var size: Int

    static func overlapping(end: Int, maxSize: Int = TeamtailorRequests.pageSize) -> HistoryWindow {
        guard end > 0 else { return HistoryWindow(start: 0, size: maxSize) }
        var best = HistoryWindow(start: 0, size: maxSize)
        var bestNew = maxSize - end
        for size in stride(from: maxSize, through: 2, by: -1) {
            let back = end % size == 0 ? size : end % size
            guard back < size, end - back >= 0 else { continue }
            let new = size - back
            if new > bestNew { best = HistoryWindow(start: end - back, size: size); bestNew = new }
        }
        return best
    }
}
