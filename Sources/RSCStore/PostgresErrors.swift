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

