import ArgumentParser
import Foundation
import RSCInbound
import RSCReconciliation
import RSCStore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "A company's LinkedIn sync: per resource synced, pending, not matched, failed (with reasons), and the oldest pending change."
    )

    @Argument(help: "Teamtailor company id.") var companyID: String

    func run() async throws {
        let (company, status, inbound, reconciliation) = try await CommandEnvironment.withPostgres { client in
            let company = try await CompanyStore(client: client, secrets: CommandEnvironment.secretBox(), logger: CommandEnvironment.logger).find(companyID)
            return (company, try await SyncStatus.load(company: companyID, client: client, logger: CommandEnvironment.logger),
                    try await InboundStatus.load(company: companyID, client: client, logger: CommandEnvironment.logger),
                    try await ReconciliationStore(postgres: client, logger: CommandEnvironment.logger).status(companyID: companyID))
        }
        guard let company else { throw CompanyStoreError.notFound(companyID: companyID) }
        print("company \(company.id): \(company.status.summary)\(company.statusReason.map { " — \($0)" } ?? "")")
        let rows = [["RESOURCE", "SYNCED", "PENDING", "NOT MATCHED", "FAILED", "WAITING", "NOT SENT"]] + status.resources.map {
            [$0.resource, "\($0.synced)", "\($0.pending)", "\($0.notMatched)", "\($0.failed)", "\($0.waiting)", "\($0.skipped)"]
        }
        print(TextTable.render(rows))
        if let age = status.oldestPendingAge {
            print("oldest pending change: \(Self.duration(age)) old")
        } else {
            print("nothing pending")
        }
        if let success = status.lastSuccessAt { print("last successful LinkedIn call: \(success.formatted(.iso8601))") }
        if let next = inbound.nextPollAt {
            let overdue = inbound.overdueSeconds.map { " (overdue by \(Self.duration($0)))" } ?? ""
            print("inbound poll: next \(next.formatted(.iso8601))\(overdue); last \(inbound.lastOutcome ?? "never")\(inbound.lastError.map { " — \($0)" } ?? ""); items \(inbound.items.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))" }.joined(separator: "; "))")
        }
        print(Self.describe(reconciliation))
        if !status.reasons.isEmpty {
            print("\nwhy records are not on LinkedIn:")
            print(TextTable.render([["COUNT", "RESOURCE", "STATE", "REASON"]] + status.reasons.map {
                ["\($0.count)", $0.resource, $0.state, $0.reason]
            }))
        }
    }

    /// One line on the standing reconciliation: running, or the last completed pass and what it found.
    static func describe(_ status: ReconciliationStore.Status?) -> String {
        guard let status else { return "reconciliation: no pass yet" }
        func counts(_ values: [String: Int]) -> String {
            values.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        }
        var line = "reconciliation: "
        if status.running {
            line += "\(status.runningKind ?? "") pass running since \(status.runningStartedAt?.formatted(.iso8601) ?? "?"), \(status.checked.values.reduce(0, +)) checked so far"
        } else if let finished = status.lastFinishedAt {
            let repaired = counts(status.repaired)
            line += "last \(status.lastKind ?? "") pass finished \(finished.formatted(.iso8601)): \(status.checked.values.reduce(0, +)) checked, "
                + (repaired.isEmpty ? "nothing to repair" : "repaired \(repaired)")
        } else {
            line += status.requested ? "a pass is requested" : "no pass yet"
        }
        if status.requested && status.running { line += "; another requested" }
        if let error = status.lastError { line += " — last error: \(error)" }
        return line
    }

    static func duration(_ seconds: TimeInterval) -> String {
        if seconds < 120 { return "\(Int(seconds)) s" }
        if seconds < 7_200 { return "\(Int(seconds / 60)) min" }
        return String(format: "%.1f h", seconds / 3_600)
    }
}
