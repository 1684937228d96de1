import Foundation
import RSCChangeEvents
import RSCSimulatorSupport

/// Realistic Teamtailor change events for several companies, as the demo and the benchmarks publish them:
/// jobs (some internal, unlisted or draft) with stages, candidates with Unicode names (some without email),
/// applications moving through stages, rejections, interviews, comments (some private), deletes — and the
/// delivery faults Kafka brings: duplicates and versions that arrive out of order. Seeded: the same seed
/// gives the same stream.
public struct ChangeGenerator: Sendable {
    /// One message to publish.
    public struct Change: Sendable {
        public var topic: String
        public var key: String
        public var event: String
        public var value: [UInt8]
    }

    public let companies: [String]
    private var random: SplitMix64
    private var versions: [String: Int64] = [:]
    private var state: [String: CompanyState] = [:]
    private var held: [Change] = []
    /// Changes that follow the last one in Teamtailor itself (a new job's stages), published next.
    private var following: [Change] = []
    private var recent: [Change] = []
    private var sequence = 0
    /// When set, `occurred_at` is this clock's time (benchmarks measure end-to-end latency from it).
    private let now: @Sendable () -> Date

    struct CompanyState: Sendable {
        var jobs: [String] = []
        var stages: [String: [String]] = [:]
        var candidates: [String] = []
        var applications: [(id: String, candidate: String, job: String, stageIndex: Int)] = []
        var nextID = 1
    }

    public init(companies: [String], seed: UInt64 = 42, now: @escaping @Sendable () -> Date = { Date() }) {
        self.companies = companies
        self.random = SplitMix64(seed: seed)
        self.now = now
    }

    /// The next `count` messages.
    public mutating func next(_ count: Int) -> [Change] {
        (0..<count).map { _ in next() }
    }

    public mutating func next() -> Change {
        sequence += 1
        // Delivery faults: a duplicate of a recent message, or one held back and released late.
        if !recent.isEmpty, random.chance(0.02) { return recent[random.below(recent.count)] }
        if !held.isEmpty, random.chance(0.3) { return held.removeFirst() }
        let change = following.isEmpty ? fresh() : following.removeFirst()
        if random.chance(0.02) {
            held.append(change)
            return fresh()
        }
        recent.append(change)
        if recent.count > 50 { recent.removeFirst() }
        return change
    }

    mutating func fresh() -> Change {
        let company = companies[random.below(companies.count)]
        var company_ = state[company, default: CompanyState()]
        defer { state[company] = company_ }
        if company_.jobs.count < 2 || random.chance(0.03) { return newJob(company, &company_) }
        if company_.candidates.count < 3 || random.chance(0.25) { return newCandidate(company, &company_) }
        if company_.applications.isEmpty || random.chance(0.2) {
            let candidate = company_.candidates[random.below(company_.candidates.count)]
            let job = company_.jobs[random.below(company_.jobs.count)]
            let id = "a\(company_.nextID)"
            company_.nextID += 1
            company_.applications.append((id, candidate, job, 0))
            return application(company, company_, index: company_.applications.count - 1, action: "create")
        }
        let roll = random.below(100)
        let index = random.below(company_.applications.count)
        switch roll {
        case 0..<30:  // stage move
            let stages = company_.stages[company_.applications[index].job]?.count ?? 1
            company_.applications[index].stageIndex = min(company_.applications[index].stageIndex + 1, stages - 1)
            return application(company, company_, index: index, action: "update")
        case 30..<38:
            return application(company, company_, index: index, action: "update", rejected: true)
        case 38..<58:
            let app = company_.applications[index]
            return comment(company, &company_, candidate: app.candidate, application: random.chance(0.7) ? app.id : nil)
        case 58..<73:
            let app = company_.applications[index]
            return interview(company, &company_, candidate: app.candidate, application: app.id)
        case 73..<88:
            return updateCandidate(company, company_.candidates[random.below(company_.candidates.count)])
        case 88..<91 where company_.candidates.count > 5:
            let victim = company_.candidates.remove(at: random.below(company_.candidates.count))
            company_.applications.removeAll { $0.candidate == victim }
            return make(company, .candidates, "candidate.destroy", victim, attributes: [:], relationships: [:])
        default:
            return renameStage(company, company_)
        }
    }

