import Foundation
import RSCChangeEvents
@testable import RSCConnect
import Testing

@Suite("disconnect's closed job postings")
struct ClosedPostingTests {
    @Test("a closed job without an apply URL links to its page in the configured Teamtailor app, not the default one")
    func applyURLFromConfiguration() {
        let job = Disconnection.JobTitle(id: "77", title: "Backend", applyURL: nil)
        let posting = Disconnection.closedPosting(
            job, organization: "urn:li:organization:1842", companyID: "1842", teamtailorAppURL: "https://app.na.example.com/")
        #expect(posting["companyApplyUrl"] == .string("https://app.na.example.com/companies/1842/jobs/77"))
        #expect(posting["state"] == .string("CLOSED"))
        let withURL = Disconnection.closedPosting(
            Disconnection.JobTitle(id: "78", title: nil, applyURL: "https://careers.example.com/jobs/78"),
            organization: "urn:li:organization:1842", companyID: "1842", teamtailorAppURL: "https://app.na.example.com")
        #expect(withURL["companyApplyUrl"] == .string("https://careers.example.com/jobs/78"))
    }
}
