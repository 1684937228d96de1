import ArgumentParser
import Foundation
import PostgresNIO
import RSCChangeEvents
import RSCStore

struct CompaniesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "companies",
        abstract: "Add, list, show and change connected companies (secrets are never printed).",
        subcommands: [Add.self, List.self, Show.self, Set.self, Resync.self]
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
}
