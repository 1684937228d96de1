import Foundation
import Hummingbird
import RSCChangeEvents

/// A request reduced to what the handlers read, so they run inside the state actor without Hummingbird types.
struct IncomingCall: Sendable {
    var method: String
    /// The raw path, without the query.
    var path: String
    var query: String?
    var authorization: String?
    var apiVersion: String?
    var contentType: String?
    /// `Host`, for the absolute `links` Teamtailor answers with.
    var host: String?
    var body: Data?

    /// Generous: the biggest write (a job application or a note) is a few kilobytes.
    static let maxBodyBytes = 1 << 20

    static let apiVersionHeader = HTTPFields.Element.Name("X-Api-Version")!

    init(_ request: Request, collectBody: Bool) async throws(APIFailure) {
        method = request.method.rawValue
        path = request.uri.path
        query = request.uri.query
        authorization = request.headers[.authorization]
        apiVersion = request.headers[Self.apiVersionHeader]
        contentType = request.headers[.contentType]
        host = request.head.authority
        if collectBody {
            do {
                let buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
                body = Data(buffer.readableBytesView)
            } catch {
                throw APIFailure(status: 413, title: "Payload too large", detail: "Bodies are limited to \(Self.maxBodyBytes) bytes")
            }
        }
    }

    /// The key in `Authorization: Token token=<key>` (quotes allowed, as Rails' token auth allows).
    var apiKey: String? {
        guard let authorization, authorization.hasPrefix("Token ") else { return nil }
        let rest = authorization.dropFirst("Token ".count).trimmingCharacters(in: .whitespaces)
        guard rest.hasPrefix("token=") else { return nil }
        let key = rest.dropFirst("token=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        return key.isEmpty ? nil : key
    }

    /// The media type without parameters, lowercased.
    var mediaType: String? {
        contentType.map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased() }
    }
}

/// What the simulator answers: a status, a JSON:API document (or nothing) and extra headers.
struct OutgoingResponse: Sendable {
    var status: Int
    var body: JSONValue?
    var headers: [(String, String)] = []

    static let mediaType = "application/vnd.api+json"

    static func document(_ status: Int, _ body: JSONValue) -> OutgoingResponse {
        OutgoingResponse(status: status, body: body)
    }

    static let noContent = OutgoingResponse(status: 204, body: nil)

    static func failure(_ failure: APIFailure) -> OutgoingResponse {
        // A 401's body is empty; the others are JSON:API error documents.
        var response = OutgoingResponse(status: failure.status, body: failure.body)
        if let retryAfter = failure.retryAfter { response.headers.append(("Retry-After", String(retryAfter))) }
        return response
    }

    var response: Response {
        // HTTPTypes traps on codes outside 100…999; a bad in-process setting must not crash the server.
        let status = (100...999).contains(self.status) ? self.status : 500
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPFields.Element.Name(name) { fields[name] = value }
        }
        guard let body else { return Response(status: HTTPResponse.Status(code: status), headers: fields) }
        fields[.contentType] = Self.mediaType
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: body.canonicalText)))
    }
}
