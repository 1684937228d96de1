import Foundation

/// A push from LinkedIn to a company's callback URL (the shape is decided in the LinkedIn reference:
/// `{"notificationId","type","requestId","integrationContext","occurredAt"}`).
public struct LinkedInNotification: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case exportCandidateProfile = "EXPORT_CANDIDATE_PROFILE"
        case integrationStatusChange = "INTEGRATION_STATUS_CHANGE"
    }

    public var notificationID: String
    public var kind: Kind
    public var requestID: String
    public var integrationContext: String
    public var occurredAt: Date?

    public init(notificationID: String, kind: Kind, requestID: String, integrationContext: String, occurredAt: Date?) {
        self.notificationID = notificationID
        self.kind = kind
        self.requestID = requestID
        self.integrationContext = integrationContext
        self.occurredAt = occurredAt
    }

    /// The wire form; every field optional so a missing one gets a sentence rather than a decoding dump.
    private struct Wire: Decodable {
        var notificationId: String?
        var type: String?
        var requestId: String?
        var integrationContext: String?
        var occurredAt: Int64?
    }

    /// Reads a raw body; the error names the field that is wrong, for the 400 answer.
    public static func parse(_ body: some DataProtocol) throws(NotificationShapeError) -> LinkedInNotification {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(body))
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            throw NotificationShapeError(reason: "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type")
        } catch {
            throw NotificationShapeError(reason: "the body is not a JSON object")
        }
        func text(_ value: String?, _ field: String) throws(NotificationShapeError) -> String {
            guard let value, !value.isEmpty else { throw NotificationShapeError(reason: "\(field) is missing or empty") }
            // Counted as PostgreSQL counts them (code points), so the table's CHECK cannot refuse what passed here.
            guard value.unicodeScalars.count <= 200 else { throw NotificationShapeError(reason: "\(field) is longer than 200 characters") }
            // PostgreSQL stores no NUL in text, and no control character belongs in an id.
            guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw NotificationShapeError(reason: "\(field) contains a control character")
            }
            return value
        }
        let typeName = try text(wire.type, "type")
        guard let kind = Kind(rawValue: typeName) else {
            throw NotificationShapeError(
                reason: "type must be one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let context = try text(wire.integrationContext, "integrationContext")
        guard context.wholeMatch(of: /urn:li:organization:[0-9]{1,19}/) != nil else {
            throw NotificationShapeError(reason: "integrationContext is not an organization URN")
        }
        // Up to the end of year 9999: beyond, PostgreSQL's timestamptz refuses it (and no event is from then).
        if let millis = wire.occurredAt, millis < 0 || millis > 253_402_300_799_999 {
            throw NotificationShapeError(reason: "occurredAt is not epoch milliseconds")
        }
        return LinkedInNotification(
            notificationID: try text(wire.notificationId, "notificationId"), kind: kind,
            requestID: try text(wire.requestId, "requestId"), integrationContext: context,
            occurredAt: wire.occurredAt.map { Date(timeIntervalSince1970: Double($0) / 1_000) }
        )
    }
}

public struct NotificationShapeError: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { "not a LinkedIn notification: \(reason)" }
}
