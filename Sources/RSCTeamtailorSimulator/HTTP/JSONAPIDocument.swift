import RSCChangeEvents

/// A write's request document, checked: `{"data": {"type", "id"?, "attributes"?, "relationships"?}}`.
struct JSONAPIDocument: Sendable {
    var attributes: [String: JSONValue]
    /// to-one linkages by name; a name sent with `"data": null` maps to nil.
    var relationships: [String: String?]

    /// Parses and checks the document against the endpoint's type (409 when it differs, per JSON:API) and,
    /// for a PATCH, the id in the URL.
    init(_ call: IncomingCall, type: String, id: Int?) throws(APIFailure) {
        guard call.mediaType == OutgoingResponse.mediaType else {
            throw APIFailure(
                status: 415, title: "Unsupported media type",
                detail: "Content-Type must be \(OutgoingResponse.mediaType)")
        }
        guard let bytes = call.body, !bytes.isEmpty, let json = try? JSONValue.parse(Array(bytes)) else {
            throw APIFailure.badRequest("The request body is not a JSON document")
        }
        guard case .object(let data)? = json["data"] else {
            throw APIFailure.badRequest("The document has no data object", pointer: "/data")
        }
        guard data["type"]?.stringValue == type else {
            throw APIFailure(
                status: 409, title: "Conflict", detail: "data.type must be \(type)", pointer: "/data/type")
        }
        if let id {
            guard data["id"]?.stringValue == String(id) else {
                throw APIFailure(status: 409, title: "Conflict", detail: "data.id must be \(id)", pointer: "/data/id")
            }
        }
        switch data["attributes"] {
        case nil: attributes = [:]
        case .object(let object)?: attributes = object
        default: throw APIFailure.badRequest("attributes must be an object", pointer: "/data/attributes")
        }
        relationships = [:]
        switch data["relationships"] {
        case nil: break
        case .object(let object)?:
            for (name, value) in object {
                let pointer = "/data/relationships/\(name)"
                guard let linkage = value["data"] else {
                    throw APIFailure.badRequest("\(name) must be {\"data\": {\"type\", \"id\"}}", pointer: pointer)
                }
                if linkage == .null {
                    relationships[name] = .some(nil)
                    continue
                }
                // Teamtailor/docs' note example links `{"data": {"id": 4}}`: a number, no type; both are taken.
                let linkedID: String
                switch linkage["id"] {
                case .string(let text)?: linkedID = text
                case .number(let number)? where number.rounded() == number: linkedID = String(Int64(number))
                default: throw APIFailure.badRequest("\(name) must name an id", pointer: pointer)
                }
                if let type = linkage["type"], type.stringValue == nil {
                    throw APIFailure.badRequest("\(name) has a type that is not a string", pointer: pointer)
                }
                relationships[name] = .some(linkedID)
            }
        default: throw APIFailure.badRequest("relationships must be an object", pointer: "/data/relationships")
        }
    }

    /// A required to-one link as a record id: 422 when absent, 404 when it cannot be an id at all.
    func requiredLink(_ name: String) throws(APIFailure) -> Int {
        guard let linked = relationships[name] ?? nil else {
            throw APIFailure.invalid(name, "must exist", pointer: "/data/relationships/\(name)")
        }
        return try Self.recordID(linked, pointer: "/data/relationships/\(name)")
    }

    func optionalLink(_ name: String) throws(APIFailure) -> Int? {
        guard let linked = relationships[name] ?? nil else { return nil }
        return try Self.recordID(linked, pointer: "/data/relationships/\(name)")
    }

    static func recordID(_ text: String, pointer: String? = nil) throws(APIFailure) -> Int {
        guard let id = Int(text), id > 0 else {
            throw APIFailure.notFound("No record with id \(text)", pointer: pointer)
        }
        return id
    }
}
