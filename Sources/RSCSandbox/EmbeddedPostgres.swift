import Foundation
import Logging

/// A throwaway PostgreSQL server from Debian's `postgresql` binaries: `initdb` in a temporary directory,
/// listening on a free loopback port, removed on `stop()`. For the demo, tests and benchmarks only.
///
/// Run as root, every PostgreSQL binary runs as the `postgres` user (PostgreSQL refuses to run as root).
/// Reads `RSC_POSTGRES_BIN` (default: the newest `/usr/lib/postgresql/*/bin`).
public final class EmbeddedPostgres: Sendable {
    public let port: Int
    public let directory: URL
    /// `postgres://rsc@127.0.0.1:PORT/rsc`, trust authentication on loopback.
    public let url: String
    private let server: Process
    private let binaries: URL
    /// The server's log: in `directory`, or where `RSC_SANDBOX_POSTGRES_LOG` says.
    private let logFile: URL

    public static let username = "rsc"
    public static let database = "rsc"

    private init(port: Int, directory: URL, server: Process, binaries: URL, logFile: URL) {
        self.port = port
        self.directory = directory
        self.server = server
        self.binaries = binaries
        self.logFile = logFile
        self.url = "postgres://\(Self.username)@127.0.0.1:\(port)/\(Self.database)?sslmode=disable"
    }

    /// Creates the cluster, starts the server and waits until it accepts connections.
    public static func start(logger: Logger = Logger(label: "rsc.sandbox.postgres")) async throws -> EmbeddedPostgres {
        let binaries = try locateBinaries()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rsc-postgres-\(UUID().uuidString.prefix(8))")
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let runAs = try ServerUser.current()
        try runAs.takeOwnership(of: directory)

        try runAs.run(
            binaries.appendingPathComponent("initdb"),
            ["-D", data.path, "-U", username, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"],
            log: directory.appendingPathComponent("initdb.log")
        )
        let port = try FreePort.loopback()
        let environment = ProcessInfo.processInfo.environment
        // For diagnosis (e.g. `auto_explain.log_min_duration=100 shared_preload_libraries=auto_explain` while a
        // bench runs): extra settings, space-separated, and a server log that outlives the throwaway directory.
        let extraSettings = (environment["RSC_SANDBOX_POSTGRES_SETTINGS"] ?? "").split(separator: " ").flatMap { ["-c", String($0)] }
        let serverLog = environment["RSC_SANDBOX_POSTGRES_LOG"].map { URL(fileURLWithPath: $0) } ?? directory.appendingPathComponent("server.log")
        let server = try runAs.launch(
            binaries.appendingPathComponent("postgres"),
            [
                "-D", data.path, "-p", "\(port)", "-k", directory.path,
                "-c", "listen_addresses=127.0.0.1",
                // Durability is pointless for a throwaway server and costs seconds per test run.
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=300",
            ] + extraSettings,
            log: serverLog
        )
        let instance = EmbeddedPostgres(port: port, directory: directory, server: server, binaries: binaries, logFile: serverLog)
        do {
            try await instance.waitUntilReady()
            try runAs.run(
                binaries.appendingPathComponent("createdb"),
                ["-h", "127.0.0.1", "-p", "\(port)", "-U", username, database],
                log: directory.appendingPathComponent("createdb.log")
            )
        } catch {
            instance.stop()
            throw error
        }
        logger.info("embedded PostgreSQL started", metadata: ["port": "\(port)", "directory": "\(directory.path)"])
        return instance
    }

    /// Fast shutdown (SIGINT: abort transactions, exit), then the directory is removed.
    /// Works from an `atexit` handler too: it waits on PostgreSQL's own pid file, not on Foundation's
    /// child-process bookkeeping, which may already be gone while the process exits.
    public func stop() {
        kill(server.processIdentifier, SIGINT)
        let pidFile = directory.appendingPathComponent("data/postmaster.pid").path
        for _ in 0..<200 where FileManager.default.fileExists(atPath: pidFile) {
            usleep(50_000)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard server.isRunning else { throw SandboxError.postgresExited(log: serverLog()) }
            let probe = try ServerUser.current().status(
                binaries.appendingPathComponent("pg_isready"), ["-h", "127.0.0.1", "-p", "\(port)", "-q"]
            )
            if probe == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SandboxError.postgresNotReady(log: serverLog())
    }

    func serverLog() -> String {
        // A bad RSC_SANDBOX_POSTGRES_SETTINGS value ends here: the log's tail names it.
        (try? String(contentsOf: logFile, encoding: .utf8))?.suffix(2_000).description ?? ""
    }

    static func locateBinaries() throws -> URL {
        if let explicit = ProcessInfo.processInfo.environment["RSC_POSTGRES_BIN"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit, isDirectory: true)
        }
        let root = URL(fileURLWithPath: "/usr/lib/postgresql", isDirectory: true)
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        let newest = versions.compactMap(Int.init).sorted().last { version in
            FileManager.default.isExecutableFile(atPath: root.appendingPathComponent("\(version)/bin/initdb").path)
        }
        guard let newest else { throw SandboxError.postgresNotInstalled }
        return root.appendingPathComponent("\(newest)/bin", isDirectory: true)
    }
}

/// Runs PostgreSQL's binaries as the `postgres` user when we are root, else as ourselves.
struct ServerUser {
    var uid: uid_t
    var gid: gid_t
    var switchesUser: Bool

