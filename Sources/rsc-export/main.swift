import AsyncHTTPClient
import Hummingbird
import RSCConfiguration
import RSCConnect
import RSCExport
import RSCLinkedInClient
import RSCRetry
import RSCRuntime
import RSCStore
import RSCTeamtailorClient

// rsc-export: LinkedIn's callbacks ("Export to ATS", integration status) on HTTP_PORT, the internal admin
// API on INTERNAL_HTTP_PORT, and the background work behind both (processing pushes, disconnects).
await WorkerRuntime.run(name: "rsc-export", defaultGroupID: "rsc-export", usesKafka: false) { context in
    let settings = context.configuration
    let exportSettings = try ExportConfiguration(environment: EnvironmentReader())
    let logger = context.logger
    let companies = CompanyStore(client: context.postgres, secrets: context.secrets, logger: logger)
    let linkedIn = LinkedInClient(
        apiURL: settings.linkedInAPIURL, oauthURL: settings.linkedInOAuthURL, http: HTTPClient.shared, logger: logger)
    let teamtailor = TeamtailorClient(baseURL: settings.teamtailorAPIURL, http: HTTPClient.shared, logger: logger)
    let directory = CallbackDirectory(postgres: context.postgres, secrets: context.secrets, logger: logger)
    let store = NotificationStore(postgres: context.postgres, logger: logger)
    let storedPush = WakeUp()

    let publicRouter = Router(context: BasicRequestContext.self)
    publicRouter.add(middleware: JSONErrorMiddleware())
    CallbackRoutes(directory: directory, store: store, logger: logger, onStored: { storedPush.ring() }).register(on: publicRouter)
    let publicListener = Application(
        router: publicRouter,
        configuration: .init(address: .hostname("0.0.0.0", port: settings.httpPort), serverName: "rsc-callbacks"),
        onServerRunning: { channel in
            logger.info("callback listener ready", metadata: ["port": "\(channel.localAddress?.port ?? settings.httpPort)"])
        },
        logger: logger)

    var onboardingSettings = Onboarding.Settings(
        publicCallbackBaseURL: exportSettings.publicCallbackBaseURL,
        partner: LinkedInApplication(clientID: exportSettings.partnerClientID, clientSecret: exportSettings.partnerClientSecret),
        teamtailorAppURL: exportSettings.teamtailorAppURL)
    // One deployment serves one Teamtailor region: activation checks the key on this region's host.
    onboardingSettings.teamtailor = teamtailor
    let onboarding = Onboarding(
        settings: onboardingSettings,
        postgres: context.postgres, companies: companies, directory: directory, linkedIn: linkedIn, logger: logger)
    let internalListener = Application(
        router: InternalRoutes(onboarding: onboarding, logger: logger).router(token: exportSettings.internalAPIToken),
        configuration: .init(address: .hostname("0.0.0.0", port: exportSettings.internalHTTPPort), serverName: "rsc-internal"),
        onServerRunning: { channel in
            logger.info("internal API ready", metadata: ["port": "\(channel.localAddress?.port ?? exportSettings.internalHTTPPort)"])
        },
        logger: logger)

    return [
        publicListener,
        internalListener,
        NotificationProcessor(
            postgres: context.postgres, companies: companies, linkedIn: linkedIn, teamtailor: teamtailor, wakeUp: storedPush,
            logger: logger),
        Disconnection(
            postgres: context.postgres, companies: companies, directory: directory, linkedIn: linkedIn,
            teamtailorAppURL: exportSettings.teamtailorAppURL.absoluteString, logger: logger),
        ExportGauges(store: store, logger: logger),
    ]
}
