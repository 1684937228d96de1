import Foundation
import Logging
import PostgresNIO
import RSCChangeEvents
import RSCLinkedInClient
import RSCStore
import RSCTeamtailorClient

/// "Export to ATS": the exported member becomes a Teamtailor candidate on the chosen job, linked to the
/// LinkedIn member so the In-ATS indicator shows at once.
///
/// Every step is safe to repeat (a retry after a crash or a failed call): the candidate is found by the
/// member link an earlier attempt stored, then by email (`filter[email]`, the only candidate filter Teamtailor
/// publishes); an application that exists already is kept; the member link is an upsert.
struct ExportHandling: Sendable {
    let linkedIn: LinkedInClient
    let teamtailor: TeamtailorClient
    let postgres: PostgresClient
    let errors: CompanyErrorLog
    let logger: Logger
    let now: @Sendable () -> Date

    struct Context: Sendable {
        var companyID: String
        var organizationURN: String
        var application: LinkedInApplication
        var teamtailor: TeamtailorCredentials
    }

    func handle(_ stored: StoredNotification, _ context: Context) async throws -> [String: String] {
        let requestID = stored.notification.requestID
        let export = try await linkedIn.exportedCandidate(requestId: requestID, application: context.application)
        guard export.integrationContext == context.organizationURN else {
            throw ProcessingFailure.permanent(
                cause: "export_wrong_organization",
                message: "LinkedIn returned an export for another organization; it was ignored")
        }
        let profile = export.candidate
        var outcome = ["requestId": requestID, "person": profile.person]
        let candidate = try await findOrCreateCandidate(profile, context)
        outcome["candidateId"] = candidate.id

        // The person URN first: if LinkedIn does not hold the candidate yet, the outbound sync carries the
        // link with the candidate's first upsert (manualMatchedMember).
        try await storeMember(companyID: context.companyID, candidateID: candidate.id, person: profile.person, profileURL: profile.profileUrl)
        let link = try await linkedIn.linkMember(
            candidateID: candidate.id, person: profile.person, context: context.organizationURN, application: context.application)
        outcome["linkedInLink"] = Self.describe(link)

        if let jobID = export.atsJobPostingId, !jobID.isEmpty {
            if try await teamtailor.job(id: jobID, credentials: context.teamtailor) == nil {
                try await errors.record(
                    companyID: context.companyID, source: .export, cause: "export_unknown_job",
                    message: "A candidate exported from LinkedIn named a job Teamtailor does not have (job \(jobID)); the candidate was added without the application.",
                    subject: jobID, at: now())
                outcome["jobApplication"] = "unknown job \(jobID)"
            } else {
                outcome["jobApplicationId"] = try await applyToJob(candidateID: candidate.id, jobID: jobID, context)
            }
        }
        if profile.emailAddresses.isEmpty && candidate.attributes["email"]?.stringValue == nil {
            outcome["notMatchedReason"] = "no email: the candidate stays not matched on LinkedIn until an email is added"
        }
        return outcome
    }

    /// The candidate this member already is in Teamtailor, else a new one. Without an email the new candidate
    /// is sourced (Teamtailor requires an email "unless `sourced` is set to true") and carries the LinkedIn URL.
    func findOrCreateCandidate(_ profile: ExportedCandidate.Profile, _ context: Context) async throws -> TeamtailorRecord {
        let email = profile.emailAddresses.first
        var found: TeamtailorRecord?
        // A re-export, or a retry after the member link was stored: the candidate made then (if it still exists).
        if let known = try await linkedCandidate(companyID: context.companyID, person: profile.person) {
            found = try await teamtailor.candidate(id: known, credentials: context.teamtailor)
        }
        if found == nil, let email { found = try await teamtailor.findCandidate(email: email, credentials: context.teamtailor) }
        if var existing = found {
            // Fill the LinkedIn URL when empty; never overwrite what a recruiter typed.
            if let url = profile.profileUrl, (existing.attributes["linkedin-url"]?.stringValue ?? "").isEmpty {
                existing = try await teamtailor.updateCandidate(
                    id: existing.id, attributes: ["linkedin-url": .string(url)], credentials: context.teamtailor)
            }
            return existing
        }
        return try await teamtailor.createCandidate(
            TeamtailorNewCandidate(
                firstName: profile.firstName, lastName: profile.lastName, email: email, phone: profile.phoneNumbers.first,
                linkedInURL: profile.profileUrl, sourced: true, merge: email != nil),
            credentials: context.teamtailor)
    }

    /// Creates the application; one that exists already (a retry) is found instead.
    func applyToJob(candidateID: String, jobID: String, _ context: Context) async throws -> String {
        do {
            return try await teamtailor.createJobApplication(
                candidateID: candidateID, jobID: jobID, sourced: true, credentials: context.teamtailor
            ).id
        } catch let error as TeamtailorError where error.status == 422 && Self.isAlreadyApplied(error) {
            return "existing"
        }
    }

    static func isAlreadyApplied(_ error: TeamtailorError) -> Bool {
        error.errors.contains { ($0.detail ?? $0.title ?? "").localizedCaseInsensitiveContains("already") }
    }

    /// The candidate an earlier export of this member was linked to.
    func linkedCandidate(companyID: String, person: String) async throws -> String? {
        let rows = try await postgres.query(
            """
            SELECT candidate_id FROM candidate_members WHERE company_id = \(companyID) AND person_urn = \(person)
            ORDER BY updated_at DESC LIMIT 1
            """,
            logger: logger)
        for try await id in rows.decode(String.self) { return id }
        return nil
    }

    func storeMember(companyID: String, candidateID: String, person: String, profileURL: String?) async throws {
        try await postgres.query(
            """
            INSERT INTO candidate_members (company_id, candidate_id, person_urn, matched_by, profile_url)
            VALUES (\(companyID), \(candidateID), \(person), 'export', \(profileURL))
            ON CONFLICT (company_id, candidate_id) DO UPDATE SET person_urn = EXCLUDED.person_urn,
                matched_by = 'export', profile_url = coalesce(EXCLUDED.profile_url, candidate_members.profile_url),
                updated_at = now()
            """,
            logger: logger)
    }

    static func describe(_ result: RecordResult) -> String {
        switch result {
        case .accepted: "linked"
        case .refused(let status, _): "deferred until the candidate reaches LinkedIn (\(status))"
        case .missing: "deferred (no answer for the record)"
        }
    }
}

/// Why processing a notification stopped, and whether trying again can help.
enum ProcessingFailure: Error {
    /// Retrying cannot help; recorded for the admin with `cause` and `message`.
    case permanent(cause: String, message: String)
}
