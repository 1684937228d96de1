import RSCLinkedInClient
import RSCTeamtailorClient

/// How a company's poll ended; the `outcome` label of `rsc_inbound_polls_total`.
public enum InboundPollOutcome: String, Sendable, CaseIterable {
    case success
    /// LinkedIn refused the company's application (401/403): recorded for the admin page.
    case accessLost = "access_lost"
    case teamtailorUnauthorized = "teamtailor_unauthorized"
    /// Today's recruiter-data budget is spent; the rest waits for the next poll.
    case quota
    case noCredentials = "no_credentials"
    /// Retries ran out (LinkedIn or Teamtailor kept failing) or the lease was lost; cursors stay, so the
    /// next poll resumes where this one stopped.
    case failed
}

/// Why a poll stopped early, with the verdict: which outcome, and a sentence without personal data.
struct InboundPollStop: Error, CustomStringConvertible {
    var outcome: InboundPollOutcome
    var reason: String
    var description: String { "inbound poll stopped (\(outcome.rawValue)): \(reason)" }
}
