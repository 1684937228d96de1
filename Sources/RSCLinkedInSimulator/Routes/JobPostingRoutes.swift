import Foundation

/// `POST /v2/simpleJobPostings` (batch_create, one task per job) and `GET /v2/simpleJobPostingTasks?ids=…`.
enum JobPostingRoutes {
    static var endpoints: [APIEndpoint] { [create, tasks] }

    /// Answers `{"elements": [{"id": TASK, "status": 202} | {"status": 422, "message": …}]}` in request order.
    /// A job whose task succeeds replaces any job with the same externalJobPostingId in that context.
    static let create = APIEndpoint(method: .post, path: "/v2/simpleJobPostings", restliMethod: .batchCreate) {
        request throws(APIError) in
        guard let elements = request.body?["elements"] else {
            throw APIError.badRequest("The body must be {\"elements\": [{…}]}")
        }
        guard let list = elements.arrayValue else { throw APIError.badRequest("elements must be an array") }
        guard !list.isEmpty else { throw APIError.badRequest("elements must not be empty") }
        try Batch.checkCount(list.count)
        var jobs: [JSONObject] = []
        for (index, element) in list.enumerated() {
            guard let job = element.objectValue else {
                throw APIError.badRequest("elements[\(index)] must be an object, not \(element.typeName)")
            }
            jobs.append(job)
        }
        return PreparedOperation(recordCount: jobs.count, countsRecords: true) { [jobs] data, context in
            data.tasks = data.tasks.filter { !$0.value.isExpired(at: context.now) }
            var answers: [SimulatedJSON] = []
            for job in jobs {
                do throws(RecordFailure) {
                    let id = try JobPostingRules.validate(job, organization: context.caller.organization, now: context.now)
                    let numberKey = context.caller.organization + "|" + id
                    let number = data.jobPostingNumbers[numberKey] ?? Int64(4_200_000_000 + data.jobPostingNumbers.count)
                    data.jobPostingNumbers[numberKey] = number
                    let task = JobPostingTask(
                        id: JobPostingTask.urnPrefix + UUID().uuidString.lowercased(),
                        clientID: context.caller.clientID, integrationContext: context.caller.organization,
                        externalJobPostingId: id, createdAt: context.now,
                        resolvesAt: context.now.addingTimeInterval(context.jobTaskProcessingTime),
                        location: job["location"]?.stringValue, jobPosting: "urn:li:jobPosting:\(number)",
                        failure: JobPostingRules.processingFailure(job))
                    data.tasks[task.id] = task
                    if task.failure == nil {
                        data.tenants[context.caller.organization, default: TenantStore()].jobPostings[id] = job
                    }
                    answers.append(["id": .string(task.id), "status": 202])
                } catch {
                    answers.append(error.json)
                }
            }
            return ["elements": .array(answers)]
        }
    }

    /// `{"results": {TASK: {"id", "externalJobPostingId", "status", "jobPosting"?, "errorMessage"?, "location"?}},
    /// "statuses": {}, "errors": {TASK: {"status": 404, …}}}` (the SDK's `TaskStatusSuccessResponse.json`);
    /// another application's task, and a task older than 24 hours, are unknown.
    static let tasks = APIEndpoint(method: .get, path: "/v2/simpleJobPostingTasks", restliMethod: .batchGet) {
        request throws(APIError) in
        let ids = try Batch.simpleIDs(request.query)
        if let bad = ids.first(where: { !$0.hasPrefix(JobPostingTask.urnPrefix) }) {
            throw APIError.badRequest("'\(bad)' is not a task URN (\(JobPostingTask.urnPrefix)…)")
        }
        return PreparedOperation(recordCount: ids.count, countsRecords: false) { data, context in
            var outcome = BatchOutcome()
            for id in ids {
                if let task = data.tasks[id], task.clientID == context.caller.clientID, !task.isExpired(at: context.now) {
                    outcome.result(id, task.json(at: context.now))
                } else {
                    outcome.failed(id, .notFound("simpleJobPostingTask \(id) does not exist"))
                }
            }
            return outcome.batchGetJSON
        }
    }
}
