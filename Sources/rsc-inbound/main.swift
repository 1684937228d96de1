import AsyncHTTPClient
import Foundation
import RSCConfiguration
import RSCInbound
import RSCLinkedInClient
import RSCRuntime
import RSCStore
import RSCTeamtailorClient

// rsc-inbound: LinkedIn notes, InMails and shared contact details → Teamtailor, every 2 hours per company.
// Reads INBOUND_INTERVAL_SECONDS, INBOUND_CONCURRENCY and INBOUND_FALLBACK_USER_ID besides the shared settings.
await WorkerRuntime.run(name: "rsc-inbound", defaultGroupID: "rsc-inbound", usesKafka: false) { context in
    let environment = EnvironmentReader()
    let settings = context.configuration
    var inbound = InboundPoller.Settings(teamtailorBaseURL: settings.teamtailorAPIURL)
    inbound.interval = .seconds(try environment.integer("INBOUND_INTERVAL_SECONDS", default: 7_200, in: 1...86_400))
    inbound.concurrency = try environment.integer("INBOUND_CONCURRENCY", default: 4, in: 1...256)
    // How long a crashed replica's companies wait before another replica takes them over (renewed while polling).
    inbound.leaseTTL = .seconds(try environment.integer("INBOUND_LEASE_SECONDS", default: 600, in: 5...86_400))
    if let user = environment.raw("INBOUND_FALLBACK_USER_ID")?.trimmingCharacters(in: .whitespaces), !user.isEmpty {
        inbound.fallbackUserID = user
    }
    // A short interval (demo, process tests) must not leave a company overdue for the default 15 minutes.
    inbound.overdueAfter = min(inbound.overdueAfter, inbound.interval / 2)
    inbound.retryFailedAfter = min(inbound.retryFailedAfter, inbound.interval)
    return [
        InboundPoller(
            postgres: context.postgres,
            linkedIn: LinkedInClient(
                apiURL: settings.linkedInAPIURL, oauthURL: settings.linkedInOAuthURL, http: HTTPClient.shared, logger: context.logger),
            teamtailor: TeamtailorClient(baseURL: settings.teamtailorAPIURL, http: HTTPClient.shared, logger: context.logger),
            companies: CompanyStore(client: context.postgres, secrets: context.secrets, logger: context.logger),
            settings: inbound, logger: context.logger)
    ]
}
