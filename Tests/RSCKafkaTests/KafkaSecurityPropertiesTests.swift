import Foundation
import Logging
import RSCKafka
import Testing

/// TLS and SASL for Kafka come through `KAFKA_PROPERTIES` as librdkafka settings (docs/operations.md,
/// "Security"). librdkafka checks each one as the client is made, so a wrong one stops the worker at start
/// naming the property, never echoing its value (it may be a password).
@Suite("Kafka TLS and SASL through KAFKA_PROPERTIES")
struct KafkaSecurityPropertiesTests {
    /// A self-signed CA made for this fixture with `openssl req -x509` (P-256); trusted nowhere, no key kept.
    static let caPEM = """
        -----BEGIN CERTIFICATE-----
        MIIBwzCCAWmgAwIBAgIUG9BwudTA+CXe31jpTQSVgyl2Qa0wCgYIKoZIzj0EAwIw
        NjE0MDIGA1UEAwwrcnNjIHRlc3QgQ0EgKGZpeHR1cmUsIG5vdCB0cnVzdGVkIGFu
        eXdoZXJlKTAgFw0yNjEyMDYxMDAxMjNaGA8yMTI2MTExMjEwMDEyM1owNjE0MDIG
        A1UEAwwrcnNjIHRlc3QgQ0EgKGZpeHR1cmUsIG5vdCB0cnVzdGVkIGFueXdoZXJl
        KTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABLcJFxJ20UXQeWVdVErWZU466Q78
        Nf3y5Z70e8d8s92qpLjMFcpDx1IUiYM9cKBLM8H2BjytRb8ncLdhcF78V7ejUzBR
        MB0GA1UdDgQWBBRBM8rKJIas/qEYLTNU3KeGolpzojAfBgNVHSMEGDAWgBRBM8rK
        JIas/qEYLTNU3KeGolpzojAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gA
        MEUCIFGi+uNZahwYa83aJ2ycrYvGaWRXqR1RBmQXt35xxBaeAiEA/JZx2zKtqe4J
        67/XAmaRgkloPZSsMqdq7Ew6E1fcM3E=
        -----END CERTIFICATE-----

        """

    static let password = "kafka-password-SECRET"

    /// What docs/operations.md shows for a SASL_SSL cluster with SCRAM and a private CA.
    static func saslSSL(caFile: String) -> [String: String] {
        [
            "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512", "sasl.username": "rsc-outbound",
            "sasl.password": password, "ssl.ca.location": caFile, "ssl.endpoint.identification.algorithm": "https",
        ]
    }

    static func withCAFile(_ body: (String) async throws -> Void) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rsc-kafka-ca-\(UUID().uuidString).pem")
        try Data(caPEM.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try await body(file.path)
    }

    /// Nothing listens on port 1: the clients are made (and their TLS context built) without a broker.
    static let nowhere = "127.0.0.1:1"

    static func producer(_ properties: [String: String]) throws -> KafkaProducer {
        var configuration = KafkaProducerConfiguration(bootstrapServers: nowhere)
        configuration.extraProperties = properties
        return try KafkaProducer(configuration: configuration, logger: Logger(label: "rsc.tests.kafka"))
    }

    @Test("a SASL_SSL set with SCRAM and a CA file is taken by the producer and the admin client")
    func saslSSLIsAccepted() async throws {
        try await Self.withCAFile { caFile in
            let producer = try Self.producer(Self.saslSSL(caFile: caFile))
            await producer.close(flushTimeout: .milliseconds(100))
            let admin = try KafkaAdmin(bootstrapServers: Self.nowhere, extraProperties: Self.saslSSL(caFile: caFile), logger: Logger(label: "rsc.tests.kafka"))
            await admin.close()
        }
    }

    @Test("the TLS settings are applied, not just parsed: a CA file that is not there stops the client, naming the property")
    func missingCAFileStopsTheClient() async throws {
        var properties = Self.saslSSL(caFile: "/nonexistent/rsc-ca.pem")
        properties["sasl.password"] = Self.password
        let error = #expect(throws: KafkaError.self) { _ = try Self.producer(properties) }
        #expect(error?.description.contains("ssl.ca.location") == true, "\(error.map { "\($0)" } ?? "-")")
        #expect(error?.description.contains(Self.password) == false)
    }

    @Test("a misspelt property or an unknown protocol is refused naming the property, never echoing its value")
    func typosAreRefused() throws {
        let misspelt = #expect(throws: KafkaError.self) { _ = try Self.producer(["sasl.pasword": Self.password]) }
        #expect(misspelt?.description.contains("sasl.pasword") == true, "\(misspelt.map { "\($0)" } ?? "-")")
        #expect(misspelt?.description.contains(Self.password) == false)
        let protocolError = #expect(throws: KafkaError.self) { _ = try Self.producer(["security.protocol": "SASL_TLS"]) }
        #expect(protocolError?.description.contains("security.protocol") == true)
    }
}