    // MARK: - Entities

    static let titles = ["Backend Engineer (Swift)", "Product Designer", "Säljare – Stockholm", "Data Scientist", "Customer Success Manager", "Ingénieur DevOps"]
    static let cities: [(String, String)] = [("Stockholm", "SE"), ("Göteborg", "SE"), ("Oslo", "NO"), ("København", "DK"), ("Berlin", "DE")]
    static let firstNames = ["Åsa", "Zoë", "Jörg", "Ngozi", "李", "Søren", "María José", "Oğuz", "Anna", "Émile", "Priya", "Mikael"]
    static let lastNames = ["Lindqvist", "Ødegård", "Müller", "Okafor", "小龙", "Kierkegaard", "García-López", "Yılmaz", "Berg", "Dubois", "Sharma", "Nieminen"]
    static let stageNames = ["Inbox", "Phone screen", "Technical interview", "Offer", "Hired"]

    mutating func newJob(_ company: String, _ state: inout CompanyState) -> Change {
        let id = "j\(state.nextID)"
        state.nextID += 1
        state.jobs.append(id)
        state.stages[id] = Self.stageNames.indices.map { "\(id)-s\($0)" }
        // Teamtailor creates a job's pipeline with it: its stages are published right after the job.
        following += Self.stageNames.indices.map { stage(company, job: id, index: $0, name: Self.stageNames[$0], action: "create") }
        let city = Self.cities[random.below(Self.cities.count)]
        let status = random.chance(0.1) ? "draft" : (random.chance(0.1) ? "unlisted" : "open")
        return make(company, .jobs, "job.create", id, attributes: [
            "title": .string(Self.titles[random.below(Self.titles.count)]),
            "body": .string("<p>Join a small team that ships every day.</p><p>You will work with recruiters across the Nordics on tools they trust.</p>"),
            "status": .string(status), "internal": .bool(random.chance(0.1)), "remote-status": .string("hybrid"),
            "created-at": .string(RFC3339.format(now())),
            "location": .object(["city": .string(city.0), "country-code": .string(city.1)]),
            "recruiter": .object(["email": .string("recruiter@\(company).example.com"), "first-name": .string("Sara"), "last-name": .string("Öberg")]),
        ], relationships: [:])
    }

    mutating func newCandidate(_ company: String, _ state: inout CompanyState) -> Change {
        let id = "c\(state.nextID)"
        state.nextID += 1
        state.candidates.append(id)
        return updateCandidate(company, id, action: "create")
    }

    mutating func updateCandidate(_ company: String, _ id: String, action: String = "update") -> Change {
        let first = Self.firstNames[random.below(Self.firstNames.count)]
        let last = Self.lastNames[random.below(Self.lastNames.count)]
        // About one in ten has no email: "not matched" on LinkedIn, as in real Teamtailor accounts.
        let email: JSONValue = random.chance(0.1) ? .null : .string("\(id).\(company)@example.com")
        return make(company, .candidates, "candidate.\(action)", id, attributes: [
            "first-name": .string(first), "last-name": .string(last), "email": email,
            "phone": random.chance(0.5) ? .string("+46 70 \(100 + random.below(900)) \(10 + random.below(90)) \(10 + random.below(90))") : .null,
            "sourced": .bool(random.chance(0.2)), "unsubscribed": .bool(random.chance(0.05)),
            "created-at": .string("2026-10-01T08:00:00Z"), "updated-at": .string(RFC3339.format(now())),
        ], relationships: [:])
    }

