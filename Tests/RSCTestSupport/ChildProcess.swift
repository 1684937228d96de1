import Foundation

/// A child process with captured output, for tests that exercise the real executables.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var stdoutData = Data()
    private var stderrData = Data()

    public init(_ executable: URL, arguments: [String] = [], environment: [String: String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.append(handle.availableData, toStdout: true) }
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.append(handle.availableData, toStdout: false) }
        try process.run()
    }

    private func append(_ data: Data, toStdout: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if toStdout { stdoutData.append(data) } else { stderrData.append(data) }
    }

    public var standardOutput: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stdoutData, as: UTF8.self)
    }

    public var standardError: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stderrData, as: UTF8.self)
    }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits up to `timeout` for the process to exit; returns its status, or nil if it is still running.
    public func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
        // Drain what the pipes still hold.
        try await Task.sleep(for: .milliseconds(50))
        return process.terminationStatus
    }

    /// Waits until stdout or stderr contains `text`.
    public func waitForOutput(containing text: String, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if standardOutput.contains(text) || standardError.contains(text) { return true }
            if !process.isRunning { return standardOutput.contains(text) || standardError.contains(text) }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Runs to completion (bounded) and returns status, stdout and stderr.
    public static func run(
        _ executable: URL, arguments: [String], environment: [String: String], timeout: Duration = .seconds(60)
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(executable, arguments: arguments, environment: environment)
        guard let status = try await child.waitForExit(timeout: timeout) else {
            child.signal(SIGKILL)
            throw ChildProcessError.timedOut(executable.lastPathComponent, arguments)
        }
        return (status, child.standardOutput, child.standardError)
    }
}

public enum ChildProcessError: Error, CustomStringConvertible {
    case timedOut(String, [String])
    public var description: String {
        switch self {
        case .timedOut(let name, let arguments): "\(name) \(arguments.joined(separator: " ")) did not finish in time"
        }
    }
}
