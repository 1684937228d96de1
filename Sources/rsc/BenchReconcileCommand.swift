import ArgumentParser
import Foundation
import Logging
import RSCChangeEvents
import RSCKafka
import RSCLinkedInSimulator
import RSCReconciliation
import RSCRetry
import RSCSandbox
import RSCSecrets
import RSCStore
import RSCTeamtailorSimulator
import Synchronization

/// `rsc bench reconcile`: what a reconciliation pass costs a company already on LinkedIn — unchanged, and after
/// a share of its records changed in Teamtailor with their events lost — in Teamtailor calls, LinkedIn calls and
/// time, against Teamtailor's rate limit and LinkedIn's quota, while another company's live changes are timed.
struct BenchReconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Reconciliation: Teamtailor and LinkedIn calls and time of incremental and full passes, unchanged and after drift, with another company's live latency meanwhile.",
        discussion: """
            Setup (not measured): the company's first sync with LinkedIn's window compressed to --window-seconds and \
            Teamtailor's limit raised. The passes then run at LinkedIn's real limits (rsc-outbound's window 60 s) and \
            Teamtailor's simulated limit (--teamtailor-limit per --teamtailor-window-seconds).
            """
    )

    @Option(help: "Candidates in the company's history (applications: three times as many).") var candidates = 20_000
    @Option(name: .customLong("drift-percent"), help: "Share of candidates and of applications changed in Teamtailor with their events lost.")
    var driftPercent = 1.0
    @Option(name: .customLong("window-seconds"), help: "Setup only: LinkedIn's 60-second record window compressed to this many seconds for the first sync.")
    var windowSeconds = 6
    @Option(name: .customLong("teamtailor-limit"), help: "Teamtailor calls per key and window during the passes (the simulator's default; Teamtailor publishes no figure).")
    var teamtailorLimit = 50
    @Option(name: .customLong("teamtailor-window-seconds"), help: "Teamtailor's rate-limit window during the passes.")
    var teamtailorWindowSeconds = 10
    @Option(name: .customLong("live-every-ms"), help: "A live candidate change of another company every this many milliseconds.")
    var liveEveryMilliseconds = 1_000
    @Option(help: "Give up on any one stage (setup, a pass) after this many seconds.") var timeout = 3_600

    static let history = "4300", live = "1843", clientID = "bench-reconcile-client"
    /// LinkedIn's record window, against which the passes' peak is measured whatever the setup compressed.
    static let linkedInWindow = 60.0, linkedInRecordsPerWindow = 10_000, linkedInCallsPerDay = 100_000

    func run() async throws {
        let logger = CommandEnvironment.logger
        say("# rsc bench reconcile — \(Date().formatted(.iso8601))")
        say("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB")
        var simulatorConfiguration = LinkedInSimulatorConfiguration()
        simulatorConfiguration.recordWindow = .seconds(windowSeconds)
        // Every call of the setup and the passes, so each pass is counted whole.
        simulatorConfiguration.requestLogCapacity = 2_000_000
        try await EmbeddedStackSession.run(companies: [Self.live], simulatorConfiguration: simulatorConfiguration, logger: logger) { stack in
            try await firstSync(stack)

            await stack.teamtailor.state.setRateLimit(teamtailorLimit, window: .seconds(teamtailorWindowSeconds))
            let metricsPort = try FreePort.loopback()
            let (worker, logURL) = try stack.launchWorker(
                metricsPort: metricsPort,
                extraEnvironment: ["LOG_LEVEL": ProcessInfo.processInfo.environment["RSC_BENCH_WORKER_LOG_LEVEL"] ?? "warning"],
                logName: "rsc-bench-reconcile.log")
            defer { if worker.isRunning { worker.terminate() } }
            say("\npasses: rsc-outbound pid \(worker.processIdentifier) at LinkedIn's limits (10,000 records per 60 s, 100,000 calls a day), log \(logURL.path)")
            say("Teamtailor's limit in the simulator: \(teamtailorLimit) calls per \(teamtailorWindowSeconds) s per key")

            let probe = LiveChangeProbe(company: Self.live, every: .milliseconds(liveEveryMilliseconds))
            let producer = try KafkaProducer(configuration: .init(bootstrapServers: stack.kafka.bootstrapServers), logger: logger)
            let passes = try await withThrowingTaskGroup(of: Void.self) { group -> [PassFigures] in
                group.addTask { try await probe.run(producer: producer, linkedIn: stack.simulator) }
                defer { group.cancelAll() }
                // The consumer group joins before anything is measured.
                let joined = ContinuousClock.now + .seconds(120)
                while probe.samples().isEmpty, ContinuousClock.now < joined { try await Task.sleep(for: .milliseconds(200)) }
                var passes: [PassFigures] = []
                passes.append(try await pass("unchanged", full: false, stack, probe))
                passes.append(try await pass("unchanged", full: true, stack, probe))
                let drifted = try await drift(stack)
                say("\ndrift, events lost: \(drifted.candidates) candidates renamed, \(drifted.moved) applications moved to another stage, \(drifted.rejected) rejected")
                passes.append(try await pass("after drift", full: false, stack, probe))
                passes.append(try await pass("after drift", full: true, stack, probe))
                return passes
            }
            await producer.close()
            worker.interrupt()
            worker.waitUntilExit()
            summarize(passes)
        }
    }

    // MARK: Setup

    /// Seeds the company, connects it and runs its first sync to the end, so LinkedIn holds Teamtailor's truth.
    func firstSync(_ stack: EmbeddedStackSession) async throws {
        await stack.teamtailor.state.setRateLimit(1_000, window: .seconds(10))
        let counts = try await stack.connectHistoryCompany(
            id: Self.history, apiKey: "bench-reconcile-key", clientID: Self.clientID, contractURN: "urn:li:contract:430000", seed: 17,
            candidates: candidates)
        say("history: " + counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", "))
        let organization = "urn:li:organization:\(Self.history)"

        let started = ContinuousClock.now
        let (worker, logURL) = try stack.launchWorker(
            metricsPort: try FreePort.loopback(),
            extraEnvironment: ["LINKEDIN_QUOTA_WINDOW_SECONDS": "\(windowSeconds)", "LOG_LEVEL": "warning"],
            logName: "rsc-bench-reconcile-setup.log")
        defer { if worker.isRunning { worker.terminate() } }
        say("setup: first sync by rsc-outbound pid \(worker.processIdentifier), LinkedIn's window compressed to \(windowSeconds) s, Teamtailor 1,000 calls per 10 s; log \(logURL.path)")
        let deadline = ContinuousClock.now + .seconds(timeout)
        while try await !historySynced(stack) {
            guard ContinuousClock.now < deadline else { throw ValidationError("the first sync did not finish within \(timeout) s") }
            try await Task.sleep(for: .seconds(2))
        }
        worker.interrupt()
        worker.waitUntilExit()
        let holdings = await stack.simulator.state.holdings(organization: organization)
        say("setup done in \(format((ContinuousClock.now - started).timeInterval)) s: LinkedIn holds \(holdings.listedJobs + holdings.closedJobs) jobs, \(holdings.candidates) candidates, \(holdings.applications) applications, sub-records \(holdings.subRecords.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
    }

    /// The first sync has read everything and LinkedIn holds all of it.
    func historySynced(_ stack: EmbeddedStackSession) async throws -> Bool {
        let unread = try await stack.client.query(
            "SELECT count(*)::int FROM first_sync_progress WHERE company_id = \(Self.history) AND state <> 'read'", logger: stack.logger
        ).decode(Int.self).reduce(0, +)
        guard unread == 0 else { return false }
        return try await queued(stack) == 0
    }

    /// The company's LinkedIn records not yet on LinkedIn.
    func queued(_ stack: EmbeddedStackSession) async throws -> Int {
        try await SyncStatus.recordsNotYetOnLinkedIn(company: Self.history, client: stack.client, logger: stack.logger)
    }

    // MARK: Drift

    /// Changes `driftPercent` of the candidates (a new last name) and of the applications (every other one moved
    /// to another stage of its job, the rest rejected) in Teamtailor, each change's event lost on its way to
    /// the topics: only a reconciliation pass can find them.
    func drift(_ stack: EmbeddedStackSession) async throws -> (candidates: Int, moved: Int, rejected: Int) {
        let state = stack.teamtailor.state
        let step = max(1, Int((100 / driftPercent).rounded()))
        var renamed = 0, moved = 0, rejected = 0
        let candidates = await state.records(.candidates, company: Self.history)
        for candidate in stride(from: step / 2, to: candidates.count, by: step).map({ candidates[$0] }) {
            let name = candidate.attributes["last-name"]?.stringValue ?? "Drift"
            stack.lostEvents.lose(next: 1)
            try await stack.teamtailor.updateCandidate(company: Self.history, id: candidate.id, attributes: ["last-name": .string(name + " Drift")])
            renamed += 1
        }
        let stagesByJob = await state.records(.stages, company: Self.history).reduce(into: [Int: [Int]]()) { stages, stage in
            if let job = stage.link("job")?.id { stages[job, default: []].append(stage.id) }
        }
        guard let reason = await state.records(.rejectReasons, company: Self.history).first?.attributes["reason"]?.stringValue else {
            throw ValidationError("the seeded company has no reject reasons")
        }
        let applications = await state.records(.jobApplications, company: Self.history)
        for (index, application) in stride(from: step / 2, to: applications.count, by: step).map({ applications[$0] }).enumerated() {
            let alreadyRejected = application.attributes["rejected-at"].map { $0 != .null } ?? false
            if index % 2 == 1, !alreadyRejected {
                stack.lostEvents.lose(next: 1)
                try await stack.teamtailor.rejectApplication(company: Self.history, id: application.id, reason: reason)
                rejected += 1
            } else if let job = application.link("job")?.id,
                      let stage = stagesByJob[job]?.first(where: { $0 != application.link("stage")?.id }) {
                stack.lostEvents.lose(next: 1)
                try await stack.teamtailor.moveApplication(company: Self.history, id: application.id, toStage: stage)
                moved += 1
            }
        }
        return (renamed, moved, rejected)
    }

    // MARK: One pass

    /// One pass's cost: the pass's own counts and times, every Teamtailor and LinkedIn call of the company from
    /// the request until LinkedIn holds what it repaired, and the other company's live changes meanwhile.
    struct PassFigures {
        var name: String
        var kind: String
        /// The pass itself (its own start and finish), and from its start until LinkedIn held its repairs.
        var passSeconds: Double, untilHeldSeconds: Double
        var checked: [String: Int], repaired: [String: Int]
        var teamtailorCalls: [String: Int]
        var teamtailorThrottled: Int
        /// Most calls in one Teamtailor rate-limit window as the simulator counts them (fixed, opened by a call),
        /// most in any sliding span of that length (what a sliding-window limit would see), and the average rate.
        var teamtailorPeakPerWindow: Int, teamtailorPeakSliding: Int, teamtailorCallsPerSecond: Double
        var linkedInCalls: [String: (calls: Int, records: Int)]
        var linkedInThrottled: Int
        var linkedInPeakRecordsPerMinute: Int
        var live: [Double]
    }

    func pass(_ name: String, full: Bool, _ stack: EmbeddedStackSession, _ probe: LiveChangeProbe) async throws -> PassFigures {
        let store = ReconciliationStore(postgres: stack.client, logger: stack.logger)
        let requestedAt = Date()
        try await store.request(companyID: Self.history, full: full)
        // rsc-outbound takes a request within its idle poll (30 s); the pass's own times are measured apart.
        var finished: ReconciliationStatus?
        let deadline = ContinuousClock.now + .seconds(timeout)
        while finished == nil {
            guard ContinuousClock.now < deadline else { throw ValidationError("the \(name) pass did not finish within \(timeout) s") }
            try await Task.sleep(for: .milliseconds(500))
            if let status = try await store.status(companyID: Self.history), !status.running, !status.requested,
               let end = status.lastFinishedAt, end >= requestedAt {
                finished = status
            } else if let error = try await store.status(companyID: Self.history)?.lastError {
                throw ValidationError("the \(name) pass failed: \(error)")
            }
        }
        while try await queued(stack) > 0 {
            guard ContinuousClock.now < deadline else { throw ValidationError("the \(name) pass's repairs did not reach LinkedIn within \(timeout) s") }
            try await Task.sleep(for: .milliseconds(250))
        }
        let heldAt = Date()
        guard let status = finished, let startedAt = status.lastStartedAt, let finishedAt = status.lastFinishedAt else {
            throw ValidationError("the \(name) pass left no times")
        }

        let fullLog = await stack.teamtailor.state.requestLog()
        // The simulator keeps the last 10,000 calls: a pass longer than that would be counted short.
        if fullLog.count >= 10_000, let oldest = fullLog.first?.time, oldest > requestedAt {
            say("warning: Teamtailor's request log no longer holds the \(name) pass's first calls; its Teamtailor counts are short")
        }
        let teamtailorLog = fullLog.filter { $0.companyID == Self.history && $0.time >= requestedAt && $0.time <= heldAt }
        let linkedInLog = await stack.simulator.state.requestLog().filter {
            $0.clientID == Self.clientID && $0.time >= requestedAt && $0.time <= heldAt
        }
        let activeSeconds = max(finishedAt.timeIntervalSince(startedAt), 0.001)
        var teamtailorCalls: [String: Int] = [:]
        for entry in teamtailorLog { teamtailorCalls["\(entry.method) \(Self.endpoint(entry.path))", default: 0] += 1 }
        var linkedInCalls: [String: (calls: Int, records: Int)] = [:]
        for entry in linkedInLog {
            let key = "\(entry.method) \(Self.endpoint(entry.path))"
            let records = (200..<300).contains(entry.status) ? entry.recordCount : 0
            let sofar = linkedInCalls[key] ?? (0, 0)
            linkedInCalls[key] = (sofar.calls + 1, sofar.records + records)
        }
        let accepted: [(time: Date, weight: Int)] = linkedInLog.filter { (200..<300).contains($0.status) }.map { ($0.time, $0.recordCount) }
        let teamtailorTimes: [(time: Date, weight: Int)] = teamtailorLog.map { ($0.time, 1) }
        let live: [Double] = probe.samples().filter { $0.sentAt >= requestedAt && $0.sentAt <= heldAt }.map(\.seconds)
        let figures = PassFigures(
            name: name, kind: status.lastKind ?? (full ? "full" : "incremental"),
            passSeconds: finishedAt.timeIntervalSince(startedAt), untilHeldSeconds: heldAt.timeIntervalSince(startedAt),
            checked: status.checked, repaired: status.repaired,
            teamtailorCalls: teamtailorCalls,
            teamtailorThrottled: teamtailorLog.filter { $0.status == 429 }.count,
            teamtailorPeakPerWindow: Self.peakInFixedWindows(
                teamtailorLog.filter { $0.status != 429 }.map(\.time), window: Double(teamtailorWindowSeconds)),
            teamtailorPeakSliding: Self.peak(teamtailorTimes, window: Double(teamtailorWindowSeconds)),
            teamtailorCallsPerSecond: Double(teamtailorLog.count) / activeSeconds,
            linkedInCalls: linkedInCalls,
            linkedInThrottled: linkedInLog.filter { $0.status == 429 }.count,
            linkedInPeakRecordsPerMinute: Self.peak(accepted, window: Self.linkedInWindow),
            live: live)
        report(figures)
        return figures
    }

    /// A path with its ids (numbers, URNs, Rest.li keys) as `{id}`, so calls group by endpoint.
    static func endpoint(_ path: String) -> String {
        path.split(separator: "/").map { segment in
            segment.allSatisfy { $0.isLetter || $0 == "-" } || segment == "v1" || segment == "v2" ? String(segment) : "{id}"
        }.reduce("") { $0 + "/" + $1 }
    }

    /// The largest weight in any `window`-second span of the timed items (a sliding window).
    static func peak(_ items: [(time: Date, weight: Int)], window: Double) -> Int {
        let sorted = items.sorted { $0.time < $1.time }
        var best = 0, inWindow = 0, first = 0
        for item in sorted {
            inWindow += item.weight
            while item.time.timeIntervalSince(sorted[first].time) >= window {
                inWindow -= sorted[first].weight
                first += 1
            }
            best = max(best, inWindow)
        }
        return best
    }

    /// Most calls in one window as the Teamtailor simulator counts them: a window opens at the first call after the
    /// last one closed, and a refused (429) call does not count.
    static func peakInFixedWindows(_ times: [Date], window: Double) -> Int {
        var best = 0, used = 0
        var opened: Date?
        for time in times.sorted() {
            if let start = opened, time.timeIntervalSince(start) < window {
                used += 1
            } else {
                opened = time
                used = 1
            }
            best = max(best, used)
        }
        return best
    }

    // MARK: Output

    func report(_ pass: PassFigures) {
        say("\n## \(pass.kind) pass, \(pass.name)")
        say("pass: \(format(pass.passSeconds)) s (its own start to finish); until LinkedIn held its repairs: \(format(pass.untilHeldSeconds)) s")
        say("checked: \(Self.listed(pass.checked)); repaired: \(Self.listed(pass.repaired))")
        let teamtailorTotal = pass.teamtailorCalls.values.reduce(0, +)
        say("Teamtailor calls: \(teamtailorTotal) — \(pass.teamtailorCalls.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        say("  peak \(pass.teamtailorPeakPerWindow) calls in one of Teamtailor's \(teamtailorWindowSeconds)-s windows (fixed, as the simulator counts) of \(teamtailorLimit) allowed (headroom \(teamtailorLimit - pass.teamtailorPeakPerWindow)), \(pass.teamtailorPeakSliding) in any sliding \(teamtailorWindowSeconds) s; \(format(pass.teamtailorCallsPerSecond)) calls/s over the pass; 429s: \(pass.teamtailorThrottled)")
        let linkedInCalls = pass.linkedInCalls.values.reduce(0) { $0 + $1.calls }
        let linkedInRecords = pass.linkedInCalls.values.reduce(0) { $0 + $1.records }
        say("LinkedIn calls: \(linkedInCalls), records sent \(linkedInRecords)\(linkedInCalls == 0 ? "" : " — " + pass.linkedInCalls.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.calls) calls / \($0.value.records) records" }.joined(separator: ", "))")
        say("  peak \(pass.linkedInPeakRecordsPerMinute) records in a 60-s window of \(Self.linkedInRecordsPerWindow) allowed; 429s: \(pass.linkedInThrottled)")
        say("live changes of company \(Self.live) meanwhile: \(pass.live.count), \(Self.latencies(pass.live))")
    }

    func summarize(_ passes: [PassFigures]) {
        say("\n## summary (\(candidates) candidates, \(format(driftPercent)) % drift)")
        var table = [["PASS", "KIND", "SECONDS", "HELD AFTER", "CHECKED", "REPAIRED", "TT CALLS", "TT PEAK/WIN", "TT SLIDING", "TT 429", "LI CALLS", "LI RECORDS", "LI PEAK/60S", "LI 429", "LIVE P99"]]
        for pass in passes {
            let sorted = pass.live.sorted()
            table.append([
                pass.name, pass.kind, format(pass.passSeconds), format(pass.untilHeldSeconds),
                "\(pass.checked.values.reduce(0, +))", "\(pass.repaired.values.reduce(0, +))",
                "\(pass.teamtailorCalls.values.reduce(0, +))", "\(pass.teamtailorPeakPerWindow)/\(teamtailorLimit)", "\(pass.teamtailorPeakSliding)", "\(pass.teamtailorThrottled)",
                "\(pass.linkedInCalls.values.reduce(0) { $0 + $1.calls })", "\(pass.linkedInCalls.values.reduce(0) { $0 + $1.records })",
                "\(pass.linkedInPeakRecordsPerMinute)", "\(pass.linkedInThrottled)",
                BenchCommand.Outbound.seconds(BenchCommand.Outbound.percentile(sorted, 0.99)),
            ])
        }
        say(TextTable.render(table))
        let live = passes.flatMap(\.live)
        say("live changes of company \(Self.live) during the passes: \(live.count), \(Self.latencies(live))")
    }

    static func latencies(_ seconds: [Double]) -> String {
        let sorted = seconds.sorted()
        let show = { (value: Double?) in value.map { String(format: "%.2f s", $0) } ?? "-" }
        return "latency to LinkedIn p50 \(show(BenchCommand.Outbound.percentile(sorted, 0.5))), p99 \(show(BenchCommand.Outbound.percentile(sorted, 0.99))), max \(show(sorted.last))"
    }

    static func listed(_ counts: [String: Int]) -> String {
        let shown = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        return "\(counts.values.reduce(0, +))" + (shown.isEmpty ? "" : " (" + shown.joined(separator: ", ") + ")")
    }

    func format(_ value: Double) -> String { String(format: "%.1f", value) }

    func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
}

