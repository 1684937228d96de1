import Foundation
import RSCChangeEvents
import RSCSimulatorSupport

/// Fills a company deterministically: the same `TeamtailorSeed` and "now" give the same records and ids.
// Pure and single-pass: 20,000 candidates and 60,000 applications take seconds, not minutes. Timestamps are
// formatted by `TimestampText` for the same reason.
struct CompanySeeder {
    private var random: SplitMix64
    private let seed: TeamtailorSeed
    private let now: Date
    private let history: TimeInterval

    init(_ seed: TeamtailorSeed, now: Date) {
        self.seed = seed
        self.now = now
        self.random = SplitMix64(seed: seed.seed)
        self.history = TimeInterval(max(1, seed.historyDays)) * 86_400
    }

    mutating func fill(_ store: inout CompanyStore) {
        let users = seedUsers(&store)
        let locations = seedLocations(&store)
        let reasons = seedRejectReasons(&store)
        let jobs = seedJobs(&store, users: users, locations: locations)
        let candidates = seedCandidates(&store)
        let applications = seedApplications(&store, jobs: jobs, candidates: candidates, reasons: reasons)
        seedInterviews(&store, applications: applications, users: users)
        seedNotes(&store, applications: applications, candidates: candidates, users: users)
    }

    // MARK: Time

    /// The i-th of n creation times: spread evenly over the history (so ids grow with time), jittered.
    private mutating func createdAt(_ index: Int, of count: Int) -> Date {
        let fraction = (Double(index) + Double(random.next() >> 11) / Double(1 << 53)) / Double(max(count, 1))
        return now.addingTimeInterval(-history * (1 - fraction))
    }

    /// A moment between `after` and now.
    private mutating func later(than after: Date) -> Date {
        let span = max(0, now.timeIntervalSince(after))
        return after.addingTimeInterval(span * Double(random.next() >> 11) / Double(1 << 53))
    }

    private func text(_ date: Date) -> JSONValue { .string(TimestampText.format(date)) }

    // MARK: Records

    private mutating func seedUsers(_ store: inout CompanyStore) -> [Int] {
        (0..<max(1, seed.users)).map { index in
            let first = SeedVocabulary.firstNames[(index * 7 + Int(seed.seed % 5)) % SeedVocabulary.firstNames.count]
            let last = SeedVocabulary.lastNames[(index * 3) % SeedVocabulary.lastNames.count]
            let created = createdAt(index, of: seed.users)
            return store.insert(
                .users,
                attributes: [
                    "name": .string("\(first.display) \(last.display)"),
                    "email": .string("\(first.ascii).\(last.ascii)\(index)@company\(store.companyID).example.com"),
                    "role": .string(index == 0 ? "admin" : "recruiter"), "visible": .bool(true),
                    "created-at": text(created), "updated-at": text(created),
                ],
                updatedAt: created
            ).id
        }
    }

    /// The company's offices (Teamtailor/docs `locations/_index`); the first is the headquarters.
    private mutating func seedLocations(_ store: inout CompanyStore) -> [Int] {
        let created = now.addingTimeInterval(-history)
        return SeedVocabulary.locations.enumerated().map { index, place in
            store.insert(
                .locations,
                attributes: [
                    "address": .string(place.address), "city": .string(place.city), "country": .string(place.country),
                    "zip": .string(place.postal), "name": .string(""), "headquarters": .bool(index == 0),
                    "email": .null, "phone": .null, "lat": .null, "long": .null,
                    // Not served: what the contract's `location.country-code` carries.
                    "country-code": .string(place.countryCode),
                ],
                updatedAt: created
            ).id
        }
    }

    /// Teamtailor/docs `reject_reasons/_index`: the reason text and who rejected.
    private mutating func seedRejectReasons(_ store: inout CompanyStore) -> [Int] {
        let created = now.addingTimeInterval(-history)
        return SeedVocabulary.rejectReasons.map { reason in
            store.insert(
                .rejectReasons,
                attributes: ["reason": .string(reason), "rejected-by-company": .bool(reason != "Withdrew application")],
                updatedAt: created
            ).id
        }
    }

