import RSCChangeEvents
import RSCLinkedInMapping
@testable import RSCOutbound
import Testing

/// Hashes already stored in `linkedin_records.synced_hash` must keep matching after an upgrade, or every
/// record would be sent to LinkedIn again: the value is pinned (computed with `sha256sum`).
@Suite struct ContentHashTests {
    @Test func theHashOfResourceAndCanonicalBodyIsStable() {
        let body = JSONValue.object(["b": .string("x"), "a": .number(1)])
        // printf '%s' 'candidate|{"a":1,"b":"x"}' | sha256sum
        #expect(CompanySender.contentHash(LinkedInRecordKey(.candidate, "c-1"), body)
            == "8d398b89566d0cfbab7835859f549221ada974a1d851d22791676d3ab007e1ee")
        #expect(CompanySender.contentHash(LinkedInRecordKey(.application, "c-1"), body)
            != CompanySender.contentHash(LinkedInRecordKey(.candidate, "c-1"), body))
    }
}
