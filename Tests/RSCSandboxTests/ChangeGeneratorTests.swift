import RSCChangeEvents
import RSCSandbox
import Testing

/// The generator the demo and the benchmarks publish: its stream must look like Teamtailor's, or the
/// figures measure work Teamtailor never causes.
@Suite("change generator")
struct ChangeGeneratorTests {
    struct Published {
        var event: String
        var type: String
        var id: String
        var stage: String?
    }

    func stream(_ count: Int, seed: UInt64) throws -> [Published] {
        var generator = ChangeGenerator(companies: ["1001", "1002", "1003"], seed: seed)
        return try generator.next(count).map { change in
            let envelope = try JSONValue.parse(change.value)
            let data = envelope["data"]
            return Published(
                event: envelope["event"]?.stringValue ?? "", type: data?["type"]?.stringValue ?? "", id: data?["id"]?.stringValue ?? "",
                stage: data?["relationships"]?["stage"]?["data"]?["id"]?.stringValue)
        }
    }

    @Test("a new job's stages are published with it, so every stage an application enters is known")
    func stagesFollowTheirJob() throws {
        let changes = try stream(3_000, seed: 1)
        let jobs = changes.filter { $0.event == "job.create" }
        #expect(jobs.count > 10)
        for job in jobs.prefix(10) {
            let created = Set(changes.filter { $0.event == "stage.create" && $0.id.hasPrefix("\(job.id)-s") }.map(\.id))
            #expect(created.count == 5, "job \(job.id) published \(created.count) of its 5 stages")
        }
        let known = Set(changes.filter { $0.type == "stages" }.map(\.id))
        let entered = Set(changes.compactMap(\.stage))
        #expect(!entered.isEmpty)
        #expect(entered.subtracting(known).isEmpty, "stages entered but never published: \(entered.subtracting(known).sorted().prefix(5))")
    }
}
