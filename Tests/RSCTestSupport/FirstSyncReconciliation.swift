import Foundation
import Logging
import PostgresNIO
import RSCLinkedInSimulator
import RSCTeamtailorSimulator

/// What Teamtailor holds against what LinkedIn holds after a first global sync, by the mapping's rules — the
/// count reconciliation LinkedIn's certification asks for. Each figure is checked three ways: Teamtailor's
/// records, our `linkedin_records` bookkeeping, and the LinkedIn simulator's holdings.
public struct FirstSyncReconciliation: Sendable {
    /// One line per figure compared, for the test's output.
    public private(set) var lines: [String] = []
    /// The comparisons that do not hold; empty when everything reconciles.
    public private(set) var mismatches: [String] = []

    /// Compares company `companyID` in Teamtailor with `organization` on LinkedIn.
    public static func check(
        companyID: String, organization: String, teamtailor: TeamtailorSimulatorState, linkedIn: SimulatorState,
        postgres: PostgresClient, logger: Logger
    ) async throws -> FirstSyncReconciliation {
        var report = FirstSyncReconciliation()
        func ours(_ resource: String, state: String? = nil) async throws -> Int {
            let filter = state.map { " AND state = '\($0)'" } ?? ""
            return try await postgres.query(PostgresQuery(unsafeSQL:
                "SELECT count(*)::int FROM linkedin_records WHERE company_id = '\(companyID)' AND resource = '\(resource)'\(filter)"),
                logger: logger).decode(Int.self).reduce(0, +)
        }
        let counts = await teamtailor.recordCounts(company: companyID)
        let held = await linkedIn.holdings(organization: organization)

        // Candidates: every one accounted for; the ones missing a first name, last name or email are "not matched".
        let candidates = await teamtailor.records(.candidates, company: companyID)
        let unmatchable = candidates.filter { candidate in
            ["first-name", "last-name", "email"].contains { (candidate.attributes[$0]?.stringValue ?? "").isEmpty }
        }.count
        report.compare("candidates in Teamtailor / ours", counts[.candidates] ?? 0, try await ours("candidate"))
        report.compare("candidates not matched: Teamtailor / ours", unmatchable, try await ours("candidate", state: "not_matched"))
        report.compare("candidates matchable in Teamtailor / on LinkedIn", candidates.count - unmatchable, held.candidates)
        report.compare("candidates synced: ours / on LinkedIn", try await ours("candidate", state: "synced"), held.candidates)

        // Applications: every one accounted for; LinkedIn holds exactly the ones we count as synced.
        report.compare("applications in Teamtailor / ours", counts[.jobApplications] ?? 0, try await ours("application"))
        report.compare("applications synced: ours / on LinkedIn", try await ours("application", state: "synced"), held.applications)

        // Jobs: open and unlisted ones listed, archived ones closed, drafts never sent.
        let jobs = await teamtailor.records(.jobs, company: companyID)
        let status = { (job: SimulatedTeamtailorRecord) in job.attributes["status"]?.stringValue ?? "draft" }
        report.compare("jobs open or unlisted in Teamtailor / listed on LinkedIn", jobs.filter { ["open", "unlisted"].contains(status($0)) }.count, held.listedJobs)
        report.compare("jobs archived in Teamtailor / closed on LinkedIn", jobs.filter { status($0) == "archived" }.count, held.closedJobs)
        report.compare("job postings synced: ours / on LinkedIn", try await ours("job_posting", state: "synced"), held.listedJobs + held.closedJobs)

        // Stages, notes and feedback under candidates and applications.
        for (simulated, resource) in subResources.sorted(by: { $0.key < $1.key }) {
            report.compare("\(simulated) synced: ours / on LinkedIn", try await ours(resource, state: "synced"), held.subRecords[simulated] ?? 0)
        }
        let throttled = await linkedIn.throttledCount()
        report.compare("429 answers from LinkedIn", 0, throttled)
        return report
    }

    /// The simulator's sub-resource names and ours.
    public static let subResources = [
        "atsCandidates/notes": "candidate_note", "atsApplications/notes": "application_note",
        "atsApplications/stages": "application_stage", "atsApplications/interviewFeedback": "interview_feedback",
    ]

    mutating func compare(_ what: String, _ expected: Int, _ actual: Int) {
        let line = "\(what): \(expected) / \(actual)"
        lines.append(line)
        if expected != actual { mismatches.append(line) }
    }
}
