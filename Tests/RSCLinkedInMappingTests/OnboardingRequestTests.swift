import Foundation
import RSCChangeEvents
import RSCLinkedInClient
import Testing

/// Onboarding, Export to ATS and recruiter-data request shapes pinned in `Golden/`, the decoded element types,
/// and the webhook signature helper.
@Suite("golden onboarding and recruiter-data requests")
struct OnboardingRequestTests {
    static let org = "urn:li:organization:123"
    static let contract = "urn:li:contract:900"
    static let seat = "urn:li:seat:501"
    static let window = RecruiterDataWindow(start: 1_767_182_400_000, end: 1_767_225_600_000)

    func check(_ name: String, _ request: LinkedInRequest) throws {
        let file = GoldenRequestTests.directory.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["RSC_UPDATE_GOLDEN"] == "1" {
            try request.goldenText.write(to: file, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        #expect(request.goldenText == golden, "\(name) differs from Golden/\(name).txt")
    }

    @Test("provisioning: a plain create with uniqueForeignId and name; the lookup by uniqueForeignId")
    func provisioning() throws {
        try check("provisionedApplications-create", LinkedInRequests.provisionApplication(
            uniqueForeignId: "tt-42", name: "Teamtailor - Acme", description: "Teamtailor for Acme",
            callbackURLs: ["https://app.example.com/linkedin/callback"], jsSdkDomains: ["https://app.example.com"]))
        try check("provisionedApplications-find", LinkedInRequests.findProvisionedApplication(uniqueForeignId: "tt 42/a"))
        try check("provisionedApplications-partial_update", LinkedInRequests.updateApplication(
            key: "urn:li:developerApplication:234", validJsSdkDomains: ["https://app.teamtailor.com"], oauth2AuthorizedCallbackUrls: nil))
    }

    @Test("integrations: four keys named in one batch_partial_update, CSA_API on the contract; configurations batch_update; one batch_get")
    func integrations() throws {
        let keys = ATSIntegrationKey.all(organization: Self.org, contracts: [Self.contract])
        #expect(keys.map(\.type) == [.oneClickExport, .inATSIndicator, .profilePlugin, .csaAPI])
        try check("atsIntegrations-batch_partial_update", LinkedInRequests.nameIntegrations(keys, name: "Teamtailor"))
        try check("atsIntegrations-configurations-batch_update", LinkedInRequests.configureIntegration(
            [("CALLBACK_URL", "https://hooks.example.com/linkedin/acme"), ("JOB_POSTING_VIEWERS", "ALL_PRODUCT_USERS")],
            integration: ATSIntegrationKey(context: Self.org, type: .oneClickExport)))
        try check("atsIntegrations-batch_get", LinkedInRequests.integrations(keys))
        try check("atsIntegrations-request", LinkedInRequests.integrationStatus(requestId: "req-1"))
        try check("exportedCandidates-request", LinkedInRequests.exportedCandidate(requestId: "req-2"))
    }

    @Test("recruiter data finders: URNs encoded, window and paging in the query")
    func recruiterData() throws {
        try check("seatsV2-attributes", LinkedInRequests.seats(contract: Self.contract))
        try check("prospectNotes-criteria", LinkedInRequests.prospectNotes(
            contract: Self.contract, owners: [Self.seat, "urn:li:seat:502"], window: Self.window, start: 100, count: 100))
        try check("conversationEvents-criteria", LinkedInRequests.conversationEvents(viewer: Self.seat, window: Self.window))
        try check("mailStubs-contract", LinkedInRequests.mailStubs(contract: Self.contract, owners: [Self.seat], window: Self.window))
    }

    @Test("a long span is cut into windows of at most 12 hours that cover it exactly")
    func windows() {
        let hour: Int64 = 3_600_000
        let windows = RecruiterDataWindow.covering(from: 0, to: 30 * hour)
        #expect(windows == [.init(start: 0, end: 12 * hour), .init(start: 12 * hour, end: 24 * hour), .init(start: 24 * hour, end: 30 * hour)])
        #expect(RecruiterDataWindow.covering(from: 5, to: 5).isEmpty)
    }

    @Test("the webhook signature matches RFC 4231 HMAC-SHA256 and LinkedIn's prefix, and verify is strict")
    func signature() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        #expect(LinkedInWebhookSignature.challengeResponse(code: "what do ya want for nothing?", secret: "Jefe")
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let body = Array(#"{"notificationId":"n1"}"#.utf8)
        let signed = LinkedInWebhookSignature.sign(body: body, secret: "s3cret")
        // Python: hmac.new(b"s3cret", b'hmacsha256={"notificationId":"n1"}', hashlib.sha256).hexdigest()
        #expect(signed == "74c93c74b88fd93f51dd0498fad03ae6abdee5334b6654eb240cb59a218c99e3")
        #expect(LinkedInWebhookSignature.verify(signature: signed, body: body, secret: "s3cret"))
        #expect(LinkedInWebhookSignature.verify(signature: signed.uppercased(), body: body, secret: "s3cret"))
        #expect(!LinkedInWebhookSignature.verify(signature: signed, body: body + [0x20], secret: "s3cret"))
        #expect(!LinkedInWebhookSignature.verify(signature: signed, body: body, secret: "other"))
        #expect(!LinkedInWebhookSignature.verify(signature: String(signed.dropLast()), body: body, secret: "s3cret"))
        #expect(!LinkedInWebhookSignature.verify(signature: "", body: body, secret: "s3cret"))
    }

    @Test("a key longer than a block is hashed first and a message over many blocks is padded right")
    func longInputs() {
        // Python: hmac.new(b"k" * 100, b"a" * 1000, hashlib.sha256).hexdigest()
        #expect(LinkedInWebhookSignature.challengeResponse(code: String(repeating: "a", count: 1000), secret: String(repeating: "k", count: 100))
            == "ab7d23e4c5319ca43ea897985451433d6d1d4e6dd8cb46f806e1094be98fd11a")
    }

    @Test("answers decode into elements, and paging says whether more pages exist")
    func decoding() throws {
        let answer = try JSONValue.parse(Array(#"""
        {"elements":[{"id":"note-1","member":"urn:li:person:m1","owner":"urn:li:seat:501","note":"Private","visibility":"PRIVATE","created":1767182400000,"lastModified":1767186000000,"active":false},{"id":"broken"}],"paging":{"start":0,"count":2,"total":5}}
        """#.utf8))
        let page = LinkedInClient.decodeProspectNotes(answer, start: 0, count: 2)
        let note = try #require(page.elements.first)
        #expect(page.elements.count == 1)
        #expect(note.id == "note-1" && note.owner == "urn:li:seat:501" && note.note == "Private")
        #expect(note.visibility == .private && !note.active)
        #expect(note.created == 1_767_182_400_000 && note.lastModified == 1_767_186_000_000)
        #expect(page.nextStart == 2)
        let last = LinkedInClient.decodeProspectNotes(try JSONValue.parse(Array(#"{"elements":[],"paging":{"start":4,"count":2,"total":4}}"#.utf8)), start: 4, count: 2)
        #expect(!last.hasMore)

        let export = try JSONValue.parse(Array(#"""
        {"elements":[{"requestId":"r1","integrationContext":"urn:li:organization:123","exportedAt":1767225600000,"exporter":{"seat":"urn:li:seat:501","firstName":"Rita","lastName":"R","email":"rita@example.com"},"atsJobPostingId":"J1","candidate":{"person":"urn:li:person:abc","firstName":"Grace","lastName":"Hopper","headline":"Admiral"}}]}
        """#.utf8))
        let candidate = try #require(LinkedInClient.decodeExportedCandidate(export))
        #expect(candidate.integrationContext == "urn:li:organization:123")
        #expect(candidate.exporter.email == "rita@example.com")
        #expect(candidate.candidate.emailAddresses.isEmpty)
        #expect(candidate.atsJobPostingId == "J1")
    }

    static let published = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Published")

    /// A fixture written from a published answer: `{"source": "…", "answer": {…}}`.
    static func publishedAnswer(_ name: String) throws -> JSONValue {
        let fixture = try JSONValue.parse(Array(try Data(contentsOf: published.appendingPathComponent(name + ".json"))))
        #expect(fixture["source"]?.stringValue?.hasPrefix("linkedin/") == true, "\(name) names its source")
        return try #require(fixture["answer"])
    }

    @Test("the SDK's published provisioning answers decode: the create with both credentials, the lookup with the client id and no secret")
    func publishedProvisioningAnswers() throws {
        let created = try #require(LinkedInClient.decodeCreatedApplication(try Self.publishedAnswer("sdk-CreateApplicationSuccessResponse")))
        #expect(created.key == "urn:li:developerApplication:234")
        #expect(created.credentials.clientID == "1234567890" && created.credentials.clientSecret == "ABCDEFGHIJKL")
        let lookup = try Self.publishedAnswer("sdk-GetApplicationSuccessResponse")
        let listed = LinkedInClient.decodeProvisionedApplications(lookup)
        #expect(listed.count == 1)
        #expect(listed.first?.key == "urn:li:developerApplication:1234567" && listed.first?.clientID == "123abc456defga")
        #expect(listed.first?.validJsSdkDomains == ["http://linkedin.com", "https://linkedin.com"])
        // The old reading wanted a secret from the lookup and found nothing: a lookup never gives credentials to use.
        guard case .array(let elements)? = lookup["elements"], let element = elements.first else {
            Issue.record("the lookup has elements"); return
        }
        #expect(LinkedInClient.decodeCreatedApplication(element) == nil)
    }

    @Test("a BATCH_GET answer's keys are read by their fields: Rest.li 1.0's sorted, encoded form and the raw form both match")
    func integrationAnswerKeys() throws {
        let keys = ATSIntegrationKey.all(organization: Self.org, contracts: [Self.contract])
        let answer = try JSONValue.parse(Array(#"""
        {"results":{
          "dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A123&integrationType=ONE_CLICK_EXPORT&tenantType=RECRUITER":{"integrationName":"Teamtailor","status":"ENABLED"},
          "integrationContext=urn:li:organization:123&integrationType=IN_ATS_INDICATOR&tenantType=RECRUITER&dataProvider=ATS":{"integrationName":"Teamtailor"}},
         "errors":{
          "dataProvider=ATS&integrationContext=urn%3Ali%3Acontract%3A900&integrationType=CSA_API&tenantType=RECRUITER":{"status":404,"message":"not named"}}}
        """#.utf8))
        let checks = LinkedInClient.decodeIntegrationChecks(answer, keys: keys)
        #expect(checks[keys[0]] == .named(name: "Teamtailor", status: "ENABLED"))
        #expect(checks[keys[1]] == .named(name: "Teamtailor", status: nil))
        #expect(checks[keys[2]] == .missing)
        #expect(checks[keys[3]] == .refused(status: 404, message: "not named"))
    }

    @Test("a seat's URN is built from its id, and a prospect note's numeric id is read (the seat-holders and prospect-notes pages)")
    func seatAndNoteIDs() throws {
        // Elements written from the fields the pages list (id, contract, member, names, state; a numeric note id).
        let seats = LinkedInClient.decodeSeats(try JSONValue.parse(Array(#"""
        {"elements":[{"id":123456789,"contract":"urn:li:contract:900","member":"urn:li:person:abc","firstName":"Rita","lastName":"R","state":"ACTIVE"},
                     {"id":987,"state":"INACTIVE"},{"firstName":"no id"}],"paging":{"start":0,"count":10,"total":3}}
        """#.utf8)), start: 0, count: 10)
        #expect(seats.elements.map(\.seat) == ["urn:li:seat:123456789", "urn:li:seat:987"])
        #expect(seats.elements.map(\.active) == [true, false])
        let notes = LinkedInClient.decodeProspectNotes(try JSONValue.parse(Array(#"""
        {"elements":[{"id":6871234,"contract":"urn:li:contract:900","member":"urn:li:person:m1","owner":"urn:li:seat:501","note":"Hi","created":1,"lastModified":2,"active":true}]}
        """#.utf8)), start: 0, count: 10)
        #expect(notes.elements.map(\.id) == ["6871234"])
    }

}
