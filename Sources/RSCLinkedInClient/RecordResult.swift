/// LinkedIn's answer for one record of a batch: accepted, or refused with its own status and message.
public enum RecordResult: Sendable, Equatable {
    case accepted
    case refused(status: Int, message: String)
    /// LinkedIn did not mention the record; treated as not done (retried).
    case missing
}
