import RSCChangeEvents

/// Pure decoding of the onboarding, export and recruiter-data answers (what the client methods return), for
/// callers and tests that hold an answer already. Elements without a required field are left out.
extension LinkedInClient {
    public static func decodeSeats(_ answer: JSONValue, start: Int, count: Int) -> RecruiterDataPage<RecruiterSeat> {
        ElementDecoding.page(answer, start: start, count: count, ElementDecoding.seat).0
    }

    public static func decodeProspectNotes(_ answer: JSONValue, start: Int, count: Int) -> RecruiterDataPage<ProspectNote> {
        ElementDecoding.page(answer, start: start, count: count, ElementDecoding.prospectNote).0
    }

    public static func decodeConversationEvents(_ answer: JSONValue, start: Int, count: Int) -> RecruiterDataPage<ConversationEvent> {
        ElementDecoding.page(answer, start: start, count: count, ElementDecoding.conversationEvent).0
    }

    public static func decodeMailStubs(_ answer: JSONValue, start: Int, count: Int) -> RecruiterDataPage<MailStub> {
        ElementDecoding.page(answer, start: start, count: count, ElementDecoding.mailStub).0
    }

    /// The first element of an `exportedCandidates` answer.
    public static func decodeExportedCandidate(_ answer: JSONValue) -> ExportedCandidate? {
        ElementDecoding.elements(answer).lazy.compactMap(ElementDecoding.exportedCandidate).first
    }

    public static func decodeIntegrationStatuses(_ answer: JSONValue) -> [ATSIntegrationStatus] {
        ElementDecoding.elements(answer).compactMap(ElementDecoding.integrationStatus)
    }
}
