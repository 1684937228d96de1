import Foundation

/// What LinkedIn accepts in a `simpleJobPostings` batch element.
///
/// Two stages, as LinkedIn does it: shape and limits are checked when the batch arrives (the element's 422);
/// resolving the location happens while the task "runs" (the task's FAILED).
enum JobPostingRules {
    static let fields: Set<String> = [
        // The reference's fields.
        "integrationContext", "externalJobPostingId", "title", "description", "location", "countryCode",
        "postalCode", "listedAt", "companyApplyUrl", "state", "jobPostingOperationType", "availability",
        "requisitionOwnerEmail", "requisitionOwnerFirstName", "requisitionOwnerLastName",
        // Further fields of LinkedIn's job-posting API, accepted and stored as sent.
        "listingType", "companyName", "companyId", "companyPageUrl", "companyJobCode", "employmentStatus",
        "experienceLevel", "industries", "industryCodes", "jobFunctions", "workplaceTypes", "skills", "categories",
        "expireAt", "trackingPixelUrl", "posterEmail", "alternateLocations", "onsiteApplyConfiguration", "contract",
    ]

    static let states = ["LISTED", "CLOSED"]
    static let operationTypes = ["CREATE", "UPDATE", "RENEW", "CLOSE"]
    static let availabilities = ["PUBLIC", "PRIVATE_TO_ATS_INTEGRATION"]

    /// Checks one element; returns its externalJobPostingId.
    static func validate(_ element: JSONObject, organization: String, now: Date) throws(RecordFailure) -> String {
        let checks = FieldChecks(record: element)
        try checks.rejectUnknown(allowed: fields)
        let context = try checks.string("integrationContext", required: true)!
        guard context == organization else {
            throw .invalid("integrationContext \(context) is not the organization of this application")
        }
        let id = try checks.string("externalJobPostingId", required: true, minLength: 1, maxLength: 200)!
        try checks.string("title", required: true, minLength: 1, maxLength: 200)
        try checks.string("description", required: true, minLength: 100, maxLength: 25_000)
        let listedAt = try checks.epochMillis("listedAt", required: true)!
        guard listedAt <= now.epochMilliseconds else { throw .invalid("listedAt must not be in the future") }
        try checks.oneOf("state", states)
        try checks.oneOf("jobPostingOperationType", operationTypes)
        if element["state"]?.stringValue == nil, element["jobPostingOperationType"]?.stringValue == nil {
            throw .invalid("state is required (LISTED or CLOSED)")
        }
        try checks.oneOf("availability", availabilities, required: true)
        // Required (Learn: required fields, "Sync Jobs | companyApplyUrl").
        try checks.url("companyApplyUrl", required: true)
        try checks.string("location")
        try checks.string("countryCode")
        try checks.string("postalCode")
        try checks.email("requisitionOwnerEmail")
        try checks.string("requisitionOwnerFirstName")
        try checks.string("requisitionOwnerLastName")
        return id
    }

    /// Why the task fails, or nil: an open job needs "CITY, STATE" / "CITY, COUNTRY", or countryCode with postalCode.
    static func processingFailure(_ element: JSONObject) -> String? {
        let closing = element["state"]?.stringValue == "CLOSED" || element["jobPostingOperationType"]?.stringValue == "CLOSE"
        if closing { return nil }
        if let location = element["location"]?.stringValue {
            let parts = location.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }) { return nil }
        }
        let country = element["countryCode"]?.stringValue ?? ""
        let postal = element["postalCode"]?.stringValue ?? ""
        if !country.isEmpty, !postal.isEmpty { return nil }
        return "Unable to resolve the job location: send location as \"CITY, STATE\" or \"CITY, COUNTRY\", or countryCode with postalCode"
    }
}
