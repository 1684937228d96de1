import RSCChangeEvents
import RSCKafka
import RSCOutbound
import RSCRuntime

// rsc-outbound: Teamtailor change topics → PostgreSQL entity state (→ LinkedIn, see docs/architecture.md).
await WorkerRuntime.run(name: "rsc-outbound", defaultGroupID: "rsc-outbound") { context in
    let settings = context.configuration
    var consumerConfiguration = KafkaConsumerConfiguration(
        bootstrapServers: settings.kafkaBrokers, groupID: settings.kafkaGroupID, topics: ChangeTopic.allTopicNames
    )
    consumerConfiguration.clientID = "rsc-outbound"
    consumerConfiguration.extraProperties = settings.kafkaProperties
    var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: settings.kafkaBrokers)
    producerConfiguration.clientID = "rsc-outbound-dlq"
    producerConfiguration.extraProperties = settings.kafkaProperties
    return [
        OutboundConsumer(
            consumer: try KafkaConsumer(configuration: consumerConfiguration, logger: context.logger),
            states: EntityStateStore(client: context.postgres, logger: context.logger),
            deadLetters: DeadLetterPublisher(
                producer: try KafkaProducer(configuration: producerConfiguration, logger: context.logger)
            ),
            companies: KnownCompanies(client: context.postgres, logger: context.logger),
            logger: context.logger
        )
    ]
}