/// Another company's candidate changed through Kafka at a steady pace, each change timed until LinkedIn holds it.
final class LiveChangeProbe: Sendable {
    struct Sample: Sendable {
        var sentAt: Date
        var seconds: Double
    }

    let company: String
    let every: Duration
    static let candidateID = "77001"
    private let taken = Mutex<[Sample]>([])

    init(company: String, every: Duration) {
        self.company = company
        self.every = every
    }

    func samples() -> [Sample] { taken.withLock { $0 } }

    /// Until cancelled: a change, then a wait (at most a minute) until LinkedIn shows it.
    func run(producer: KafkaProducer, linkedIn: LinkedInSimulator) async throws {
        var sequence = 0
        while !Task.isCancelled {
            sequence += 1
            let sentAt = Date(), started = ContinuousClock.now
            try await publish(producer: producer, sequence: sequence, at: sentAt)
            var held = false
            while !held, ContinuousClock.now < started + .seconds(60), !Task.isCancelled {
                let record = await linkedIn.state.record(.atsCandidates, id: SimulatedRecordID(Self.candidateID), in: "urn:li:organization:\(company)")
                held = record?["lastName"]?.stringValue == "Live \(sequence)"
                if !held { try? await Task.sleep(for: .milliseconds(10)) }
            }
            // A change cut short by the end of the run is not a sample.
            guard held || !Task.isCancelled else { return }
            let seconds = (ContinuousClock.now - started).timeInterval
            taken.withLock { $0.append(Sample(sentAt: sentAt, seconds: seconds)) }
            try? await Task.sleep(until: started + every)
        }
    }

    func publish(producer: KafkaProducer, sequence: Int, at now: Date) async throws {
        let event = ChangeEvent(
            eventID: UUID().uuidString, event: "candidate.update", companyID: company, occurredAt: now,
            version: Int64(now.timeIntervalSince1970 * 1_000_000),
            data: .init(id: Self.candidateID, type: "candidates", attributes: [
                "first-name": .string("Bench"), "last-name": .string("Live \(sequence)"), "email": .string("live@example.com"),
                "created-at": .string("2026-01-01T00:00:00Z"), "updated-at": .string(RFC3339.format(now)),
            ]))
        try await producer.publishChange(event)
    }
}
