/// Rest.li validates a request body against the resource's schema before the resource sees it, and a JSON
/// `null` in a typed field fails that check ("null cannot be coerced to String",
/// `ValidateDataAgainstSchema.validatePrimitive`; `ArgumentUtils.validateDataAgainstSchema` answers 400
/// "Input field validation failure"). RSC's records have no field whose type admits null, so a `null`
/// anywhere in a body refuses the whole call; a field without a value is left out.
enum NullRefusal {
    static func check(_ body: SimulatedJSON) throws(APIError) {
        if let path = firstNull(body, path: "") {
            throw APIError.badRequest(
                "Input field validation failure, reason: ERROR :: \(path) :: null cannot be coerced to a typed field "
                    + "(leave a field without a value out)")
        }
    }

    /// The JSON pointer of the first `null` in key order, nil when there is none.
    static func firstNull(_ value: SimulatedJSON, path: String) -> String? {
        switch value {
        case .null: return path.isEmpty ? "/" : path
        case .object(let object):
            for key in object.keys.sorted() {
                if let found = firstNull(object[key]!, path: path + "/" + key) { return found }
            }
            return nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = firstNull(item, path: path + "/\(index)") { return found }
            }
            return nil
        default: return nil
        }
    }
}
