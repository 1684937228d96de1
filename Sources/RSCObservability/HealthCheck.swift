/// One dependency `/readyz` asks about (PostgreSQL, Kafka); the name appears in the answer, never a secret.
public struct HealthCheck: Sendable {
    public var name: String
    public var check: @Sendable () async -> Bool

    public init(name: String, check: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.check = check
    }
}
