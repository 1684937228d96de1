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
            // As the SDK's GetApplicationSuccessResponse.json: the lookup never shows the secret.
            #expect(elements.first?["credentials"]?["client_secret"] == nil)
            #expect(elements.first?["validJsSdkDomains"]?.arrayValue?.compactMap(\.stringValue) == ["https://app.example.com"])
            #expect(elements.first?["description"]?.stringValue == "Acme's ATS")
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

    @Test("a name over 50 characters, a name with LinkedIn, no uniqueForeignId or no description is a 400")
    func provisionValidation() async throws {
        try await withSimulator { h in
            let partner = try await h.partnerToken()
            for body: SimulatedJSON in [
                ["uniqueForeignId": "x", "name": .string(String(repeating: "a", count: 51)), "description": "d"],
                ["uniqueForeignId": "x", "name": "Teamtailor for LinkedIn", "description": "d"],
                ["name": "Teamtailor - Acme", "description": "d"],
                ["uniqueForeignId": "x", "name": "ok", "description": "d", "surprise": true],
                ["uniqueForeignId": "x", "name": "ok"],
            ] {
                let reply = try await h.call(.post, "/v2/provisionedApplications", token: partner, json: body)
                #expect(reply.status == 400)
                #expect(reply.isLinkedInError)
            }
            let fifty = try await h.call(
                .post, "/v2/provisionedApplications", token: partner,
                json: ["uniqueForeignId": "x", "name": .string(String(repeating: "a", count: 50)), "description": "d"])
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

    @Test("the partial update sets JS SDK domains or OAuth callback URLs as LinkedIn's collection sends it (no x-restli-method, text/plain) and answers 204")
    func partialUpdate() async throws {
        try await withSimulator { h in
            let partner = try await h.partnerToken()
            let created = try await h.call(.post, "/v2/provisionedApplications", token: partner, json: Self.provisionBody)
            let key = try #require(created.json?["key"]?.stringValue)
            let domains = try await h.send(
                .post, "/v2/provisionedApplications/\(key)",
                headers: ["Authorization": "Bearer \(partner)", "Content-Type": "text/plain"],
                body: #"{"patch":{"$set":{"validJsSdkDomains":["http://localhost:8000","http://localhost:5000"]}}}"#)
            #expect(domains.status == 204)
            #expect(domains.text.isEmpty)
            let callbacks = try await h.call(
                .post, "/v2/provisionedApplications/\(Keys.encode(key))", token: partner,
                json: ["patch": ["$set": ["oauth2AuthorizedCallbackUrls": ["https://app.getpostman.com/oauth2/callback"]]]])
            #expect(callbacks.status == 204)
            let found = try await h.call(
                .get, "/v2/provisionedApplications?q=credentialsByUniqueForeignId&uniqueForeignId=tt-company-42", token: partner)
            let element = try #require(found.json?["elements"]?.arrayValue?.first)
            #expect(element["validJsSdkDomains"]?.arrayValue?.compactMap(\.stringValue) == ["http://localhost:8000", "http://localhost:5000"])
            #expect(element["oauth2AuthorizedCallbackUrls"]?.arrayValue?.compactMap(\.stringValue) == ["https://app.getpostman.com/oauth2/callback"])

            let unknownField = try await h.call(
                .post, "/v2/provisionedApplications/\(key)", token: partner, json: ["patch": ["$set": ["name": "Other"]]])
            #expect(unknownField.status == 400 && unknownField.isLinkedInError)
            let notAList = try await h.call(
                .post, "/v2/provisionedApplications/\(key)", token: partner, json: ["patch": ["$set": ["validJsSdkDomains": "x"]]])
            #expect(notAList.status == 400)
            let unknownApplication = try await h.call(
                .post, "/v2/provisionedApplications/urn:li:developerApplication:9", token: partner,
                json: ["patch": ["$set": ["validJsSdkDomains": []]]])
            #expect(unknownApplication.status == 404)
            let child = try await h.token()
            let byChild = try await h.call(
                .post, "/v2/provisionedApplications/\(key)", token: child, json: ["patch": ["$set": ["validJsSdkDomains": []]]])
            #expect(byChild.status == 403)
        }
    }

    @Test("a BATCH_GET of integrations answers each under Rest.li 1.0's key (fields sorted, values encoded); one never named is a 404")
    func batchGetIntegrations() async throws {
        try await withSimulator { h in
            try await h.state.addSeat(
                Harness.seat, contract: Harness.contract, organization: Harness.org, firstName: "Rita", lastName: "R")
            let token = try await h.token()
            _ = try await h.nameIntegrations(Array(Harness.allIntegrations.prefix(3)), token: token)
            // The collection's "Verify Customer's ATSIntegrations": raw brackets and URNs, no x-restli-method.
            let query = Harness.allIntegrations.enumerated().map { index, key in
                "ids[\(index)].integrationContext=\(key.context)&ids[\(index)].integrationType=\(key.type)"
                    + "&ids[\(index)].tenantType=RECRUITER&ids[\(index)].dataProvider=ATS"
            }.joined(separator: "&")
            let reply = try await h.call(.get, "/v2/atsIntegrations?" + query, token: token)
            #expect(reply.status == 200)
            let results = try #require(reply.json?["results"]?.objectValue)
            let exportKey = "dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A123&integrationType=ONE_CLICK_EXPORT&tenantType=RECRUITER"
            #expect(Set(results.keys) == [
                exportKey,
                "dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A123&integrationType=IN_ATS_INDICATOR&tenantType=RECRUITER",
                "dataProvider=ATS&integrationContext=urn%3Ali%3Aorganization%3A123&integrationType=PROFILE_PLUGIN&tenantType=RECRUITER",
            ])
            #expect(results[exportKey]?["integrationName"]?.stringValue == "Teamtailor")
            let missing = "dataProvider=ATS&integrationContext=urn%3Ali%3Acontract%3A900&integrationType=CSA_API&tenantType=RECRUITER"
            #expect(reply.errorStatus(missing) == 404)
            // The finder on the same path still answers.
            let finder = try await h.call(.get, "/v2/atsIntegrations?q=request&requestId=nope", token: token)
            #expect(finder.status == 404)
            let none = try await h.call(.get, "/v2/atsIntegrations", token: token)
            #expect(none.status == 400)
        }
    }

    @Test("configurations are read and deleted per id on the integration's key, as LinkedIn's collection does; one not set is a 404")
    func readAndDeleteConfigurations() async throws {
        try await withSimulator { h in
            let token = try await h.onboard(callback: "https://ats.example.com/linkedin/acme")
            let key = "integrationContext=\(Harness.org)&integrationType=ONE_CLICK_EXPORT&tenantType=RECRUITER&dataProvider=ATS"
            let viewers = try await h.call(
                .put, "/v2/atsIntegrations/\(key)/configurations?ids=JOB_POSTING_VIEWERS", token: token, restli: "batch_update",
                json: ["entities": ["JOB_POSTING_VIEWERS": ["configurationValue": ["string": "ALL_PRODUCT_USERS"]]]])
            #expect(viewers.resultStatus("JOB_POSTING_VIEWERS") == 204)
            let read = try await h.call(.get, "/v2/atsIntegrations/\(key)/configurations?ids=CALLBACK_URL&ids=JOB_POSTING_VIEWERS", token: token)
            #expect(read.status == 200)
            #expect(read.json?["results"]?["CALLBACK_URL"]?["configurationValue"]?["string"]?.stringValue == "https://ats.example.com/linkedin/acme")
            #expect(read.json?["results"]?["JOB_POSTING_VIEWERS"]?["configurationValue"]?["string"]?.stringValue == "ALL_PRODUCT_USERS")
            let deleted = try await h.call(.delete, "/v2/atsIntegrations/\(key)/configurations?ids=JOB_POSTING_VIEWERS", token: token)
            #expect(deleted.status == 200)
            #expect(deleted.resultStatus("JOB_POSTING_VIEWERS") == 204)
            let again = try await h.call(.get, "/v2/atsIntegrations/\(key)/configurations?ids=JOB_POSTING_VIEWERS", token: token)
            #expect(again.errorStatus("JOB_POSTING_VIEWERS") == 404)
            let twice = try await h.call(.delete, "/v2/atsIntegrations/\(key)/configurations?ids=JOB_POSTING_VIEWERS", token: token)
            #expect(twice.errorStatus("JOB_POSTING_VIEWERS") == 404)
            let export = try #require(await h.state.integrations(organization: Harness.org).first { $0.type == .oneClickExport })
            #expect(export.configurations == ["CALLBACK_URL": "https://ats.example.com/linkedin/acme"])
        }
    }

    @Test("a callback URL must be HTTPS on port 443 or 80 and no other customer's; plain HTTP only on loopback")
    func callbackURLRules() async throws {
        try await withSimulator { h in
            let token = try await h.onboard(callback: nil)
            for refused in ["https://ats.example.com:8443/cb", "http://ats.example.com/cb", "ftp://ats.example.com/cb"] {
                #expect(try await h.registerCallback(refused, token: token).errorStatus("CALLBACK_URL") == 422, "\(refused)")
            }
            for accepted in ["https://ats.example.com:443/cb", "https://ats.example.com:80/cb", "http://127.0.0.1:9/cb", "https://ats.example.com/cb"] {
                #expect(try await h.registerCallback(accepted, token: token).resultStatus("CALLBACK_URL") == 204, "\(accepted)")
            }
            // Another customer may not reuse it.
            let other = try await h.token(clientID: Harness.otherClientID, secret: Harness.otherSecret)
            _ = try await h.nameIntegrations([(Harness.otherOrg, "ONE_CLICK_EXPORT")], token: other)
            let otherKey = "integrationContext=\(Harness.otherOrg)&integrationType=ONE_CLICK_EXPORT&tenantType=RECRUITER&dataProvider=ATS"
            func register(_ url: String) async throws -> Reply {
                try await h.call(
                    .put, "/v2/atsIntegrations/\(otherKey)/configurations?ids=CALLBACK_URL", token: other, restli: "batch_update",
                    json: ["entities": ["CALLBACK_URL": ["configurationValue": ["string": .string(url)]]]])
            }
            #expect(try await register("https://ats.example.com/cb").errorStatus("CALLBACK_URL") == 422)
            #expect(try await register("https://ats.example.com/cb-456").resultStatus("CALLBACK_URL") == 204)
        }
    }


    @Test("an application LinkedIn's support deleted is gone from the lookup, 404 on update, and its credentials get no token")
    func deletedApplication() async throws {
        try await withSimulator { h in
            let partner = try await h.partnerToken()
            let created = try await h.call(.post, "/v2/provisionedApplications", token: partner, json: Self.provisionBody)
            let key = try #require(created.json?["key"]?.stringValue)
            let clientID = try #require(created.json?["credentials"]?["client_id"]?.stringValue)
            let secret = try #require(created.json?["credentials"]?["client_secret"]?.stringValue)
            #expect(try await h.send(.delete, "/_simulator/provisioned-applications?uniqueForeignId=tt-company-42").status == 204)
            #expect(try await h.send(.delete, "/_simulator/provisioned-applications?uniqueForeignId=tt-company-42").status == 404)
            let found = try await h.call(
                .get, "/v2/provisionedApplications?q=credentialsByUniqueForeignId&uniqueForeignId=tt-company-42", token: partner)
            #expect(found.json?["elements"]?.arrayValue?.isEmpty == true)
            let update = try await h.call(
                .post, "/v2/provisionedApplications/\(key)", token: partner, json: ["patch": ["$set": ["validJsSdkDomains": []]]])
            #expect(update.status == 404)
            await #expect(throws: (any Error).self) { _ = try await h.token(clientID: clientID, secret: secret) }
            // A new create gets a new key, never the deleted one's.
            let again = try await h.call(.post, "/v2/provisionedApplications", token: partner, json: Self.provisionBody)
            #expect(again.status == 201 && again.json?["key"]?.stringValue != key)
        }
    }

}
