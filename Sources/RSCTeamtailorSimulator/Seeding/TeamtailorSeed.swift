/// How much data `seedCompany` generates; the same values (and the same clock) give the same data.
public struct TeamtailorSeed: Sendable, Equatable {
    public var seed: UInt64
    public var users: Int
    public var jobs: Int
    public var candidates: Int
    public var applications: Int
    /// Default: one per five applications.
    public var interviews: Int?
    /// Default: one per two candidates.
    public var notes: Int?
    /// Timestamps spread over this many days before the clock's "now" (default 800: over two years).
    public var historyDays: Int

    public init(
        seed: UInt64 = 1, users: Int = 8, jobs: Int = 20, candidates: Int = 200, applications: Int = 400,
        interviews: Int? = nil, notes: Int? = nil, historyDays: Int = 800
    ) {
        self.seed = seed
        self.users = users
        self.jobs = jobs
        self.candidates = candidates
        self.applications = applications
        self.interviews = interviews
        self.notes = notes
        self.historyDays = historyDays
    }

    var interviewCount: Int { interviews ?? applications / 5 }
    var noteCount: Int { notes ?? candidates / 2 }
}