    private mutating func seedJobs(_ store: inout CompanyStore, users: [Int], locations: [Int]) -> [(id: Int, created: Date, stages: [Int])] {
        let totalWeight = SeedVocabulary.jobStatuses.reduce(0) { $0 + $1.weight }
        store.reserve(.jobs, seed.jobs)
        store.reserve(.stages, seed.jobs * SeedVocabulary.stages.count)
        return (0..<seed.jobs).map { index in
            let created = createdAt(index, of: seed.jobs)
            let updated = later(than: created)
            var draw = random.below(totalWeight)
            let status = SeedVocabulary.jobStatuses.first { entry in
                defer { draw -= entry.weight }
                return draw < entry.weight
            }?.status ?? "open"
            let locationIndex = random.below(locations.count)
            let place = SeedVocabulary.locations[locationIndex]
            let role = random.pick(SeedVocabulary.roles)
            let recruiter = random.pick(users)
            let job = store.insert(
                .jobs,
                attributes: [
                    "title": .string("\(role) – \(place.city)"),
                    "body": .string("<p>Join us in \(place.city) as a <strong>\(role)</strong>.</p>"),
                    "status": .string(status), "internal": .bool(random.chance(0.1)),
                    "remote-status": .string(random.pick(SeedVocabulary.remoteStatuses)),
                    "pinned": .bool(false), "tags": .array([]), "start-date": .null, "end-date": .null,
                    "created-at": text(created), "updated-at": text(updated),
                ],
                relationships: ["user": SimulatedLink(.users, recruiter)],
                toMany: ["locations": [SimulatedLink(.locations, locations[locationIndex])]],
                updatedAt: updated)
            let stages = SeedVocabulary.stages.enumerated().map { order, stage in
                store.insert(
                    .stages,
                    attributes: [
                        "name": .string(stage.name), "legacy-stage-type-name": .string(stage.type),
                        "row-order": .number(Double(order)),
                        "created-at": text(created), "updated-at": text(created),
                    ],
                    relationships: ["job": SimulatedLink(.jobs, job.id)],
                    updatedAt: created
                ).id
            }
            return (job.id, created, stages)
        }
    }

    private mutating func seedCandidates(_ store: inout CompanyStore) -> [(id: Int, created: Date)] {
        store.reserve(.candidates, seed.candidates)
        return (0..<seed.candidates).map { index in
            let created = createdAt(index, of: seed.candidates)
            let updated = later(than: created)
            let first = random.pick(SeedVocabulary.firstNames)
            let last = random.pick(SeedVocabulary.lastNames)
            let hasEmail = !random.chance(0.1)
            let hasLinkedIn = random.chance(0.4)
            let slug = "\(first.ascii)-\(last.ascii)-\(String(random.next() % 0xFFFFFF, radix: 16))"
            var tags: [JSONValue] = []
            for tag in SeedVocabulary.tags where random.chance(0.15) { tags.append(.string(tag)) }
            return (store.insert(
                .candidates,
                attributes: [
                    "first-name": .string(first.display), "last-name": .string(last.display),
                    // Numbered so emails stay unique per company, as Teamtailor requires.
                    "email": hasEmail ? .string("\(first.ascii).\(last.ascii).\(index + 1)@example.com") : .null,
                    "phone": random.chance(0.6) ? .string("+46 70 \(1_000_000 + random.below(8_999_999))") : .null,
                    "linkedin-url": hasLinkedIn ? .string("https://www.linkedin.com/in/\(slug)") : .null,
                    "linkedin-uid": hasLinkedIn && random.chance(0.5) ? .string("uid-\(slug)") : .null,
                    "sourced": .bool(random.chance(0.2)), "unsubscribed": .bool(random.chance(0.03)),
                    "tags": .array(tags), "connected": .bool(false), "internal": .bool(false), "referred": .bool(false),
                    "created-at": text(created), "updated-at": text(updated),
                ],
                updatedAt: updated
            ).id, created)
        }
    }

