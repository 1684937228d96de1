import Foundation

/// Where the project's `schemas/` folder is at run time (migrations, the Kafka contract):
/// `RSC_SCHEMAS_DIR` (taken as given, so a wrong setting fails loudly instead of falling back), else
/// `./schemas`, else `<executable dir>/../share/rsc/schemas` (the container layout), else the source
/// checkout this file was compiled from (development and tests).
public enum SchemasDirectory {
    public static func locate(containing relativePath: String) -> URL? {
        locate(
            containing: relativePath,
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
            executable: URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        )
    }

    public static func locate(containing relativePath: String, environment: [String: String], currentDirectory: URL, executable: URL) -> URL? {
        if let explicit = environment["RSC_SCHEMAS_DIR"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit, isDirectory: true)
        }
        // Symlinks resolved: a checkout reached through a symlinked folder still finds its own schemas/.
        let checkout = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()  // RSCConfiguration
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()
        let candidates = [
            currentDirectory.appendingPathComponent("schemas", isDirectory: true),
            executable.resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("../share/rsc/schemas", isDirectory: true).standardized,
            checkout.appendingPathComponent("schemas", isDirectory: true),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(relativePath).path) }
    }
}
