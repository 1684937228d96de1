import Foundation
import Hummingbird

/// A request reduced to what the handlers read, so they can run inside the state actor without Hummingbird types.
struct IncomingCall: Sendable {
    var method: String
    /// The raw (still percent-encoded) path, without the query.
    var path: String
    /// The raw query, without `?`.
    var query: String?
    var authorization: String?
    var restliMethod: String?
    var restliProtocolVersion: String?
    var contentType: String?
    var body: Data?
    /// Raw path parameters by name (`parent` for sub-resources).
    var pathParameters: [String: String] = [:]

    /// Bodies above this are refused with 413: a full batch of 100 job descriptions is about 2.5 MB.
    static let maxBodyBytes = 16 * 1024 * 1024

    static let restliMethodHeader = HeaderName("x-restli-method")!
    static let restliProtocolHeader = HeaderName("x-restli-protocol-version")!

    /// Reads the request, collecting its body; throws `APIError` 413 when the body is too large.
    init(_ request: Request, parameters: [String: String], collectBody: Bool) async throws(APIError) {
        method = request.method.rawValue
        path = request.uri.path
        query = request.uri.query
        authorization = request.headers[.authorization]
        restliMethod = request.headers[Self.restliMethodHeader]
        restliProtocolVersion = request.headers[Self.restliProtocolHeader]
        contentType = request.headers[.contentType]
        pathParameters = parameters
        if collectBody {
            do {
                let buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
                body = Data(buffer.readableBytesView)
            } catch {
                throw APIError(status: 413, message: "Request body larger than \(Self.maxBodyBytes) bytes")
            }
        }
    }

    /// The media type without parameters, lowercased (`application/json; charset=utf-8` → `application/json`).
    var mediaType: String? {
        contentType.map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased() }
    }
}

/// A header name (HTTPTypes' `HTTPField.Name`, reached through Hummingbird's re-exported `HTTPFields`).
typealias HeaderName = HTTPFields.Element.Name

/// What the simulator answers: a status, JSON (or nothing) and extra headers.
struct OutgoingResponse: Sendable {
    var status: Int
    var body: SimulatedJSON?
    var headers: [String: String] = [:]

    static func json(_ status: Int, _ body: SimulatedJSON) -> OutgoingResponse {
        OutgoingResponse(status: status, body: body)
    }

    static let noContent = OutgoingResponse(status: 204, body: nil)

    static func error(_ error: APIError) -> OutgoingResponse {
        var response = OutgoingResponse(status: error.status, body: error.body)
        // Rest.li marks error bodies so clients can tell them from data.
        response.headers["X-RestLi-Error-Response"] = "true"
        if let retryAfter = error.retryAfter { response.headers["Retry-After"] = String(retryAfter) }
        return response
    }

    var response: Response {
        // HTTPTypes traps on codes outside 100…999; an odd in-process fault setting must not crash the server.
        let status = (100...999).contains(self.status) ? self.status : 500
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HeaderName(name) { fields[name] = value }
        }
        guard let body else {
            return Response(status: HTTPResponse.Status(code: status), headers: fields)
        }
        fields[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.encoded())))
    }
}
