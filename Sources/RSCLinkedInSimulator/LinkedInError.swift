import Foundation

/// A failed call, answered with LinkedIn's error body `{"message", "serviceErrorCode", "status"}`.
///
/// `serviceErrorCode` uses LinkedIn's published sub-codes where its material names one (65600–65602 for
/// tokens, 100 for permissions); elsewhere it repeats the HTTP status, as LinkedIn's own sample does
/// (`{"message": "Empty oauth2_access_token", "serviceErrorCode": 401, "status": 401}`).
struct APIError: Error, Sendable {
    var status: Int
    var serviceErrorCode: Int
    var message: String
    /// Seconds, sent as `Retry-After` (429 only).
    var retryAfter: Int?
    /// Extra members for the OAuth endpoint, whose clients read `error` / `error_description`.
    var extra: JSONObject = [:]

    init(status: Int, serviceErrorCode: Int? = nil, message: String, retryAfter: Int? = nil, extra: JSONObject = [:]) {
        self.status = status
        self.serviceErrorCode = serviceErrorCode ?? status
        self.message = message
        self.retryAfter = retryAfter
        self.extra = extra
    }

    var body: SimulatedJSON {
        var object = extra
        object["message"] = .string(message)
        object["serviceErrorCode"] = .int(Int64(serviceErrorCode))
        object["status"] = .int(Int64(status))
        return .object(object)
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(status: 400, message: message)
    }

    static func forbidden(_ message: String) -> APIError {
        APIError(status: 403, serviceErrorCode: 100, message: "Not enough permissions to access: \(message)")
    }

    static func notFound(_ message: String) -> APIError {
        APIError(status: 404, message: message)
    }

    static func throttled(_ message: String, retryAfter: Int) -> APIError {
        APIError(status: 429, message: message, retryAfter: retryAfter)
    }

    static func unauthorized(_ reason: UnauthorizedReason) -> APIError {
        APIError(status: 401, serviceErrorCode: reason.serviceErrorCode, message: reason.message)
    }

    /// Why a bearer token was refused.
    enum UnauthorizedReason {
        case missing, notBearer, unknown, expired, revoked

        var serviceErrorCode: Int {
            switch self {
            case .missing, .notBearer: 401
            case .unknown: 65600
            case .revoked: 65601
            case .expired: 65602
            }
        }

        var message: String {
            switch self {
            case .missing: "Empty oauth2_access_token"
            case .notBearer: "Unknown authentication schema"
            case .unknown: "Invalid access token"
            case .revoked: "The token used in the request has been revoked by the user"
            case .expired: "The token used in the request has expired"
            }
        }
    }
}

/// One record's failure inside a batch: `{"status": 422, "message": "…"}`.
struct RecordFailure: Error, Sendable {
    var status: Int
    var message: String

    static func invalid(_ message: String) -> RecordFailure { RecordFailure(status: 422, message: message) }
    static func notFound(_ message: String) -> RecordFailure { RecordFailure(status: 404, message: message) }

    var json: SimulatedJSON { ["status": .int(Int64(status)), "message": .string(message)] }
}
