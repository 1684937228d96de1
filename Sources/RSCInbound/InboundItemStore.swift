import Foundation
import Logging
import PostgresNIO

/// An item's row in `inbound_items`, as the writer needs it.
struct InboundItemRecord: Sendable {
    enum State: String, Sendable { case waiting, pending, writing, written, deleted, failed }

    var item: InboundItem
    var state: State
    var candidateID: String?
    var teamtailorID: String?
    var writtenVersion: Int64?

    /// Nothing left to do for this version.
    var isDone: Bool {
        switch state {
        case .written, .deleted, .failed: (writtenVersion ?? .min) >= item.version || state == .failed
        case .waiting, .pending, .writing: false
        }
    }
}

/// `inbound_items`, `inbound_cursors` and the member → candidate map (`candidate_members`).
struct InboundItemStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    // MARK: Cursors

    func cursor(company: String, kind: InboundItem.Kind, seat: String) async throws -> Int64? {
        let rows = try await client.query(
            "SELECT position FROM inbound_cursors WHERE company_id = \(company) AND kind = \(kind.rawValue) AND seat = \(seat)",
            logger: logger)
        for try await position in rows.decode(Int64.self) { return position }
        return nil
    }

    /// Only forward: a slow replica that lost its lease cannot move a cursor back.
    func moveCursor(company: String, kind: InboundItem.Kind, seat: String, to position: Int64) async throws {
        try await client.query(
            """
            INSERT INTO inbound_cursors (company_id, kind, seat, position) VALUES (\(company), \(kind.rawValue), \(seat), \(position))
            ON CONFLICT (company_id, kind, seat) DO UPDATE SET position = EXCLUDED.position, updated_at = now()
            WHERE inbound_cursors.position < EXCLUDED.position
            """,
            logger: logger)
    }

    // MARK: Items

    /// Records what LinkedIn said (a newer version replaces the stored one and reopens a finished item) and
    /// answers the row as it now stands.
    func upsert(company: String, _ item: InboundItem) async throws -> InboundItemRecord {
        let payload = String(decoding: try Self.encoder.encode(item), as: UTF8.self)
        let rows = try await client.query(
            """
            INSERT INTO inbound_items (company_id, kind, item_id, member, seat, version, payload, state)
            VALUES (\(company), \(item.kind.rawValue), \(item.id), \(item.member), \(item.seat), \(item.version), \(payload)::jsonb, 'pending')
            ON CONFLICT (company_id, kind, item_id) DO UPDATE
            SET version = EXCLUDED.version, payload = EXCLUDED.payload, member = EXCLUDED.member, updated_at = now(),
                state = CASE WHEN inbound_items.state IN ('written', 'deleted', 'failed') THEN 'pending' ELSE inbound_items.state END
            WHERE EXCLUDED.version > inbound_items.version
            """,
            logger: logger)
        _ = rows
        guard let record = try await find(company: company, kind: item.kind, id: item.id, fallback: item) else {
            throw InboundStoreError(message: "item row vanished after upsert")
        }
        return record
    }

    /// Private notes never seen as public are not stored at all.
    func exists(company: String, kind: InboundItem.Kind, id: String) async throws -> Bool {
        let rows = try await client.query(
            "SELECT 1 FROM inbound_items WHERE company_id = \(company) AND kind = \(kind.rawValue) AND item_id = \(id)",
            logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    func find(company: String, kind: InboundItem.Kind, id: String, fallback: InboundItem? = nil) async throws -> InboundItemRecord? {
        let rows = try await client.query(
            """
            SELECT payload::text, state, candidate_id, teamtailor_id, written_version, version, member, seat
            FROM inbound_items WHERE company_id = \(company) AND kind = \(kind.rawValue) AND item_id = \(id)
            """,
            logger: logger)
        for try await (payload, state, candidate, teamtailorID, written, version, member, seat) in rows.decode(
            (String?, String, String?, String?, Int64?, Int64, String, String).self)
        {
            var item: InboundItem
            if let payload, let decoded = try? JSONDecoder().decode(InboundItem.self, from: Data(payload.utf8)) {
                item = decoded
            } else if let fallback {
                item = fallback
            } else {
                // Written items keep no payload; what is left is enough to see it is done.
                item = InboundItem.bare(kind: kind, id: id, member: member, seat: seat, version: version)
            }
            item.version = version
            return InboundItemRecord(
                item: item, state: InboundItemRecord.State(rawValue: state) ?? .pending, candidateID: candidate,
                teamtailorID: teamtailorID, writtenVersion: written)
        }
        return nil
    }

    /// Items not finished: waiting for a candidate, or read and not yet (surely) written.
    func open(company: String, limit: Int) async throws -> [InboundItemRecord] {
        let rows = try await client.query(
            """
            SELECT kind, item_id FROM inbound_items
            WHERE company_id = \(company) AND state IN ('waiting', 'pending', 'writing')
              AND (state <> 'waiting' OR EXISTS (SELECT 1 FROM candidate_members m
                                                 WHERE m.company_id = inbound_items.company_id AND m.person_urn = inbound_items.member))
            ORDER BY version LIMIT \(limit)
            """,
            logger: logger)
        var keys: [(InboundItem.Kind, String)] = []
        for try await (kind, id) in rows.decode((String, String).self) {
            if let kind = InboundItem.Kind(rawValue: kind) { keys.append((kind, id)) }
        }
        var records: [InboundItemRecord] = []
        for (kind, id) in keys {
            if let record = try await find(company: company, kind: kind, id: id) { records.append(record) }
        }
        return records
    }

    func markWaiting(company: String, _ item: InboundItem) async throws {
        try await client.query(
            """
            UPDATE inbound_items SET state = 'waiting', updated_at = now()
            WHERE company_id = \(company) AND kind = \(item.kind.rawValue) AND item_id = \(item.id)
            """,
            logger: logger)
    }

    /// The intent, recorded before the Teamtailor call: from now on a retry looks before it writes.
    func markWriting(company: String, _ item: InboundItem, candidateID: String) async throws {
        try await client.query(
            """
            UPDATE inbound_items SET state = 'writing', candidate_id = \(candidateID), attempts = attempts + 1, updated_at = now()
            WHERE company_id = \(company) AND kind = \(item.kind.rawValue) AND item_id = \(item.id)
            """,
            logger: logger)
    }

    /// Done for this version; the payload (personal data) is dropped unless a newer version came meanwhile.
    func markDone(company: String, _ item: InboundItem, state: InboundItemRecord.State, teamtailorID: String?) async throws {
        try await client.query(
            """
            UPDATE inbound_items SET state = \(state.rawValue), teamtailor_id = \(teamtailorID), written_version = \(item.version),
                   payload = NULL, last_error = NULL, updated_at = now()
            WHERE company_id = \(company) AND kind = \(item.kind.rawValue) AND item_id = \(item.id) AND version = \(item.version)
            """,
            logger: logger)
    }

    func markFailed(company: String, _ item: InboundItem, reason: String) async throws {
        try await client.query(
            """
            UPDATE inbound_items SET state = 'failed', written_version = \(item.version), payload = NULL,
                   last_error = \(reason), updated_at = now()
            WHERE company_id = \(company) AND kind = \(item.kind.rawValue) AND item_id = \(item.id) AND version = \(item.version)
            """,
            logger: logger)
    }

    // MARK: Members

    /// The Teamtailor candidate matched to the member most recently, if any.
    func candidate(company: String, member: String) async throws -> String? {
        let rows = try await client.query(
            """
            SELECT candidate_id FROM candidate_members WHERE company_id = \(company) AND person_urn = \(member)
            ORDER BY updated_at DESC, candidate_id LIMIT 1
            """,
            logger: logger)
        for try await id in rows.decode(String.self) { return id }
        return nil
    }
}

struct InboundStoreError: Error, CustomStringConvertible {
    var message: String
    var description: String { "inbound store: \(message)" }
}

extension InboundItem {
    static func bare(kind: Kind, id: String, member: String, seat: String, version: Int64) -> InboundItem {
        InboundItem(kind: kind, id: id, member: member, seat: seat, version: version)
    }
}
