import Foundation
import RSCReconciliation
import RSCRetry
import Testing

@Suite("reconciliation schedule")
struct ReconciliationScheduleTests {
    let schedule = ReconciliationSchedule(interval: .seconds(86_400), fullInterval: .seconds(604_800))
    let historyDone = Date(timeIntervalSince1970: 1_796_000_000)

    func facts(_ change: (inout ReconciliationSchedule.Facts) -> Void = { _ in }) -> ReconciliationSchedule.Facts {
        var facts = ReconciliationSchedule.Facts(companyID: "1842")
        facts.historyStartedAt = historyDone.addingTimeInterval(-3_600)
        facts.historyFinishedAt = historyDone
        change(&facts)
        return facts
    }

    @Test("nothing runs while the first sync is still reading, not even on request")
    func waitsForFirstSync() {
        let reading = facts { $0.historyFinishedAt = nil; $0.requested = true; $0.requestedFull = true }
        #expect(schedule.due(reading, now: historyDone.addingTimeInterval(30 * 86_400)) == nil)
    }

    @Test("the first pass comes at the company's slot, at least half an interval after the first sync, and not before")
    func firstSlot() throws {
        let company = facts()
        var now = historyDone
        var first: Date?
        while now < historyDone.addingTimeInterval(2 * 86_400) {
            if schedule.due(company, now: now) != nil { first = now; break }
            now = now.addingTimeInterval(60)
        }
        let due = try #require(first)
        #expect(due.timeIntervalSince(historyDone) >= 43_200)
        #expect(due.timeIntervalSince(historyDone) <= 43_200 + 86_400 + 60)
        #expect(schedule.due(company, now: due) == .incremental)
    }

    @Test("after a pass, the next one is one interval later at the same slot")
    func daily() {
        let slot = IntervalSlots(interval: .seconds(86_400)).nextSlot(company: "1842", after: historyDone)
        let ran = facts { $0.lastStartedAt = slot; $0.lastFinishedAt = slot.addingTimeInterval(120) }
        #expect(schedule.due(ran, now: slot.addingTimeInterval(86_400 - 61)) == nil)
        let next = (0..<200).map { slot.addingTimeInterval(86_400 - 100 + Double($0)) }.first { schedule.due(ran, now: $0) != nil }
        #expect(next.map { abs($0.timeIntervalSince(slot) - 86_400) <= 1 } == true, "\(String(describing: next))")
    }

    @Test("a request runs at once: incremental, or full when asked or when a full pass is due anyway")
    func requested() {
        let now = historyDone.addingTimeInterval(10)
        #expect(schedule.due(facts { $0.requested = true }, now: now) == .incremental)
        #expect(schedule.due(facts { $0.requested = true; $0.requestedFull = true }, now: now) == .full)
        #expect(schedule.due(facts { $0.requested = true }, now: historyDone.addingTimeInterval(604_800)) == .full)
    }

    @Test("a pass is full once the full interval has passed since the last full one")
    func weekly() {
        let lastFull = historyDone.addingTimeInterval(86_400)
        let ranYesterday = { (now: Date) in
            facts { $0.lastStartedAt = now.addingTimeInterval(-86_400); $0.lastFullFinishedAt = lastFull }
        }
        let soon = lastFull.addingTimeInterval(3 * 86_400)
        let later = lastFull.addingTimeInterval(7 * 86_400 + 10)
        let dueSoon = (0..<1_440).compactMap { schedule.due(ranYesterday(soon), now: soon.addingTimeInterval(Double($0) * 60)) }.first
        let dueLater = (0..<1_440).compactMap { schedule.due(ranYesterday(later), now: later.addingTimeInterval(Double($0) * 60)) }.first
        #expect(dueSoon == .incremental)
        #expect(dueLater == .full)
    }

    @Test("a pass cut short is taken up first, whatever the slot")
    func resumes() {
        let cut = facts { $0.running = .full; $0.lastStartedAt = historyDone.addingTimeInterval(100) }
        #expect(schedule.due(cut, now: historyDone.addingTimeInterval(200)) == .full)
    }

    @Test("a pass reads from the last start (or the first sync's) less the overlap")
    func since() {
        #expect(schedule.readsSince(facts()) == historyDone.addingTimeInterval(-3_600 - 600))
        let started = historyDone.addingTimeInterval(90_000)
        #expect(schedule.readsSince(facts { $0.lastStartedAt = started }) == started.addingTimeInterval(-600))
        #expect(schedule.readsSince(ReconciliationSchedule.Facts(companyID: "1")) == nil)
    }
}
