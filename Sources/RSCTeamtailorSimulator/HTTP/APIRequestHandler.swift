import Foundation
import RSCChangeEvents

/// Answers one authenticated `/v1` call against one company's store: routing by path, then the store's rules.
// Pure: the state actor owns auth, rate limits, faults and logging; this only reads and writes the store.
// Only endpoints Teamtailor publishes are routed (docs/teamtailor-conformance.md); anything else is 404 or 405.
struct APIRequestHandler {
    let call: IncomingCall
    let configuration: TeamtailorSimulatorConfiguration
    let now: Date

    struct Answer {
        var response: OutgoingResponse
        var changes: [RecordChange] = []
    }

    func handle(_ store: inout CompanyStore) throws(APIFailure) -> Answer {
        let segments = call.path.split(separator: "/").map(String.init)
        guard segments.count >= 2, segments.count <= 4, segments[0] == "v1",
            let resource = SimulatedTeamtailorResource(rawValue: segments[1]), APISchema.of(resource) != nil
        else { throw APIFailure.notFound("No route matches \(call.method) \(call.path)") }
        let id = try segments.count >= 3 ? JSONAPIDocument.recordID(segments[2]) : nil
        let representation = APIRepresentation(store: store, base: base)
        switch (call.method, segments.count) {
        case ("GET", 2):
            // Teamtailor/docs changelog 2020-10-01: the activities list was removed; read them per candidate.
            guard resource != .activities else { throw APIFailure.notFound("No route matches \(call.method) \(call.path)") }
            return try list(resource, in: store)
        case ("GET", 3):
            let (include, fieldsets) = try Self.singleQuery(call.query, resource: resource)
            guard let record = store.record(resource, id!) else {
                throw APIFailure.notFound("No \(resource.rawValue) record with id \(id!)")
            }
            let sparse = APIRepresentation(store: store, base: base, fieldsets: fieldsets)
            return Answer(response: .document(200, sparse.document(record, include: include)))
        case ("GET", 4) where resource == .candidates && segments[3] == "activities":
            guard store.record(.candidates, id!) != nil else {
                throw APIFailure.notFound("No candidates record with id \(id!)")
            }
            let query = try ListQuery(QueryParameters(raw: call.query), resource: .activities, configuration: configuration)
            let mine = store.collection(.activities).records.filter { $0.link("candidate")?.id == id! }
            let sparse = APIRepresentation(store: store, base: base, fieldsets: query.fieldsets)
            return Answer(response: .document(200, query.page(mine, representation: sparse, path: call.path, filtered: true)))
        case ("POST", 2):
            return try create(resource, in: &store)
        case ("PATCH", 3):
            return try update(resource, id: id!, in: &store)
        case ("DELETE", 3):
            return try delete(resource, id: id!, in: &store)
        default:
            throw APIFailure(status: 405, title: "Method not allowed", detail: "\(call.method) \(call.path) is not supported")
        }
    }

    /// Absolute links point back at whoever was asked (loopback port, or a proxy's name).
    private var base: String { "http://" + (call.host ?? "\(configuration.host):\(configuration.port)") }

    /// A single record's query: `include` and `fields[…]` only.
    static func singleQuery(_ raw: String?, resource: SimulatedTeamtailorResource) throws(APIFailure)
        -> (include: [String], fieldsets: [String: Set<String>])
    {
        guard let schema = APISchema.of(resource) else { return ([], [:]) }
        var include: [String] = []
        var fieldsets: [String: Set<String>] = [:]
        for (name, value) in try QueryParameters(raw: raw).pairs {
            if name.hasPrefix("fields["), name.hasSuffix("]") {
                fieldsets[String(name.dropFirst("fields[".count).dropLast())] = Set(value.split(separator: ",").map(String.init))
                continue
            }
            guard name == "include" else { throw APIFailure.badRequest("\(name) is not allowed.", parameter: name) }
            for path in value.split(separator: ",").map(String.init) where !path.isEmpty {
                guard schema.includable.contains(path) else {
                    throw APIFailure.badRequest("\(path) is not a valid relationship of \(resource.rawValue)", parameter: name)
                }
                include.append(path)
            }
        }
        return (include, fieldsets)
    }

