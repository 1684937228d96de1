import Foundation
import RSCRetry

/// Which reconciliation pass a company is due for, if any. Pure: the runner reads the facts from PostgreSQL,
/// this decides, and a test checks every rule without a database or a clock.
public struct ReconciliationSchedule: Sendable, Equatable {
    /// A pass re-reads what changed since the last one (`RECONCILE_INTERVAL_SECONDS`, daily by default).
    public var interval: Duration
    /// A full pass also lists every id, to find deletes no event carried (`RECONCILE_FULL_INTERVAL_SECONDS`, weekly).
    public var fullInterval: Duration
    /// How far before the last pass's start the next one reads: a change saved while that pass read, or
    /// stamped by a Teamtailor clock a little behind ours, is read again rather than missed. Ten minutes, or a
    /// tenth of a short interval (the demo's), so a pass does not re-read the previous ones.
    public var overlap: Duration { min(.seconds(600), interval / 10) }

    public init(interval: Duration = .seconds(86_400), fullInterval: Duration = .seconds(604_800)) {
        self.interval = interval
        self.fullInterval = fullInterval
    }

    public enum Pass: String, Sendable, Equatable {
        /// Records changed since the last pass (where Teamtailor filters by `updated-at`; small resources whole).
        case incremental
        /// Every record of every resource, and a delete for each one we hold that Teamtailor no longer has.
        case full
    }

    /// What the schedule needs to know of a company.
    public struct Facts: Sendable, Equatable {
        public var companyID: String
        /// Someone asked for a pass now (`rsc companies reconcile`, or a gap in the change topics).
        public var requested: Bool = false
        public var requestedFull: Bool = false
        /// A pass that was running when its replica stopped: it is taken up again first.
        public var running: Pass?
        public var lastStartedAt: Date?
        public var lastFinishedAt: Date?
        public var lastFullFinishedAt: Date?
        /// The first global sync: when it started reading, and when it finished (nil while it is still reading —
        /// no pass runs before it is done, since it reads everything anyway). A company connected before first
        /// syncs existed counts from when it was added.
        public var historyStartedAt: Date?
        public var historyFinishedAt: Date?

        public init(companyID: String) {
            self.companyID = companyID
        }
    }

    /// The pass due now, or nil.
    public func due(_ facts: Facts, now: Date) -> Pass? {
        if let running = facts.running { return running }
        // Before the first sync has read everything, a pass would only read the same history again.
        guard let historyFinished = facts.historyFinishedAt else { return nil }
        let fullBaseline = facts.lastFullFinishedAt ?? historyFinished
        let fullDue = now >= fullBaseline.addingTimeInterval(fullInterval.timeInterval)
        if facts.requested { return facts.requestedFull || fullDue ? .full : .incremental }
        // The company's first slot at least half an interval after the last pass (or the first sync): passes
        // keep to the company's place in the day, and a company just connected is not read again at once.
        let slots = IntervalSlots(interval: interval)
        let baseline = (facts.lastStartedAt ?? historyFinished).addingTimeInterval(interval.timeInterval / 2)
        let next = slots.nextSlot(company: facts.companyID, after: baseline)
        guard now >= next else { return nil }
        return fullDue ? .full : .incremental
    }

    /// From when an incremental pass reads: the start of the last pass (or of the first sync), less the overlap;
    /// nil to read everything.
    public func readsSince(_ facts: Facts) -> Date? {
        (facts.lastStartedAt ?? facts.historyStartedAt).map { $0.addingTimeInterval(-overlap.timeInterval) }
    }
}
