import CRdKafka
import Logging

/// An `rd_kafka_t *`; which thread may use it is decided by the client that owns it.
struct RdKafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    enum Kind {
        case producer, consumer

        var rdType: rd_kafka_type_t { self == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER }
    }

    /// Builds a configuration from `properties` (applied in order, so later entries win),
    /// lets `configure` install callbacks, and creates the instance.
    static func make(
        _ kind: Kind,
        properties: [(String, String)],
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) -> RdKafkaHandle {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(RD_KAFKA_RESP_ERR__CRIT_SYS_RESOURCE, "rd_kafka_conf_new")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        for (name, value) in properties {
            let result = rd_kafka_conf_set(conf, name, value, &errorText, errorText.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                // The value is left out: it may be a credential.
                throw KafkaError(
                    code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
                    message: "configuration property \(name): \(String(errorBuffer: errorText))"
                )
            }
        }
        configure(conf)
        guard let rk = rd_kafka_new(kind.rdType, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: "rd_kafka_new: \(String(errorBuffer: errorText))")
        }
        return RdKafkaHandle(pointer: rk)
    }

}

extension String {
    /// The NUL-terminated text librdkafka wrote into an `errstr` buffer.
    init(errorBuffer: [CChar]) {
        let bytes = errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self.init(decoding: bytes, as: UTF8.self)
    }
}

extension Duration {
    /// Whole milliseconds, clamped to what librdkafka's `int timeout_ms` can carry.
    var milliseconds: Int32 {
        let (seconds, attoseconds) = components
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        if ms.overflow { return seconds < 0 ? 0 : Int32.max }
        return Int32(clamping: max(0, ms.partialValue + attoseconds / 1_000_000_000_000_000))
    }
}

/// Forwards one librdkafka log line to swift-log; librdkafka's syslog levels map onto Logger's.
func forwardLibrdkafkaLog(to logger: Logger, level: Int32, facility: UnsafePointer<CChar>?, text: UnsafePointer<CChar>?) {
    let facility = facility.map { String(cString: $0) } ?? ""
    let text = text.map { String(cString: $0) } ?? ""
    let swiftLevel = librdkafkaLogLevel(syslogLevel: level, facility: facility, text: text)
    guard logger.logLevel <= swiftLevel else { return }
    logger.log(level: swiftLevel, "\(text)", metadata: ["librdkafka.facility": "\(facility)"])
}

/// librdkafka's syslog level as ours. One `KAFKA_PROPERTIES` feeds every client, so a producer or the admin
/// client being told a consumer setting (or the other way round) is expected: that warning is debug here.
func librdkafkaLogLevel(syslogLevel level: Int32, facility: String, text: String) -> Logger.Level {
    if facility == "CONFWARN", text.contains(" property and will be ignored by this ") { return .debug }
    switch level {
    case ...2: return .critical
    case 3: return .error
    case 4: return .warning
    case 5: return .notice
    case 6: return .info
    default: return .debug
    }
}

/// Reports an error librdkafka raised outside any call of ours (broker down, fatal state, ...).
func logLibrdkafkaError(to logger: Logger, rk: OpaquePointer?, code: Int32, reason: UnsafePointer<CChar>?) {
    let reason = reason.map { String(cString: $0) } ?? ""
    if code == RD_KAFKA_RESP_ERR__FATAL.rawValue, let rk, let fatal = KafkaError.fatal(of: rk) {
        logger.critical("librdkafka raised a fatal error", metadata: ["error": "\(fatal)"])
    } else {
        logger.warning("librdkafka error", metadata: ["error": "\(KafkaError(code: code, message: reason))"])
    }
}
