import Foundation
import RSCTestSupport
import Testing

/// The checks on a worker's logs ("no secret in them") are only as good as the capture of its output.
@Suite("child process output")
struct ChildProcessTests {
    @Test("the output is read to end of file: a line written after the process exited, by what it started, is seen")
    func readsToEndOfFile() async throws {
        // The shell exits at once; the background writer it leaves holds stdout and writes its line later.
        let child = try ChildProcess(
            URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "(sleep 0.5; echo late-line-with-a-secret) & echo early"],
            environment: [:])
        let status = try await child.waitForExit(timeout: .seconds(30))
        #expect(status == 0)
        #expect(child.standardOutput.contains("early"))
        #expect(child.standardOutput.contains("late-line-with-a-secret"), "the capture stopped before end of file")
    }
}
