import ArgumentParser

/// `rsc`: the operator's command line for the RSC worker fleet.
@main
struct RSCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rsc",
        abstract: "Operate the Teamtailor ↔ LinkedIn RSC worker fleet.",
        subcommands: [
            MigrateCommand.self, CompaniesCommand.self, LagCommand.self, SecretsCommand.self, StatusCommand.self, DLQCommand.self, DevCommand.self, DemoCommand.self, BenchCommand.self,
        ]
    )
}
