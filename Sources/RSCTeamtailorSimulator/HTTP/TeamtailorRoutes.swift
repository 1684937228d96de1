import Foundation
import Hummingbird
import RSCChangeEvents

/// Puts the `/v1` API and the inspection API on one router.
enum TeamtailorRoutes {
    /// Every `/v1` shape; the handler inside the state routes by resource and method, so an unknown resource or
    /// method still gets a JSON:API error, not Hummingbird's default.
    static let apiPaths = ["/v1/:resource", "/v1/:resource/:id", "/v1/:resource/:id/:related"]

    static func router(state: TeamtailorSimulatorState, publish: @escaping @Sendable ([ChangeEvent]) async -> Void)
        -> Router<BasicRequestContext>
    {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: JSONAPIErrorMiddleware(state: state))
        for path in apiPaths {
            for method in [HTTPRequest.Method.get, .post, .patch, .delete, .put] {
                router.on(RouterPath(path), method: method) { request, _ -> Response in
                    let call: IncomingCall
                    do throws(APIFailure) {
                        call = try await IncomingCall(request, collectBody: method != .get && method != .delete)
                    } catch {
                        if let bare = try? await IncomingCall(request, collectBody: false) {
                            await state.logUnrouted(bare, status: error.status)
                        }
                        return OutgoingResponse.failure(error).response
                    }
                    let latency = await state.latency
                    if latency > .zero { try await Task.sleep(for: latency) }
                    let (response, events) = await state.serveAPI(call)
                    if !events.isEmpty { await publish(events) }
                    return response.response
                }
            }
        }
        InspectionRoutes.register(on: router, state: state)
        return router
    }
}

/// Turns anything that escapes a route (unknown path, unexpected error) into a JSON:API error document, so no
/// request ever gets an empty or HTML answer.
struct JSONAPIErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let state: TeamtailorSimulatorState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let status = Int(error.status.code)
            let failure = APIFailure(
                status: status, title: error.status.reasonPhrase,
                detail: status == 404 ? "No route matches \(request.method.rawValue) \(request.uri.path)" : (error.body ?? ""))
            return await answer(request, failure)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return await answer(request, APIFailure(status: 500, title: "Internal server error", detail: "Internal simulator error"))
        }
    }

    private func answer(_ request: Request, _ failure: APIFailure) async -> Response {
        if !request.uri.path.hasPrefix(InspectionRoutes.prefix),
            let call = try? await IncomingCall(request, collectBody: false)
        {
            await state.logUnrouted(call, status: failure.status)
        }
        return OutgoingResponse.failure(failure).response
    }
}
