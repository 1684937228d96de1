/// Recruiter-data finder shapes: seats, prospect notes, conversation events (InMails) and mail stubs.
extension LinkedInRequests {
    /// `GET /v2/seatsV2?q=attributes&contracts=…&states=ACTIVE&start=…&count=…`: the finder the current seat-holders
    /// page documents (LinkedIn's collection still shows the older `seats?q=seatsByAttributes`). `start` is always
    /// sent: seatsV2 refuses a request without it.
    public static func seats(contract: String, activeOnly: Bool = true, start: Int = 0, count: Int = 100) -> LinkedInRequest {
        finder("/v2/seatsV2", [
            ("q", "attributes"), ("contracts", contract), ("states", activeOnly ? "ACTIVE" : nil),
            ("start", "\(start)"), ("count", "\(count)"),
        ])
    }

    /// Notes of `owners` in `contract` whose last update falls in (window.start, window.end]: `cutoffDate` is a
    /// non-inclusive lower bound and `beforeDate` an inclusive upper one (prospect-notes page).
    public static func prospectNotes(contract: String, owners: [String], window: RecruiterDataWindow, start: Int = 0, count: Int = 100) -> LinkedInRequest {
        finder("/v2/prospectNotes", [("q", "criteria"), ("contract", contract)] + owners.map { ("owners", $0) } + [
            ("cutoffDate", "\(window.start)"), ("beforeDate", "\(window.end)"), ("start", "\(start)"), ("count", "\(count)"),
        ])
    }

    /// InMails in [window.start, window.end): `timeRange.start` inclusive, `timeRange.end` exclusive (InMail history page).
    public static func conversationEvents(viewer seat: String, window: RecruiterDataWindow, start: Int = 0, count: Int = 50) -> LinkedInRequest {
        finder("/v2/conversationEvents", [
            ("q", "criteria"), ("viewer", seat), ("timeRange.start", "\(window.start)"), ("timeRange.end", "\(window.end)"),
            ("start", "\(start)"), ("count", "\(count)"),
        ])
    }

    /// `createdDateEnd` is exclusive.
    public static func mailStubs(contract: String, owners: [String], window: RecruiterDataWindow, start: Int = 0, count: Int = 100) -> LinkedInRequest {
        finder("/v2/mailStubs", [("q", "contract"), ("contract", contract)] + owners.map { ("owners", $0) } + [
            ("createdDateStart", "\(window.start)"), ("createdDateEnd", "\(window.end)"), ("start", "\(start)"), ("count", "\(count)"),
        ])
    }

    static func finder(_ path: String, _ parameters: [(String, String?)]) -> LinkedInRequest {
        let query = parameters.compactMap { name, value in value.map { "\(name)=\(RestliKey.encode($0))" } }.joined(separator: "&")
        return LinkedInRequest(method: .GET, path: path + "?" + query, restliMethod: nil, body: nil, call: "GET \(path)")
    }
}
