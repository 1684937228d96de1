import Foundation
import Hummingbird

/// `/_simulator/recruiter/…`: script seats, notes, InMails, stubs and seeded scenarios. Times are `at` in epoch
/// milliseconds (default: the simulator clock's now).
extension InspectionRoutes {
    static func registerRecruiterData(on router: Router<BasicRequestContext>, state: SimulatorState) {
        route(router, .post, "recruiter/seats") { request, _ in
            let body = try await jsonBody(request)
            let seat = try await state.addSeat(
                body["seat"]?.stringValue, contract: try string(body, "contract"),
                organization: try string(body, "organization"), member: body["member"]?.stringValue,
                firstName: body["firstName"]?.stringValue ?? "", lastName: body["lastName"]?.stringValue ?? "",
                email: body["email"]?.stringValue, active: body["active"]?.boolValue ?? true)
            return .json(201, ["seat": .string(seat)])
        }
        route(router, .post, "recruiter/notes") { request, _ in
            let body = try await jsonBody(request)
            let id = try await state.addProspectNote(
                owner: try string(body, "owner"), member: try string(body, "member"), note: try string(body, "note"),
                visibility: try visibility(body) ?? .public, at: try time(body))
            return .json(201, ["id": .string(id)])
        }
        route(router, .put, "recruiter/notes/:id") { request, context in
            let body = try await jsonBody(request)
            let id = QueryParameters.decode(context.parameters.get("id") ?? "") ?? ""
            try await state.updateProspectNote(
                id, note: body["note"]?.stringValue, visibility: try visibility(body), at: try time(body))
            return .noContent
        }
        route(router, .post, "recruiter/notes/:id/deactivate") { request, context in
            let body = try await jsonBody(request)
            let id = QueryParameters.decode(context.parameters.get("id") ?? "") ?? ""
            try await state.deactivateProspectNote(id, at: try time(body))
            return .noContent
        }
        route(router, .post, "recruiter/inmails") { request, _ in
            let body = try await jsonBody(request)
            let added = try await state.addInMail(
                seat: try string(body, "seat"), member: try string(body, "member"), thread: body["thread"]?.stringValue,
                fromMember: body["fromMember"]?.boolValue ?? false, subject: body["subject"]?.stringValue,
                body: try string(body, "body"), at: try time(body))
            return .json(201, ["id": .string(added.id), "thread": .string(added.thread)])
        }
        route(router, .post, "recruiter/mail-stubs") { request, _ in
            let body = try await jsonBody(request)
            let id = try await state.addMailStub(
                owner: try string(body, "owner"), member: try string(body, "member"),
                emailAddress: body["emailAddress"]?.stringValue, phoneNumber: body["phoneNumber"]?.stringValue,
                at: try time(body))
            return .json(201, ["id": .string(id)])
        }
        route(router, .post, "recruiter/scenario") { request, _ in
            let body = try await jsonBody(request)
            func count(_ name: String, _ fallback: Int) throws(APIError) -> Int {
                guard let value = body[name] else { return fallback }
                guard let number = value.intValue, number >= 0, number <= 1_000_000 else {
                    throw APIError.badRequest("\(name) must be an integer within 0…1000000")
                }
                return Int(number)
            }
            let summary = try await state.generateScenario(RecruiterScenario(
                organization: try string(body, "organization"), contract: try string(body, "contract"),
                seats: try count("seats", 1), members: try count("members", 1), notes: try count("notes", 0),
                inMails: try count("inMails", 0), stubs: try count("stubs", 0), hours: try count("hours", 24),
                seed: UInt64(try count("seed", 1)), grantRecruiterData: body["grantRecruiterData"]?.boolValue ?? false))
            return .json(201, [
                "seats": .array(summary.seats.map(SimulatedJSON.string)),
                "members": .array(summary.members.map(SimulatedJSON.string)),
                "notes": .int(Int64(summary.notes)), "inMails": .int(Int64(summary.inMails)),
                "stubs": .int(Int64(summary.stubs)),
            ])
        }
    }

    private static func time(_ body: SimulatedJSON) throws(APIError) -> Date? {
        guard let value = body["at"] else { return nil }
        guard let millis = value.intValue, millis >= 0 else { throw APIError.badRequest("at must be epoch milliseconds") }
        return Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    private static func visibility(_ body: SimulatedJSON) throws(APIError) -> NoteVisibility? {
        guard let value = body["visibility"] else { return nil }
        guard let text = value.stringValue, let visibility = NoteVisibility(rawValue: text) else {
            throw APIError.badRequest("visibility must be PUBLIC or PRIVATE")
        }
        return visibility
    }
}
