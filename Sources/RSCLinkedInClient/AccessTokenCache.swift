import Foundation

/// One client-credentials token per child application, reused until a minute before it expires
/// (LinkedIn: "never fetch a token per request"). Concurrent callers for one application share one fetch.
actor AccessTokenCache {
    struct Token {
        var value: String
        var refreshAfter: Date
    }

    private var tokens: [String: Token] = [:]
    private var inFlight: [String: Task<Token, any Error>] = [:]
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    func token(for clientID: String, fetch: @escaping @Sendable () async throws -> (value: String, lifetime: TimeInterval)) async throws -> String {
        if let token = tokens[clientID], now() < token.refreshAfter { return token.value }
        if let pending = inFlight[clientID] { return try await Self.value(of: pending).value }
        let clock = now
        let task = Task<Token, any Error> {
            let fetched = try await fetch()
            // Refresh a minute early so a token never expires mid-call; very short lifetimes refresh at half.
            let margin = min(60, fetched.lifetime / 2)
            return Token(value: fetched.value, refreshAfter: clock().addingTimeInterval(fetched.lifetime - margin))
        }
        inFlight[clientID] = task
        defer { inFlight[clientID] = nil }
        let token = try await Self.value(of: task)
        tokens[clientID] = token
        return token.value
    }

    /// The fetch is an unstructured task (callers share it): a cancelled caller must cancel it, or a
    /// shutdown would wait out the HTTP timeout. One company's sender is its only caller.
    static func value(of task: Task<Token, any Error>) async throws -> Token {
        try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }

    /// Forget a token LinkedIn refused, so the next call fetches a new one.
    func invalidate(_ clientID: String) {
        tokens[clientID] = nil
    }
}
