import RSCKafka
import Testing

@Suite("KafkaError")
struct KafkaErrorTests {
    @Test("Transient codes are retriable, configuration and data errors are not, _FATAL is fatal")
    func classification() {
        let queueFull = KafkaError(code: -184)
        #expect(queueFull.isRetriable && !queueFull.isFatal)
        #expect(queueFull.name == "_QUEUE_FULL")

        for transient: Int32 in [-195, -185, -192, 6, 7, 15, 16, 27] {  // transport, timed out, msg timed out, not leader, request timeout, coordinator
            #expect(KafkaError(code: transient).isRetriable, "code \(transient)")
        }

        let fatal = KafkaError(code: -150)
        #expect(fatal.isFatal && !fatal.isRetriable)

        for permanent: Int32 in [-186, 17, 29, 10] {  // invalid arg, invalid topic, authorization, message too large
            let error = KafkaError(code: permanent)
            #expect(!error.isRetriable && !error.isFatal, "code \(permanent)")
        }

        let unknown = KafkaError(code: 3)
        #expect(unknown.name == "UNKNOWN_TOPIC_OR_PART")
        #expect(unknown.message == "Broker: Unknown topic or partition")
        #expect(unknown.description.contains("UNKNOWN_TOPIC_OR_PART (3)"))
    }
}
