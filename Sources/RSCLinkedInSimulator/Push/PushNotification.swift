import Foundation

/// The two notifications LinkedIn pushes to a customer's callback URL.
public enum PushNotificationType: String, Sendable {
    case exportCandidateProfile = "EXPORT_CANDIDATE_PROFILE"
    case integrationStatusChange = "INTEGRATION_STATUS_CHANGE"
}

/// `{"notificationId","type","requestId","integrationContext","occurredAt"}` (the reference's "Decided here").
public struct PushNotification: Sendable, Equatable {
    public let notificationId: String
    public let type: PushNotificationType
    public let requestId: String
    public let integrationContext: String
    /// Epoch milliseconds.
    public let occurredAt: Int64

    /// The exact bytes sent (and signed): compact JSON, sorted keys.
    public var body: Data {
        SimulatedJSON.object([
            "notificationId": .string(notificationId), "type": .string(type.rawValue), "requestId": .string(requestId),
            "integrationContext": .string(integrationContext), "occurredAt": .int(occurredAt),
        ]).encoded()
    }
}

/// One POST of a notification to a callback URL.
public struct PushAttempt: Sendable, Equatable {
    /// 1-based.
    public var number: Int
    /// The receiver's status; nil when no answer came (refused connection, timeout).
    public var status: Int?
    /// Why no answer came.
    public var failure: String?
    public var at: Date

    public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
}

/// One delivery (first or re-delivery) of a notification, with every attempt.
public struct NotificationDelivery: Sendable, Equatable {
    public var notification: PushNotification
    public var url: String
    public var attempts: [PushAttempt]
    /// True when an attempt got a 2xx.
    public var delivered: Bool { attempts.last?.succeeded ?? false }
    /// False for the first delivery, true for `redeliver`.
    public var isRedelivery: Bool

    var json: SimulatedJSON {
        [
            "notificationId": .string(notification.notificationId), "type": .string(notification.type.rawValue),
            "requestId": .string(notification.requestId), "integrationContext": .string(notification.integrationContext),
            "occurredAt": .int(notification.occurredAt), "url": .string(url), "delivered": .bool(delivered),
            "redelivery": .bool(isRedelivery),
            "attempts": .array(attempts.map { attempt in
                [
                    "attempt": .int(Int64(attempt.number)), "status": attempt.status.map { .int(Int64($0)) } ?? .null,
                    "failure": attempt.failure.map(SimulatedJSON.string) ?? .null, "at": .int(attempt.at.epochMilliseconds),
                ]
            }),
        ]
    }
}

/// Every notification created and every delivery made, oldest first.
struct NotificationLog: Sendable {
    private(set) var notifications: [String: PushNotification] = [:]
    private(set) var deliveries: [NotificationDelivery] = []

    mutating func created(_ notification: PushNotification) { notifications[notification.notificationId] = notification }

    mutating func append(_ delivery: NotificationDelivery) { deliveries.append(delivery) }
}