    private func list(_ resource: SimulatedTeamtailorResource, in store: CompanyStore) throws(APIFailure) -> Answer {
        let query = try ListQuery(QueryParameters(raw: call.query), resource: resource, configuration: configuration)
        let representation = APIRepresentation(store: store, base: base, fieldsets: query.fieldsets)
        let document: JSONValue
        if resource == .candidates, let email = query.email {
            // Unique per company: the index answers at once.
            let found = store.candidateID(email: email).flatMap { store.record(.candidates, $0) }
            document = query.page(found.map { [$0] } ?? [], representation: representation, path: call.path, filtered: true)
        } else {
            document = query.page(
                store.collection(resource).records, representation: representation, path: call.path,
                filtered: !query.filters.isEmpty)
        }
        return Answer(response: .document(200, document))
    }

    private func created(_ record: SimulatedTeamtailorRecord, status: Int = 201, in store: CompanyStore) -> OutgoingResponse {
        .document(status, .object(["data": APIRepresentation(store: store, base: base).resource(record, linkage: [])]))
    }

    private func create(_ resource: SimulatedTeamtailorResource, in store: inout CompanyStore) throws(APIFailure) -> Answer {
        let document = try JSONAPIDocument(call, type: resource.rawValue, id: nil)
        switch resource {
        case .candidates:
            var attributes = document.attributes
            let merge = attributes.removeValue(forKey: "merge")
            if let merge, merge != .null, merge.boolValue == nil {
                throw APIFailure.badRequest("merge has the wrong type", pointer: "/data/attributes/merge")
            }
            let (record, change) = try store.createCandidate(attributes, merge: merge?.boolValue ?? false, now: now)
            // A merge answers the existing candidate with 200; a new one is 201.
            return Answer(response: created(record, status: change.action == .create ? 201 : 200, in: store), changes: [change])
        case .jobApplications:
            let (record, change) = try store.createApplication(
                candidate: try document.requiredLink("candidate"), job: try document.requiredLink("job"),
                stage: try document.optionalLink("stage"), document.attributes, now: now)
            return Answer(response: created(record, in: store), changes: [change])
        case .notes:
            try AttributeRules.check(document.attributes, against: AttributeRules.note)
            let (record, change) = try store.createNote(
                candidate: try document.requiredLink("candidate"), user: try document.requiredLink("user"),
                application: nil, text: document.attributes["note"]?.stringValue,
                isPrivate: document.attributes["private-note"]?.boolValue ?? false, now: now)
            return Answer(response: created(record, in: store), changes: [change])
        default:
            throw APIFailure(status: 405, title: "Method not allowed", detail: "\(resource.rawValue) cannot be created here")
        }
    }

    private func update(_ resource: SimulatedTeamtailorResource, id: Int, in store: inout CompanyStore) throws(APIFailure)
        -> Answer
    {
        let document = try JSONAPIDocument(call, type: resource.rawValue, id: id)
        let change: RecordChange
        switch resource {
        case .candidates:
            change = try store.updateCandidate(id, document.attributes, now: now)
        case .jobApplications:
            change = try store.updateApplication(
                id, stage: try document.optionalLink("stage"), rejectReason: try document.optionalLink("reject-reason"),
                document.attributes, now: now)
        case .notes:
            try AttributeRules.check(document.attributes, against: AttributeRules.note)
            change = try store.updateNote(
                id, text: document.attributes["note"]?.stringValue, isPrivate: document.attributes["private-note"]?.boolValue,
                now: now)
        default:
            throw APIFailure(status: 405, title: "Method not allowed", detail: "\(resource.rawValue) cannot be updated here")
        }
        return Answer(response: created(store.record(resource, id)!, status: 200, in: store), changes: [change])
    }

    private func delete(_ resource: SimulatedTeamtailorResource, id: Int, in store: inout CompanyStore) throws(APIFailure)
        -> Answer
    {
        switch resource {
        case .notes: return Answer(response: .noContent, changes: [try store.deleteNote(id)])
        default:
            throw APIFailure(status: 405, title: "Method not allowed", detail: "\(resource.rawValue) cannot be deleted here")
        }
    }
}
