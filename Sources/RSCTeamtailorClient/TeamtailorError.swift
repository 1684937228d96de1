/// A failed Teamtailor call, with the verdict the caller needs: wait and retry, give up, or park the company.
public struct TeamtailorError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        /// 429 (after `Retry-After`), 408, 5xx, a timeout or a dropped connection; nil: back off on your own.
        case retryable(after: Duration?)
        /// Another 4xx, or an answer we cannot read: retrying the same request cannot help; a person must look.
        case permanent
        /// 401/403: the company's API key is wrong, revoked or lacks the scope; park the company.
        case unauthorized
    }

    /// One member of JSON:API's `errors[]`.
    public struct Detail: Sendable, Equatable {
        public var title: String?
        public var detail: String?
        /// `source.pointer`, e.g. `/data/attributes/email`.
        public var pointer: String?
        /// `source.parameter`, e.g. `page[size]`.
        public var parameter: String?
        /// jsonapi-resources' error code (`"100"` on a validation error, as teamtailor-rb's fixture shows).
        public var code: String?

        public init(title: String? = nil, detail: String? = nil, pointer: String? = nil, parameter: String? = nil, code: String? = nil) {
            self.title = title
            self.detail = detail
            self.pointer = pointer
            self.parameter = parameter
            self.code = code
        }
    }

    public var verdict: Verdict
    /// nil when no answer came.
    public var status: Int?
    public var errors: [Detail]
    /// Which call, without ids or query (they may be personal data): `PATCH /v1/candidates/{id}`.
    public var call: String
    /// What failed on our side when Teamtailor did not answer.
    public var reason: String?

    public init(verdict: Verdict, status: Int?, errors: [Detail] = [], call: String, reason: String? = nil) {
        self.verdict = verdict
        self.status = status
        self.errors = errors
        self.call = call
        self.reason = reason
    }

    public var isRetryable: Bool {
        if case .retryable = verdict { return true }
        return false
    }

    /// Teamtailor's titles and details name attributes ("email - has already been taken"), never their values.
    public var description: String {
        let details = errors.map { [$0.detail ?? $0.title, $0.pointer ?? $0.parameter].compactMap { $0 }.joined(separator: " at ") }
        let what = details.isEmpty ? (reason ?? "no details") : details.joined(separator: "; ")
        return "Teamtailor \(call) failed\(status.map { " with \($0)" } ?? ""): \(what)"
    }
}
