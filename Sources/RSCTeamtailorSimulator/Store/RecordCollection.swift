/// The records of one resource in one company, kept in ascending id order so a page is a slice, never a sort.
// Ids are handed out increasing, so an insert is an append; a delete (rare: notes, candidates) rebuilds the
// positions after the removed record.
struct RecordCollection: Sendable {
    private(set) var records: [SimulatedTeamtailorRecord] = []
    private var positions: [Int: Int] = [:]

    var count: Int { records.count }

    subscript(id: Int) -> SimulatedTeamtailorRecord? {
        positions[id].map { records[$0] }
    }

    mutating func append(_ record: SimulatedTeamtailorRecord) {
        precondition(records.last.map { $0.id < record.id } ?? true, "ids must increase")
        positions[record.id] = records.count
        records.append(record)
    }

    mutating func reserveCapacity(_ capacity: Int) {
        records.reserveCapacity(capacity)
        positions.reserveCapacity(capacity)
    }

    /// Changes a record in place; returns the new state, nil for an unknown id.
    @discardableResult
    mutating func update(_ id: Int, _ change: (inout SimulatedTeamtailorRecord) -> Void) -> SimulatedTeamtailorRecord? {
        guard let position = positions[id] else { return nil }
        change(&records[position])
        return records[position]
    }

    /// Removes every record that matches; returns their ids.
    @discardableResult
    mutating func removeAll(where shouldRemove: (SimulatedTeamtailorRecord) -> Bool) -> [Int] {
        let removed = records.filter(shouldRemove).map(\.id)
        guard !removed.isEmpty else { return [] }
        records.removeAll(where: shouldRemove)
        positions = Dictionary(uniqueKeysWithValues: records.enumerated().map { ($0.element.id, $0.offset) })
        return removed
    }
}
