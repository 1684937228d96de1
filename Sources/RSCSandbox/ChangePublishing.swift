import RSCChangeEvents
import RSCKafka

extension KafkaProducer {
    /// Publishes a change the way Teamtailor's platform does (contract v1): keyed by the company, so a company
    /// always lands on the same partition, with the `tt-event` and `tt-schema` headers.
    public func publishChange(topic: String, companyID: String, event: String, value: [UInt8]) async throws {
        _ = try await send(
            topic: topic, key: Array(companyID.utf8), value: value,
            headers: [KafkaHeader(name: "tt-event", value: Array(event.utf8)), KafkaHeader(name: "tt-schema", value: Array("v1".utf8))])
    }

    /// Publishes `event` on its resource's change topic; an event of a resource without one is not published.
    public func publishChange(_ event: ChangeEvent) async throws {
        guard let topic = event.topic else { return }
        try await publishChange(topic: topic.rawValue, companyID: event.companyID, event: event.event, value: Array(event.contractJSON.utf8))
    }
}
