import Foundation
import Logging
import RSCLinkedInClient
import RSCRetry
import RSCTeamtailorClient

/// Retries one call: LinkedIn's 429 after `Retry-After` (else backoff), 5xx and timeouts with backoff,
/// up to `maxAttempts`; lost access and refusals at once. The sleep is injected so tests do not wait.
struct InboundRetry: Sendable {
    var backoff: ExponentialBackoff
    var maxAttempts: Int
    var sleep: @Sendable (Duration) async throws -> Void
    var logger: Logger

    func linkedIn<T: Sendable>(
        _ company: String, _ call: String, onThrottle: @Sendable () -> Void = {}, _ operation: () async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await operation()
            } catch let error as LinkedInError {
                let wait: Duration
                switch error.kind {
                case .rateLimited(let seconds):
                    onThrottle()
                    wait = seconds.map { .seconds(max(1, $0)) } ?? backoff.delay(attempt: attempt)
                case .transient, .unreadable:
                    wait = backoff.delay(attempt: attempt)
                case .accessLost:
                    throw InboundPollStop(outcome: .accessLost, reason: "LinkedIn refused the company's application on \(call); not retried until the next poll")
                case .rejected:
                    throw error
                }
                guard attempt < maxAttempts else { throw error }
                logger.info("LinkedIn call failed, will retry", metadata: [
                    "company": "\(company)", "call": "\(call)", "status": "\(error.status.map(String.init) ?? "none")",
                    "attempt": "\(attempt)",
                ])
                try await sleep(wait)
            }
        }
    }

    func teamtailor<T: Sendable>(_ company: String, _ operation: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await operation()
            } catch let error as TeamtailorError {
                switch error.verdict {
                case .retryable(let after):
                    guard attempt < maxAttempts else { throw error }
                    logger.info("Teamtailor call failed, will retry", metadata: [
                        "company": "\(company)", "call": "\(error.call)", "status": "\(error.status.map(String.init) ?? "none")",
                        "attempt": "\(attempt)",
                    ])
                    try await sleep(after ?? backoff.delay(attempt: attempt))
                case .unauthorized:
                    throw InboundPollStop(outcome: .teamtailorUnauthorized, reason: "Teamtailor refused the company's API key on \(error.call)")
                case .permanent:
                    throw error
                }
            }
        }
    }
}
