import Foundation
import RSCTestSupport
import Testing

@Suite("the embedded stack's commands")
struct DevStackTests {
    static func line(_ prefix: String, in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    @Test("rsc dev postgres prints a URL that psql and rsc migrate accept, and cleans up on SIGTERM")
    func postgres() async throws {
        let dev = try ChildProcess(BuiltProduct.url("rsc"), arguments: ["dev", "postgres"], environment: ProcessInfo.processInfo.environment)
        #expect(try await dev.waitForOutput(containing: "DATABASE_URL=", timeout: .seconds(60)))
        let url = try #require(Self.line("DATABASE_URL=", in: dev.standardOutput))
        #expect(url.hasPrefix("postgres://") && url.contains("127.0.0.1"))

        let psql = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/psql"), arguments: [url, "-tAc", "SELECT 40 + 2"], environment: [:]
        )
        #expect(psql.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "42")

        let migrate = try await ChildProcess.run(BuiltProduct.url("rsc"), arguments: ["migrate"], environment: ["DATABASE_URL": url])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("applied 1_companies"))
        let again = try await ChildProcess.run(BuiltProduct.url("rsc"), arguments: ["migrate"], environment: ["DATABASE_URL": url])
        #expect(again.stdout.contains("up to date"))

        dev.signal(SIGTERM)
        #expect(try await dev.waitForExit(timeout: .seconds(20)) == 0)
        let refused = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/psql"), arguments: [url, "-tAc", "SELECT 1"], environment: [:]
        )
        #expect(refused.status != 0)
    }

    @Test("rsc dev kafka prints brokers that kcat produces to and consumes from")
    func kafka() async throws {
        let dev = try ChildProcess(BuiltProduct.url("rsc"), arguments: ["dev", "kafka"], environment: ProcessInfo.processInfo.environment)
        #expect(try await dev.waitForOutput(containing: "KAFKA_BROKERS=", timeout: .seconds(30)))
        let brokers = try #require(Self.line("KAFKA_BROKERS=", in: dev.standardOutput))
        #expect(brokers.split(separator: ",").count == 3)

        let listing = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/kcat"), arguments: ["-b", brokers, "-L", "-J"], environment: [:]
        )
        for topic in ["teamtailor.jobs.v1", "teamtailor.comments.v1", "rsc.outbound.dlq.v1"] {
            #expect(listing.stdout.contains("\"\(topic)\""))
        }

        let producer = Process()
        producer.executableURL = URL(fileURLWithPath: "/usr/bin/kcat")
        producer.arguments = ["-P", "-b", brokers, "-t", "teamtailor.jobs.v1", "-p", "0", "-k", "42"]
        let input = Pipe()
        producer.standardInput = input
        try producer.run()
        input.fileHandleForWriting.write(Data("hello from kcat\n".utf8))
        try input.fileHandleForWriting.close()
        producer.waitUntilExit()
        #expect(producer.terminationStatus == 0)

        let consumed = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/kcat"),
            arguments: ["-C", "-b", brokers, "-t", "teamtailor.jobs.v1", "-p", "0", "-o", "beginning", "-c", "1", "-e", "-u", "-f", "%k:%s\n"],
            environment: [:], timeout: .seconds(30)
        )
        #expect(consumed.stdout.contains("42:hello from kcat"))

        dev.signal(SIGTERM)
        #expect(try await dev.waitForExit(timeout: .seconds(20)) == 0)
    }
}
