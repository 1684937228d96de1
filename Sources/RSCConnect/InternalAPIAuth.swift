import Foundation
import Hummingbird
import RSCExport

/// Teamtailor's backend authenticates with one shared bearer token (`INTERNAL_API_TOKEN`).
/// Compared in constant time; a failure is answered before any route runs.
public struct InternalAPIAuth<Context: RequestContext>: RouterMiddleware {
    let expected: [UInt8]

    public init(token: String) {
        expected = Array(token.utf8)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            return JSONAnswer.error(.unauthorized, code: "unauthenticated", "an Authorization: Bearer token is required")
        }
        let given = Array(header.dropFirst("Bearer ".count).utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in expected.indices { difference |= expected[index] ^ (index < given.count ? given[index] : 0) }
        guard difference == 0 else {
            return JSONAnswer.error(.unauthorized, code: "unauthenticated", "the bearer token is not valid")
        }
        return try await next(request, context)
    }
}
