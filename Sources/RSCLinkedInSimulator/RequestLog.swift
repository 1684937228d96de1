import Foundation

/// One LinkedIn call as the simulator answered it.
public struct RequestLogEntry: Sendable, Equatable {
    public var method: String
    /// The path without the query.
    public var path: String
    /// The `x-restli-method` header as sent, if any.
    public var restliMethod: String?
    /// Records in the call (entities, elements or ids); 0 when it never parsed.
    public var recordCount: Int
    public var status: Int
    public var time: Date
    /// The child application, once known (from the token or the token request).
    public var clientID: String?

    var json: SimulatedJSON {
        var object: JSONObject = [
            "method": .string(method), "path": .string(path), "recordCount": .int(Int64(recordCount)),
            "status": .int(Int64(status)), "time": .int(time.epochMilliseconds),
        ]
        object["restliMethod"] = restliMethod.map(SimulatedJSON.string) ?? .null
        object["clientId"] = clientID.map(SimulatedJSON.string) ?? .null
        return .object(object)
    }
}

/// The last `capacity` entries, oldest first.
struct RequestLog: Sendable {
    let capacity: Int
    private var buffer: [RequestLogEntry] = []
    private var next = 0

    init(capacity: Int = 10_000) { self.capacity = max(1, capacity) }

    mutating func append(_ entry: RequestLogEntry) {
        if buffer.count < capacity {
            buffer.append(entry)
        } else {
            buffer[next] = entry
            next = (next + 1) % capacity
        }
    }

    var entries: [RequestLogEntry] {
        buffer.count < capacity ? buffer : Array(buffer[next...] + buffer[..<next])
    }

    mutating func removeAll() {
        buffer = []
        next = 0
    }
}
