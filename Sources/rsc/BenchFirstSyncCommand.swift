import ArgumentParser
import Foundation
import RSCRetry
import Logging
import RSCChangeEvents
import RSCKafka
import RSCLinkedInSimulator
import RSCSandbox
import RSCSecrets
import RSCStore
import RSCTeamtailorSimulator

/// `rsc bench first-sync`: a seeded company's history through rsc-outbound at LinkedIn's quota (its window
/// compressed to run in minutes), and meanwhile another company's live changes, timed end to end.
struct BenchFirstSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "first-sync",
        abstract: "First global sync: records per window as a fraction of LinkedIn's quota, 429s, and another company's live latency meanwhile."
    )

    @Option(help: "Candidates in the history (applications: three times as many).") var candidates = 20_000
    @Option(name: .customLong("window-seconds"), help: "LinkedIn's 60-second record window, compressed to this many seconds (both sides).")
    var windowSeconds = 60
    @Option(name: .customLong("live-every-ms"), help: "A live candidate change of another company every this many milliseconds.")
    var liveEveryMilliseconds = 1_000
    @Option(help: "Give up after this many seconds.") var timeout = 1_800

    static let history = "4200", live = "1842"

    func run() async throws {
        let logger = CommandEnvironment.logger
        say("# rsc bench first-sync — \(Date().formatted(.iso8601))")
        say("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB")
        var simulatorConfiguration = LinkedInSimulatorConfiguration()
        simulatorConfiguration.recordWindow = .seconds(windowSeconds)
        try await EmbeddedStackSession.run(companies: [Self.live], simulatorConfiguration: simulatorConfiguration, logger: logger) { stack in
            // The history company: seeded in Teamtailor, connected, first sync queued.
            await stack.teamtailor.state.setRateLimit(1_000, window: .seconds(10))
            let counts = try await stack.connectHistoryCompany(
                id: Self.history, apiKey: "bench-key", clientID: "bench-client", contractURN: "urn:li:contract:420000", seed: 9,
                candidates: candidates)
            say("history: " + counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", "))
            let organization = "urn:li:organization:\(Self.history)"

            let metricsPort = try FreePort.loopback()
            let started = ContinuousClock.now
            let (worker, logURL) = try stack.launchWorker(
                metricsPort: metricsPort,
                extraEnvironment: [
                    "LINKEDIN_QUOTA_WINDOW_SECONDS": "\(windowSeconds)",
                    "LOG_LEVEL": ProcessInfo.processInfo.environment["RSC_BENCH_WORKER_LOG_LEVEL"] ?? "warning",
                ],
                logName: "rsc-bench-first-sync.log")
            defer { if worker.isRunning { worker.terminate() } }
            say("rsc-outbound pid \(worker.processIdentifier), log \(logURL.path); quota 10,000 records per \(windowSeconds) s (LinkedIn: per 60 s)")

            // Live changes of the other company, each timed until LinkedIn holds it.
            let producer = try KafkaProducer(configuration: .init(bootstrapServers: stack.kafka.bootstrapServers), logger: logger)
            var latencies: [Double] = []
            var sequence = 0
            var lastReport = ContinuousClock.now
            let deadline = ContinuousClock.now + .seconds(timeout)
            var done = false
            // (seconds since start, history records LinkedIn holds, records waiting to be sent)
            var samples: [(at: Double, held: Int, pending: Int)] = []
            while ContinuousClock.now < deadline {
                sequence += 1
                let sentAt = ContinuousClock.now
                try await publishLiveChange(producer: producer, sequence: sequence)
                while ContinuousClock.now < sentAt + .seconds(60) {
                    let record = await stack.simulator.state.record(.atsCandidates, id: "77001", in: "urn:li:organization:\(Self.live)")
                    if record?["lastName"]?.stringValue == "Live \(sequence)" { break }
                    try await Task.sleep(for: .milliseconds(10))
                }
                latencies.append((ContinuousClock.now - sentAt).timeInterval)
                samples.append(((ContinuousClock.now - started).timeInterval, await held(stack, organization), try await stack.pending()))
                if ContinuousClock.now - lastReport >= .seconds(15) {
                    lastReport = ContinuousClock.now
                    say("  \(Int((ContinuousClock.now - started).timeInterval)) s: LinkedIn holds \(await held(stack, organization)) history records; \(try await stack.pending()) pending")
                }
                if try await finished(stack) { done = true; break }
                let next = sentAt + .milliseconds(liveEveryMilliseconds)
                if ContinuousClock.now < next { try await Task.sleep(until: next) }
            }
            let elapsed = (ContinuousClock.now - started).timeInterval
            await producer.close()
            worker.interrupt()
            worker.waitUntilExit()

            let records = samples.last?.held ?? 0
            let overall = Double(records) / max(elapsed, 1) * Double(windowSeconds)
            // Windows in which the sender had a backlog (over 1,000 records waiting): there, only the quota
            // or our own speed can limit what LinkedIn accepts.
            var saturated: [Double] = []
            for (index, start) in samples.enumerated() where start.pending > 1_000 {
                guard let end = samples[index...].first(where: { $0.at >= start.at + Double(windowSeconds) }) else { break }
                saturated.append(Double(end.held - start.held) / (end.at - start.at) * Double(windowSeconds))
            }
            let busy = saturated.isEmpty ? 0 : saturated.reduce(0, +) / Double(saturated.count)
            let throttled = await stack.simulator.state.throttledCount()
            say("\n## first sync of \(candidates) candidates, \(candidates * 3) applications \(done ? "finished" : "NOT finished") in \(format(elapsed)) s")
            say("history records on LinkedIn: \(records); overall \(Int(overall)) per \(windowSeconds)-s window = \(format(overall / 100)) % of the quota (10,000 per window), reading included")
            say("while the sender had a backlog (\(saturated.count) windows sampled): \(Int(busy)) per window = \(format(busy / 100)) % of the quota")
            say("answered 429: \(throttled)")
            let sorted = latencies.sorted()
            func quantile(_ q: Double) -> String { sorted.isEmpty ? "-" : format(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) }
            say("live changes of company \(Self.live) meanwhile: \(sorted.count), latency to LinkedIn p50 \(quantile(0.5)) s, p99 \(quantile(0.99)) s, max \(quantile(1)) s")
            // Reconciliation: every Teamtailor record is on LinkedIn or not sent for a stated reason.
            let states = try await stack.client.query(
                """
                SELECT resource, state, count(*)::int FROM linkedin_records WHERE company_id = \(Self.history)
                GROUP BY 1, 2 ORDER BY 1, 2
                """,
                logger: logger
            ).decode((String, String, Int).self).reduce(into: [String]()) { $0.append("\($1.0) \($1.1) \($1.2)") }
            say("our records for \(Self.history) by state: \(states.joined(separator: ", "))")
            say("Teamtailor holds: \(counts[.candidates] ?? 0) candidates, \(counts[.jobApplications] ?? 0) applications, \(counts[.jobs] ?? 0) jobs")
            let holdings = await stack.simulator.state.holdings(organization: organization)
            say("LinkedIn holds for \(Self.history): \(holdings.listedJobs + holdings.closedJobs) jobs, \(holdings.candidates) candidates, \(holdings.applications) applications, sub-records \(holdings.subRecords.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        }
    }

    func publishLiveChange(producer: KafkaProducer, sequence: Int) async throws {
        let now = Date()
        let event = ChangeEvent(
            eventID: UUID().uuidString, event: "candidate.update", companyID: Self.live, occurredAt: now,
            version: Int64(now.timeIntervalSince1970 * 1_000_000),
            data: .init(id: "77001", type: "candidates", attributes: [
                "first-name": .string("Bench"), "last-name": .string("Live \(sequence)"), "email": .string("live@example.com"),
                "created-at": .string("2026-01-01T00:00:00Z"), "updated-at": .string(RFC3339.format(now)),
            ]))
        try await producer.publishChange(event)
    }

    func finished(_ stack: EmbeddedStackSession) async throws -> Bool {
        let unread = try await stack.client.query(
            "SELECT count(*)::int FROM first_sync_progress WHERE state <> 'read'", logger: stack.logger
        ).decode(Int.self).reduce(0, +)
        let pending = try await stack.pending()
        return unread == 0 && pending == 0
    }

    func held(_ stack: EmbeddedStackSession, _ organization: String) async -> Int {
        await stack.simulator.state.recordCounts(in: organization).values.reduce(0, +)
    }


    func format(_ value: Double) -> String { String(format: "%.1f", value) }

    func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
}
