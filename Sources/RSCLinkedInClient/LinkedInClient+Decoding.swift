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

    /// A create's answer: key and both credentials; nil without the secret.
    public static func decodeCreatedApplication(_ answer: JSONValue) -> ProvisionedApplication? {
        ElementDecoding.provisioned(answer)
    }

    /// A lookup's elements: key and client id (the lookup carries no secret).
    public static func decodeProvisionedApplications(_ answer: JSONValue) -> [ProvisionedApplicationListing] {
        ElementDecoding.elements(answer).compactMap(ElementDecoding.provisionedListing)
    }

    /// A BATCH_GET of integrations, per asked key. Answer keys are read structurally (split, percent-decoded, compared
    /// as field maps), so Rest.li 1.0's sorted and encoded form and the collection's raw form both match.
    public static func decodeIntegrationChecks(_ answer: JSONValue, keys: [ATSIntegrationKey]) -> [ATSIntegrationKey: ATSIntegrationCheck] {
        var found: [[String: String]: ATSIntegrationCheck] = [:]
        if case .object(let results)? = answer["results"] {
            for (text, value) in results {
                guard let fields = RestliKey.parse(text)?.fieldMap else { continue }
                found[fields] = .named(name: value["integrationName"]?.stringValue, status: value["status"]?.stringValue)
            }
        }
        if case .object(let errors)? = answer["errors"] {
            for (text, value) in errors {
                guard let fields = RestliKey.parse(text)?.fieldMap else { continue }
                found[fields] = .refused(status: value["status"].flatMap(integer) ?? 400, message: value["message"]?.stringValue ?? "refused")
            }
        }
        return Dictionary(keys.map { ($0, found[$0.fieldMap] ?? .missing) }, uniquingKeysWith: { first, _ in first })
    }

    public static func decodeIntegrationStatuses(_ answer: JSONValue) -> [ATSIntegrationStatus] {
        ElementDecoding.elements(answer).compactMap(ElementDecoding.integrationStatus)
    }
}
