import RSCRetry
import Testing

@Suite("exponential backoff")
struct ExponentialBackoffTests {
    let backoff = ExponentialBackoff(initial: .seconds(1), maximum: .seconds(30))

    @Test("doubles each attempt and stops at the maximum")
    func doubling() {
        #expect(backoff.delay(attempt: 1, unit: 1) == .seconds(1))
        #expect(backoff.delay(attempt: 2, unit: 1) == .seconds(2))
        #expect(backoff.delay(attempt: 5, unit: 1) == .seconds(16))
        #expect(backoff.delay(attempt: 6, unit: 1) == .seconds(30))
        #expect(backoff.delay(attempt: 10_000, unit: 1) == .seconds(30))
    }

    @Test("jitter stays between half and all of the step")
    func jitter() {
        #expect(backoff.delay(attempt: 3, unit: 0) == .seconds(2))
        #expect(backoff.delay(attempt: 3, unit: 0.5) == .seconds(3))
        for _ in 0..<100 {
            let delay = backoff.delay(attempt: 3)
            #expect(delay >= .seconds(2) && delay <= .seconds(4))
        }
    }
}
