import ArgumentParser
import Foundation
import RSCReconciliation
import PostgresNIO
import RSCChangeEvents
import RSCStore

struct CompaniesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "companies",
        abstract: "Add, list, show and change connected companies (secrets are never printed).",
        subcommands: [Add.self, List.self, Show.self, Set.self, Resync.self, Reconcile.self]
    )

    static func store(_ client: PostgresClient) -> CompanyStore {
        CompanyStore(client: client, secrets: CommandEnvironment.secretBox(), logger: CommandEnvironment.logger)
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a company whose LinkedIn child application already exists.")

        @Option(name: .customLong("company-id"), help: "Teamtailor company id.") var companyID: String
        @Option(name: .customLong("teamtailor-token"), help: "Teamtailor API key (Admin scope); stored encrypted.")
        var teamtailorToken: String
        @Option(name: .customLong("linkedin-client-id"), help: "The company's LinkedIn child application client id.")
        var linkedInClientID: String
        @Option(name: .customLong("linkedin-client-secret"), help: "Its client secret; stored encrypted.")
        var linkedInClientSecret: String
        @Option(help: "urn:li:organization:N") var organization: String
        @Option(help: "urn:li:contract:N (repeat for several contracts)") var contract: [String]
        @Flag(name: .customLong("jobs-private"), help: "Make all jobs private on LinkedIn.") var jobsPrivate = false

        func run() async throws {
            let company = NewCompany(
                id: companyID, teamtailorToken: teamtailorToken, linkedInClientID: linkedInClientID,
                linkedInClientSecret: linkedInClientSecret, organizationURN: organization, contractURNs: contract,
                jobsPrivate: jobsPrivate
            )
            do {
                try company.validate()
            } catch {
                throw ValidationError(error.description)
            }
            try await CommandEnvironment.withPostgres { client in
                try await CompaniesCommand.store(client).add(company)
            }
            print("added company \(companyID)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per company: id, status, organization, jobs.")

        func run() async throws {
            let companies = try await CommandEnvironment.withPostgres { client in
                try await CompaniesCommand.store(client).list()
            }
            guard !companies.isEmpty else {
                print("no companies")
                return
            }
            let rows = [["COMPANY", "STATUS", "ORGANIZATION", "JOBS"]] + companies.map { company in
                [company.id, company.status.rawValue, company.organizationURN ?? "-", company.jobsPrivate ? "private" : "public"]
            }
            print(TextTable.render(rows))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything stored about a company except its secrets.")

        @Argument(help: "Teamtailor company id.") var companyID: String

        func run() async throws {
            let company = try await CommandEnvironment.withPostgres { client in
                try await CompaniesCommand.store(client).find(companyID)
            }
            guard let company else { throw CompanyStoreError.notFound(companyID: companyID) }
            let rows: [[String]] = [
                ["company", company.id],
                ["status", "\(company.status.rawValue) (\(company.status.summary))"],
                ["status reason", company.statusReason ?? "-"],
                ["organization", company.organizationURN ?? "-"],
                ["contracts", company.contractURNs.isEmpty ? "-" : company.contractURNs.joined(separator: ", ")],
                ["linkedin client id", company.linkedInClientID ?? "-"],
                ["linkedin client secret", company.linkedInClientID == nil ? "-" : "(stored encrypted)"],
                ["teamtailor token", "(stored encrypted)"],
                ["jobs on linkedin", company.jobsPrivate ? "private (PRIVATE_TO_ATS_INTEGRATION)" : "public unless internal or unlisted"],
                ["created", RFC3339.format(company.createdAt)],
                ["updated", RFC3339.format(company.updatedAt)],
            ]
            print(TextTable.render(rows))
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a company's settings.")

        @Argument(help: "Teamtailor company id.") var companyID: String
        @Option(name: .customLong("jobs-private"), help: "true: make all jobs private on LinkedIn; false: public.")
        var jobsPrivate: Bool

        func run() async throws {
            let resent = try await CommandEnvironment.withPostgres { client in
                try await CompaniesCommand.store(client).setJobsPrivate(companyID, jobsPrivate)
            }
            print("company \(companyID): jobs \(jobsPrivate ? "private" : "public") on LinkedIn; \(resent) job posting(s) queued to be sent again")
        }
    }

    struct Resync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a company's first global sync again from the start (history read from Teamtailor, behind live changes).",
            discussion: "Records whose content LinkedIn already holds are not sent again; only what differs is."
        )

        @Argument(help: "Teamtailor company id.") var companyID: String

        func run() async throws {
            try await CommandEnvironment.withPostgres { client in
                guard try await CompaniesCommand.store(client).find(companyID) != nil else {
                    throw CompanyStoreError.notFound(companyID: companyID)
                }
                try await FirstSyncProgress.start(companyID: companyID, restart: true, postgres: client, logger: CommandEnvironment.logger)
            }
            print("company \(companyID): first global sync queued from the start; `rsc status \(companyID)` shows its progress")
        }
    }

    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a company's reconciliation pass now: Teamtailor re-read, what differs repaired on LinkedIn.",
            discussion: """
                The next free rsc-outbound replica takes it within its idle poll (30 s). An incremental pass reads what \
                changed since the last one; --full reads everything and also deletes on LinkedIn what Teamtailor no \
                longer has. With --wait, this waits for the pass to finish and prints what it found.
                """
        )

        @Argument(help: "Teamtailor company id (omit with --all).") var companyID: String?
        @Flag(help: "Every active company (after events were lost from a change topic).") var all = false
        @Flag(help: "Read every record and find deletes no event carried.") var full = false
        @Flag(help: "Wait until the pass has finished and print its counts.") var wait = false
        @Option(help: "With --wait: give up after this many seconds.") var timeout = 3_600

        func validate() throws {
            guard (companyID == nil) == all else { throw ValidationError("name one company, or --all") }
            if all && wait { throw ValidationError("--wait takes one company") }
        }

        func run() async throws {
            guard let companyID else {
                let count = try await CommandEnvironment.withPostgres { client in
                    try await ReconciliationRequests(postgres: client, logger: CommandEnvironment.logger).requestAll(full: full)
                }
                print("\(full ? "full" : "incremental") reconciliation requested for \(count) active companies")
                return
            }
            let requestedAt = Date()
            let status = try await CommandEnvironment.withPostgres { client -> ReconciliationStatus? in
                guard try await CompaniesCommand.store(client).find(companyID) != nil else {
                    throw CompanyStoreError.notFound(companyID: companyID)
                }
                let store = ReconciliationStore(postgres: client, logger: CommandEnvironment.logger)
                try await store.request(companyID: companyID, full: full)
                guard wait else { return nil }
                let deadline = ContinuousClock.now + .seconds(timeout)
                while ContinuousClock.now < deadline {
                    if let status = try await store.status(companyID: companyID), !status.running, !status.requested,
                       let finished = status.lastFinishedAt, finished >= requestedAt {
                        return status
                    }
                    try await Task.sleep(for: .seconds(1))
                }
                throw ValidationError("company \(companyID): the pass did not finish within \(timeout) s; is rsc-outbound running?")
            }
            guard let status else {
                print("company \(companyID): \(full ? "full" : "incremental") reconciliation requested; `rsc status \(companyID)` shows it")
                return
            }
            let checked = status.checked.values.reduce(0, +), repaired = status.repaired.values.reduce(0, +)
            print("company \(companyID): \(status.lastKind ?? "?") pass finished: \(checked) records checked, \(repaired) repaired")
            for (resource, count) in status.repaired.sorted(by: { $0.key < $1.key }) where count > 0 {
                print("  \(resource): \(count) repaired")
            }
        }
    }
}
