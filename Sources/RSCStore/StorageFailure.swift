import PostgresNIO

/// Why a write to PostgreSQL failed, as far as what to do next goes: try the same write again, or narrow it
/// down to the record that causes it and set that record aside.
public enum StorageFailure: String, Sendable, Equatable, CaseIterable {
    /// The data itself was refused: a data exception (class 22, e.g. 22P05 a NUL in `jsonb`, 22021 a NUL in
    /// `text`), an integrity violation (23) or a program limit (54, e.g. an index row over 2,704 bytes).
    /// Writing the same data again fails again, so the record is isolated and set aside with the reason.
    case dataRejected = "data_rejected"
    /// The connection or the server failed, or another transaction got in the way (08, 53, 57, 58, 40, the
    /// client's own connection errors): the same write is expected to succeed later.
    case transient
    /// Anything else (a missing table, a bug in a statement, an error that is not PostgreSQL's): retried for
    /// a bounded time in case it is passing, then treated like refused data so it cannot block the rest.
    case unexpected

    public init(classifying error: any Error) {
        guard let error = error as? PSQLError else {
            self = .unexpected
            return
        }
        guard let state = error.serverInfo?[.sqlState] else {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
                .queryCancelled, .sslUnsupported, .failedToAddSSLHandler:
                self = .transient
            case .tooManyParameters:
                self = .dataRejected
            default:
                self = .unexpected
            }
            return
        }
        switch state.prefix(2) {
        case "22", "23", "54":
            self = .dataRejected
        case "08", "53", "57", "58", "40":
            self = .transient
        default:
            // 55P03 (lock not available) and 55006 (object in use) pass once the other session lets go.
            self = state == "55P03" || state == "55006" ? .transient : .unexpected
        }
    }

    /// The failure as a log line or a dead letter's reason may show it (`loggable`: never the data).
    public static func reason(_ error: any Error) -> String {
        loggable(error)
    }
}

/// Stores `items` with `store`, and when that fails because of some of the items themselves, finds them by
/// halving: the halves that store are kept, and each item that fails on its own comes back with its error.
/// A failure that `isIsolatable` does not accept (an outage, say) is thrown as it is: nothing is set aside
/// for it, and the caller retries the whole.
///
/// One bad item in n costs about 2·log2(n) extra writes; `store` must be idempotent (it may see an item
/// again after a half containing it failed).
public func storeIsolatingFailures<Item: Sendable>(
    _ items: [Item],
    isIsolatable: (any Error) -> Bool,
    store: ([Item]) async throws -> Void
) async throws -> [(item: Item, error: any Error)] {
    guard !items.isEmpty else { return [] }
    do {
        try await store(items)
        return []
    } catch where isIsolatable(error) {
        if items.count == 1 { return [(items[0], error)] }
        let middle = items.count / 2
        let first = try await storeIsolatingFailures(Array(items[..<middle]), isIsolatable: isIsolatable, store: store)
        let second = try await storeIsolatingFailures(Array(items[middle...]), isIsolatable: isIsolatable, store: store)
        return first + second
    }
}

/// Text from outside (LinkedIn's error messages, task ids) made fit for a `text` column: PostgreSQL stores no
/// NUL (22021), so NULs are dropped, and the length is capped so a huge message cannot bloat a row.
public func storableText(_ text: String, maxScalars: Int = 2_000) -> String {
    guard text.unicodeScalars.contains(where: { $0 == "\u{0}" }) || text.unicodeScalars.count > maxScalars else { return text }
    var kept = String.UnicodeScalarView()
    for scalar in text.unicodeScalars where scalar != "\u{0}" {
        guard kept.count < maxScalars else { break }
        kept.append(scalar)
    }
    return String(kept)
}

/// An id as a log line, a dead letter's reason or the admin page may quote it. Ids are short tokens, but the
/// value PostgreSQL refused may be the id itself (a NUL, thousands of characters), so control characters are
/// escaped (`\u{0}`) and the length capped at 64, with the full size in bytes.
public func shownIdentifier(_ id: String) -> String {
    var shown = ""
    for scalar in id.unicodeScalars.prefix(64) {
        if scalar.properties.generalCategory == .control {
            shown += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
            shown.unicodeScalars.append(scalar)
        }
    }
    return id.unicodeScalars.count > 64 ? shown + "…(\(id.utf8.count) bytes)" : shown
}
