import AsyncHTTPClient
import RSCChangeEvents
import RSCFirstSync
import RSCKafka
import RSCLinkedInClient
import RSCOutbound
import RSCReconciliation
import RSCRetry
import RSCRuntime
import RSCStore
import RSCTeamtailorClient

// rsc-outbound: Teamtailor change topics → PostgreSQL entity state → LinkedIn RSC records.
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
    let companies = CompanyStore(client: context.postgres, secrets: context.secrets, logger: context.logger)
    let linkedIn = LinkedInClient(
        apiURL: settings.linkedInAPIURL, oauthURL: settings.linkedInOAuthURL, http: HTTPClient.shared, logger: context.logger
    )
    var senderSettings = LinkedInSender.Settings()
    senderSettings.concurrentCompanies = settings.linkedInSenderConcurrency
    senderSettings.gatherLiveChanges = settings.linkedInGather
    senderSettings.teamtailorAppURL = settings.teamtailorAppURL.absoluteString
    senderSettings.quota = LinkedInQuota.Limits(
        recordsPerWindow: settings.linkedInQuota.recordsPerWindow, window: settings.linkedInQuota.window,
        callsPerDay: settings.linkedInQuota.callsPerDay
    )
    let doorbell = WakeUp()
    let pace = ConsumerPace()
    // One client for the first sync and the reconciliation: they share the key's Teamtailor rate-limit view.
    let teamtailor = TeamtailorClient(baseURL: settings.teamtailorAPIURL, http: HTTPClient.shared, logger: context.logger)
    var reconcileSettings = ReconciliationRunner.Settings()
    reconcileSettings.schedule = ReconciliationSchedule(interval: settings.reconcileInterval, fullInterval: settings.reconcileFullInterval)
    return [
        OutboundConsumer(
            consumer: try KafkaConsumer(configuration: consumerConfiguration, logger: context.logger),
            intake: try ChangeEventIntake.loadDefault(),
            states: EntityStateStore(client: context.postgres, logger: context.logger),
            deadLetters: DeadLetterPublisher(
                producer: try KafkaProducer(configuration: producerConfiguration, logger: context.logger)
            ),
            companies: KnownCompanies(client: context.postgres, logger: context.logger),
            doorbell: doorbell, pace: pace, lostEvents: ReconciliationRequests(postgres: context.postgres, logger: context.logger),
            logger: context.logger
        ),
        LinkedInSender(
            postgres: context.postgres, linkedIn: linkedIn, companies: companies, settings: senderSettings, doorbell: doorbell,
            pace: pace, logger: context.logger),
        PendingGauges(client: context.postgres, quota: senderSettings.quota, logger: context.logger),
        FirstSyncRunner(
            postgres: context.postgres, companies: companies, teamtailor: teamtailor, logger: context.logger),
        ReconciliationRunner(
            postgres: context.postgres, companies: companies, teamtailor: teamtailor, settings: reconcileSettings,
            logger: context.logger),
    ]
}
