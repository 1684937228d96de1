import ArgumentParser
import RSCSecrets
import RSCStore

struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets",
        abstract: "The key that encrypts tokens and client secrets at rest.",
        subcommands: [GenerateKey.self, Reseal.self]
    )

    struct GenerateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "generate-key", abstract: "Print a new random RSC_SECRET_KEY.")
        func run() async throws {
            print(SecretBox.generateKeyBase64())
        }
    }

    struct Reseal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-encrypt every secret sealed with a key in RSC_SECRET_KEY_PREVIOUS under RSC_SECRET_KEY."
        )
        func run() async throws {
            let count = try await CommandEnvironment.withPostgres { client in
                try await CompanyStore(client: client, secrets: CommandEnvironment.secretBox(), logger: CommandEnvironment.logger)
                    .resealAll()
            }
            print("re-sealed the secrets of \(count) companies under key \(CommandEnvironment.secretBox().currentKeyID)")
        }
    }
}
