import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RSCChangeEvents
import RSCSimulatorSupport
import RSCTeamtailorClient
import RSCTeamtailorSimulator
import Synchronization

/// A simulator on a free loopback port with a manual clock, a seeded company, a live client, and every change
/// event the simulator published.
struct Harness: Sendable {
    static let company = "1842"
    static let key = TeamtailorCredentials(apiKey: "tt-key-1842")

    let simulator: TeamtailorSimulator
    let baseURL: URL
    let http: HTTPClient
    let client: TeamtailorClient
    let clock: ManualSimulatorClock
    let events: EventRecorder
    var state: TeamtailorSimulatorState { simulator.state }

    /// A client of its own, as a restarted worker would have.
    func freshClient() -> TeamtailorClient {
        TeamtailorClient(baseURL: baseURL, http: http, logger: Logger(label: "test"))
    }

    /// A raw call, for what the client never sends wrong (missing headers, bad bodies).
    func raw(
        _ method: HTTPMethod, _ path: String, headers: [String: String] = [:], body: String? = nil
    ) async throws -> (status: Int, headers: HTTPHeaders, json: JSONValue?) {
        var request = HTTPClientRequest(url: baseURL.absoluteString + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 24)
        let data = Array(bytes.readableBytesView)
        return (Int(response.status.code), response.headers, data.isEmpty ? nil : try? JSONValue.parse(data))
    }

    /// The headers a correct call carries.
    static func apiHeaders(key: String = Harness.key.apiKey) -> [String: String] {
        ["Authorization": "Token token=\(key)", "X-Api-Version": "20240904", "Content-Type": "application/vnd.api+json"]
    }
}

/// Collects published change events in order.
final class EventRecorder: Sendable {
    private let events = Mutex<[ChangeEvent]>([])
    func record(_ event: ChangeEvent) { events.withLock { $0.append(event) } }
    var all: [ChangeEvent] { events.withLock { $0 } }
}

/// Runs `body` against a fresh simulator holding company 1842 seeded with `seed` (nil: an empty company).
func withHarness(
    seed: TeamtailorSeed? = TeamtailorSeed(seed: 7, users: 4, jobs: 5, candidates: 40, applications: 60),
    configure: (inout TeamtailorSimulatorConfiguration) -> Void = { _ in },
    _ body: (Harness) async throws -> Void
) async throws {
    var configuration = TeamtailorSimulatorConfiguration()
    configuration.rateLimit = 10_000
    configure(&configuration)
    let clock = ManualSimulatorClock()
    let events = EventRecorder()
    let simulator = TeamtailorSimulator(
        configuration: configuration, clock: clock, logger: Logger(label: "tt-simulator"),
        changeSink: { events.record($0) })
    let url = try await simulator.start(host: "127.0.0.1", port: 0)
    if let seed {
        try await simulator.state.seedCompany(id: Harness.company, apiKey: Harness.key.apiKey, seed)
    } else {
        try await simulator.state.createCompany(id: Harness.company, apiKey: Harness.key.apiKey)
    }
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    let harness = Harness(
        simulator: simulator, baseURL: url, http: http,
        client: TeamtailorClient(baseURL: url, http: http, logger: Logger(label: "tt-client")), clock: clock, events: events)
    do {
        try await body(harness)
    } catch {
        try? await http.shutdown()
        await simulator.stop()
        throw error
    }
    try await http.shutdown()
    await simulator.stop()
}

extension TeamtailorError {
    var retryAfter: Duration?? {
        if case .retryable(let after) = verdict { return .some(after) }
        return nil
    }
}

extension JSONValue {
    /// The element at `index` of an array, nil for anything else.
    subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
