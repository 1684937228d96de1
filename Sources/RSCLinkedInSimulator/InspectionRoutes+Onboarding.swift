import Foundation
import Hummingbird

/// `/_simulator` routes for provisioning, integrations, pushes, exports and the disconnect check.
extension InspectionRoutes {
    static func registerOnboarding(on router: Router<BasicRequestContext>, state: SimulatorState) {
        route(router, .get, "provisioned-applications") { _, _ in
            var counts: JSONObject = [:]
            let list = await state.provisionedApplications().map { application -> SimulatedJSON in
                counts[application.uniqueForeignId] = .int(Int64(counts[application.uniqueForeignId]?.intValue ?? 0) + 1)
                return [
                    "uniqueForeignId": .string(application.uniqueForeignId), "key": .string(application.key),
                    "name": .string(application.name), "clientId": .string(application.clientID),
                    "organization": .string(application.organization),
                ]
            }
            return .json(200, ["applications": .array(list), "childApplicationsByForeignId": .object(counts)])
        }
        route(router, .post, "provisioned-applications/:clientId/onboard") { request, context in
            let clientID = QueryParameters.decode(context.parameters.get("clientId") ?? "") ?? ""
            let organization = try string(try await jsonBody(request), "organization")
            guard await state.completeOnboarding(clientID: clientID, organization: organization) else {
                throw APIError.notFound("No child application with client id \(clientID)")
            }
            return .noContent
        }
        route(router, .delete, "provisioned-applications") { request, _ in
            guard let foreignID = try QueryParameters(raw: request.uri.query).first("uniqueForeignId"), !foreignID.isEmpty else {
                throw APIError.badRequest("uniqueForeignId is required")
            }
            guard await state.deleteProvisionedApplication(uniqueForeignId: foreignID) else {
                throw APIError.notFound("No child application for uniqueForeignId \(foreignID)")
            }
            return .noContent
        }
        route(router, .get, "integrations") { request, _ in
            let organization = try organizationQuery(request)
            let list = await state.integrations(organization: organization).map { integration -> SimulatedJSON in
                [
                    "integrationContext": .string(integration.integrationContext),
                    "integrationType": .string(integration.type.rawValue), "integrationName": .string(integration.name),
                    "status": integration.status.map { .string($0.rawValue) } ?? .null,
                    "configurations": .object(integration.configurations.mapValues(SimulatedJSON.string)),
                ]
            }
            return .json(200, ["integrations": .array(list)])
        }
        for (action, status) in [("enable", IntegrationStatus.enabled), ("disable", .disabled)] {
            route(router, .post, "integrations/\(action)") { request, _ in
                let organization = try string(try await jsonBody(request), "organization")
                let change = try await state.setIntegrationStatus(status, organization: organization)
                return .json(200, ["requestId": .string(change.requestId), "delivery": change.delivery?.json ?? .null])
            }
        }
        route(router, .post, "callbacks/validate") { request, _ in
            let organization = try string(try await jsonBody(request), "organization")
            let outcome = try await state.validateCallback(organization: organization)
            return .json(200, [
                "passed": .bool(outcome.passed), "status": outcome.status.map { .int(Int64($0)) } ?? .null,
                "reason": outcome.reason.map(SimulatedJSON.string) ?? .null,
            ])
        }
        route(router, .get, "notifications") { request, _ in
            let query = try QueryParameters(raw: request.uri.query)
            let deliveries = await state.notificationDeliveries(organization: query.first("organization"))
            return .json(200, ["deliveries": .array(deliveries.map(\.json))])
        }
        route(router, .post, "notifications/:notificationId/redeliver") { _, context in
            let id = QueryParameters.decode(context.parameters.get("notificationId") ?? "") ?? ""
            return .json(200, try await state.redeliver(notificationId: id).json)
        }
        route(router, .post, "exports") { request, _ in
            let body = try await jsonBody(request)
            guard let profile = body["profile"]?.objectValue, let person = profile["person"]?.stringValue else {
                throw APIError.badRequest("Body must be {\"organization\", \"seat\", \"profile\": {\"person\", …}, \"atsJobPostingId\"?}")
            }
            func strings(_ name: String) -> [String] { profile[name]?.arrayValue?.compactMap(\.stringValue) ?? [] }
            let exported = ExportedProfile(
                person: person, firstName: profile["firstName"]?.stringValue, lastName: profile["lastName"]?.stringValue,
                headline: profile["headline"]?.stringValue, location: profile["location"]?.stringValue,
                profileUrl: profile["profileUrl"]?.stringValue, emailAddresses: strings("emailAddresses"),
                phoneNumbers: strings("phoneNumbers"))
            let outcome = try await state.exportCandidate(
                organization: try string(body, "organization"), seat: try string(body, "seat"), profile: exported,
                atsJobPostingId: body["atsJobPostingId"]?.stringValue)
            return .json(200, ["requestId": .string(outcome.requestId), "delivery": outcome.delivery?.json ?? .null])
        }
        route(router, .get, "holdings") { request, _ in
            let holdings = await state.holdings(organization: try organizationQuery(request))
            return .json(200, [
                "organization": .string(holdings.organization), "listedJobs": .int(Int64(holdings.listedJobs)),
                "closedJobs": .int(Int64(holdings.closedJobs)), "candidates": .int(Int64(holdings.candidates)),
                "applications": .int(Int64(holdings.applications)),
                "subRecords": .object(holdings.subRecords.mapValues { .int(Int64($0)) }),
                "integrations": .int(Int64(holdings.integrations)),
                "configurations": .int(Int64(holdings.configurations)),
                "customerDataGone": .bool(holdings.customerDataGone),
            ])
        }
    }

    static func string(_ body: SimulatedJSON, _ name: String) throws(APIError) -> String {
        guard let value = body[name]?.stringValue, !value.isEmpty else { throw APIError.badRequest("\(name) is required") }
        return value
    }

    static func organizationQuery(_ request: Request) throws(APIError) -> String {
        guard let organization = try QueryParameters(raw: request.uri.query).first("organization") else {
            throw APIError.badRequest("organization is required")
        }
        return organization
    }
}
