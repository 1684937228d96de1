import Foundation

/// The fewest LinkedIn calls the RSC API's shape allows for a set of Teamtailor changes, per company: records of
/// one resource go 100 to a call (jobs, candidates, applications, and the deletes of each), and what lives under
/// an application or a candidate (stages, notes, interview feedback) takes one call per parent and kind. The
/// benchmark holds the calls `rsc-outbound` made against it. Pure: fed the change events, no I/O.
///
/// A lower bound, not an exact count: it assumes every changed record is sent once, in full batches, and it
/// counts none of the calls that do not carry records (token, job task polls).
public struct LinkedInCallFloor: Sendable, Equatable {
    private var perCompany: [String: Parts] = [:]

    struct Parts: Sendable, Equatable {
        var upserts: [String: Set<String>] = [:]
        var deletes: [String: Set<String>] = [:]
        /// `kind|parent id`: one call each.
        var subResources: Set<String> = []
    }

    public init() {}

    /// Counts one change event (the contract's JSON); one that is not a change event of a connected company's
    /// resource is passed over.
    public mutating func add(company: String, value: [UInt8]) {
        guard let root = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
              let event = root["event"] as? String, let data = root["data"] as? [String: Any],
              let type = data["type"] as? String, let id = data["id"] as? String
        else { return }
        let destroy = event.hasSuffix(".destroy")
        let relationships = data["relationships"] as? [String: Any] ?? [:]
        func related(_ name: String) -> String? {
            ((relationships[name] as? [String: Any])?["data"] as? [String: Any])?["id"] as? String
        }
        var parts = perCompany[company] ?? Parts()
        switch type {
        case "jobs", "candidates", "job-applications":
            if destroy {
                parts.deletes[type, default: []].insert(id)
            } else {
                parts.upserts[type, default: []].insert(id)
            }
            // An application's change moves it to a stage (or to Rejected): its stages are sent too.
            if type == "job-applications" && !destroy { parts.subResources.insert("stages|\(id)") }
        case "comments":
            if let application = related("job-application") {
                parts.subResources.insert("application-notes|\(application)")
            } else if let candidate = related("candidate") {
                parts.subResources.insert("candidate-notes|\(candidate)")
            }
        case "interviews":
            if let application = related("job-application") { parts.subResources.insert("feedback|\(application)") }
        default:
            // Stages make no LinkedIn record of their own.
            break
        }
        perCompany[company] = parts
    }

    /// The floor over every company added.
    public var calls: Int {
        perCompany.values.reduce(0) { total, parts in
            let batches = (parts.upserts.values.map(\.count) + parts.deletes.values.map(\.count)).reduce(0) { $0 + ($1 + 99) / 100 }
            return total + batches + parts.subResources.count
        }
    }
}
