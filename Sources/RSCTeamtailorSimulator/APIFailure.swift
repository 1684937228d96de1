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
    }

    var status: Int
    var items: [Item]
    /// Seconds, sent as `Retry-After` (429 and 503).
    var retryAfter: Int?

    init(status: Int, title: String, detail: String, pointer: String? = nil, parameter: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.items = [Item(title: title, detail: detail, pointer: pointer, parameter: parameter)]
        self.retryAfter = retryAfter
    }

    var body: JSONValue {
        .object(["errors": .array(items.map { item in
            var object: [String: JSONValue] = [
                "status": .string(String(status)), "title": .string(item.title), "detail": .string(item.detail),
            ]
            if let pointer = item.pointer { object["source"] = .object(["pointer": .string(pointer)]) }
            if let parameter = item.parameter { object["source"] = .object(["parameter": .string(parameter)]) }
            return .object(object)
        })])
    }

    static func badRequest(_ detail: String, pointer: String? = nil, parameter: String? = nil) -> APIFailure {
        APIFailure(status: 400, title: "Bad request", detail: detail, pointer: pointer, parameter: parameter)
    }

    /// A validation error in Rails' words: `email - can't be blank`.
    static func invalid(_ attribute: String, _ message: String, pointer: String? = nil) -> APIFailure {
        APIFailure(
            status: 422, title: "\(attribute) \(message)", detail: "\(attribute) - \(message)",
            pointer: pointer ?? "/data/attributes/\(attribute)")
    }

    static func notFound(_ detail: String, pointer: String? = nil) -> APIFailure {
        APIFailure(status: 404, title: "Record not found", detail: detail, pointer: pointer)
    }

    static let unauthorized = APIFailure(
        status: 401, title: "Unauthorized", detail: "Missing or invalid API key (Authorization: Token token=…)")

    static let invalidAPIVersion = APIFailure(
        status: 406, title: "Invalid/Missing API Version", detail: "Send a supported X-Api-Version header")
}
