/// What LinkedIn accepts as an atsApplications record (`PUT /v2/atsApplications`, full replace).
enum ApplicationRules {
    static let fields: Set<String> = [
        "atsCandidateId", "atsCreatedAt", "atsLastModifiedAt", "atsJobPostingId", "atsJobPostingName",
        "candidateEmail", "firstName", "lastName", "source", "dispositionReason",
    ]

    static func validate(_ record: JSONObject) throws(RecordFailure) {
        let checks = FieldChecks(record: record)
        try checks.rejectUnknown(allowed: fields)
        try checks.string("atsCandidateId", required: true, minLength: 1)
        let created = try checks.epochMillis("atsCreatedAt", required: true)!
        if let modified = try checks.epochMillis("atsLastModifiedAt"), modified < created {
            throw .invalid("atsLastModifiedAt must not be before atsCreatedAt")
        }
        try checks.email("candidateEmail")
        for name in ["atsJobPostingId", "atsJobPostingName", "firstName", "lastName", "source", "dispositionReason"] {
            try checks.string(name)
        }
    }
}
