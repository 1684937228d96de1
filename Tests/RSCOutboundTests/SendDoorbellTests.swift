@testable import RSCOutbound
import Testing

/// The bell between the consumer and the sender in one process.
@Suite("send doorbell")
struct SendDoorbellTests {
    @Test("a ring ends the sender's idle wait long before its timeout; without one it waits it out")
    func ringEndsTheWait() async throws {
        let doorbell = SendDoorbell()
        let clock = ContinuousClock()
        let ringer = Task {
            try await Task.sleep(for: .milliseconds(50))
            doorbell.ring()
        }
        let rungAfter = try await clock.measure { await doorbell.wait(upTo: .seconds(30)) }
        try await ringer.value
        #expect(rungAfter < .seconds(10), "the ring did not end the wait (\(rungAfter))")

        // The ring was used up: the next wait lasts its whole timeout.
        let quietAfter = await clock.measure { await doorbell.wait(upTo: .milliseconds(300)) }
        #expect(quietAfter >= .milliseconds(290), "a wait ended early with nobody ringing (\(quietAfter))")
    }

    @Test("a ring while the sender is busy is kept for its next wait")
    func ringWhileBusy() async {
        let doorbell = SendDoorbell()
        doorbell.ring()
        let elapsed = await ContinuousClock().measure { await doorbell.wait(upTo: .seconds(30)) }
        #expect(elapsed < .seconds(10))
    }
}
