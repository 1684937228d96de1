import RSCRetry
import Testing

/// The one wake-up the workers' idle loops share (the sender's doorbell, the export processor's signal).
@Suite("wake-up of an idle loop")
struct WakeUpTests {
    @Test("a ring ends the wait long before its timeout, and leaves nothing behind: the next wait lasts its whole timeout")
    func ringEndsTheWaitAndLeavesNothing() async throws {
        let wakeUp = WakeUp()
        let clock = ContinuousClock()
        let ringer = Task {
            try await Task.sleep(for: .milliseconds(50))
            wakeUp.ring()
        }
        let rungAfter = await clock.measure { await wakeUp.wait(upTo: .seconds(30)) }
        try await ringer.value
        #expect(rungAfter < .seconds(10), "the ring did not end the wait (\(rungAfter))")

        // No stale wake-up from the first wait's timer: nobody rings, so this wait lasts its timeout.
        let quietAfter = await clock.measure { await wakeUp.wait(upTo: .milliseconds(300)) }
        #expect(quietAfter >= .milliseconds(290), "a wait ended early with nobody ringing (\(quietAfter))")
    }

    @Test("a wait that timed out leaves nothing behind either")
    func timeoutLeavesNothing() async {
        let wakeUp = WakeUp()
        await wakeUp.wait(upTo: .milliseconds(20))
        let quietAfter = await ContinuousClock().measure { await wakeUp.wait(upTo: .milliseconds(300)) }
        #expect(quietAfter >= .milliseconds(290), "(\(quietAfter))")
    }

    @Test("a ring while nobody waits is kept for the next wait, once")
    func ringBeforeTheWait() async {
        let wakeUp = WakeUp()
        wakeUp.ring()
        wakeUp.ring()
        let clock = ContinuousClock()
        let first = await clock.measure { await wakeUp.wait(upTo: .seconds(30)) }
        #expect(first < .seconds(10))
        let second = await clock.measure { await wakeUp.wait(upTo: .milliseconds(300)) }
        #expect(second >= .milliseconds(290), "two rings before a wait are one wake-up (\(second))")
    }

    @Test("cancelling the waiting task ends the wait at once")
    func cancellationEndsTheWait() async {
        let wakeUp = WakeUp()
        let clock = ContinuousClock()
        let started = clock.now
        let waiter = Task { await wakeUp.wait(upTo: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await waiter.value
        #expect(clock.now - started < .seconds(10))
    }
}
