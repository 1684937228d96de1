/// A scripting call the simulator refuses (unknown seat, integration not enabled, …); the inspection API answers
/// it with `status` in LinkedIn's error body.
public struct SimulatorScriptError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var message: String

    public init(status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    static func badRequest(_ message: String) -> SimulatorScriptError { SimulatorScriptError(status: 400, message) }
    static func notFound(_ message: String) -> SimulatorScriptError { SimulatorScriptError(status: 404, message) }
    static func conflict(_ message: String) -> SimulatorScriptError { SimulatorScriptError(status: 409, message) }

    public var description: String { message }
}
