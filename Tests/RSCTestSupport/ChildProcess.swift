import Foundation

/// A child process with captured output, for tests that exercise the real executables.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var stdoutData = Data()
    private var stderrData = Data()
    /// Set when the pipe reached end of file: every process holding its write end (the child and anything
    /// it started) has closed it, so nothing more can arrive.
    private var stdoutClosed = false
    private var stderrClosed = false

    public init(_ executable: URL, arguments: [String] = [], environment: [String: String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.read(handle, toStdout: true) }
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.read(handle, toStdout: false) }
        try process.run()
    }

    /// An empty read is end of file; the handler is then removed so it is not called again.
    private func read(_ handle: FileHandle, toStdout: Bool) {
        let data = handle.availableData
        if data.isEmpty { handle.readabilityHandler = nil }
        lock.lock()
        defer { lock.unlock() }
        if toStdout {
            stdoutData.append(data)
            if data.isEmpty { stdoutClosed = true }
        } else {
            stderrData.append(data)
            if data.isEmpty { stderrClosed = true }
        }
    }

    /// True once both pipes reached end of file: the output is complete.
    public var outputComplete: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stdoutClosed && stderrClosed
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

    /// Waits up to `timeout` for the process to exit and for its output to be read to end of file; returns
    /// its status, or nil if it is still running or something it started still holds its output open.
    /// Checks of the output (no secret in the logs) then see every line the process wrote.
    public func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning || !outputComplete {
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
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
