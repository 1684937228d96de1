import RSCChangeEvents

/// Recruiter-data finders, one page per call: decoded elements and where the next page starts.
/// Elements LinkedIn sends without a required field are skipped and logged (no personal data).
extension LinkedInClient {
    public func seats(contract: String, activeOnly: Bool = true, start: Int = 0, count: Int = 100, application: LinkedInApplication) async throws -> RecruiterDataPage<RecruiterSeat> {
        try await page(LinkedInRequests.seats(contract: contract, activeOnly: activeOnly, start: start, count: count), start: start, count: count, application: application, ElementDecoding.seat)
    }

    public func prospectNotes(contract: String, owners: [String], window: RecruiterDataWindow, start: Int = 0, count: Int = 100, application: LinkedInApplication) async throws -> RecruiterDataPage<ProspectNote> {
        try await page(LinkedInRequests.prospectNotes(contract: contract, owners: owners, window: window, start: start, count: count), start: start, count: count, application: application, ElementDecoding.prospectNote)
    }

    public func conversationEvents(viewer seat: String, window: RecruiterDataWindow, start: Int = 0, count: Int = 50, application: LinkedInApplication) async throws -> RecruiterDataPage<ConversationEvent> {
        try await page(LinkedInRequests.conversationEvents(viewer: seat, window: window, start: start, count: count), start: start, count: count, application: application, ElementDecoding.conversationEvent)
    }

    public func mailStubs(contract: String, owners: [String], window: RecruiterDataWindow, start: Int = 0, count: Int = 100, application: LinkedInApplication) async throws -> RecruiterDataPage<MailStub> {
        try await page(LinkedInRequests.mailStubs(contract: contract, owners: owners, window: window, start: start, count: count), start: start, count: count, application: application, ElementDecoding.mailStub)
    }

    func page<T: Sendable & Equatable>(_ request: LinkedInRequest, start: Int, count: Int, application: LinkedInApplication, _ decode: (JSONValue) -> T?) async throws -> RecruiterDataPage<T> {
        let answer = try await send(request, application: application)
        let (page, skipped) = ElementDecoding.page(answer, start: start, count: count, decode)
        if skipped > 0 {
            logger.warning("LinkedIn sent elements without required fields", metadata: ["call": .string(request.call), "skipped": .stringConvertible(skipped)])
        }
        return page
    }
}
