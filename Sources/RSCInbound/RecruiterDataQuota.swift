import Foundation
import Logging
import PostgresNIO

/// LinkedIn's recruiter-data budget (100,000 calls a day per application, all finders together), counted in
/// PostgreSQL so every replica draws from the same figure. A call is counted before it is made.
struct RecruiterDataQuota: Sendable {
    let client: PostgresClient
    let callsPerDay: Int
    let logger: Logger

    /// Takes one call from today's budget (UTC day of `now`); false when the budget is spent.
    func take(clientID: String, now: Date) async throws -> Bool {
        let rows = try await client.query(
            """
            INSERT INTO inbound_linkedin_calls (client_id, day, calls)
            VALUES (\(clientID), (\(now)::timestamptz AT TIME ZONE 'UTC')::date, 1)
            ON CONFLICT (client_id, day) DO UPDATE SET calls = inbound_linkedin_calls.calls + 1
            WHERE inbound_linkedin_calls.calls < \(callsPerDay)
            RETURNING calls
            """,
            logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// Calls counted today for the application.
    func used(clientID: String, now: Date) async throws -> Int {
        let rows = try await client.query(
            """
            SELECT calls FROM inbound_linkedin_calls
            WHERE client_id = \(clientID) AND day = (\(now)::timestamptz AT TIME ZONE 'UTC')::date
            """,
            logger: logger)
        return try await rows.decode(Int.self).reduce(0, +)
    }
}
