import Foundation
import Hummingbird
import RSCStore

/// Every answer of the HTTP listeners is JSON, errors included: `{"error":{"code","message"}}` with a
/// stable machine code and a sentence for people.
public enum JSONAnswer {
    public static func ok(_ status: HTTPResponse.Status = .ok, _ body: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    public static func error(_ status: HTTPResponse.Status, code: String, _ message: String) -> Response {
        ok(status, ErrorBody(error: .init(code: code, message: message)))
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
    }
}

/// Whatever escapes a handler (an unknown path, an unexpected failure) still gets a JSON body, and a
/// failure is logged once with the route's pattern (`/linkedin/callbacks/{token}`), never with the path
/// itself — a callback URL's path is the company's secret token — and never with the body.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let status = error.status
            let code = status == .notFound ? "not_found" : status == .methodNotAllowed ? "method_not_allowed" : "http_\(status.code)"
            return JSONAnswer.error(status, code: code, error.body ?? status.reasonPhrase)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            return JSONAnswer.error(.contentTooLarge, code: "body_too_large", "the request body is too large")
        } catch let error as HTTPResponseError {
            return try error.response(from: request, context: context)
        } catch {
            context.logger.error(
                "request failed", metadata: ["route": "\(context.endpointPath ?? "no route")", "error": "\(loggable(error))"])
            return JSONAnswer.error(.internalServerError, code: "internal_error", "the request could not be handled; it is safe to retry")
        }
    }
}