    static func current() throws -> ServerUser {
        guard geteuid() == 0 else { return ServerUser(uid: geteuid(), gid: getegid(), switchesUser: false) }
        guard let entry = getpwnam("postgres") else { throw SandboxError.noPostgresUser }
        return ServerUser(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid, switchesUser: true)
    }

    func takeOwnership(of directory: URL) throws {
        guard switchesUser else { return }
        guard chown(directory.path, uid, gid) == 0 else { throw SandboxError.cannotChown(path: directory.path) }
    }

    /// `setpriv` execs the target in place, so the `Process` we hold is the server itself and signals reach it.
    func command(_ executable: URL, _ arguments: [String]) -> (URL, [String]) {
        guard switchesUser else { return (executable, arguments) }
        return (
            URL(fileURLWithPath: "/usr/bin/setpriv"),
            ["--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--", executable.path] + arguments
        )
    }

    func launch(_ executable: URL, _ arguments: [String], log: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let (path, args) = command(executable, arguments)
        let process = Process()
        process.executableURL = path
        process.arguments = args
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    func run(_ executable: URL, _ arguments: [String], log: URL) throws {
        let process = try launch(executable, arguments, log: log)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw SandboxError.commandFailed(command: executable.lastPathComponent, output: String(output.suffix(2_000)))
        }
    }

    func status(_ executable: URL, _ arguments: [String]) throws -> Int32 {
        let (path, args) = command(executable, arguments)
        let process = Process()
        process.executableURL = path
        process.arguments = args
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// A port the kernel just handed out on loopback; free unless someone takes it in the next moments.
public enum FreePort {
    public static func loopback() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SandboxError.noFreePort }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw SandboxError.noFreePort }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Why the embedded stack could not start; each names what to install or look at.
public enum SandboxError: Error, CustomStringConvertible {
    case postgresNotInstalled
    case noPostgresUser
    case cannotChown(path: String)
    case noFreePort
    case commandFailed(command: String, output: String)
    case postgresExited(log: String)
    case postgresNotReady(log: String)

    public var description: String {
        switch self {
        case .postgresNotInstalled:
            "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: apt-get install -y postgresql (or set RSC_POSTGRES_BIN)"
        case .noPostgresUser: "running as root but there is no 'postgres' user: apt-get install -y postgresql creates it"
        case .cannotChown(let path): "cannot hand \(path) to the postgres user"
        case .noFreePort: "no free loopback port"
        case .commandFailed(let command, let output): "\(command) failed:\n\(output)"
        case .postgresExited(let log): "PostgreSQL exited during start-up:\n\(log)"
        case .postgresNotReady(let log): "PostgreSQL did not accept connections within 30 s:\n\(log)"
        }
    }
}
