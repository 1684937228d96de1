import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process with captured output, for tests that exercise the real executables.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    private let output: (read: FileHandle, write: FileHandle)
    private let errors: (read: FileHandle, write: FileHandle)
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
        Self.launching.lock()
        defer { Self.launching.unlock() }
        output = try Self.closeOnExecPipe()
        errors = try Self.closeOnExecPipe()
        process.standardOutput = output.write
        process.standardError = errors.write
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Only the child holds the write ends now: its exit (and that of what it started) is end of file.
        try output.write.close()
        try errors.write.close()
        // One thread per pipe, reading until end of file: plain blocking reads, nothing to miss.
        for (handle, toStdout) in [(output.read, true), (errors.read, false)] {
            let thread = Thread { [self] in self.readToEndOfFile(handle.fileDescriptor, toStdout: toStdout) }
            thread.name = "ChildProcess output"
            thread.start()
        }
    }

    /// A pipe whose ends are closed on exec: a child that another test starts later does not inherit them
    /// (it would hold this child's output open, and reading to end of file would wait for it). The child
    /// this pipe is for gets its write end as stdout or stderr, which exec keeps. (Glibc's `pipe2` is not
    /// visible to Swift; the flag is set at once, and the pipes are made under one lock with the launch.)
    static func closeOnExecPipe() throws -> (read: FileHandle, write: FileHandle) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw ChildProcessError.pipe(errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (FileHandle(fileDescriptor: ends[0], closeOnDealloc: true), FileHandle(fileDescriptor: ends[1], closeOnDealloc: true))
    }

    /// Held while pipes are made and a child launched, so that no other ChildProcess launches in between.
    private static let launching = NSLock()

    private func readToEndOfFile(_ descriptor: Int32, toStdout: Bool) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            lock.lock()
            defer { lock.unlock() }
            guard count > 0 else {
                if toStdout { stdoutClosed = true } else { stderrClosed = true }
                return
            }
            if toStdout { stdoutData.append(contentsOf: buffer[0..<count]) } else { stderrData.append(contentsOf: buffer[0..<count]) }
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
    case pipe(Int32)
    public var description: String {
        switch self {
        case .timedOut(let name, let arguments): "\(name) \(arguments.joined(separator: " ")) did not finish in time"
        case .pipe(let error): "could not make a pipe for a child's output (errno \(error))"
        }
    }
}
