import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RSCLinkedInSimulator
import RSCSandbox
import RSCTeamtailorSimulator

/// The demo's onboarding act: an admin connects a company through the internal API, LinkedIn's admin
/// enables it, and the status page shows the first global sync running; then a recruiter exports a member
/// from LinkedIn and the candidate arrives in Teamtailor, linked on LinkedIn.
struct DemoConnectAct: Sendable {
    static let company = "4200"
    static let organization = "urn:li:organization:4200"
    static let contract = "urn:li:contract:420000"
    static let apiKey = "demo-teamtailor-key-4200"

    let stack: EmbeddedStackSession
    let internalURL: String
    let token: String
    let say: @Sendable (String) -> Void

    /// What rsc-export needs beside the shared settings.
    static func exportEnvironment(publicPort: Int, internalPort: Int, token: String) -> [String: String] {
        [
            "HTTP_PORT": "\(publicPort)", "INTERNAL_HTTP_PORT": "\(internalPort)", "INTERNAL_API_TOKEN": token,
            "PUBLIC_CALLBACK_BASE_URL": "http://127.0.0.1:\(publicPort)",
            "LINKEDIN_PARTNER_CLIENT_ID": "rsc-partner", "LINKEDIN_PARTNER_CLIENT_SECRET": "rsc-partner-secret",
        ]
    }

