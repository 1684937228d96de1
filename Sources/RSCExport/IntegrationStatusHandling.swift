import Foundation
import Logging
import PostgresNIO
import RSCLinkedInClient
import RSCStore

/// `INTEGRATION_STATUS_CHANGE`: LinkedIn's Recruiter admin enabled (or disabled) the integration. Enabled
/// the first time → the company is active and its first global sync is queued.
struct IntegrationStatusHandling: Sendable {
    let linkedIn: LinkedInClient
    let companies: CompanyStore
    let postgres: PostgresClient
    let logger: Logger

    func handle(_ stored: StoredNotification, companyID: String, organizationURN: String, contractURNs: [String],
                application: LinkedInApplication) async throws -> [String: String] {
        let statuses = try await linkedIn.integrationStatus(requestId: stored.notification.requestID, application: application)
        let ours = statuses.filter { $0.key.context == organizationURN || contractURNs.contains($0.key.context) }
        let enabled = !ours.isEmpty && ours.allSatisfy(\.enabled)
        let disabled = ours.filter { !$0.enabled }.map(\.key.type.rawValue).sorted()
        let reason = enabled ? nil : disabled.isEmpty
            ? "LinkedIn reported no integration for this organization yet"
            : "LinkedIn's Recruiter admin has not enabled: \(disabled.joined(separator: ", "))"
        let newlyEnabled = try await companies.recordIntegrationStatus(companyID: companyID, enabled: enabled, reason: reason)
        if newlyEnabled {
            try await FirstSyncProgress.start(companyID: companyID, restart: false, postgres: postgres, logger: logger)
            logger.notice("integration enabled; first global sync queued", metadata: ["company": "\(companyID)"])
        } else {
            logger.info("integration status recorded", metadata: ["company": "\(companyID)", "enabled": "\(enabled)"])
        }
        return ["enabled": "\(enabled)", "firstSyncQueued": "\(newlyEnabled)"]
    }
}
