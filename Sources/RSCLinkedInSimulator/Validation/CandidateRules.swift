/// What LinkedIn accepts as an atsCandidates record (`PUT /v2/atsCandidates`, full replace).
enum CandidateRules {
    /// Fields from LinkedIn's candidate sync page and Postman collection; anything else is refused.
    static let fields: Set<String> = [
        "addresses", "atsCreatedAt", "atsLastModifiedAt", "firstName", "lastName", "middleInitial", "prefix",
        "suffix", "emailAddresses", "phoneNumbers", "currentCompanyName", "currentJobTitle", "externalProfileUrl",
        "linkedInProfileUrl", "doNotContact", "manualMatchedMember",
    ]

    static func validate(_ record: JSONObject) throws(RecordFailure) {
        let checks = FieldChecks(record: record)
        try checks.rejectUnknown(allowed: fields)
        try checks.objects("addresses", required: true) { _ throws(RecordFailure) in }
        let created = try checks.epochMillis("atsCreatedAt", required: true)!
        let modified = try checks.epochMillis("atsLastModifiedAt", required: true)!
        guard modified >= created else {
            throw .invalid("atsLastModifiedAt must not be before atsCreatedAt")
        }
        try checks.string("firstName", required: true, minLength: 1)
        for name in ["lastName", "middleInitial", "prefix", "suffix", "currentCompanyName", "currentJobTitle"] {
            try checks.string(name)
        }
        try checks.emails("emailAddresses")
        // Required but may be empty (release notes, March 2024: "phone number and address fields … are
        // required but can be empty").
        try checks.objects("phoneNumbers", required: true) { phone throws(RecordFailure) in
            try phone.rejectUnknown(allowed: ["number", "extension"])
            try phone.string("number", required: true, minLength: 1)
            try phone.string("extension")
        }
        // Required (Learn: required fields; the candidate's page in the ATS).
        try checks.url("externalProfileUrl", required: true)
        try checks.url("linkedInProfileUrl")
        try checks.bool("doNotContact")
        try PersonURN.check(checks, "manualMatchedMember")
    }
}

/// `urn:li:person:ID`, a LinkedIn member.
enum PersonURN {
    static let prefix = "urn:li:person:"

    static func isValid(_ text: String) -> Bool {
        text.hasPrefix(prefix) && text.count > prefix.count && !text.dropFirst(prefix.count).contains(":")
    }

    static func check(_ checks: FieldChecks, _ name: String) throws(RecordFailure) {
        guard let text = try checks.string(name) else { return }
        guard isValid(text) else { throw .invalid("\(name) must be a member URN urn:li:person:ID") }
    }
}
