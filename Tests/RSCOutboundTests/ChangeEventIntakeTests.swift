import Foundation
import RSCChangeEvents
import RSCKafka
import RSCOutbound
import Testing

@Suite("reading change messages")
struct ChangeEventIntakeTests {
    static let intake = try! ChangeEventIntake.loadDefault()

    static let candidate = #"""
    {"event_id":"5f0c2a52-8d3e-4a57-9d49-3c1c1f0e7b11","event":"candidate.update","company_id":"1842",
     "occurred_at":"2026-11-27T10:15:02.123Z","version":1764238502123456,
     "data":{"id":"90211","type":"candidates","attributes":{"first-name":"Åsa","last-name":"Lindqvist","email":"asa@example.com"},"relationships":{}}}
    """#

    func message(_ value: String, topic: String = ChangeTopic.candidates.rawValue, key: String? = "1842") -> KafkaMessage {
        KafkaMessage(
            topic: topic, partition: 3, offset: 41, key: key.map { Array($0.utf8) }, value: Array(value.utf8),
            headers: [], timestamp: nil
        )
    }

    func deadLetter(_ outcome: ChangeEventIntake.Outcome) -> DeadLetter? {
        if case .deadLetter(let letter) = outcome { return letter }
        return nil
    }

    @Test("the contract's example decodes with its Unicode name, version and timestamp")
    func example() throws {
        guard case .event(let event) = Self.intake.read(message(Self.candidate)) else {
            Issue.record("expected an event")
            return
        }
        #expect(event.companyID == "1842")
        #expect(event.version == 1_764_238_502_123_456)
        #expect(event.data.attributes["first-name"] == .string("Åsa"))
        #expect(event.action == "update")
        #expect(abs(event.occurredAt.timeIntervalSince1970 - 1_795_774_502.123) < 0.001)
    }

    @Test("a value over 512 KiB is set aside as too_large before parsing; one just under is read")
    func tooLarge() {
        // A valid event padded with whitespace, so only its size can decide.
        let padding = ChangeEventIntake.maxMessageBytes - Self.candidate.utf8.count
        let fits = Self.candidate + String(repeating: " ", count: padding)
        guard case .event = Self.intake.read(message(fits)) else {
            Issue.record("a message of exactly the limit must be read")
            return
        }
        let letter = deadLetter(Self.intake.read(message(fits + " ")))
        #expect(letter?.errorClass == .tooLarge)
        #expect(letter?.reason == "value is \(ChangeEventIntake.maxMessageBytes + 1) bytes, over the 524288 this worker reads")
        #expect(letter?.offset == 41)
    }

    @Test("a destroy event needs only id and type")
    func destroy() {
        let value = #"{"event_id":"e","event":"job.destroy","company_id":"7","occurred_at":"2026-11-27T10:15:02Z","version":5,"data":{"id":"1","type":"jobs"}}"#
        guard case .event(let event) = Self.intake.read(message(value, topic: ChangeTopic.jobs.rawValue, key: "7")) else {
            Issue.record("expected an event")
            return
        }
        #expect(event.isDestroy)
        #expect(event.data.attributes.isEmpty)
    }

    @Test("not JSON is an invalid_json dead letter that keeps its position")
    func invalidJSON() throws {
        let letter = try #require(deadLetter(Self.intake.read(message("{not json"))))
        #expect(letter.errorClass == .invalidJSON)
        #expect(letter.topic == ChangeTopic.candidates.rawValue)
        #expect(letter.partition == 3)
        #expect(letter.offset == 41)
    }

    @Test("a missing field is named, and the value of a field never appears in the reason")
    func missingField() throws {
        let withoutVersion = Self.candidate.replacingOccurrences(of: #""version":1764238502123456,"#, with: "")
        let letter = try #require(deadLetter(Self.intake.read(message(withoutVersion))))
        #expect(letter.errorClass == .schemaViolation)
        #expect(letter.reason.contains("version"))
        let badDate = Self.candidate.replacingOccurrences(of: "2026-11-27T10:15:02.123Z", with: "asa@example.com")
        let dated = try #require(deadLetter(Self.intake.read(message(badDate))))
        #expect(dated.reason.contains("occurred_at"))
        #expect(!dated.reason.contains("asa@example.com"))
    }

    @Test("an event on the wrong topic, with a foreign event name or a key that is not its company is refused")
    func contractRules() throws {
        let onJobs = try #require(deadLetter(Self.intake.read(message(Self.candidate, topic: ChangeTopic.jobs.rawValue))))
        #expect(onJobs.reason.contains("does not belong"))
        let renamed = Self.candidate.replacingOccurrences(of: "candidate.update", with: "candidate.merge")
        #expect(deadLetter(Self.intake.read(message(renamed)))?.errorClass == .schemaViolation)
        let otherKey = try #require(deadLetter(Self.intake.read(message(Self.candidate, key: "99"))))
        #expect(otherKey.reason.contains("differs from company_id"))
        let zero = Self.candidate.replacingOccurrences(of: "1764238502123456", with: "0")
        #expect(deadLetter(Self.intake.read(message(zero)))?.errorClass == .schemaViolation)
    }
}
