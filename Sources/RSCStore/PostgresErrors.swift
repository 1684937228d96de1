import PostgresNIO

/// An error as a log line can show it. PostgresNIO's `PSQLError` prints one fixed sentence on purpose (its
/// query and binds may hold personal data), which leaves the engineer on call with nothing; this names the
/// failure — for a server error the SQLSTATE and PostgreSQL's message, which name the operation or the
/// constraint. The row's values are in the error's DETAIL, never shown; data exceptions (class 22) may
/// quote the offending input in the message itself, so only their SQLSTATE is shown.
public func loggable(_ error: any Error) -> String {
    guard let error = error as? PSQLError else { return String(describing: error) }
    guard let server = error.serverInfo, let state = server[.sqlState] else {
        return "PostgreSQL client: \(error.code)"
    }
    if state.hasPrefix("22") { return "PostgreSQL \(state): data exception (message withheld: it may quote the data)" }
    return "PostgreSQL \(state): \(server[.message] ?? "no message")"
}

/// True when PostgreSQL undid the statement because of another transaction — chosen as a deadlock victim
/// (40P01) or not serializable (40001): nothing was changed, and running it again is the remedy.
public func isConcurrencyConflict(_ error: any Error) -> Bool {
    guard let state = (error as? PSQLError)?.serverInfo?[.sqlState] else { return false }
    return state == "40P01" || state == "40001"
}

/// Runs a single-statement write again when it lost a concurrency conflict (up to `attempts` times);
/// every other error passes through at once.
public func retryingConcurrencyConflicts<T>(attempts: Int = 3, _ operation: () async throws -> T) async throws -> T {
    var attempt = 1
    while true {
        do {
            return try await operation()
        } catch where attempt < attempts && isConcurrencyConflict(error) {
            attempt += 1
            try await Task.sleep(for: .milliseconds(Int.random(in: 5...50)))
        }
    }
}
