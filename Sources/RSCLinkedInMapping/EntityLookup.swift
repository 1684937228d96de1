/// The entities and stage history the builder may read, loaded by the caller in bulk.
public struct EntityLookup: Sendable {
    public var entities: [String: [String: TeamtailorEntity]]
    /// Stage entries per application id.
    public var stageEntries: [String: [StageEntry]]
    /// Members linked by hand or by an export, per candidate id: LinkedIn keeps `manualMatchedMember` in the
    /// candidate record and clears it on a full replace that leaves it out, so every upsert must carry it.
    public var manualMembers: [String: String] = [:]

    public init(entities: [TeamtailorEntity] = [], stageEntries: [String: [StageEntry]] = [:]) {
        self.entities = [:]
        self.stageEntries = stageEntries
        for entity in entities { insert(entity) }
    }

    public mutating func insert(_ entity: TeamtailorEntity) {
        entities[entity.type, default: [:]][entity.id] = entity
    }

    public func entity(_ type: String, _ id: String?) -> TeamtailorEntity? {
        guard let id else { return nil }
        return entities[type]?[id]
    }

    /// The entity if it exists and is not destroyed.
    public func live(_ type: String, _ id: String?) -> TeamtailorEntity? {
        entity(type, id).flatMap { $0.deleted ? nil : $0 }
    }
}
