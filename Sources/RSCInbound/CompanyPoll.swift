import Foundation
import RSCRetry
import Logging
import RSCLinkedInClient
import RSCStore
import RSCTeamtailorClient
import Synchronization

/// What one company's poll did: for `rsc bench inbound` and the logs (counts only).
public struct InboundPollReport: Sendable, Equatable {
    public var outcome: InboundPollOutcome
    public var linkedInCalls = 0
    public var seats = 0
    public var written = 0
    public var waiting = 0
    public var failed = 0
    public var unchanged = 0
    public var error: String?

    public init(outcome: InboundPollOutcome) { self.outcome = outcome }
}

/// One poll of one company: its open items first (members matched since), then per seat the notes, InMails
/// and stubs since each cursor in windows of at most 12 hours, paged. A cursor moves only after every item
/// of the window is recorded (written, waiting for its member, or refused for good).
struct CompanyPoll: Sendable {
    let companyID: String
    let linkedIn: LinkedInClient
    let teamtailor: TeamtailorClient
    let companies: CompanyStore
    let items: InboundItemStore
    let quota: RecruiterDataQuota
    let errors: CompanyErrorLog
    let retry: InboundRetry
    let settings: InboundPoller.Settings
    let hooks: InboundPoller.Hooks
    let now: @Sendable () -> Date
    /// Extends the lease; throws when it was lost.
    let keepLease: @Sendable () async throws -> Void
    let logger: Logger

    private final class Tally: Sendable {
        let report = Mutex(InboundPollReport(outcome: .success))
        func add(_ result: InboundWriter.Result) {
            report.withLock {
                switch result {
                case .written, .deleted: $0.written += 1
                case .waiting: $0.waiting += 1
                case .failed: $0.failed += 1
                case .unchanged, .skipped: $0.unchanged += 1
                }
            }
        }
    }

    func run() async -> InboundPollReport {
        let tally = Tally()
        do {
            try await poll(tally)
        } catch let stop as InboundPollStop {
            tally.report.withLock { $0.outcome = stop.outcome; $0.error = stop.reason }
        } catch let error as CancellationError {
            tally.report.withLock { $0.outcome = .failed; $0.error = "cancelled (\(error))" }
        } catch {
            tally.report.withLock { $0.outcome = .failed; $0.error = String(describing: error) }
        }
        return tally.report.withLock { $0 }
    }

    private func poll(_ tally: Tally) async throws {
        guard let company = try await companies.find(companyID), company.status == .active else {
            throw InboundPollStop(outcome: .noCredentials, reason: "company is not active")
        }
        let credentials = try await companies.credentials(companyID)
        guard let clientID = credentials.linkedInClientID, let secret = credentials.linkedInClientSecret else {
            throw InboundPollStop(outcome: .noCredentials, reason: "company has no LinkedIn application yet")
        }
        let application = LinkedInApplication(clientID: clientID, clientSecret: secret)
        let writer = InboundWriter(
            company: companyID, teamtailor: teamtailor, credentials: TeamtailorCredentials(apiKey: credentials.teamtailorToken),
            store: items, errors: errors, retry: retry, settings: settings, hooks: hooks, now: now, logger: logger)

        // Seats first: crediting notes (also open ones) needs the seat holders' emails.
        var seats: [RecruiterSeat] = []
        for contract in company.contractURNs {
            var start: Int? = 0
            while let from = start {
                let page = try await call(application, tally, "GET /v2/seatsV2") {
                    try await linkedIn.seats(contract: contract, start: from, count: 100, application: application)
                }
                seats += page.elements
                start = page.nextStart
            }
        }
        for seat in seats { writer.learn(seat) }
        tally.report.withLock { $0.seats = seats.count }

        // Items read earlier and not finished: members matched since, or an attempt cut short.
        for _ in 0..<100 {
            let open = try await items.open(company: companyID, limit: 200)
            for record in open { tally.add(try await writer.process(record)) }
            if open.count < 200 { break }
        }

        let end = Int64((now().timeIntervalSince1970 - settings.settleDelay.timeInterval) * 1000)
        let initial = end - Int64(settings.initialLookback.timeInterval * 1000)
        for seat in seats {
            let contract = seat.contract ?? company.contractURNs.first ?? ""
            for kind in InboundItem.Kind.allCases {
                let from = try await items.cursor(company: companyID, kind: kind, seat: seat.seat) ?? initial
                for window in RecruiterDataWindow.covering(from: from, to: end) {
                    try await read(kind, seat: seat.seat, contract: contract, window: window, application: application, writer: writer, tally: tally)
                    try await items.moveCursor(company: companyID, kind: kind, seat: seat.seat, to: window.end)
                    try await keepLease()
                }
            }
        }
    }

    /// Every page of one kind in one window, each item recorded and written.
    private func read(
        _ kind: InboundItem.Kind, seat: String, contract: String, window: RecruiterDataWindow, application: LinkedInApplication,
        writer: InboundWriter, tally: Tally
    ) async throws {
        var start: Int? = 0
        // At most 12 InMail records per member a minute: after a 429, smaller pages so one page can pass.
        var inMailCount = 50
        while let from = start {
            let found: [InboundItem]
            let next: Int?
            switch kind {
            case .note:
                let page = try await call(application, tally, "GET /v2/prospectNotes") {
                    try await linkedIn.prospectNotes(contract: contract, owners: [seat], window: window, start: from, count: 100, application: application)
                }
                (found, next) = (page.elements.map(InboundItem.init(note:)), page.nextStart)
            case .inMail:
                let page = try await call(application, tally, "GET /v2/conversationEvents") {
                    do {
                        return try await linkedIn.conversationEvents(viewer: seat, window: window, start: from, count: inMailCount, application: application)
                    } catch let error as LinkedInError {
                        if case .rateLimited = error.kind { inMailCount = max(12, inMailCount / 2) }
                        throw error
                    }
                }
                (found, next) = (page.elements.map { InboundItem(inMail: $0, seat: seat) }, page.nextStart)
            case .stub:
                let page = try await call(application, tally, "GET /v2/mailStubs") {
                    try await linkedIn.mailStubs(contract: contract, owners: [seat], window: window, start: from, count: 100, application: application)
                }
                (found, next) = (page.elements.map(InboundItem.init(stub:)), page.nextStart)
            }
            for item in found { tally.add(try await writer.handle(item)) }
            start = next
        }
    }

    /// One recruiter-data call: counted against the day's budget first, retried on 429 and 5xx.
    private func call<T: Sendable>(
        _ application: LinkedInApplication, _ tally: Tally, _ name: String, _ operation: () async throws -> T
    ) async throws -> T {
        try await retry.linkedIn(companyID, name) {
            guard try await quota.take(clientID: application.clientID, now: now()) else {
                throw InboundPollStop(outcome: .quota, reason: "today's recruiter-data budget of \(settings.callsPerDay) calls is spent; the next poll continues")
            }
            tally.report.withLock { $0.linkedInCalls += 1 }
            return try await operation()
        }
    }
}
