/// `/v2/atsApplications`: full upsert and delete (which takes the application's notes, feedback and stages).
enum ATSApplicationsRoutes {
    static let path = "/v2/atsApplications"

    static var endpoints: [APIEndpoint] { [upsert, delete] }

    static let upsert = APIEndpoint(method: .put, path: path, restliMethod: .batchUpdate) { request throws(APIError) in
        let keys = try Batch.entityKeys(request.query, kind: .application, caller: request.caller)
        let records = try Batch.match(Batch.entities(request.body), to: keys, kind: .application)
        return PreparedOperation(recordCount: keys.count, countsRecords: true) { data, _ in
            var outcome = BatchOutcome()
            for key in keys {
                let record = records[key]!
                do throws(RecordFailure) {
                    try ApplicationRules.validate(record)
                    data.tenants[key.integrationContext, default: TenantStore()].upsertApplication(key.id, record)
                    outcome.succeeded(key.answerKey)
                } catch {
                    outcome.failed(key.answerKey, error)
                }
            }
            return outcome.json
        }
    }

    static let delete = APIEndpoint(method: .delete, path: path, restliMethod: .batchDelete) { request throws(APIError) in
        let keys = try Batch.entityKeys(request.query, kind: .application, caller: request.caller)
        return PreparedOperation(recordCount: keys.count, countsRecords: true) { data, _ in
            var outcome = BatchOutcome()
            for key in keys {
                if data.tenants[key.integrationContext]?.deleteApplication(key.id) == true {
                    outcome.succeeded(key.answerKey)
                } else {
                    outcome.failed(key.answerKey, .notFound("atsApplication \(key.id) does not exist"))
                }
            }
            return outcome.json
        }
    }
}
