import Foundation
import Testing
@testable import RSCLinkedInSimulator

@Suite("Scripting routes and bad input")
struct ScriptingRoutesTests {
    @Test("a company is scripted over the inspection API and read back through LinkedIn's endpoints")
    func scriptOverHTTP() async throws {
        try await withSimulator { h in
            let seat = try await h.send(
                .post, "/_simulator/recruiter/seats",
                body: #"{"seat":"urn:li:seat:501","contract":"urn:li:contract:900","organization":"123","firstName":"Rita","lastName":"R"}"#)
            #expect(seat.status == 201)
            let token = try await h.token()
            _ = try await h.nameIntegrations(token: token)
            let enabled = try await h.send(.post, "/_simulator/integrations/enable", body: #"{"organization":"123"}"#)
            #expect(enabled.status == 200)
            #expect(enabled.json?["delivery"]?.isNull == true)
            let at = h.clock.now().epochMilliseconds - 60_000
            let note = try await h.send(
                .post, "/_simulator/recruiter/notes",
                body: #"{"owner":"urn:li:seat:501","member":"urn:li:person:m1","note":"Hi","visibility":"PRIVATE","at":\#(at)}"#)
            #expect(note.status == 201)
            let id = try #require(note.json?["id"]?.stringValue)
            #expect(try await h.send(.post, "/_simulator/recruiter/notes/\(id)/deactivate", body: "{}").status == 204)
            let inmail = try await h.send(
                .post, "/_simulator/recruiter/inmails",
                body: #"{"seat":"urn:li:seat:501","member":"urn:li:person:m1","body":"Hello","at":\#(at)}"#)
            #expect(inmail.status == 201)
            let integrations = try await h.send(.get, "/_simulator/integrations?organization=urn%3Ali%3Aorganization%3A123")
            #expect(integrations.json?["integrations"]?.arrayValue?.allSatisfy { $0["status"]?.stringValue == "ENABLED" } == true)

            let now = h.clock.now().epochMilliseconds
            let notes = try await h.call(
                .get,
                "/v2/prospectNotes?q=criteria&contract=urn%3Ali%3Acontract%3A900&cutoffDate=\(now - 3_600_000)&beforeDate=\(now + 1)",
                token: token)
            let element = try #require(notes.json?["elements"]?.arrayValue?.first)
            #expect(element["visibility"]?.stringValue == "PRIVATE")
            #expect(element["active"]?.boolValue == false)
        }
    }

    @Test("bad scripting input and malformed finder queries get LinkedIn's error body, never a crash")
    func badInput() async throws {
        try await withSimulator { h in
            for (path, body) in [
                ("/_simulator/recruiter/seats", #"{"contract":"urn:li:contract:x","organization":"123"}"#),
                ("/_simulator/recruiter/notes", #"{"owner":"urn:li:seat:404","member":"urn:li:person:m1","note":"x"}"#),
                ("/_simulator/recruiter/notes", #"{"owner":"urn:li:seat:1","member":"m","note":"x","visibility":"SECRET"}"#),
                ("/_simulator/exports", #"{"organization":"123","seat":"urn:li:seat:1"}"#),
                ("/_simulator/integrations/enable", #"{"organization":"123"}"#),
                ("/_simulator/recruiter/scenario", #"{"organization":"123","contract":"urn:li:contract:1","seats":-1}"#),
                ("/_simulator/callbacks/validate", #"{"organization":"123"}"#),
                ("/_simulator/recruiter/inmails", "not json"),
            ] {
                let reply = try await h.send(.post, path, body: body)
                #expect((400..<500).contains(reply.status), "\(path) answered \(reply.status)")
                #expect(reply.isLinkedInError, "\(path): \(reply.text)")
            }
            try await h.state.addSeat(Harness.seat, contract: Harness.contract, organization: Harness.org, firstName: "R", lastName: "R")
            try await h.state.grantRecruiterData(contract: Harness.contract)
            let token = try await h.token()
            let contract = Keys.encode(Harness.contract)
            for query in [
                "/v2/prospectNotes?q=criteria&contract=\(contract)&cutoffDate=10&beforeDate=5",
                "/v2/prospectNotes?q=criteria&contract=\(contract)&cutoffDate=abc&beforeDate=5",
                "/v2/prospectNotes?q=other&contract=\(contract)&cutoffDate=0&beforeDate=5",
                "/v2/prospectNotes?q=criteria&contract=\(contract)&owners=urn%3Ali%3Aseat%3A999&cutoffDate=0&beforeDate=5",
                "/v2/seats?q=seatsByAttributes&contracts=\(contract)&count=0",
                "/v2/seats?q=seatsByAttributes&contracts=\(contract)&start=-1",
                "/v2/seats?q=seatsByAttributes&contracts=\(contract)&active=maybe",
                "/v2/conversationEvents?q=criteria&viewer=nobody&timeRange.start=0&timeRange.end=5",
                "/v2/mailStubs?q=contract&contract=\(contract)&createdDateStart=0",
                "/v2/exportedCandidates?q=request",
                "/v2/seats?q=seatsByAttributes&contracts=\(contract)&start=9223372036854775807&count=100",
            ] {
                let reply = try await h.call(.get, query, token: token)
                if query.hasSuffix("count=100") {
                    #expect(reply.status == 200)
                    #expect(reply.json?["elements"]?.arrayValue?.isEmpty == true)
                } else {
                    #expect(reply.status == 400, "\(query) answered \(reply.status)")
                    #expect(reply.isLinkedInError)
                }
            }
        }
    }
}
