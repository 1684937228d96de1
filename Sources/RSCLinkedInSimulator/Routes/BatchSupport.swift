/// Parsing shared by the batch endpoints: ids in the query, entities in the body, and the answer.
enum Batch {
    /// LinkedIn's batch limit; a larger call is refused whole.
    static let maxRecords = 100

    /// Compound-key ids from the query, each checked and owned by the caller's organization.
    static func entityKeys(_ query: QueryParameters, kind: EntityKey.Kind, caller: ApplicationRegistry.Application)
        throws(APIError) -> [EntityKey]
    {
        let raw = try RestliKey.parse(queryIDs: query)
        guard !raw.isEmpty else {
            throw APIError.badRequest(
                "ids are required: ids[0].\(kind.idField)=…&ids[0].dataProvider=ATS&ids[0].integrationContext=…")
        }
        try checkCount(raw.count)
        var keys: [EntityKey] = []
        for key in raw {
            let key = try EntityKey(key, kind: kind)
            guard !keys.contains(key) else { throw APIError.badRequest("Key \(key.canonical) appears twice in ids") }
            try checkOrganization(key, caller: caller)
            keys.append(key)
        }
        return keys
    }

    /// The compound key in a sub-resource path (`/v2/atsCandidates/{key}/notes`).
    static func parentKey(_ segment: String?, kind: EntityKey.Kind, caller: ApplicationRegistry.Application)
        throws(APIError) -> EntityKey
    {
        guard let segment, !segment.isEmpty else { throw APIError.badRequest("Missing parent key in the path") }
        let key = try EntityKey(RestliKey.parse(mapKey: segment), kind: kind)
        try checkOrganization(key, caller: caller)
        return key
    }

    /// Simple ids (`ids=N1&ids=N2`) of a sub-resource or task batch.
    static func simpleIDs(_ query: QueryParameters) throws(APIError) -> [String] {
        if let indexed = query.names.first(where: { $0.hasPrefix("ids[") || $0.hasPrefix("ids.") }) {
            throw APIError.badRequest("Malformed id parameter '\(indexed)': this resource takes ids=ID&ids=ID")
        }
        let ids = query.values("ids")
        guard !ids.isEmpty else { throw APIError.badRequest("ids are required: ids=ID&ids=ID") }
        try checkCount(ids.count)
        guard !ids.contains("") else { throw APIError.badRequest("An id must not be empty") }
        guard Set(ids).count == ids.count else { throw APIError.badRequest("An id appears twice in ids") }
        return ids
    }

    /// `{"entities": {KEY: {…}}}` with every value an object.
    static func entities(_ body: SimulatedJSON?) throws(APIError) -> [String: JSONObject] {
        guard let entities = body?["entities"] else {
            throw APIError.badRequest("The body must be {\"entities\": {KEY: {…}}}")
        }
        guard let map = entities.objectValue else { throw APIError.badRequest("entities must be an object") }
        try checkCount(map.count)
        var out: [String: JSONObject] = [:]
        for (key, value) in map {
            guard let object = value.objectValue else {
                throw APIError.badRequest("The entity for key '\(key)' must be an object, not \(value.typeName)")
            }
            out[key] = object
        }
        return out
    }

    /// Body entities re-keyed by the query's keys; the two sets must be the same.
    static func match(_ entities: [String: JSONObject], to keys: [EntityKey], kind: EntityKey.Kind)
        throws(APIError) -> [EntityKey: JSONObject]
    {
        var out: [EntityKey: JSONObject] = [:]
        for (text, value) in entities {
            let key = try EntityKey(RestliKey.parse(mapKey: text), kind: kind)
            guard out.updateValue(value, forKey: key) == nil else {
                throw APIError.badRequest("Key \(key.canonical) appears twice in entities")
            }
        }
        guard Set(out.keys) == Set(keys) else {
            throw APIError.badRequest("The ids in the query and the keys in entities do not match")
        }
        return out
    }

    /// Body entities of a simple-id batch; their keys must be exactly the query's ids.
    static func match(_ entities: [String: JSONObject], to ids: [String]) throws(APIError) -> [String: JSONObject] {
        guard Set(entities.keys) == Set(ids) else {
            throw APIError.badRequest("The ids in the query and the keys in entities do not match")
        }
        return entities
    }

    static func checkCount(_ count: Int) throws(APIError) {
        guard count <= maxRecords else {
            throw APIError.badRequest("Batch of \(count) records is over the limit of \(maxRecords)")
        }
    }

    static func checkOrganization(_ key: EntityKey, caller: ApplicationRegistry.Application) throws(APIError) {
        guard key.integrationContext == caller.organization else {
            throw APIError.forbidden(
                "integrationContext \(key.integrationContext) does not belong to this application")
        }
    }
}

/// A batch answer: `{"results": {KEY: {"status": 204}}, "errors": {KEY: {"status": 422, "message": "…"}}}`.
struct BatchOutcome {
    private var results: JSONObject = [:]
    private var errors: JSONObject = [:]

    mutating func succeeded(_ key: String, status: Int = 204) {
        results[key] = ["status": .int(Int64(status))]
    }

    mutating func result(_ key: String, _ value: SimulatedJSON) {
        results[key] = value
    }

    mutating func failed(_ key: String, _ failure: RecordFailure) {
        errors[key] = failure.json
    }

    /// A batch write's answer (`BatchResponseBuilder`: `results` and `errors`).
    var json: SimulatedJSON { ["results": .object(results), "errors": .object(errors)] }

    /// A BATCH_GET's answer (`BatchGetResponseBuilder`: `results`, `statuses` and `errors`).
    var batchGetJSON: SimulatedJSON { ["results": .object(results), "statuses": [:], "errors": .object(errors)] }
}
