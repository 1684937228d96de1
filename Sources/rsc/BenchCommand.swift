import ArgumentParser
import Foundation
import RSCRetry
import Logging
import RSCChangeEvents
import RSCKafka
import RSCLinkedInSimulator
import RSCSandbox

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed and memory on the embedded stack (make bench; figures in docs/benchmarks.md).",
        subcommands: [Outbound.self, BenchInbound.self, BenchFirstSync.self, BenchReconcile.self, BenchExport.self]
    )

    struct Outbound: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "rsc-outbound: events/s with LinkedIn's quota off (beside kcat on the same events), latency at a steady rate, calls per 1,000 events, peak RSS."
        )

        @Option(help: "Events for the throughput run.") var events = 50_000
        @Option(name: .customLong("steady-rate"), help: "Events per second for the latency run.") var steadyRate = 1_000
        @Option(name: .customLong("steady-seconds"), help: "Length of the latency run.") var steadySeconds = 30
        @Option(help: "Companies the events are spread over.") var companies = 20
        @Flag(name: .customLong("consume-only"), help: "Throughput run with sending paused (LINKEDIN_SENDER_CONCURRENCY=0): the consumer alone.")
        var consumeOnly = false
        @Flag(name: .customLong("skip-latency"), help: "Only the throughput run.") var skipLatency = false
        @Option(help: "Repeat the throughput and latency runs this many times and end with a summary of the series.") var runs = 1

        /// One run's figures, for the series summary.
        struct RunFigures: Sendable {
            var kcat = 0.0, consumed = 0.0, ratio = 0.0, peakRSSMiB = 0
            var callsPer1000 = 0, floorPer1000 = 0
            /// The same at the steady rate (the issue's goal: ≤ 1.1 × the floor at 1,000 events/s).
            var steadyCallsPer1000 = 0, steadyFloorPer1000 = 0, steadySecondFloorPer1000 = 0
            var p50: Double?, p99: Double?, p999: Double?
            var samples = 0
        }

        func run() async throws {
            let ids = (1...companies).map { "\(1000 + $0)" }
            say("# rsc bench outbound — \(Date().formatted(.iso8601))")
            say("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB")
            var series: [RunFigures] = []
            for index in 1...max(runs, 1) {
                if runs > 1 { say("\n# run \(index) of \(runs)") }
                var figures = try await throughput(ids)
                if !skipLatency { try await steady(ids, into: &figures) }
                series.append(figures)
            }
            if runs > 1 { summarize(series) }
        }

        func summarize(_ series: [RunFigures]) {
            say("\n## series of \(series.count) runs")
            var table = [["RUN", "KCAT MSG/S", "EVENTS/S", "RATIO", "P50", "P99", "P99.9", "SAMPLES", "CALLS/1K", "FLOOR/1K", "STEADY CALLS/1K", "STEADY FLOOR/1K", "PER-SECOND FLOOR/1K", "RSS MIB"]]
            for (index, run) in series.enumerated() {
                table.append([
                    "\(index + 1)", "\(Int(run.kcat))", "\(Int(run.consumed))", String(format: "%.2f", run.ratio),
                    Self.seconds(run.p50), Self.seconds(run.p99), Self.seconds(run.p999), "\(run.samples)",
                    "\(run.callsPer1000)", "\(run.floorPer1000)", "\(run.steadyCallsPer1000)", "\(run.steadyFloorPer1000)", "\(run.steadySecondFloorPer1000)", "\(run.peakRSSMiB)",
                ])
            }
            say(TextTable.render(table))
            let atRatio = series.filter { $0.ratio >= 0.9 }.count
            let underSecond = series.filter { ($0.p99 ?? .infinity) <= 1.0 }.count
            say("consuming while sending ≥ 0.9 × kcat in \(atRatio) of \(series.count) runs; exact p99 ≤ 1.0 s in \(underSecond) of \(series.count)")
        }

        static func seconds(_ value: Double?) -> String { value.map { String(format: "%.3f s", $0) } ?? "-" }

        /// Nearest-rank percentile of sorted samples: the exact figure, not a histogram bucket's bound.
        static func percentile(_ sorted: [Double], _ quantile: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let rank = Int((quantile * Double(sorted.count)).rounded(.up))
            return sorted[min(max(rank, 1), sorted.count) - 1]
        }

        /// All events are in Kafka first; then the worker starts and we time until its lag is zero.
        func throughput(_ ids: [String]) async throws -> RunFigures {
            var simulator = LinkedInSimulatorConfiguration()
            simulator.quotasEnabled = false
            let logger = CommandEnvironment.logger
            return try await EmbeddedStackSession.run(companies: ids, simulatorConfiguration: simulator, logger: logger) { stack in
                var figures = RunFigures()
                let producer = try KafkaProducer(configuration: .init(bootstrapServers: stack.kafka.bootstrapServers), logger: logger)
                var generator = ChangeGenerator(companies: ids, seed: 1)
                var floor = LinkedInCallFloor()
                var sent = 0
                while sent < events {
                    let batch = generator.next(min(1_000, events - sent))
                    for change in batch { floor.add(company: change.key, value: change.value) }
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for change in batch {
                            group.addTask { try await producer.send(topic: change.topic, key: Array(change.key.utf8), value: change.value) }
                        }
                        try await group.waitForAll()
                    }
                    sent += batch.count
                }
                await producer.close()
                say("\n## throughput: \(events) events over \(ids.count) companies, LinkedIn quota off\(consumeOnly ? ", sending paused (consumer alone)" : "")")

                let kcatStart = ContinuousClock.now
                var kcatCount = 0
                for topic in ChangeTopic.allTopicNames {
                    kcatCount += try kcatConsume(brokers: stack.kafka.bootstrapServers, topic: topic)
                }
                let kcatSeconds = (ContinuousClock.now - kcatStart).timeInterval
                say("kcat -C (the broker's limit, same events, one topic after another): \(kcatCount) messages in \(format(kcatSeconds)) s = \(Int(Double(kcatCount) / kcatSeconds)) msg/s")
                figures.kcat = Double(kcatCount) / kcatSeconds

                let metricsPort = try FreePort.loopback()
                let started = ContinuousClock.now
                let (worker, _) = try stack.launchWorker(
                    metricsPort: metricsPort,
                    extraEnvironment: [
                        "LINKEDIN_RECORDS_PER_WINDOW": "1000000", "LINKEDIN_CALLS_PER_DAY": "10000000",
                        "LOG_LEVEL": ProcessInfo.processInfo.environment["RSC_BENCH_WORKER_LOG_LEVEL"] ?? "warning",
                        "LINKEDIN_SENDER_CONCURRENCY": consumeOnly ? "0" : "8",
                    ],
                    logName: "rsc-bench-outbound.log"
                )
                defer { if worker.isRunning { worker.terminate() } }
                let admin = try KafkaAdmin(bootstrapServers: stack.kafka.bootstrapServers, logger: logger)
                var consumedAt: ContinuousClock.Instant?
                // The first moment some offsets were committed: the group has joined and work is flowing.
                var flowing: (at: ContinuousClock.Instant, lag: Int64)?
                var peakRSS = 0
                let deadline = ContinuousClock.now + .seconds(900)
                while ContinuousClock.now < deadline {
                    peakRSS = max(peakRSS, Self.peakRSSKiB(worker.processIdentifier))
                    if consumedAt == nil {
                        let lag = try await admin.consumerGroupLag(groupID: "rsc-outbound", topics: ChangeTopic.allTopicNames)
                        let total = lag.reduce(0) { $0 + $1.lag }
                        if flowing == nil, lag.contains(where: { $0.committedOffset != nil }) { flowing = (ContinuousClock.now, total) }
                        if total == 0, flowing != nil { consumedAt = ContinuousClock.now }
                    } else if consumeOnly {
                        break
                    } else if try await stack.pending() == 0 {
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                await admin.close()
                let drainedAt = ContinuousClock.now
                guard let consumedAt else { throw ValidationError("rsc-outbound did not consume the events within 15 minutes") }
                let consumeSeconds = (consumedAt - started).timeInterval
                say("rsc-outbound consumed, validated and stored them (lag 0): \(format(consumeSeconds)) s after start, start-up and group join included")
                if let flowing, flowing.lag > 0 {
                    let steadySeconds = (consumedAt - flowing.at).timeInterval
                    say("throughput once the group had joined: \(flowing.lag) events in \(format(steadySeconds)) s = \(Int(Double(flowing.lag) / steadySeconds)) events/s")
                    figures.consumed = Double(flowing.lag) / steadySeconds
                    figures.ratio = figures.kcat > 0 ? figures.consumed / figures.kcat : 0
                    say("ratio to kcat in this run: \(String(format: "%.2f", figures.ratio)) (consumption\(consumeOnly ? " alone" : " while sending") ÷ kcat on the same events)")
                }
                say("all LinkedIn records sent: \(format((drainedAt - started).timeInterval)) s after start")
                // The worker's own count: the simulator's request log keeps only the last 10,000 calls.
                let metrics = await PrometheusText.fetch(port: metricsPort)
                let calls = Int(PrometheusText.sum(metrics, "rsc_linkedin_calls_total"))
                let records = Int(PrometheusText.sum(metrics, "rsc_linkedin_records_total", matching: "outcome=\"synced\""))
                let skipped = Int(PrometheusText.sum(metrics, "rsc_linkedin_records_total"))
                say("LinkedIn calls: \(calls) = \(calls * 1_000 / events) per 1,000 events; record outcomes \(skipped), of which synced (sent, or unchanged and skipped) \(records)")
                figures.callsPer1000 = calls * 1_000 / max(events, 1)
                figures.floorPer1000 = floor.calls * 1_000 / max(events, 1)
                say("  the API's floor for these changes (100 records a call, one call per application and sub-resource kind): \(floor.calls) = \(figures.floorPer1000) per 1,000 events; calls ÷ floor \(String(format: "%.2f", Double(calls) / Double(max(floor.calls, 1))))")
                // Outcomes other than synced are records planned and set aside: waiting for a parent, not matched, retried.
                let byOutcome = ["deleted", "not_matched", "waiting", "skipped", "failed", "submitted", "retry"].map { outcome in
                    "\(outcome) \(Int(PrometheusText.sum(metrics, "rsc_linkedin_records_total", matching: "outcome=\"\(outcome)\"")))"
                }
                say("  other outcomes: \(byOutcome.joined(separator: ", "))")
                // Waiting is planning spent on a record that could not go yet (its parent not on LinkedIn, or an
                // entity it needs not arrived from Teamtailor): which kinds.
                let waitingBy = ["application", "application_stage", "application_note", "candidate_note", "interview_feedback"].map { resource in
                    "\(resource) \(Int(PrometheusText.sum(metrics, "rsc_linkedin_records_total", matching: "outcome=\"waiting\"", "resource=\"\(resource)\"")))"
                }
                say("  waiting by resource: \(waitingBy.joined(separator: ", "))")
                say("  calls by endpoint: \(Self.callsByEndpoint(metrics))")
                say("peak RSS of rsc-outbound (VmHWM): \(peakRSS / 1_024) MiB")
                figures.peakRSSMiB = peakRSS / 1_024
                worker.interrupt()
                worker.waitUntilExit()
                return figures
            }
        }

        /// Events published at a steady rate; latency from `occurred_at` to LinkedIn's acceptance.
        func steady(_ ids: [String], into figures: inout RunFigures) async throws {
            let logger = CommandEnvironment.logger
            var simulator = LinkedInSimulatorConfiguration()
            simulator.recordsAcceptanceLatency = true
            let steadyFigures = try await EmbeddedStackSession.run(companies: ids, simulatorConfiguration: simulator, logger: logger) { stack -> RunFigures in
                var figures = RunFigures()
                let metricsPort = try FreePort.loopback()
                let (worker, _) = try stack.launchWorker(metricsPort: metricsPort, extraEnvironment: ["LOG_LEVEL": "warning"], logName: "rsc-bench-steady.log")
                defer { if worker.isRunning { worker.terminate() } }
                try await Task.sleep(for: .seconds(8))  // the group join, so latency measures steady state
                let producer = try KafkaProducer(configuration: .init(bootstrapServers: stack.kafka.bootstrapServers), logger: logger)
                say("\n## latency: \(steadyRate * steadySeconds) events at \(steadyRate)/s over \(ids.count) companies")
                // Where a backlog builds (the consumer's lag or the sender's dirty records), every 5 s.
                let sampler = Task {
                    let admin = try KafkaAdmin(bootstrapServers: stack.kafka.bootstrapServers, logger: logger)
                    defer { Task { await admin.close() } }
                    let begun = ContinuousClock.now
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(5))
                        let lag = try await admin.consumerGroupLag(groupID: "rsc-outbound", topics: ChangeTopic.allTopicNames).reduce(0) { $0 + $1.lag }
                        let pending = try await stack.pending()
                        say("  t=\(Int((ContinuousClock.now - begun).timeInterval)) s: consumer lag \(lag) events, dirty LinkedIn records \(pending)")
                    }
                }
                defer { sampler.cancel() }
                var generator = ChangeGenerator(companies: ids, seed: 2)
                var floor = LinkedInCallFloor()
                // The floor counts each changed record once over the whole run; a sender that keeps p99 under a
                // second cannot hold a change that long. The same floor per second of changes is the bound for it.
                var secondFloor = LinkedInCallFloor()
                var secondStarted = ContinuousClock.now
                var perSecondFloorCalls = 0
                let total = steadyRate * steadySeconds
                let started = ContinuousClock.now
                // Sends are not awaited one by one: a delivery report takes longer than 1/rate.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var sent = 0
                    while sent < total {
                        let slice = generator.next(max(1, steadyRate / 20))
                        if ContinuousClock.now - secondStarted >= .seconds(1) {
                            perSecondFloorCalls += secondFloor.calls
                            secondFloor = LinkedInCallFloor()
                            secondStarted = ContinuousClock.now
                        }
                        for change in slice {
                            floor.add(company: change.key, value: change.value)
                            secondFloor.add(company: change.key, value: change.value)
                        }
                        for change in slice {
                            group.addTask { try await producer.send(topic: change.topic, key: Array(change.key.utf8), value: change.value) }
                        }
                        sent += slice.count
                        let target = started + .milliseconds(sent * 1_000 / steadyRate)
                        if ContinuousClock.now < target { try await Task.sleep(until: target) }
                    }
                    try await group.waitForAll()
                }
                let publishSeconds = (ContinuousClock.now - started).timeInterval
                perSecondFloorCalls += secondFloor.calls
                await producer.close()
                let deadline = ContinuousClock.now + .seconds(120)
                while try await stack.pending() > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(250)) }
                let metrics = await PrometheusText.fetch(port: metricsPort)
                let p50 = PrometheusText.quantile(metrics, "rsc_sync_latency_seconds", 0.5)
                let p99 = PrometheusText.quantile(metrics, "rsc_sync_latency_seconds", 0.99)
                let samples = PrometheusText.sum(metrics, "rsc_sync_latency_seconds_count")
                say("published at \(Int(Double(total) / publishSeconds))/s")
                say("end-to-end latency occurred_at → accepted by LinkedIn, \(Int(samples)) records: p50 ≤ \(p50.map { "\($0)" } ?? "-") s, p99 ≤ \(p99.map { "\($0)" } ?? "-") s (the worker's histogram: bucket bounds)")
                // Exact, from the simulator: each accepted candidate, from its atsLastModifiedAt (the generator's change
                // time, as occurred_at) to LinkedIn's acceptance. (Applications are also re-sent when their candidate
                // or job changes, which their own atsLastModifiedAt does not date.)
                let exact = await stack.simulator.state.acceptanceLatencies().sorted()
                figures.samples = exact.count
                figures.p50 = Self.percentile(exact, 0.5)
                figures.p99 = Self.percentile(exact, 0.99)
                figures.p999 = Self.percentile(exact, 0.999)
                say("exact, candidates (\(exact.count) acceptances): p50 \(Self.seconds(figures.p50)), p99 \(Self.seconds(figures.p99)), p99.9 \(Self.seconds(figures.p999)), max \(Self.seconds(exact.last))")
                // At a steady rate a record changed twice a few seconds apart is rightly sent twice: the floor (each
                // changed record once) is the bound, not a target the sender could meet while keeping latency low.
                let calls = Int(PrometheusText.sum(metrics, "rsc_linkedin_calls_total"))
                figures.steadyCallsPer1000 = calls * 1_000 / max(total, 1)
                figures.steadyFloorPer1000 = floor.calls * 1_000 / max(total, 1)
                say("LinkedIn calls: \(calls) = \(figures.steadyCallsPer1000) per 1,000 events; the API's floor \(floor.calls) = \(figures.steadyFloorPer1000) per 1,000; calls ÷ floor \(String(format: "%.2f", Double(calls) / Double(max(floor.calls, 1))))")
                figures.steadySecondFloorPer1000 = perSecondFloorCalls * 1_000 / max(total, 1)
                say("  the floor with every change sent within a second (the same floor, per second of changes): \(perSecondFloorCalls) = \(figures.steadySecondFloorPer1000) per 1,000; calls ÷ that floor \(String(format: "%.2f", Double(calls) / Double(max(perSecondFloorCalls, 1))))")
                say("  calls by endpoint: \(Self.callsByEndpoint(metrics))")
                say("LinkedIn 429s: \(await stack.simulator.state.throttledCount())")
                worker.interrupt()
                worker.waitUntilExit()
                return figures
            }
            figures.samples = steadyFigures.samples
            figures.p50 = steadyFigures.p50
            figures.p99 = steadyFigures.p99
            figures.p999 = steadyFigures.p999
            figures.steadyCallsPer1000 = steadyFigures.steadyCallsPer1000
            figures.steadyFloorPer1000 = steadyFigures.steadyFloorPer1000
            figures.steadySecondFloorPer1000 = steadyFigures.steadySecondFloorPer1000
        }

        func kcatConsume(brokers: String, topic: String) throws -> Int {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/kcat")
            process.arguments = ["-C", "-b", brokers, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "x\n"]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }

        /// `rsc_linkedin_calls_total` summed per `call` label (the endpoint, without ids), most first.
        static func callsByEndpoint(_ metrics: String) -> String {
            var byCall: [String: Double] = [:]
            for line in metrics.split(separator: "\n") where line.hasPrefix("rsc_linkedin_calls_total{") {
                guard let start = line.range(of: "call=\""), let end = line[start.upperBound...].firstIndex(of: "\""),
                      let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
                byCall[String(line[start.upperBound..<end]), default: 0] += value
            }
            return byCall.sorted { $0.value > $1.value }.map { "\($0.key) \(Int($0.value))" }.joined(separator: ", ")
        }

        static func peakRSSKiB(_ pid: Int32) -> Int {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
        }


        func format(_ value: Double) -> String { String(format: "%.1f", value) }

        func say(_ line: String) {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}