    mutating func application(_ company: String, _ state: CompanyState, index: Int, action: String, rejected: Bool = false) -> Change {
        let app = state.applications[index]
        let stage = state.stages[app.job]?[app.stageIndex] ?? "\(app.job)-s0"
        return make(company, .jobApplications, "job_application.\(action)", app.id, attributes: [
            "created-at": .string("2026-10-02T08:00:00Z"), "updated-at": .string(RFC3339.format(now())),
            "changed-stage-at": .string(RFC3339.format(now())), "sourced": .bool(false),
            "rejected-at": rejected ? .string(RFC3339.format(now())) : .null,
            "reject-reason": rejected ? .string("Not the right fit this time") : .null,
        ], relationships: [
            "candidate": link("candidates", app.candidate), "job": link("jobs", app.job), "stage": link("stages", stage),
        ])
    }

    mutating func renameStage(_ company: String, _ state: CompanyState) -> Change {
        let job = state.jobs[random.below(state.jobs.count)]
        let index = random.below(Self.stageNames.count)
        let name = Self.stageNames[index] + (random.chance(0.5) ? " (round 2)" : "")
        return stage(company, job: job, index: index, name: name, action: "update")
    }

    mutating func stage(_ company: String, job: String, index: Int, name: String, action: String) -> Change {
        make(company, .stages, "stage.\(action)", "\(job)-s\(index)", attributes: [
            "name": .string(name), "stage-type": .string(index == 0 ? "Inbox" : (index == 4 ? "Hired" : "In process")), "row-order": .number(Double(index)),
        ], relationships: ["job": link("jobs", job)])
    }

    mutating func comment(_ company: String, _ state: inout CompanyState, candidate: String, application: String?) -> Change {
        let id = "m\(state.nextID)"
        state.nextID += 1
        return make(company, .comments, "comment.create", id, attributes: [
            "body": .string("Talked on the phone — motivated, available in March."), "private": .bool(random.chance(0.2)),
            "created-at": .string(RFC3339.format(now())),
            "author": .object(["email": .string("sara@\(company).example.com"), "first-name": .string("Sara"), "last-name": .string("Öberg")]),
        ], relationships: [
            "candidate": link("candidates", candidate),
            "job-application": application.map { link("job-applications", $0) } ?? .object(["data": .null]),
        ])
    }

    mutating func interview(_ company: String, _ state: inout CompanyState, candidate: String, application: String) -> Change {
        let id = "i\(state.nextID)"
        state.nextID += 1
        let recommendations = ["strong_no", "no", "yes", "strong_yes"]
        return make(company, .interviews, "interview.create", id, attributes: [
            "created-at": .string(RFC3339.format(now())), "note": .string("Clear communicator; solid fundamentals."),
            "scores": .array([
                .object(["criterion": .string("Communication"), "value": .number(Double(1 + random.below(5))), "max": .number(5)]),
                .object(["criterion": .string("Problem solving"), "value": .number(Double(1 + random.below(5))), "max": .number(5)]),
            ]),
            "recommendation": .string(recommendations[random.below(4)]),
            "interviewer": .object(["email": .string("lead@\(company).example.com"), "first-name": .string("Jonas"), "last-name": .string("Berg")]),
        ], relationships: ["candidate": link("candidates", candidate), "job-application": link("job-applications", application)])
    }

    // MARK: - Envelope

    func link(_ type: String, _ id: String) -> JSONValue { .object(["data": .object(["type": .string(type), "id": .string(id)])]) }

    mutating func make(_ company: String, _ topic: ChangeTopic, _ event: String, _ id: String,
                       attributes: [String: JSONValue], relationships: [String: JSONValue]) -> Change {
        let key = "\(company)/\(topic.resourceType)/\(id)"
        let version = (versions[key] ?? 1_795_774_500_000_000) + 1
        versions[key] = version
        var data: [String: JSONValue] = ["id": .string(id), "type": .string(topic.resourceType)]
        if !event.hasSuffix(".destroy") {
            data["attributes"] = .object(attributes)
            data["relationships"] = .object(relationships)
        }
        let envelope: JSONValue = .object([
            "event_id": .string(UUID().uuidString.lowercased()), "event": .string(event), "company_id": .string(company),
            "occurred_at": .string(RFC3339.format(now())), "version": .number(Double(version)), "data": .object(data),
        ])
        return Change(topic: topic.rawValue, key: company, event: event, value: Array(envelope.canonicalText.utf8))
    }
}
