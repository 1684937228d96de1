/// A failed LinkedIn call, with the verdict the caller needs: wait, retry, park the company, or give up.
public struct LinkedInError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// 429: wait `retryAfter` seconds if LinkedIn said, else back off.
        case rateLimited(retryAfterSeconds: Int?)
        /// 5xx, a timeout or a dropped connection: retry with backoff.
        case transient
        /// 401/403 even with a fresh token: the company's LinkedIn access is gone; park it.
        case accessLost
        /// A 4xx for the whole call: retrying the same request cannot help; a person must look.
        case rejected
        /// An answer we cannot read: a bug on one side; retried slowly, reported.
        case unreadable
    }

    public var kind: Kind
    public var status: Int?
    /// LinkedIn's `message`, or what failed on our side; never carries tokens or secrets.
    public var message: String
    /// Which call: e.g. `PUT /v2/atsCandidates` (no query: ids may be personal identifiers).
    public var call: String

    public init(kind: Kind, status: Int?, message: String, call: String) {
        self.kind = kind
        self.status = status
        self.message = message
        self.call = call
    }

    public var isRetryable: Bool {
        switch kind {
        case .rateLimited, .transient, .unreadable: true
        case .accessLost, .rejected: false
        }
    }

    public var description: String {
        "LinkedIn \(call) failed\(status.map { " with \($0)" } ?? ""): \(message)"
    }
}
