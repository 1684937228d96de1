import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCConfiguration
import RSCKafka
import RSCLinkedInSimulator
import RSCSandbox
import RSCSecrets
import RSCStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole chain on the embedded stack: connecting a company and its first sync, live Teamtailor changes → Kafka → rsc-outbound → the LinkedIn simulator, and an Export to ATS."
    )

    @Option(help: "Teamtailor change events to publish.") var events = 3_000
    @Option(help: "Events per second while publishing.") var rate = 500
    @Option(help: "Seconds to wait for LinkedIn to catch up before giving up.") var timeout = 120
    @Option(name: .customLong("history-candidates"), help: "Candidates in the connected company's history (applications: three times as many).")
    var historyCandidates = 1_000

    static let companies = ["1842", "2077", "3105"]

    func run() async throws {
        let logger = CommandEnvironment.logger
        say("starting the embedded stack: PostgreSQL, a 3-broker Kafka mock cluster, the LinkedIn and Teamtailor simulators")
        try await EmbeddedStackSession.run(companies: Self.companies, privateJobs: ["2077"], logger: logger) { stack in
            say("  DATABASE_URL=\(stack.postgres.url)")
            say("  KAFKA_BROKERS=\(stack.kafka.bootstrapServers)")
            say("  LINKEDIN_API_URL=http://127.0.0.1:\(stack.linkedInPort)  (inspect: /_simulator/records, /_simulator/requests)")
            say("  TEAMTAILOR_API_URL=\(stack.teamtailorURL.absoluteString)  (inspect: /_simulator/companies)")
            say("companies \(Self.companies.joined(separator: ", ")) connected (2077 has \"Make all jobs private on LinkedIn\" on)")

            let metricsPort = try FreePort.loopback()
            // Reconciliation every 30 s instead of daily, so the demo shows a lost change repaired.
            let (worker, logURL) = try stack.launchWorker(
                metricsPort: metricsPort, extraEnvironment: ["RECONCILE_INTERVAL_SECONDS": "30"], logName: "rsc-demo-outbound.log")
            defer { if worker.isRunning { worker.terminate() } }
            say("started rsc-outbound (pid \(worker.processIdentifier); JSON logs in \(logURL.path); metrics on :\(metricsPort))")

            // Act 1: an admin connects a company; its history flows while live changes go first.
            let token = "demo-internal-token-" + UUID().uuidString
            let publicPort = try FreePort.loopback(), internalPort = try FreePort.loopback()
            let (exporter, exportLog) = try stack.launch(
                "rsc-export", metricsPort: try FreePort.loopback(),
                extraEnvironment: DemoConnectAct.exportEnvironment(publicPort: publicPort, internalPort: internalPort, token: token),
                logName: "rsc-demo-export.log")
            defer { if exporter.isRunning { exporter.terminate() } }
            say("started rsc-export (pid \(exporter.processIdentifier); callbacks on :\(publicPort), internal API on :\(internalPort); logs in \(exportLog.path))")
            let connect = DemoConnectAct(stack: stack, internalURL: "http://127.0.0.1:\(internalPort)", token: token, say: { say($0) })
            say("\n— connecting company \(DemoConnectAct.company) from Teamtailor's settings page —")
            try await connect.seed(candidates: historyCandidates)
            let seat = try await connect.connect()
            say("\n— live changes of three other companies, published while the first sync runs —")

            // Publish at a steady rate, showing progress as LinkedIn catches up.
            let producer = try KafkaProducer(configuration: .init(bootstrapServers: stack.kafka.bootstrapServers), logger: logger)
            var generator = ChangeGenerator(companies: Self.companies, seed: 2026)
            var stray = ChangeGenerator(companies: ["9999"], seed: 7)
            let started = ContinuousClock.now
            var published = 0
            while published < events {
                var second = generator.next(min(rate / 10, events - published))
                // Now and then an event of a company that is not connected: a dead letter, replayable later.
                if published % 1_000 == 0 { second[0] = stray.next() }
                for change in second {
                    try await producer.publishChange(topic: change.topic, companyID: change.key, event: change.event, value: change.value)
                }
                published += second.count
                if published % max(rate, 1) == 0 || published == events {
                    say("  published \(published)/\(events) events; LinkedIn holds \(await totalHeld(stack.simulator)) records; \(try await stack.pending()) pending")
                    say("    admin page of \(DemoConnectAct.company): \(try await connect.firstSyncLine())")
                }
                let target = started + .milliseconds(published * 1_000 / max(rate, 1))
                if ContinuousClock.now < target { try await Task.sleep(until: target) }
            }
            await producer.close()
            say("published \(events) events (including duplicates, out-of-order versions and an unconnected company 9999)")

            let deadline = ContinuousClock.now + .seconds(timeout)
            var remaining = try await stack.pending()
            while remaining > 0, ContinuousClock.now < deadline {
                say("  waiting for LinkedIn: \(remaining) records pending")
                try await Task.sleep(for: .seconds(1))
                remaining = try await stack.pending()
            }
            say("\n— the admin page of company \(DemoConnectAct.company) while its first sync finishes —")
            let firstSyncDone = try await connect.followFirstSync(timeout: .seconds(timeout))
            say(firstSyncDone ? "  first global sync done" : "  first global sync still running after \(timeout) s")
            say("\n— Export to ATS —")
            try await connect.export(seat: seat, timeout: .seconds(30))
            say("\n— LinkedIn → Teamtailor (rsc-inbound, polling every 15 s for the demo; 2 hours in production) —")
            let (inbound, inboundLog) = try stack.launch(
                "rsc-inbound", metricsPort: try FreePort.loopback(), extraEnvironment: ["INBOUND_INTERVAL_SECONDS": "15"],
                logName: "rsc-demo-inbound.log")
            defer { if inbound.isRunning { inbound.terminate() } }
            say("started rsc-inbound (pid \(inbound.processIdentifier); logs in \(inboundLog.path))")
            try await connect.inbound(seat: seat, timeout: .seconds(60))
            inbound.interrupt()
            inbound.waitUntilExit()
            say("\n— a change whose event is lost, repaired by reconciliation (every 30 s for the demo; daily in production) —")
            try await connect.repair(timeout: .seconds(90))
            try await summary(client: stack.client, simulator: stack.simulator, metricsPort: metricsPort, kafka: stack.kafka, logger: logger)

            worker.interrupt()
            exporter.interrupt()
            worker.waitUntilExit()
            exporter.waitUntilExit()
            say("\nrsc-outbound and rsc-export stopped on SIGINT with exit codes \(worker.terminationStatus) and \(exporter.terminationStatus)")
            guard remaining == 0 else {
                say("LinkedIn did not catch up within \(timeout) s; still pending:")
                let rows = try await stack.client.query(
                    """
                    SELECT r.company_id, r.resource, r.parent_id, r.record_id, r.state, COALESCE(r.state_reason, ''),
                           COALESCE(q.attempts, 0), r.job_task_id IS NOT NULL
                    FROM linkedin_records r LEFT JOIN linkedin_send_queue q USING (company_id, resource, parent_id, record_id)
                    WHERE q.record_id IS NOT NULL OR r.job_task_id IS NOT NULL LIMIT 20
                    """,
                    logger: logger
                )
                for try await row in rows.decode((String, String, String, String, String, String, Int, Bool).self) { say("  \(row)") }
                throw ExitCode.failure
            }
        }
    }

    func summary(client: PostgresClient, simulator: LinkedInSimulator, metricsPort: Int, kafka: EmbeddedKafka, logger: Logger) async throws {
        let resources: [(SimulatedResource, String)] = [
            (.simpleJobPostings, "jobs"), (.atsCandidates, "candidates"), (.atsApplications, "applications"),
            (.atsApplicationStages, "stages"), (.atsApplicationInterviewFeedback, "feedback"),
            (.atsApplicationNotes, "app notes"), (.atsCandidateNotes, "cand. notes"),
        ]
        say("\nrecords on LinkedIn, per company:")
        var table = [["COMPANY"] + resources.map(\.1)]
        for company in Self.companies + [DemoConnectAct.company] {
            let counts = await simulator.state.recordCounts(in: "urn:li:organization:\(company)")
            table.append([company] + resources.map { "\(counts[$0.0] ?? 0)" })
        }
        say(TextTable.render(table))

        say("\ncandidates not on LinkedIn, and why:")
        let reasons = try await client.query(
            """
            SELECT company_id, state, COALESCE(state_reason, ''), count(*)::int FROM linkedin_records
            WHERE resource = 'candidate' AND state IN ('not_matched', 'failed') GROUP BY 1, 2, 3 ORDER BY 1, 4 DESC
            """,
            logger: logger
        )
        var reasonTable = [["COMPANY", "CANDIDATES", "REASON"]]
        for try await (company, _, reason, count) in reasons.decode((String, String, String, Int).self) {
            reasonTable.append([company, "\(count)", reason])
        }
        say(reasonTable.count == 1 ? "  none" : TextTable.render(reasonTable))

        let metrics = await PrometheusText.fetch(port: metricsPort)
        let p50 = PrometheusText.quantile(metrics, "rsc_sync_latency_seconds", 0.5)
        let p99 = PrometheusText.quantile(metrics, "rsc_sync_latency_seconds", 0.99)
        func text(_ value: Double?) -> String { value.map { $0.isInfinite ? "> 300 s" : "≤ \($0) s" } ?? "-" }
        say("\nend-to-end latency, Teamtailor change → accepted by LinkedIn (histogram bucket bounds): p50 \(text(p50)), p99 \(text(p99))")
        let liveClients = Set(Self.companies.map { "sandbox-client-\($0)" })
        let calls = await simulator.state.requestLog().filter { $0.clientID.map(liveClients.contains) == true }.count
        let throttled = await simulator.state.throttledCount()
        say("LinkedIn calls for the live changes: \(calls) for \(events) events (\(calls * 1_000 / max(events, 1)) per 1,000); answered 429 (all companies): \(throttled)")
        let stored = PrometheusText.sum(metrics, "rsc_outbound_events_total", matching: "outcome=\"stored\"")
        let dead = PrometheusText.sum(metrics, "rsc_outbound_events_total", matching: "outcome=\"dead_lettered\"")
        say("events stored: \(Int(stored)); dead-lettered: \(Int(dead)) (`rsc dlq list` shows them with reasons)")
        let admin = try KafkaAdmin(bootstrapServers: kafka.bootstrapServers, logger: logger)
        let lag = try await admin.consumerGroupLag(groupID: "rsc-outbound", topics: ChangeTopic.allTopicNames)
        await admin.close()
        say("consumer group rsc-outbound: total lag \(lag.reduce(0) { $0 + $1.lag })")
    }

    func totalHeld(_ simulator: LinkedInSimulator) async -> Int {
        var total = 0
        for company in Self.companies {
            total += await simulator.state.recordCounts(in: "urn:li:organization:\(company)").values.reduce(0, +)
        }
        return total
    }

    func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
