import Foundation
import RSCTestSupport
import Testing

@Suite("rsc companies")
struct CompaniesCommandTests {
    @Test("add, list, show and set work end to end, and no command prints a secret")
    func lifecycle() async throws {
        let settings = try await TestPostgres.freshDatabase()
        let environment = [
            "DATABASE_URL": settings.url,
            "RSC_SECRET_KEY": Data(repeating: 5, count: 32).base64EncodedString(),
        ]
        let rsc = BuiltProduct.url("rsc")
        func run(_ arguments: String...) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await ChildProcess.run(rsc, arguments: arguments, environment: environment)
        }
        #expect(try await run("migrate").status == 0)
        let added = try await run(
            "companies", "add", "--company-id", "1842", "--teamtailor-token", "TT-SECRET-TOKEN",
            "--linkedin-client-id", "child-1", "--linkedin-client-secret", "LI-SECRET",
            "--organization", "urn:li:organization:123", "--contract", "urn:li:contract:9", "--jobs-private"
        )
        #expect(added.status == 0, "\(added.stderr)")
        let duplicate = try await run(
            "companies", "add", "--company-id", "1842", "--teamtailor-token", "x", "--linkedin-client-id", "c",
            "--linkedin-client-secret", "s", "--organization", "urn:li:organization:1", "--contract", "urn:li:contract:1"
        )
        #expect(duplicate.status != 0)
        #expect(duplicate.stderr.contains("already exists"))
        let invalid = try await run(
            "companies", "add", "--company-id", "9", "--teamtailor-token", "x", "--linkedin-client-id", "c",
            "--linkedin-client-secret", "s", "--organization", "123", "--contract", "urn:li:contract:1"
        )
        #expect(invalid.status != 0)
        #expect(invalid.stderr.contains("urn:li:organization:N"))

        let list = try await run("companies", "list")
        #expect(list.stdout.contains("1842") && list.stdout.contains("private"))
        let show = try await run("companies", "show", "1842")
        #expect(show.stdout.contains("urn:li:contract:9"))
        #expect(show.stdout.contains("(stored encrypted)"))
        #expect(try await run("companies", "set", "1842", "--jobs-private", "false").status == 0)
        let after = try await run("companies", "show", "1842")
        #expect(after.stdout.contains("public unless internal or unlisted"))
        let unknown = try await run("companies", "show", "404")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("404 not found"))

        // A reconciliation pass asked for by hand is recorded for the outbound workers, and `rsc status` says so.
        let reconcile = try await run("companies", "reconcile", "1842", "--full")
        #expect(reconcile.status == 0, "\(reconcile.stderr)")
        #expect(reconcile.stdout.contains("full reconciliation requested"))
        #expect(try await run("status", "1842").stdout.contains("reconciliation: a pass is requested"))
        #expect(try await run("companies", "reconcile", "404").status != 0)
        let everyone = try await run("companies", "reconcile", "--all")
        #expect(everyone.status == 0 && everyone.stdout.contains("requested for 1 active companies"), "\(everyone.stderr)")
        #expect(try await run("companies", "reconcile").status != 0, "a company or --all")

        for output in [added, list, show, after, duplicate] {
            #expect(!(output.stdout + output.stderr).contains("SECRET"))
        }
    }

    @Test("two rsc migrate processes at once both succeed")
    func concurrentMigrate() async throws {
        let settings = try await TestPostgres.freshDatabase()
        let results = try await withThrowingTaskGroup(of: (status: Int32, stdout: String, stderr: String).self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await ChildProcess.run(BuiltProduct.url("rsc"), arguments: ["migrate"], environment: ["DATABASE_URL": settings.url])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        #expect(results.filter { $0.stdout.contains("applied 1_companies") }.count == 1)
        #expect(results.filter { $0.stdout.contains("up to date") }.count == 1)
    }
}
