import Foundation
import Hummingbird
import Testing
@testable import RSCLinkedInSimulator

/// LinkedIn's own published requests (its RSC Postman collection, `Published/`) replayed against the simulator in
/// the collection's order: each is accepted as LinkedIn would accept it.
@Suite("LinkedIn's published requests")
struct PublishedRequestsTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Published/collection-onboarding-requests.json")

    struct PublishedRequest {
        var name: String
        var method: HTTPRequest.Method
        var url: String
        var headers: [String: String]
        var body: String?
        var partner: Bool
    }

    static func requests() throws -> [PublishedRequest] {
        let json = try #require(SimulatedJSON.parse(try Data(contentsOf: fixture)))
        #expect(json["source"]?.stringValue?.contains("recruiter-system-connect-development-tools") == true)
        return try #require(json["requests"]?.arrayValue).map { request in
            PublishedRequest(
                name: request["name"]?.stringValue ?? "", method: HTTPRequest.Method(request["method"]?.stringValue ?? "GET")!,
                url: request["url"]?.stringValue ?? "",
                headers: (request["headers"]?.objectValue ?? [:]).compactMapValues(\.stringValue),
                body: request["body"]?.stringValue, partner: request["token"]?.stringValue == "{{partner_access_token}}")
        }
    }

    @Test("every published onboarding, integration and recruiter-data request of the collection is accepted")
    func collectionIsAccepted() async throws {
        let requests = try Self.requests()
        #expect(requests.count == 20)
        // The enable pushes to the registered URL: a loopback port nobody listens on, with short retries.
        try await withSimulator({ $0.pushAttempts = 1; $0.pushTimeout = .milliseconds(300) }) { h in
            try await h.state.addSeat(
                Harness.seat, contract: Harness.contract, organization: Harness.org, firstName: "Rita", lastName: "Recruiter")
            let now = h.clock.now().epochMilliseconds
            try await h.state.addProspectNote(
                owner: Harness.seat, member: "urn:li:person:m1", note: "n", at: Date(timeIntervalSince1970: Double(now - 60_000) / 1000))
            let partner = try await h.partnerToken()
            var variables = [
                "customer_name": "Acme", "unique_foreign_id": "tt-acme", "org_id": "123", "contract_id": "900",
                "Enter_ID_Value_Present_In_Response_of_Retrieve_Recruiter_Seatholders_API": "501",
            ]
            let epochs = [
                "timeRange.start": now - 3_600_000, "timeRange.end": now, "cutoffDate": now - 3_600_000, "beforeDate": now,
                "createdDateStart": now - 3_600_000, "createdDateEnd": now,
            ]
            var customer: String?
            for request in requests {
                if request.name == "GET Notification Type INTEGRATION_STATUS_CHANGE" {
                    // The push LinkedIn sends when the customer's admin enables the integrations carries this id.
                    let change = try await h.state.setIntegrationStatus(.enabled, organization: Harness.org)
                    variables["Enter_Request_ID_obtained_from_POST_in_CallbackURL"] = change.requestId
                }
                var uri = String(request.url.dropFirst("https://api.linkedin.com".count))
                for (name, value) in epochs {
                    uri = uri.replacingOccurrences(of: "\(name)={{Epoch in milliseconds}}", with: "\(name)=\(value)")
                }
                uri = Self.fill(uri, variables)
                var headers = request.headers.mapValues { Self.fill($0, variables) }
                let token = request.partner ? partner : try #require(customer, "\(request.name) needs the customer's token")
                headers["Authorization"] = "Bearer \(token)"
                // The collection's callback URL is a placeholder in angle brackets; a customer puts theirs there.
                let body = request.body.map { Self.fill($0, variables).replacingOccurrences(of: "<https://YourCallbackURL>", with: Self.callbackURL) }
                let reply = try await h.send(request.method, uri, headers: headers, body: body)
                #expect((200..<300).contains(reply.status), "\(request.name): \(reply.status) \(reply.text)")
                #expect(reply.json?["errors"]?.objectValue?.isEmpty ?? true, "\(request.name): \(reply.text)")

                if request.name == "Provision Child Application" {
                    let key = try #require(reply.json?["key"]?.stringValue)
                    variables["customer_application_urn"] = key
                    let clientID = try #require(reply.json?["credentials"]?["client_id"]?.stringValue)
                    let secret = try #require(reply.json?["credentials"]?["client_secret"]?.stringValue)
                    // LinkedIn's onboarding widget binds the child application to the customer's organization.
                    await h.state.completeOnboarding(clientID: clientID, organization: Harness.org)
                    customer = try await h.token(clientID: clientID, secret: secret)
                }
                if request.name == "Retrieve Recruiter Seatholders" {
                    // The collection reads `id` and builds urn:li:seat:{id} from it for the requests that follow.
                    #expect(reply.json?["elements"]?.arrayValue?.first?["id"]?.intValue == 501)
                }
                if request.name == "Retrieve Prospect Notes" {
                    #expect(reply.json?["elements"]?.arrayValue?.count == 1)
                }
            }
            let application = try #require(await h.state.provisionedApplications().first)
            #expect(application.uniqueForeignId == "tt-acme")
            let integrations = await h.state.integrations(organization: Harness.org)
            #expect(integrations.count == 4)
            // The collection deleted both viewers again; the callback URL stays.
            #expect(integrations.first { $0.type == .oneClickExport }?.configurations == ["CALLBACK_URL": Self.callbackURL])
        }
    }

    static let callbackURL = "http://127.0.0.1:9/linkedin/callbacks/acme"

    static func fill(_ text: String, _ variables: [String: String]) -> String {
        var text = text
        for (name, value) in variables { text = text.replacingOccurrences(of: "{{\(name)}}", with: value) }
        return text
    }
}
