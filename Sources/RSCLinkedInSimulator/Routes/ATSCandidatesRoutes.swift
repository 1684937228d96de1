/// `/v2/atsCandidates`: full upsert, manual match (partial update), matched members (get), delete.
enum ATSCandidatesRoutes {
    static let path = "/v2/atsCandidates"

    static var endpoints: [APIEndpoint] { [upsert, partialUpdate, get, delete] }

    /// PUT, batch_update: each record replaces the stored one entirely.
    static let upsert = APIEndpoint(method: .put, path: path, restliMethod: .batchUpdate) { request throws(APIError) in
        let keys = try Batch.entityKeys(request.query, kind: .candidate, caller: request.caller)
        let records = try Batch.match(Batch.entities(request.body), to: keys, kind: .candidate)
        return PreparedOperation(recordCount: keys.count, countsRecords: true) { data, context in
            var outcome = BatchOutcome()
            for key in keys {
                let record = records[key]!
                do throws(RecordFailure) {
                    try CandidateRules.validate(record)
                    data.tenants[key.integrationContext, default: TenantStore()].candidates[key.id] = record
                    data.noteAccepted(record, at: context.now)
                    outcome.succeeded(key.answerKey)
                } catch {
                    outcome.failed(key.answerKey, error)
                }
            }
            return outcome.json
        }
    }

    /// POST, batch_partial_update: `{"patch": {"$set": {…}, "$delete": [names]}}` on a stored candidate.
    static let partialUpdate = APIEndpoint(method: .post, path: path, restliMethod: .batchPartialUpdate) {
        request throws(APIError) in
        let keys = try Batch.entityKeys(request.query, kind: .candidate, caller: request.caller)
        let entities = try Batch.match(Batch.entities(request.body), to: keys, kind: .candidate)
        var patches: [EntityKey: Patch] = [:]
        for (key, entity) in entities { patches[key] = try Patch(entity, key: key) }
        return PreparedOperation(recordCount: keys.count, countsRecords: true) { [patches] data, _ in
            var outcome = BatchOutcome()
            for key in keys {
                do throws(RecordFailure) {
                    guard var record = data.tenants[key.integrationContext]?.candidates[key.id] else {
                        throw .notFound("atsCandidate \(key.id) does not exist")
                    }
                    try patches[key]!.apply(to: &record)
                    try CandidateRules.validate(record)
                    data.tenants[key.integrationContext, default: TenantStore()].candidates[key.id] = record
                    outcome.succeeded(key.answerKey)
                } catch {
                    outcome.failed(key.answerKey, error)
                }
            }
            return outcome.json
        }
    }

    /// GET, batch_get: the stored record with `matchedMembers` and `manualMatchedMember`, projected by `fields`.
    static let get = APIEndpoint(method: .get, path: path, restliMethod: .batchGet) { request throws(APIError) in
        let keys = try Batch.entityKeys(request.query, kind: .candidate, caller: request.caller)
        let projection = request.query.first("fields").map {
            Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        return PreparedOperation(recordCount: keys.count, countsRecords: false) { data, _ in
            var outcome = BatchOutcome()
            for key in keys {
                guard let record = data.tenants[key.integrationContext]?.candidates[key.id] else {
                    outcome.failed(key.answerKey, .notFound("atsCandidate \(key.id) does not exist"))
                    continue
                }
                var view = record
                view["matchedMembers"] = .array(
                    MemberMatching.matchedMembers(record, noMember: data.noMemberEmails).map(SimulatedJSON.string))
                // Rest.li leaves an absent optional field out of an answer; it never writes null.
                if let projection { view = view.filter { projection.contains($0.key) } }
                outcome.result(key.answerKey, .object(view))
            }
            return outcome.batchGetJSON
        }
    }

    /// DELETE: the candidate, its notes, and its applications with everything under them.
    static let delete = APIEndpoint(method: .delete, path: path, restliMethod: .batchDelete) { request throws(APIError) in
        let keys = try Batch.entityKeys(request.query, kind: .candidate, caller: request.caller)
        return PreparedOperation(recordCount: keys.count, countsRecords: true) { data, _ in
            var outcome = BatchOutcome()
            for key in keys {
                if data.tenants[key.integrationContext]?.deleteCandidate(key.id) == true {
                    outcome.succeeded(key.answerKey)
                } else {
                    outcome.failed(key.answerKey, .notFound("atsCandidate \(key.id) does not exist"))
                }
            }
            return outcome.json
        }
    }
}

/// A Rest.li partial update: fields to set and fields to remove.
struct Patch: Sendable {
    var set: JSONObject
    var delete: [String]

    init(_ entity: JSONObject, key: EntityKey) throws(APIError) {
        guard let patch = entity["patch"]?.objectValue, entity.count == 1 else {
            throw APIError.badRequest("The entity for \(key.canonical) must be {\"patch\": {\"$set\": {…}}}")
        }
        if let unknown = patch.keys.first(where: { $0 != "$set" && $0 != "$delete" }) {
            throw APIError.badRequest("Unsupported patch operation '\(unknown)' (use $set or $delete)")
        }
        guard let set = (patch["$set"] ?? .object([:])).objectValue else {
            throw APIError.badRequest("$set must be an object")
        }
        guard let deletes = (patch["$delete"] ?? .array([])).arrayValue, deletes.allSatisfy({ $0.stringValue != nil })
        else { throw APIError.badRequest("$delete must be an array of field names") }
        self.set = set
        self.delete = deletes.compactMap(\.stringValue)
    }

    func apply(to record: inout JSONObject) throws(RecordFailure) {
        for (name, value) in set {
            guard !value.isNull else { throw .invalid("\(name): null cannot be set; remove a field with $delete") }
            record[name] = value
        }
        for name in delete { record[name] = nil }
    }
}