    func seed(candidates: Int) async throws {
        // Teamtailor publishes no API limit; the simulator's default (50 calls per 10 s) would make the history
        // read the slowest part of a short demo, so the demo allows ten times that.
        await stack.teamtailor.state.setRateLimit(500, window: .seconds(10))
        try await stack.teamtailor.state.seedCompany(
            id: Self.company, apiKey: Self.apiKey,
            .init(seed: 42, users: 6, jobs: max(candidates / 25, 4), candidates: candidates, applications: candidates * 3, historyDays: 800))
        let counts = await stack.teamtailor.state.recordCounts(company: Self.company)
        say("Teamtailor company \(Self.company) has two years of history: " + counts.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", "))
    }

    /// Activate → LinkedIn's widget → integration → LinkedIn's admin enables it → active.
    func connect() async throws -> String {
        try await waitForInternalAPI()
        let refused = try await call(.POST, "/companies/\(Self.company)/rsc/activate", [
            "actingUser": ["id": "u-17", "role": "recruiter"], "teamtailorApiKey": Self.apiKey, "companyName": "Demo AB",
        ])
        say("  a recruiter (not an admin) tries to activate → \(refused.status): \(refused.errorMessage ?? "")")
        let activation = try await call(.POST, "/companies/\(Self.company)/rsc/activate", [
            "actingUser": ["id": "u-1", "role": "admin"], "teamtailorApiKey": Self.apiKey, "companyName": "Demo AB",
        ])
        let widget = activation.json["widget"] as? [String: Any]
        let clientID = widget?["clientId"] as? String ?? ""
        say("  an admin activates → \(activation.status), status \(activation.json["status"] ?? "?"); the settings page shows LinkedIn's widget for client \(clientID)")
        await stack.simulator.state.completeOnboarding(clientID: clientID, organization: Self.organization)
        let seat = try await stack.simulator.state.addSeat(
            contract: Self.contract, organization: Self.organization, firstName: "Rita", lastName: "Recruiter", email: "rita@example.com")
        let integration = try await call(.POST, "/companies/\(Self.company)/rsc/integration", [
            "actingUser": ["id": "u-1", "role": "admin"], "organizationUrn": Self.organization, "contractUrns": [Self.contract],
        ])
        say("  LinkedIn's widget returns organization \(Self.organization) → integration named, callback URL registered → status \(integration.json["status"] ?? "?")")
        let validation = try await stack.simulator.state.validateCallback(organization: Self.organization)
        say("  LinkedIn validates the callback URL with a challenge → \(validation.passed ? "answered correctly" : "FAILED")")
        _ = try await stack.simulator.state.setIntegrationStatus(.enabled, organization: Self.organization)
        for _ in 0..<100 {
            let status = try await call(.GET, "/companies/\(Self.company)/rsc/status")
            if ((status.json["state"] as? [String: Any])?["code"] as? String) == "active" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        say("  LinkedIn's Recruiter admin enables the integration → pushed to rsc-export → status active; first global sync queued")
        return seat
    }

    /// The first-sync part of the admin page in one line, and whether it is done.
    func firstSyncStatus() async throws -> (line: String, done: Bool) {
        let status = try await call(.GET, "/companies/\(Self.company)/rsc/status").json
        let firstSync = status["firstSync"] as? [String: Any] ?? [:]
        let live = status["liveSync"] as? [String: Any] ?? [:]
        let state = firstSync["state"] as? String ?? "?"
        let read = (firstSync["resources"] as? [[String: Any]] ?? []).map { resource in
            "\(resource["resource"] ?? "?") \(resource["read"] ?? 0)/\(resource["total"].map { "\($0)" } ?? "?")"
        }.joined(separator: ", ")
        let eta = (firstSync["estimatedFinishAt"] as? String).map { " · done about \($0)" } ?? ""
        let line = "first sync \(state): read \(read) · \(firstSync["recordsWaitingToSend"] ?? 0) waiting to send · "
            + "\(Int((firstSync["recordsPerMinute"] as? Double) ?? 0)) records/min\(eta) · live pending \(live["pendingRecords"] ?? 0)"
        return (line, state == "done")
    }

    func firstSyncLine() async throws -> String { try await firstSyncStatus().line }

    /// Prints what the admin page shows, every second, until the first sync is done (or `timeout`).
    func followFirstSync(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            let (line, done) = try await firstSyncStatus()
            if line != last { say("  " + line); last = line }
            if done { return true }
            try await Task.sleep(for: .seconds(1))
        }
        return false
    }

    /// Reconciliation: a change made in Teamtailor whose event is lost never reaches LinkedIn through the topics;
    /// the next pass (every 30 s in the demo, daily in production) reads it from Teamtailor's API and sends it.
    func repair(timeout: Duration) async throws {
        let held = await stack.simulator.state.records(.atsCandidates, in: Self.organization)
        guard let candidate = held.keys.compactMap({ Int($0.id) }).sorted().first else {
            say("  no candidate on LinkedIn to change; skipped")
            return
        }
        let name = "Reconciled-\(candidate)"
        stack.lostEvents.lose(next: 1)
        try await stack.teamtailor.updateCandidate(company: Self.company, id: candidate, attributes: ["first-name": .string(name)])
        say("  Teamtailor renames candidate \(candidate) to \"\(name)\"; its change event is lost on purpose (never published)")
        let started = ContinuousClock.now
        let deadline = started + timeout
        while ContinuousClock.now < deadline {
            let onLinkedIn = await stack.simulator.state.records(.atsCandidates, in: Self.organization)[SimulatedRecordID(String(candidate))]
            if onLinkedIn?["firstName"]?.stringValue == name {
                let reconciliation = try await call(.GET, "/companies/\(Self.company)/rsc/status").json["reconciliation"] as? [String: Any] ?? [:]
                say("  LinkedIn shows \"\(name)\" \(Self.milliseconds(ContinuousClock.now - started) / 1_000) s later: a reconciliation pass read it from Teamtailor")
                say("    admin page: reconciliation \(reconciliation["state"] ?? "?"), last \(reconciliation["kind"] ?? "?") pass at \(reconciliation["lastCompletedAt"] ?? "?"), \(reconciliation["recordsChecked"] ?? 0) records checked, repaired \(reconciliation["recordsRepaired"] ?? [:])")
                return
            }
            try await Task.sleep(for: .seconds(1))
        }
        say("  LinkedIn still shows the old name after \(timeout); see rsc status \(Self.company)")
    }

    /// LinkedIn → Teamtailor: a recruiter's public and private notes, an InMail and contact details the
    /// member shared reach the exported candidate's profile at the next poll (a short interval here).
    func inbound(seat: String, timeout: Duration) async throws {
        guard let candidateID = await stack.teamtailor.state.candidateID(email: "zoe.exportsson@example.com", company: Self.company) else {
            say("  no exported candidate to show LinkedIn activity on; skipped")
            return
        }
        let state = stack.simulator.state
        // A few minutes old: the poller reads windows that end a minute before now, as LinkedIn's data settles.
        let earlier = Date().addingTimeInterval(-300)
        _ = try await state.addProspectNote(owner: seat, member: Self.exportedPerson, note: "Strong systems background; call back in May.", visibility: .public, at: earlier)
        _ = try await state.addProspectNote(owner: seat, member: Self.exportedPerson, note: "Private: salary expectations discussed.", visibility: .private, at: earlier)
        _ = try await state.addInMail(seat: seat, member: Self.exportedPerson, subject: "Staff engineer at Demo AB", body: "Hi Zoë, would you be open to a chat?", at: earlier)
        _ = try await state.addInMail(seat: seat, member: Self.exportedPerson, fromMember: true, subject: "Re: Staff engineer at Demo AB", body: "Yes, happy to talk.", at: earlier.addingTimeInterval(30))
        _ = try await state.addMailStub(owner: seat, member: Self.exportedPerson, emailAddress: "zoe.private@example.com", phoneNumber: "+46 70 123 45 67", at: earlier.addingTimeInterval(40))
        say("  in LinkedIn Recruiter: a public note, a private note, an InMail and its reply, and contact details Zoë shared")
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let detail = await stack.teamtailor.state.candidateDetail(id: candidateID, company: Self.company) {
                // Public LinkedIn notes become notes; InMails and differing contact details become private notes.
                let privateNotes = detail.notes.filter { $0.attributes["private-note"] == .bool(true) }
                let publicNotes = detail.notes.count - privateNotes.count
                let inMails = privateNotes.filter { $0.attributes["note"]?.stringValue?.hasPrefix("LinkedIn InMail") == true }.count
                guard publicNotes >= 1, privateNotes.count >= 3 else {
                    try await Task.sleep(for: .milliseconds(250))
                    continue
                }
                say("  in Teamtailor, candidate \(candidateID): \(publicNotes) note(s) (the private one stays in LinkedIn), "
                    + "\(inMails) InMail(s) and \(privateNotes.count - inMails) shared-contact note(s) as private notes"
                    + "; phone \(detail.candidate.attributes["phone"]?.stringValue.map { _ in "filled (it was empty)" } ?? "still empty")"
                    + "; the shared email differs from the one on file, so it is in the private note to use by hand")
                return
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        say("  LinkedIn's activity did not reach Teamtailor within \(timeout)")
    }

    static let exportedPerson = "urn:li:person:demo-zoe"

    /// A recruiter exports a member to an open, synced job; the candidate lands in Teamtailor and is linked.
    func export(seat: String, timeout: Duration) async throws {
        let synced = Set(await stack.simulator.state.records(.simpleJobPostings, in: Self.organization)
            .filter { $0.value["state"]?.stringValue == "LISTED" }.map(\.key.id))
        guard let job = await stack.teamtailor.state.records(.jobs, company: Self.company).first(where: { synced.contains(String($0.id)) }) else {
            say("  no open job is synced to LinkedIn yet; export skipped")
            return
        }
        let person = Self.exportedPerson
        let started = ContinuousClock.now
        _ = try await stack.simulator.state.exportCandidate(
            organization: Self.organization, seat: seat,
            profile: ExportedProfile(
                person: person, firstName: "Zoë", lastName: "Exportsson", headline: "Staff engineer", location: "Göteborg, SE",
                profileUrl: "https://www.linkedin.com/in/demo-zoe", emailAddresses: ["zoe.exportsson@example.com"], phoneNumbers: []),
            atsJobPostingId: String(job.id))
        say("  a recruiter on LinkedIn exports Zoë Exportsson to job \(job.id) (\(job.attributes["title"]?.stringValue ?? "")) → signed push to rsc-export")
        let deadline = ContinuousClock.now + timeout
        var candidateID: Int?
        while ContinuousClock.now < deadline {
            if let id = await stack.teamtailor.state.candidateID(email: "zoe.exportsson@example.com", company: Self.company),
               let detail = await stack.teamtailor.state.candidateDetail(id: id, company: Self.company), !detail.applications.isEmpty
            {
                candidateID = id
                say("  in Teamtailor after \(Self.milliseconds(ContinuousClock.now - started)) ms: candidate \(id), sourced, on job \(job.id), LinkedIn URL filled")
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let candidateID else { say("  the candidate did not arrive in Teamtailor in time"); return }
        while ContinuousClock.now < deadline {
            if await stack.simulator.state.matchedMembers(atsCandidateId: String(candidateID), in: Self.organization)?.contains(person) == true {
                say("  linked on LinkedIn after \(Self.milliseconds(ContinuousClock.now - started)) ms: candidate \(candidateID) ↔ \(person) (In-ATS indicator shows)")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        say("  the candidate is in Teamtailor but not linked on LinkedIn yet")
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    // MARK: - HTTP

    struct Answer {
        var status: Int
        var json: [String: Any]
        var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
    }

    func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: internalURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        return Answer(status: Int(response.status.code), json: json)
    }

    func waitForInternalAPI() async throws {
        for _ in 0..<200 {
            if (try? await call(.GET, "/companies/\(Self.company)/rsc/status")) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DemoError.workerDidNotStart("rsc-export")
    }
}

enum DemoError: Error, CustomStringConvertible {
    case workerDidNotStart(String)
    var description: String {
        switch self {
        case .workerDidNotStart(let name): "\(name) did not start; its log is in /tmp"
        }
    }
}
