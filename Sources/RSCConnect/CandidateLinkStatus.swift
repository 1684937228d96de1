import Foundation
import Logging
import PostgresNIO
import RSCStore

/// The candidate page's LinkedIn box: matched (person, profile) or "not matched" and why, plus the
/// attributes of LinkedIn's profile widget (which only works for a candidate already synced).
public struct CandidateLinkStatus: Encodable, Sendable, Equatable {
    public struct Widget: Encodable, Sendable, Equatable {
        var extensionName = "HcmWidget@https://platform.linkedin.com/rsc/extensions/profile-widget"
        var clientId: String
        var attributes: [String: String]
    }

    /// matched | not_matched
    var status: String
    /// missing_fields | not_synced_yet | no_member_found | sync_failed (nil when matched)
    var reasonCode: String?
    var reason: String?
    var personUrn: String?
    var profileUrl: String?
    var matchedBy: String?
    var widget: Widget?

    static func load(company: Company, candidateID: String, postgres: PostgresClient, logger: Logger) async throws -> CandidateLinkStatus {
        var record: (state: String, reason: String?, dirty: Bool)?
        let records = try await postgres.query(
            """
            SELECT r.state, r.state_reason,
                   EXISTS (SELECT 1 FROM linkedin_send_queue q WHERE q.company_id = r.company_id AND q.resource = r.resource
                           AND q.parent_id = r.parent_id AND q.record_id = r.record_id)
            FROM linkedin_records r
            WHERE r.company_id = \(company.id) AND r.resource = 'candidate' AND r.parent_id = '' AND r.record_id = \(candidateID)
            """,
            logger: logger)
        for try await row in records.decode((String, String?, Bool).self) { record = (row.0, row.1, row.2) }
        var member: (person: String, profile: String?, by: String)?
        let members = try await postgres.query(
            """
            SELECT person_urn, profile_url, matched_by FROM candidate_members
            WHERE company_id = \(company.id) AND candidate_id = \(candidateID)
            """,
            logger: logger)
        for try await row in members.decode((String, String?, String).self) { member = (row.0, row.1, row.2) }

        let synced = record.map { $0.state == "synced" } ?? false
        let widget: Widget? =
            synced && company.organizationURN != nil && company.linkedInClientID != nil
            ? Widget(
                clientId: company.linkedInClientID ?? "",
                attributes: [
                    "data-widget-type": "ATS", "data-ats-candidate-id": candidateID,
                    "data-integration-context": company.organizationURN ?? "",
                ]) : nil
        if let member {
            return CandidateLinkStatus(
                status: "matched", personUrn: member.person, profileUrl: member.profile, matchedBy: member.by, widget: widget)
        }
        let (code, reason) = Self.whyNotMatched(record)
        return CandidateLinkStatus(status: "not_matched", reasonCode: code, reason: reason, widget: widget)
    }

    /// Pure: the reason a candidate has no LinkedIn member yet, in words for the candidate page.
    static func whyNotMatched(_ record: (state: String, reason: String?, dirty: Bool)?) -> (String, String) {
        guard let record else {
            return ("not_synced_yet", "Not sent to LinkedIn yet; it usually takes a few seconds.")
        }
        switch record.state {
        case "not_matched":
            return ("missing_fields", record.reason ?? "The candidate lacks the first name, last name or email LinkedIn needs.")
        case "failed":
            return ("sync_failed", record.reason.map { "LinkedIn refused the candidate: \($0)" } ?? "LinkedIn refused the candidate.")
        case "synced" where !record.dirty:
            return ("no_member_found", "LinkedIn found no member with this candidate's details. Link one from the LinkedIn widget.")
        default:
            return ("not_synced_yet", "Not sent to LinkedIn yet; it usually takes a few seconds.")
        }
    }
}