    private mutating func seedApplications(
        _ store: inout CompanyStore, jobs: [(id: Int, created: Date, stages: [Int])],
        candidates: [(id: Int, created: Date)], reasons: [Int]
    ) -> [(id: Int, candidate: Int, created: Date)] {
        guard !jobs.isEmpty, !candidates.isEmpty else { return [] }
        store.reserve(.jobApplications, seed.applications)
        var applied = Set<Int64>()
        var made: [(id: Int, candidate: Int, created: Date)] = []
        made.reserveCapacity(seed.applications)
        // Candidates in turn (so the applications spread over everyone), each to a random job it has not applied to.
        let capacity = jobs.count * candidates.count
        for index in 0..<min(seed.applications, capacity) {
            let candidate = candidates[index % candidates.count]
            var jobIndex = random.below(jobs.count)
            while applied.contains(Int64(candidate.id) << 32 | Int64(jobs[jobIndex].id)) { jobIndex = (jobIndex + 1) % jobs.count }
            let job = jobs[jobIndex]
            applied.insert(Int64(candidate.id) << 32 | Int64(job.id))
            let created = later(than: max(candidate.created, job.created))
            let changed = later(than: created)
            let rejected = random.chance(0.2)
            let rejectedAt = rejected ? later(than: changed) : nil
            let updated = rejectedAt ?? changed
            // Most applications sit early in the pipeline; a few are hired.
            let stageDraw = random.below(100)
            let stageIndex = stageDraw < 40 ? 0 : stageDraw < 65 ? 1 : stageDraw < 83 ? 2 : stageDraw < 93 ? 3 : 4
            let record = store.insert(
                .jobApplications,
                attributes: [
                    "created-at": text(created), "updated-at": text(updated), "changed-stage-at": text(changed),
                    "rejected-at": rejectedAt.map(text) ?? .null,
                    "sourced": .bool(random.chance(0.15)),
                    "referring-site": random.chance(0.7) ? .string(random.pick(SeedVocabulary.referringSites)) : .null,
                    "referring-url": .null, "cover-letter": .null,
                ],
                relationships: [
                    "candidate": SimulatedLink(.candidates, candidate.id), "job": SimulatedLink(.jobs, job.id),
                    "stage": SimulatedLink(.stages, job.stages[stageIndex]),
                    "reject-reason": rejected && !reasons.isEmpty ? SimulatedLink(.rejectReasons, random.pick(reasons)) : nil,
                ],
                updatedAt: updated)
            made.append((record.id, candidate.id, created))
        }
        return made
    }

    private mutating func seedInterviews(
        _ store: inout CompanyStore, applications: [(id: Int, candidate: Int, created: Date)], users: [Int]
    ) {
        guard !applications.isEmpty else { return }
        store.reserve(.interviews, seed.interviewCount)
        for _ in 0..<seed.interviewCount {
            let application = random.pick(applications)
            let created = later(than: application.created)
            let updated = later(than: created)
            let scores: [JSONValue] = SeedVocabulary.criteria.prefix(2 + random.below(3)).map { criterion in
                .object(["criterion": .string(criterion), "value": .number(Double(1 + random.below(5))), "max": .number(5)])
            }
            store.insert(
                .interviews,
                attributes: [
                    "created-at": text(created), "updated-at": text(updated),
                    "note": .string(random.pick(SeedVocabulary.reviewTexts)), "scores": .array(scores),
                    "recommendation": random.chance(0.15) ? .null : .string(random.pick(SeedVocabulary.recommendations)),
                    "interviewer": store.person(user: random.pick(users)),
                ],
                relationships: [
                    "candidate": SimulatedLink(.candidates, application.candidate),
                    "job-application": SimulatedLink(.jobApplications, application.id),
                ],
                updatedAt: updated)
        }
    }

    private mutating func seedNotes(
        _ store: inout CompanyStore, applications: [(id: Int, candidate: Int, created: Date)],
        candidates: [(id: Int, created: Date)], users: [Int]
    ) {
        guard !candidates.isEmpty else { return }
        store.reserve(.notes, seed.noteCount)
        for _ in 0..<seed.noteCount {
            // Half the comments are about one application, the rest about the candidate alone.
            let aboutApplication = !applications.isEmpty && random.chance(0.5)
            let application = aboutApplication ? random.pick(applications) : nil
            let candidate = application.map { ($0.candidate, $0.created) } ?? random.pick(candidates)
            let created = later(than: candidate.1)
            let author = random.pick(users)
            let text = random.pick(SeedVocabulary.noteTexts)
            let isPrivate = random.chance(0.2)
            store.insert(
                .notes,
                attributes: CompanyStore.noteAttributes(
                    text: text, isPrivate: isPrivate, user: author, candidate: candidate.0, stamp: self.text(created)),
                relationships: [
                    "candidate": SimulatedLink(.candidates, candidate.0), "user": SimulatedLink(.users, author),
                    "job-application": application.map { SimulatedLink(.jobApplications, $0.id) },
                ],
                updatedAt: created)
        }
    }
}
