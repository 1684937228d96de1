import Logging
import Testing

@testable import RSCKafka

@Suite("librdkafka log levels")
struct LibrdkafkaLogLevelTests {
    @Test("syslog levels map to ours; a setting meant for another kind of client is debug, other configuration warnings stay warnings")
    func levels() {
        #expect(librdkafkaLogLevel(syslogLevel: 3, facility: "FAIL", text: "Connect failed") == .error)
        #expect(librdkafkaLogLevel(syslogLevel: 4, facility: "CONFWARN",
            text: "[thrd:app]: Configuration property session.timeout.ms is a consumer property and will be ignored by this producer instance") == .debug)
        #expect(librdkafkaLogLevel(syslogLevel: 4, facility: "CONFWARN",
            text: "[thrd:app]: Configuration property linger.ms is a producer property and will be ignored by this consumer instance") == .debug)
        #expect(librdkafkaLogLevel(syslogLevel: 4, facility: "CONFWARN", text: "Configuration property ssl.ca.location is deprecated") == .warning)
        #expect(librdkafkaLogLevel(syslogLevel: 7, facility: "BROKER", text: "x") == .debug)
        #expect(librdkafkaLogLevel(syslogLevel: 2, facility: "FATAL", text: "x") == .critical)
    }
}
