import Foundation
import Hummingbird

/// Puts the LinkedIn endpoints, the token endpoint and the inspection API on one router.
enum LinkedInRoutes {
    /// Every `/v2` endpoint the simulator serves; later resources (provisioning, exports, …) join this list.
    static var endpoints: [APIEndpoint] {
        ATSCandidatesRoutes.endpoints + ATSApplicationsRoutes.endpoints + SubResourceRoutes.endpoints
            + JobPostingRoutes.endpoints + ProvisioningRoutes.endpoints + IntegrationRoutes.endpoints
            + ExportRoutes.endpoints + RecruiterDataRoutes.endpoints
    }

    static func router(state: SimulatorState) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: LinkedInErrorMiddleware(state: state))

        router.post(RouterPath(SimulatorState.tokenPath)) { request, _ -> Response in
            let call: IncomingCall
            do throws(APIError) {
                call = try await IncomingCall(request, parameters: [:], collectBody: true)
            } catch {
                return OutgoingResponse.error(error).response
            }
            try await sleep(await state.latency)
            return await state.serveToken(call).response
        }

        var methodsByPath: [String: Set<HTTPRequest.Method>] = [:]
        // Endpoints sharing a path and an HTTP method (a finder beside a batch_get) share one route.
        var groups: [(path: String, method: HTTPRequest.Method, endpoints: [APIEndpoint])] = []
        for endpoint in endpoints {
            methodsByPath[endpoint.path, default: []].insert(endpoint.method)
            if let index = groups.firstIndex(where: { $0.path == endpoint.path && $0.method == endpoint.method }) {
                groups[index].endpoints.append(endpoint)
            } else {
                groups.append((endpoint.path, endpoint.method, [endpoint]))
            }
        }
        for group in groups {
            router.on(RouterPath(group.path), method: group.method) { request, context -> Response in
                let endpoint = group.endpoints.first { $0.selects(query: request.uri.query) } ?? group.endpoints[0]
                var parameters: [String: String] = [:]
                if let parent = context.parameters.get("parent") { parameters["parent"] = parent }
                let call: IncomingCall
                do throws(APIError) {
                    call = try await IncomingCall(request, parameters: parameters, collectBody: endpoint.takesBody)
                } catch {
                    let bare = try? await IncomingCall(request, parameters: parameters, collectBody: false)
                    if let bare { await state.logUnrouted(bare, status: error.status) }
                    return OutgoingResponse.error(error).response
                }
                try await sleep(await state.latency)
                return await state.serveAPI(call, endpoint: endpoint).response
            }
        }
        // A known path with a method it does not take: 405 in LinkedIn's shape rather than a bare 404.
        for (path, methods) in methodsByPath {
            for method in [HTTPRequest.Method.get, .put, .post, .delete, .patch] where !methods.contains(method) {
                router.on(RouterPath(path), method: method) { request, _ -> Response in
                    let error = APIError(status: 405, message: "\(method.rawValue) is not supported on this resource")
                    if let call = try? await IncomingCall(request, parameters: [:], collectBody: false) {
                        await state.logUnrouted(call, status: 405)
                    }
                    return OutgoingResponse.error(error).response
                }
            }
        }

        InspectionRoutes.register(on: router, state: state)
        return router
    }

    private static func sleep(_ latency: Duration) async throws {
        if latency > .zero { try await Task.sleep(for: latency) }
    }
}

/// Turns anything that escapes a route (unknown path, unexpected error) into LinkedIn's error body, so no
/// request ever gets an empty or HTML answer.
struct LinkedInErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let state: SimulatorState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let status = Int(error.status.code)
            let message = status == 404 ? "No virtual resource found" : (error.body ?? error.status.reasonPhrase)
            return await answer(request, APIError(status: status, message: message))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return await answer(request, APIError(status: 500, message: "Internal simulator error"))
        }
    }

    private func answer(_ request: Request, _ error: APIError) async -> Response {
        if !request.uri.path.hasPrefix(InspectionRoutes.prefix),
            let call = try? await IncomingCall(request, parameters: [:], collectBody: false)
        {
            await state.logUnrouted(call, status: error.status)
        }
        return OutgoingResponse.error(error).response
    }
}
