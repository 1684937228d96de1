import Foundation
import Testing
@testable import RSCLinkedInSimulator

@Suite("Provisioning and integrations")
struct OnboardingTests {
    static let provisionBody: SimulatedJSON = [
        "uniqueForeignId": "tt-company-42", "name": "Teamtailor - Acme", "description": "Acme's ATS",
        "oauth2AuthorizedCallbackUrls": ["https://app.example.com/cb"], "validJsSdkDomains": ["https://app.example.com"],
    ]

    @Test("provisioning twice answers 409, the lookup finds the one application, and its credentials get a token")
    func provisionOnce() async throws {
        try await withSimulator { h in
            let partner = try await h.partnerToken()
            let first = try await h.call(.post, "/v2/provisionedApplications", token: partner, json: Self.provisionBody)
            #expect(first.status == 201)
            let clientID = try #require(first.json?["credentials"]?["client_id"]?.stringValue)
            let secret = try #require(first.json?["credentials"]?["client_secret"]?.stringValue)
            #expect(first.json?["key"]?.stringValue?.hasPrefix("urn:li:developerApplication:") == true)

            let second = try await h.call(.post, "/v2/provisionedApplications", token: partner, json: Self.provisionBody)
            #expect(second.status == 409)
            #expect(second.isLinkedInError)

            let found = try await h.call(
                .get, "/v2/provisionedApplications?q=credentialsByUniqueForeignId&uniqueForeignId=tt-company-42", token: partner)
            #expect(found.status == 200)
            let elements = try #require(found.json?["elements"]?.arrayValue)
            #expect(elements.count == 1)
            #expect(elements.first?["credentials"]?["client_id"]?.stringValue == clientID)
            #expect(await h.state.childApplicationCount(uniqueForeignId: "tt-company-42") == 1)

            let none = try await h.call(
                .get, "/v2/provisionedApplications?q=credentialsByUniqueForeignId&uniqueForeignId=nobody", token: partner)
            #expect(none.json?["elements"]?.arrayValue?.isEmpty == true)

            // The child token works, but serves no organization until onboarding binds one.
            let child = try await h.token(clientID: clientID, secret: secret)
            let before = try await h.putCandidates(["C1": Fixtures.candidate()], token: child)
            #expect(before.status == 403)
            #expect(await h.state.completeOnboarding(clientID: clientID, organization: Harness.org))
            let after = try await h.putCandidates(["C1": Fixtures.candidate()], token: child)
            #expect(after.status == 200)
            let inspected = try await h.send(.get, "/_simulator/provisioned-applications")
            #expect(inspected.json?["childApplicationsByForeignId"]?["tt-company-42"]?.intValue == 1)
        }
    }

    @Test("the partner token is refused on customer data, a child token on provisioning")
    func wrongApplication() async throws {
        try await withSimulator { h in
            let partner = try await h.partnerToken()
            let data = try await h.putCandidates(["C1": Fixtures.candidate()], token: partner)
            #expect(data.status == 403)
            #expect(data.isLinkedInError)
            let child = try await h.token()
            let provision = try await h.call(.post, "/v2/provisionedApplications", token: child, json: Self.provisionBody)
            #expect(provision.status == 403)
            #expect(provision.isLinkedInError)
            #expect(await h.state.childApplicationCount(uniqueForeignId: "tt-company-42") == 0)
        }
    }

    @Test("a name over 50 characters, a name with LinkedIn, or no uniqueForeignId is a 400")
    func provisionValidation() async throws {
        try await withSimulator { h in
            let partner = try await h.partnerToken()
            for body: SimulatedJSON in [
                ["uniqueForeignId": "x", "name": .string(String(repeating: "a", count: 51))],
                ["uniqueForeignId": "x", "name": "Teamtailor for LinkedIn"],
                ["name": "Teamtailor - Acme"],
                ["uniqueForeignId": "x", "name": "ok", "surprise": true],
            ] {
                let reply = try await h.call(.post, "/v2/provisionedApplications", token: partner, json: body)
                #expect(reply.status == 400)
                #expect(reply.isLinkedInError)
            }
            let fifty = try await h.call(
                .post, "/v2/provisionedApplications", token: partner,
                json: ["uniqueForeignId": "x", "name": .string(String(repeating: "a", count: 50))])
            #expect(fifty.status == 201)
        }
    }

    @Test("integrations are named for the organization and its contract, and the callback URL is stored")
    func nameAndConfigure() async throws {
        try await withSimulator { h in
            try await h.state.addSeat(
                Harness.seat, contract: Harness.contract, organization: Harness.org, firstName: "Rita", lastName: "R")
            let token = try await h.token()
            let named = try await h.nameIntegrations(token: token)
            #expect(named.status == 200)
            for key in Harness.allIntegrations {
                #expect(named.resultStatus(Harness.integrationAnswerKey(key.context, key.type)) == 204)
            }
            let other = try await h.nameIntegrations([(Harness.otherOrg, "ONE_CLICK_EXPORT")], token: token)
            #expect(other.status == 403)
            let foreignContract = try await h.nameIntegrations([("urn:li:contract:777", "CSA_API")], token: token)
            #expect(foreignContract.errorStatus(Harness.integrationAnswerKey("urn:li:contract:777", "CSA_API")) == 403)
            let wrongContext = try await h.nameIntegrations([(Harness.contract, "ONE_CLICK_EXPORT")], token: token)
            #expect(wrongContext.status == 400)

            let insecure = try await h.registerCallback("http://example.com/cb", token: token)
            #expect(insecure.errorStatus("CALLBACK_URL") == 422)
            let callback = try await h.registerCallback("https://ats.example.com/linkedin/acme", token: token)
            #expect(callback.resultStatus("CALLBACK_URL") == 204)

            let integrations = await h.state.integrations(organization: Harness.org)
            #expect(integrations.count == 4)
            #expect(integrations.allSatisfy { $0.name == "Teamtailor" && $0.status == nil })
            let export = try #require(integrations.first { $0.type == .oneClickExport })
            #expect(export.configurations["CALLBACK_URL"] == "https://ats.example.com/linkedin/acme")
        }
    }

    @Test("enabling with nothing named is refused; the status of an unknown request is a 404")
    func nothingToEnable() async throws {
        try await withSimulator { h in
            await #expect(throws: SimulatorScriptError.self) {
                try await h.state.setIntegrationStatus(.enabled, organization: Harness.org)
            }
            let token = try await h.token()
            let unknown = try await h.call(.get, "/v2/atsIntegrations?q=request&requestId=nope", token: token)
            #expect(unknown.status == 404)
            #expect(unknown.isLinkedInError)
        }
    }
}
