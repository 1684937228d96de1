import Foundation

/// What LinkedIn accepts under a candidate or application: notes, interview feedback, stages.
enum SubResourceRules {
    static func validate(_ record: JSONObject, as kind: TenantStore.SubResource) throws(RecordFailure) {
        switch kind {
        case .candidateNotes, .applicationNotes: try note(record)
        case .interviewFeedback: try interviewFeedback(record)
        case .stages: try stage(record)
        }
    }

    static func note(_ record: JSONObject) throws(RecordFailure) {
        let checks = FieldChecks(record: record)
        try checks.rejectUnknown(allowed: ["atsCreatedAt", "note", "author"])
        try checks.epochMillis("atsCreatedAt", required: true)
        guard let text = try checks.string("note", required: true, minLength: 1),
            !text.allSatisfy(\.isWhitespace)
        else { throw .invalid("note must not be empty") }
        try checks.object("author", person)
    }

    static func interviewFeedback(_ record: JSONObject) throws(RecordFailure) {
        let checks = FieldChecks(record: record)
        try checks.rejectUnknown(allowed: ["atsCreatedAt", "evaluations", "feedback", "interviewer"])
        try checks.epochMillis("atsCreatedAt", required: true)
        try checks.objects("evaluations", required: true) { evaluation throws(RecordFailure) in
            try evaluation.rejectUnknown(allowed: ["attribute", "result"])
            try evaluation.string("attribute", required: true, minLength: 1)
            try evaluation.string("result", required: true)
        }
        try checks.string("feedback")
        try checks.object("interviewer", person)
    }

    /// The stage name is free text of at least one character, never LinkedIn's placeholder "Not Available".
    static func stage(_ record: JSONObject) throws(RecordFailure) {
        let checks = FieldChecks(record: record)
        try checks.rejectUnknown(allowed: ["atsCreatedAt", "stage"])
        try checks.epochMillis("atsCreatedAt", required: true)
        let stage = try checks.string("stage", required: true, minLength: 1)!
        let trimmed = stage.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid("stage must not be blank") }
        guard trimmed.lowercased() != "not available" else { throw .invalid("stage must not be 'Not Available'") }
    }

    private static func person(_ checks: FieldChecks) throws(RecordFailure) {
        try checks.rejectUnknown(allowed: ["firstName", "lastName"])
        try checks.string("firstName")
        try checks.string("lastName")
    }
}
