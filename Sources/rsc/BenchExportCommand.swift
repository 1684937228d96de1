import ArgumentParser
import AsyncHTTPClient
import Foundation
import RSCRetry
import NIOCore
import PostgresNIO
import RSCChangeEvents
import RSCLinkedInClient
import RSCLinkedInSimulator
import RSCSandbox
import RSCSecrets
import RSCStore
import RSCTeamtailorSimulator

/// `rsc bench export`: rsc-export as a child of the embedded stack, its company connected through the
/// internal API; time from an "Export to ATS" to the candidate on the job in Teamtailor, then the time to
/// the 202 for signed pushes sent open-loop at a steady rate; with `--flood`, the same known pushes while
/// `wrk` floods the public listener with made-up callback tokens, step by step.
struct BenchExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "rsc-export: export-to-candidate-in-Teamtailor p50/p99, and acknowledgement latency of signed pushes at a steady rate (goals: 2 s, 50 ms)."
    )

    @Option(help: "Exports for the export-to-candidate run.") var exports = 100
    @Option(name: .customLong("export-rate"), help: "Exports per second.") var exportRate = 5
    @Option(help: "Signed pushes per second for the acknowledgement run.") var rate = 200
    @Option(help: "Length of the acknowledgement run, warm-up excluded.") var seconds = 20
    @Option(name: .customLong("warmup-seconds"), help: "Pushes at the same rate first, not counted.") var warmupSeconds = 2
    @Flag(help: "Also run the unknown-token flood: wrk (Debian's package) on loopback, one step per --flood-rates value.")
    var flood = false
    @Option(name: .customLong("flood-rates"), help: "Unknown-token requests per second per step, comma-separated (0: no flood; max: as fast as wrk goes).")
    var floodRates = "0,250,500,1000,2000,4000,max"
    @Option(name: .customLong("flood-seconds"), help: "Length of each flood step (wrk -d; at most 60).") var floodSeconds = 10
    @Option(name: .customLong("flood-known-rate"), help: "Signed known pushes per second during each flood step.")
    var floodKnownRate = 20

    func run() async throws {
        say("# rsc bench export — \(Date().formatted(.iso8601))")
        say("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB")
        let logger = CommandEnvironment.logger
        try await EmbeddedStackSession.run(companies: [], logger: logger) { stack in
            // The simulator's default limit (50 calls per 10 s) would measure the simulator, not rsc-export.
            await stack.teamtailor.state.setRateLimit(1_000_000, window: .seconds(10))
            try await stack.teamtailor.state.seedCompany(
                id: DemoConnectAct.company, apiKey: DemoConnectAct.apiKey,
                .init(seed: 7, users: 2, jobs: 2, candidates: 0, applications: 0))

            let token = "bench-internal-token-" + UUID().uuidString
            let publicPort = try FreePort.loopback(), internalPort = try FreePort.loopback(), metricsPort = try FreePort.loopback()
            let (exporter, logURL) = try stack.launch(
                "rsc-export", metricsPort: metricsPort,
                extraEnvironment: DemoConnectAct.exportEnvironment(publicPort: publicPort, internalPort: internalPort, token: token),
                logName: "rsc-bench-export.log")
            defer { if exporter.isRunning { exporter.terminate() } }
            say("rsc-export pid \(exporter.processIdentifier), logs in \(logURL.path)")
            let act = DemoConnectAct(stack: stack, internalURL: "http://127.0.0.1:\(internalPort)", token: token, say: { _ in })
            let seat = try await act.connect()
            let setup = try await Setup.read(stack)
            say("company \(DemoConnectAct.company) connected through the internal API; callback URL registered with LinkedIn")

            try await exportToCandidate(stack, setup: setup, seat: seat)
            try await acknowledgements(stack, setup: setup)
            if flood { try await unknownTokenFlood(stack, setup: setup, publicPort: publicPort, metricsPort: metricsPort) }
            say("peak RSS of rsc-export (VmHWM): \(BenchCommand.Outbound.peakRSSKiB(exporter.processIdentifier) / 1_024) MiB")
            exporter.interrupt()
            exporter.waitUntilExit()
        }
    }

    /// What the loader needs: the company's callback URL (from LinkedIn's side) and the secret LinkedIn signs with.
    struct Setup: Sendable {
        var callbackURL: String
        var clientSecret: String
        var application: LinkedInApplication

        static func read(_ stack: EmbeddedStackSession) async throws -> Setup {
            let integrations = await stack.simulator.state.integrations(organization: DemoConnectAct.organization)
            guard let url = integrations.compactMap({ $0.configurations["CALLBACK_URL"] }).first else {
                throw ValidationError("connecting did not register a callback URL with LinkedIn")
            }
            let companies = CompanyStore(client: stack.client, secrets: try SecretBox(currentKeyBase64: stack.secretKey), logger: stack.logger)
            let credentials = try await companies.credentials(DemoConnectAct.company)
            guard let clientID = credentials.linkedInClientID, let secret = credentials.linkedInClientSecret else {
                throw ValidationError("connecting did not store the company's LinkedIn application")
            }
            return Setup(callbackURL: url, clientSecret: secret, application: LinkedInApplication(clientID: clientID, clientSecret: secret))
        }
    }

    // MARK: - Export to candidate

    /// Exports at `exportRate`, each timed from the export call until the Teamtailor simulator holds the
    /// candidate with its application on the job.
    func exportToCandidate(_ stack: EmbeddedStackSession, setup: Setup, seat firstSeat: String) async throws {
        guard let job = await stack.teamtailor.state.records(.jobs, company: DemoConnectAct.company).first?.id else {
            throw ValidationError("the Teamtailor company has no job")
        }
        try await syncJob(job, stack: stack, application: setup.application)
        // LinkedIn allows a seat 300 exports a month.
        var seats = [firstSeat]
        while seats.count * 250 < exports + 1 {
            seats.append(try await stack.simulator.state.addSeat(
                contract: DemoConnectAct.contract, organization: DemoConnectAct.organization, firstName: "Bench", lastName: "Seat \(seats.count)"))
        }
        // The first export of a process pays once for connections, LinkedIn's token and the simulators' warm-up.
        // Its processing is let finish (pending 0) so the timed exports do not queue behind it.
        let cold = try await timeExport(index: exports, seat: seats[0], job: job, stack: stack)
        let settleDeadline = ContinuousClock.now + .seconds(30)
        while try await pendingCount(stack) > 0, ContinuousClock.now < settleDeadline { try await Task.sleep(for: .milliseconds(20)) }
        let started = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: (total: Duration?, pushed: Duration).self) { group in
            for index in 0..<exports {
                let due = started + .nanoseconds(Int64(index) * 1_000_000_000 / Int64(exportRate))
                try await Task.sleep(until: due)
                let seat = seats[index / 250]
                group.addTask { try await timeExport(index: index, seat: seat, job: job, stack: stack) }
            }
            var results: [(total: Duration?, pushed: Duration)] = []
            for try await result in group { results.append(result) }
            return results
        }
        let arrived = results.compactMap(\.total).map(Self.milliseconds).sorted()
        let pushes = results.map(\.pushed).map(Self.milliseconds).sorted()
        say("\n## export to candidate in Teamtailor: \(exports) exports at \(exportRate)/s, distinct members, one synced job")
        say("arrived with the application: \(arrived.count)/\(exports); p50 \(Self.ms(Self.percentile(arrived, 0.5))), p99 \(Self.ms(Self.percentile(arrived, 0.99))), max \(Self.ms(arrived.last)) (goal p99 ≤ 2,000 ms; polled every 10 ms)")
        say("of which LinkedIn's signed push until rsc-export's 202: p50 \(Self.ms(Self.percentile(pushes, 0.5))), p99 \(Self.ms(Self.percentile(pushes, 0.99)))")
        say("not counted: the first export after start (cold) was in Teamtailor after \(Self.ms(cold.total.map(Self.milliseconds))); the timed exports began once it was processed")
    }

    /// One export of member `index`, timed from the export call to the candidate with the application in Teamtailor.
    func timeExport(index: Int, seat: String, job: Int, stack: EmbeddedStackSession) async throws -> (total: Duration?, pushed: Duration) {
        let email = "bench.member.\(index)@example.com"
        let begin = ContinuousClock.now
        _ = try await stack.simulator.state.exportCandidate(
            organization: DemoConnectAct.organization, seat: seat,
            profile: ExportedProfile(
                person: "urn:li:person:bench-\(index)", firstName: "Bench", lastName: "Member \(index)", headline: "Engineer",
                location: "Malmö, SE", profileUrl: "https://www.linkedin.com/in/bench-\(index)", emailAddresses: [email], phoneNumbers: []),
            atsJobPostingId: String(job))
        let pushed = ContinuousClock.now - begin
        let deadline = begin + .seconds(60)
        while ContinuousClock.now < deadline {
            if let id = await stack.teamtailor.state.candidateID(email: email, company: DemoConnectAct.company),
               let detail = await stack.teamtailor.state.candidateDetail(id: id, company: DemoConnectAct.company),
               detail.applications.contains(where: { $0.relationships["job"]??.id == job })
            {
                return (ContinuousClock.now - begin, pushed)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return (nil, pushed)
    }

    /// The job as rsc-outbound would have synced it, so LinkedIn's export picker offers it.
    func syncJob(_ job: Int, stack: EmbeddedStackSession, application: LinkedInApplication) async throws {
        let client = LinkedInClient(
            apiURL: URL(string: "http://127.0.0.1:\(stack.linkedInPort)")!,
            oauthURL: URL(string: "http://127.0.0.1:\(stack.linkedInPort)/oauth/v2/accessToken")!, http: .shared, logger: stack.logger)
        let posting: JSONValue = .object([
            "integrationContext": .string(DemoConnectAct.organization), "externalJobPostingId": .string(String(job)),
            "title": .string("Backend engineer"), "description": .string(String(repeating: "A job worth doing. ", count: 8)),
            "listedAt": .number(1_700_000_000_000), "state": .string("LISTED"), "availability": .string("PUBLIC"),
            "location": .string("Malmö, SE"), "companyApplyUrl": .string("https://careers.example.com/jobs/\(job)"),
        ])
        _ = try await client.createJobPostings([(id: String(job), body: posting)], application: application)
    }

    // MARK: - Acknowledgement latency

    /// Signed `EXPORT_CANDIDATE_PROFILE` pushes, each with its own notificationId, scheduled by time
    /// (open loop): a slow answer does not delay the next send, and latency counts from the scheduled moment.
    func acknowledgements(_ stack: EmbeddedStackSession, setup: Setup) async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let run = UUID().uuidString.prefix(8).lowercased()
        let warmup = rate * warmupSeconds, total = warmup + rate * seconds
        let started = ContinuousClock.now + .milliseconds(100)
        let samples = try await Self.signedPushes(http: http, setup: setup, rate: rate, count: total, prefix: "bench-\(run)", from: started)
        let sendSeconds = (ContinuousClock.now - started).timeInterval
        try await http.shutdown()
        let counted = samples.filter { $0.index >= warmup }
        let latencies = counted.map { Self.milliseconds($0.latency) }.sorted()
        let refused = counted.filter { $0.status.map { !(200..<300).contains($0) } ?? false }.count
        let failed = counted.filter { $0.status == nil }.count
        say("\n## acknowledgement latency: signed pushes at \(rate)/s for \(seconds) s after a \(warmupSeconds) s warm-up, open loop (\(counted.count) counted; all \(total) sent in \(Self.format(sendSeconds)) s)")
        say("time from the scheduled send to the 202: p50 \(Self.ms(Self.percentile(latencies, 0.5))), p99 \(Self.ms(Self.percentile(latencies, 0.99))), max \(Self.ms(latencies.last)) (goal p99 ≤ 50 ms)")
        say("non-2xx answers: \(refused); no answer: \(failed)")

        // The pushes name exports LinkedIn does not hold, so each is processed to a permanent failure.
        let drainStarted = ContinuousClock.now
        let deadline = drainStarted + .seconds(300)
        var pending = try await pendingCount(stack)
        while pending > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            pending = try await pendingCount(stack)
        }
        say("background processing of the \(total) pushes (each a LinkedIn lookup of an unknown export) finished \(Self.format((ContinuousClock.now - drainStarted).timeInterval)) s after the last answer\(pending > 0 ? "; \(pending) still pending" : "")")
    }

    // MARK: - Unknown-token flood

    /// Steps of `wrk` posting to `/linkedin/callbacks/<random token>` on loopback (closed loop, `c` connections,
    /// `floodSeconds` each), while known signed pushes go open-loop at `floodKnownRate`; per step the unknown
    /// requests absorbed per second, how they were answered, and the known pushes' p99.
    func unknownTokenFlood(_ stack: EmbeddedStackSession, setup: Setup, publicPort: Int, metricsPort: Int) async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else {
            throw ValidationError("--flood needs wrk (apt-get install wrk)")
        }
        // nil: as fast as wrk goes (64 connections, no pause).
        let steps: [Int?] = floodRates.split(separator: ",").compactMap { text in
            let word = text.trimmingCharacters(in: .whitespaces)
            return word == "max" ? .some(nil) : Int(word).map { .some($0) }
        }
        guard !steps.isEmpty, steps.allSatisfy({ ($0 ?? 0) >= 0 }), (1...60).contains(floodSeconds) else {
            throw ValidationError("--flood-rates needs numbers ≥ 0 or max, and --flood-seconds 1–60")
        }
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("rsc-bench-flood-\(UUID().uuidString).lua")
        try Data(Self.floodScript.utf8).write(to: script)
        defer { try? FileManager.default.removeItem(at: script) }
        say("\n## unknown-token flood: wrk on loopback posts to /linkedin/callbacks/<random token>, \(floodSeconds) s per step, while signed known pushes go at \(floodKnownRate)/s")
        say("| unknown-token rate asked | wrk connections, pause | unknown requests/s absorbed | of which 503 throttled (no query) | known pushes p50 | known p99 | known non-2xx |")
        say("|---|---|---|---|---|---|---|")
        for rate in steps {
            // wrk has no rate option: each connection pauses between requests (its Lua `delay`), so
            // connections × 1000 / pause ≈ the rate asked (a little less: the answer's time adds to the pause).
            let connections = rate.map { max(1, $0 / 250) } ?? 64
            let pause = rate.map { $0 > 0 ? max(1, connections * 1_000 / $0) : 0 } ?? 0
            let throttledBefore = try await Self.metric("rsc_export_callback_lookups_throttled_total", port: metricsPort)
            async let known = knownPushes(setup: setup, rate: floodKnownRate, seconds: floodSeconds, warmup: 1)
            let wrk: WrkResult
            if rate == 0 {
                wrk = WrkResult(requests: 0, seconds: Double(floodSeconds))
            } else {
                wrk = try await Self.runWrk(
                    url: "http://127.0.0.1:\(publicPort)/", script: script.path, connections: connections, pauseMilliseconds: pause,
                    seconds: floodSeconds + 2)
            }
            let samples = try await known
            let throttled = try await Self.metric("rsc_export_callback_lookups_throttled_total", port: metricsPort) - throttledBefore
            let latencies = samples.map { Self.milliseconds($0.latency) }.sorted()
            let knownRefused = samples.filter { !(200..<300).contains($0.status ?? 0) }.count
            say("| \(rate.map(String.init) ?? "max") | \(rate == 0 ? "-" : "\(connections), \(pause) ms") | \(Self.format(wrk.requestsPerSecond)) (\(wrk.requests) in \(Self.format(wrk.seconds)) s) | \(Int(throttled)) | \(Self.ms(Self.percentile(latencies, 0.5))) | \(Self.ms(Self.percentile(latencies, 0.99))) | \(knownRefused) of \(samples.count) |")
        }
        say("goal: known pushes p99 ≤ 50 ms; unknown tokens answered 404 (one query each, within the budget) or 503 (none)")
    }

    /// Signed known pushes, open loop, like `acknowledgements` but quiet; the first `warmup` seconds not counted.
    func knownPushes(setup: Setup, rate: Int, seconds: Int, warmup: Int) async throws -> [Sample] {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let run = UUID().uuidString.prefix(8).lowercased()
        let total = rate * seconds, skipped = rate * warmup
        let started = ContinuousClock.now + .milliseconds(100)
        let samples = try await Self.signedPushes(http: http, setup: setup, rate: rate, count: total, prefix: "flood-\(run)", from: started)
        try await http.shutdown()
        return samples.filter { $0.index >= skipped }
    }

    /// `count` signed pushes at `rate` per second from `started`, open loop (each sent at its due time, whatever
    /// the answers before it); each answer's latency from its due time. Shuts `http` down on failure.
    static func signedPushes(
        http: HTTPClient, setup: Setup, rate: Int, count: Int, prefix: String, from started: ContinuousClock.Instant
    ) async throws -> [Sample] {
        do {
            return try await withThrowingTaskGroup(of: Sample.self) { group in
                for index in 0..<count {
                    let due = started + .nanoseconds(Int64(index) * 1_000_000_000 / Int64(rate))
                    try await Task.sleep(until: due)
                    let body = Array(#"""
                        {"notificationId":"\#(prefix)-\#(index)","type":"EXPORT_CANDIDATE_PROFILE","requestId":"\#(prefix)-missing-\#(index)","integrationContext":"\#(DemoConnectAct.organization)","occurredAt":\#(Int64(Date().timeIntervalSince1970 * 1_000))}
                        """#.utf8)
                    let signature = LinkedInWebhookSignature.sign(body: body, secret: setup.clientSecret)
                    let url = setup.callbackURL
                    group.addTask {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: "X-LI-Signature", value: signature)
                        request.body = .bytes(ByteBuffer(bytes: body))
                        do {
                            let response = try await http.execute(request, timeout: .seconds(10))
                            _ = try await response.body.collect(upTo: 1 << 16)
                            return Sample(index: index, latency: ContinuousClock.now - due, status: Int(response.status.code))
                        } catch {
                            return Sample(index: index, latency: ContinuousClock.now - due, status: nil)
                        }
                    }
                }
                var samples: [Sample] = []
                for try await sample in group { samples.append(sample) }
                return samples
            }
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// wrk's Lua: a POST with a made-up 43-character token (the shape of ours) for every request.
    static let floodScript = """
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        wrk.body = '{"notificationId":"flood","type":"EXPORT_CANDIDATE_PROFILE"}'
        local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        function init(args)
          math.randomseed(os.time() + math.floor(os.clock() * 1000000))
        end
        function delay()
          return tonumber(os.getenv("RSC_FLOOD_PAUSE_MS") or "0")
        end
        function request()
          local token = {}
          for i = 1, 43 do
            local n = math.random(1, 64)
            token[i] = alphabet:sub(n, n)
          end
          return wrk.format(nil, "/linkedin/callbacks/" .. table.concat(token))
        end
        """

    struct WrkResult {
        var requests: Int
        var seconds: Double
        var requestsPerSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }
    }

    /// One bounded wrk run against loopback only (killed if it outlives its duration by 15 s).
    static func runWrk(url: String, script: String, connections: Int, pauseMilliseconds: Int, seconds: Int) async throws -> WrkResult {
        guard url.hasPrefix("http://127.0.0.1:") else { throw ValidationError("the flood goes to loopback only") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t1", "-c\(connections)", "-d\(seconds)s", "--timeout", "5s", "-s", script, url]
        process.environment = ["RSC_FLOOD_PAUSE_MS": "\(pauseMilliseconds)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(seconds + 15)
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                throw ValidationError("wrk did not finish within \(seconds + 15) s")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // "  123456 requests in 10.00s, 12.34MB read"
        guard let line = text.split(separator: "\n").first(where: { $0.contains(" requests in ") }) else {
            throw ValidationError("wrk printed no summary: \(text.suffix(500))")
        }
        let words = line.split(separator: " ")
        let requests = Int(words.first ?? "") ?? 0
        let duration = words.firstIndex(of: "in").flatMap { index in
            words.indices.contains(index + 1) ? Double(words[index + 1].trimmingCharacters(in: CharacterSet(charactersIn: "s,"))) : nil
        } ?? Double(seconds)
        return WrkResult(requests: requests, seconds: duration)
    }

    /// The sum of one counter on rsc-export's /metrics (every label set).
    static func metric(_ name: String, port: Int) async throws -> Double {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(5))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
        return text.split(separator: "\n")
            .filter { $0.hasPrefix(name) && !$0.hasPrefix("#") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }

    struct Sample: Sendable {
        var index: Int
        var latency: Duration
        var status: Int?
    }

    func pendingCount(_ stack: EmbeddedStackSession) async throws -> Int {
        try await stack.client.query("SELECT count(*)::int FROM linkedin_notifications WHERE state = 'pending'", logger: stack.logger)
            .decode(Int.self).reduce(0, +)
    }

    // MARK: - Figures

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ quantile: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((quantile * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    static func milliseconds(_ duration: Duration) -> Double { duration.timeInterval * 1_000 }

    static func ms(_ value: Double?) -> String { value.map { String(format: "%.1f ms", $0) } ?? "-" }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
}
