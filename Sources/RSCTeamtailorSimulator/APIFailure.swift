import RSCChangeEvents

/// A refused call, answered with a JSON:API error document:
/// `{"errors":[{"status":"422","title":"…","detail":"email - can't be blank","source":{"pointer":"/data/attributes/email"}}]}`.
struct APIFailure: Error, Sendable {
    struct Item: Sendable {
        var title: String
        var detail: String
        /// JSON Pointer into the request document (`/data/attributes/email`).
        var pointer: String?
        /// The query parameter at fault (`page[size]`).
        var parameter: String?
        /// jsonapi-resources' error code; teamtailor-rb's fixture shows `"code":"100"` on a 422 item.
        var code: String?
    }

    var status: Int
    var items: [Item]
    /// Seconds, sent as `Retry-After` (429 and 503).
    var retryAfter: Int?

    /// A 401 answers with an empty body (teamtailor-rb's request spec stubs `status: 401, body: ""`).
    var hasEmptyBody: Bool { status == 401 }

    init(
        status: Int, title: String, detail: String, pointer: String? = nil, parameter: String? = nil, code: String? = nil,
        retryAfter: Int? = nil
    ) {
        self.status = status
        self.items = [Item(title: title, detail: detail, pointer: pointer, parameter: parameter, code: code)]
        self.retryAfter = retryAfter
    }

    var body: JSONValue? {
        if hasEmptyBody { return nil }
        return .object(["errors": .array(items.map { item in
            var object: [String: JSONValue] = [
                "status": .string(String(status)), "title": .string(item.title), "detail": .string(item.detail),
            ]
            if let pointer = item.pointer { object["source"] = .object(["pointer": .string(pointer)]) }
            if let parameter = item.parameter { object["source"] = .object(["parameter": .string(parameter)]) }
            if let code = item.code { object["code"] = .string(code) }
            return .object(object)
        })])
    }

    static func badRequest(_ detail: String, pointer: String? = nil, parameter: String? = nil) -> APIFailure {
        APIFailure(status: 400, title: "Bad request", detail: detail, pointer: pointer, parameter: parameter)
    }

    /// A validation error as teamtailor-rb's fixture shows it: title `can't be blank`, detail
    /// `email - can't be blank`, `code` "100", the attribute's pointer.
    static func invalid(_ attribute: String, _ message: String, pointer: String? = nil) -> APIFailure {
        APIFailure(
            status: 422, title: message, detail: "\(attribute) - \(message)",
            pointer: pointer ?? "/data/attributes/\(attribute)", code: "100")
    }

    static func notFound(_ detail: String, pointer: String? = nil) -> APIFailure {
        APIFailure(status: 404, title: "Record not found", detail: detail, pointer: pointer)
    }

    static let unauthorized = APIFailure(
        status: 401, title: "Unauthorized", detail: "Missing or invalid API key (Authorization: Token token=…)")

    /// teamtailor-rb's request spec: title "Invalid/Missing API Version", the detail naming the current version.
    static func invalidAPIVersion(current: String) -> APIFailure {
        APIFailure(
            status: 406, title: "Invalid/Missing API Version",
            detail: "Please provide a correct API version in the X-Api-Version header. Current version is: \(current)")
    }
}
