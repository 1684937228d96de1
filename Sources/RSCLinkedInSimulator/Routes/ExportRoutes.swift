/// `GET /v2/exportedCandidates?q=request&requestId=…`: the profile a recruiter exported, for the child
/// application of the organization it was exported for.
enum ExportRoutes {
    static var endpoints: [APIEndpoint] { [byRequest] }

    static let byRequest = APIEndpoint(method: .get, path: "/v2/exportedCandidates", restliMethod: .finder) {
        request throws(APIError) in
        try RecruiterDataRoutes.checkFinder(request.query, "request")
        guard let requestID = request.query.first("requestId"), !requestID.isEmpty else {
            throw APIError.badRequest("requestId is required")
        }
        return PreparedOperation(recordCount: 0, countsRecords: false) { data, context throws(APIError) in
            guard let export = data.recruiter.exports[requestID] else {
                throw APIError.notFound("No export with requestId \(requestID)")
            }
            guard export.integrationContext == context.caller.organization else {
                throw APIError.forbidden("export \(requestID) belongs to another organization")
            }
            return ["elements": [export.json]]
        }
    }
}
