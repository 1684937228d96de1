/// One entity the store created, updated or destroyed: what becomes a change event.
struct RecordChange: Sendable, Equatable {
    enum Action: String, Sendable { case create, update, destroy }

    var resource: SimulatedTeamtailorResource
    var id: Int
    var action: Action
}
