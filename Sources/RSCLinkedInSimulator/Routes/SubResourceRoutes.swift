/// Records under a candidate or application key in the path: `/v2/atsCandidates/{key}/notes`,
/// `/v2/atsApplications/{key}/notes|interviewFeedback|stages`, ids in the query (`ids=N1&ids=N2`).
enum SubResourceRoutes {
    static var endpoints: [APIEndpoint] {
        TenantStore.SubResource.allCases.flatMap { [upsert($0), delete($0)] }
    }

    static func path(_ kind: TenantStore.SubResource) -> String {
        let parent = kind.parentKind == .candidate ? ATSCandidatesRoutes.path : ATSApplicationsRoutes.path
        return "\(parent)/:parent/\(kind.pathName)"
    }

    private static func parentName(_ kind: TenantStore.SubResource) -> String {
        kind.parentKind == .candidate ? "atsCandidate" : "atsApplication"
    }

    static func upsert(_ kind: TenantStore.SubResource) -> APIEndpoint {
        APIEndpoint(method: .put, path: path(kind), restliMethod: .batchUpdate) { request throws(APIError) in
            let parent = try Batch.parentKey(
                request.call.pathParameters["parent"], kind: kind.parentKind, caller: request.caller)
            let ids = try Batch.simpleIDs(request.query)
            let records = try Batch.match(Batch.entities(request.body), to: ids)
            return PreparedOperation(recordCount: ids.count, countsRecords: true) { data, _ in
                var outcome = BatchOutcome()
                for id in ids {
                    do throws(RecordFailure) {
                        guard data.tenants[parent.integrationContext]?.parentExists(kind, parent.id) == true else {
                            throw .notFound("\(parentName(kind)) \(parent.id) does not exist")
                        }
                        try SubResourceRules.validate(records[id]!, as: kind)
                        data.tenants[parent.integrationContext, default: TenantStore()]
                            .setChild(kind, parent: parent.id, id: id, records[id]!)
                        outcome.succeeded(id)
                    } catch {
                        outcome.failed(id, error)
                    }
                }
                return outcome.json
            }
        }
    }

    static func delete(_ kind: TenantStore.SubResource) -> APIEndpoint {
        APIEndpoint(method: .delete, path: path(kind), restliMethod: .batchDelete) { request throws(APIError) in
            let parent = try Batch.parentKey(
                request.call.pathParameters["parent"], kind: kind.parentKind, caller: request.caller)
            let ids = try Batch.simpleIDs(request.query)
            return PreparedOperation(recordCount: ids.count, countsRecords: true) { data, _ in
                var outcome = BatchOutcome()
                for id in ids {
                    if data.tenants[parent.integrationContext]?.parentExists(kind, parent.id) != true {
                        outcome.failed(id, .notFound("\(parentName(kind)) \(parent.id) does not exist"))
                    } else if data.tenants[parent.integrationContext]?.removeChild(kind, parent: parent.id, id: id) == true {
                        outcome.succeeded(id)
                    } else {
                        outcome.failed(id, .notFound("\(kind.resource.rawValue) \(id) does not exist"))
                    }
                }
                return outcome.json
            }
        }
    }
}
