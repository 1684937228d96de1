import Foundation

/// One `/v1` call as the simulator answered it; never the API key, never the query (it may hold an email).
public struct TeamtailorRequestLogEntry: Sendable, Equatable {
    public var method: String
    public var path: String
    public var status: Int
    /// The company the key belongs to, once known.
    public var companyID: String?
    public var time: Date
}

/// The last `capacity` entries, oldest first.
struct RequestLog: Sendable {
    let capacity: Int
    private var buffer: [TeamtailorRequestLogEntry] = []
    private var next = 0

    init(capacity: Int = 10_000) { self.capacity = capacity }

    mutating func append(_ entry: TeamtailorRequestLogEntry) {
        if buffer.count < capacity {
            buffer.append(entry)
        } else {
            buffer[next] = entry
            next = (next + 1) % capacity
        }
    }

    var entries: [TeamtailorRequestLogEntry] {
        buffer.count < capacity ? buffer : Array(buffer[next...] + buffer[..<next])
    }

    mutating func removeAll() {
        buffer = []
        next = 0
    }
}
