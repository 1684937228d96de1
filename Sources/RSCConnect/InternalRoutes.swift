import Foundation
import Hummingbird
import Logging
import RSCExport

/// The internal API Teamtailor's backend calls for its settings and candidate pages
/// (`schemas/openapi/internal.yaml`). Served on `INTERNAL_HTTP_PORT`, never exposed to the internet.
public struct InternalRoutes: Sendable {
    let onboarding: Onboarding
    let logger: Logger

    public init(onboarding: Onboarding, logger: Logger) {
        self.onboarding = onboarding
        self.logger = logger
    }

    public func router(token: String) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: InternalAPIAuth(token: token))
        router.post("/companies/:company/rsc/activate") { request, context in
            try await handle(request, context) { (body: ActivateRequest, company) in
                try await onboarding.activate(companyID: company, body)
            }
        }
        router.post("/companies/:company/rsc/integration") { request, context in
            try await handle(request, context) { (body: IntegrationRequest, company) in
                try await onboarding.recordIntegration(companyID: company, body)
            }
        }
        router.put("/companies/:company/rsc/settings") { request, context in
            try await handle(request, context) { (body: SettingsRequest, company) in
                try await onboarding.updateSettings(companyID: company, body)
            }
        }
        router.get("/companies/:company/rsc/status") { request, context in
            let verify = request.uri.queryParameters["verify"] == "linkedin"
            return try await answer(context) { company in try await onboarding.status(companyID: company, verifyIntegrations: verify) }
        }
        router.get("/companies/:company/candidates/:candidate/linkedin") { _, context in
            try await answer(context) { company in
                try await onboarding.candidate(companyID: company, candidateID: context.parameters.get("candidate") ?? "")
            }
        }
        router.delete("/companies/:company/rsc") { request, context in
            try await handle(request, context, status: .accepted) { (body: DisconnectRequest, company) in
                try await onboarding.disconnect(companyID: company, body)
            }
        }
        return router
    }

    /// Decodes the JSON body (at most 64 KiB), refuses anyone but an admin, runs the step, and answers
    /// JSON — a refusal with its code.
    func handle<Body: ChangeRequest>(
        _ request: Request, _ context: BasicRequestContext, status: HTTPResponse.Status = .ok,
        _ step: (Body, String) async throws -> some Encodable
    ) async throws -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 64 * 1024)
        } catch {
            return JSONAnswer.error(.contentTooLarge, code: "body_too_large", "the body is larger than 64 KiB")
        }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: Data(buffer: buffer))
        } catch let DecodingError.keyNotFound(key, _) {
            return JSONAnswer.error(.badRequest, code: "invalid_body", "\(key.stringValue) is required")
        } catch let DecodingError.typeMismatch(_, context) {
            return JSONAnswer.error(
                .badRequest, code: "invalid_body", "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            return JSONAnswer.error(
                .badRequest, code: "invalid_body", "\(context.codingPath.map(\.stringValue).joined(separator: ".")) must not be null")
        } catch {
            return JSONAnswer.error(.badRequest, code: "invalid_body", "the body is not JSON")
        }
        guard !body.actingUser.id.isEmpty else {
            return JSONAnswer.error(.badRequest, code: "invalid_body", "actingUser.id must not be empty")
        }
        guard body.actingUser.isAdmin else {
            let refusal = OnboardingError.adminRequired
            return JSONAnswer.error(.init(code: refusal.status), code: refusal.code, refusal.message)
        }
        return try await answer(context, status: status) { company in try await step(body, company) }
    }

    func answer(
        _ context: BasicRequestContext, status: HTTPResponse.Status = .ok, _ step: (String) async throws -> some Encodable
    ) async throws -> Response {
        let company = context.parameters.get("company") ?? ""
        guard company.wholeMatch(of: /[0-9A-Za-z_-]{1,64}/) != nil else {
            return JSONAnswer.error(.badRequest, code: "invalid_company_id", "the company id must be 1–64 letters, digits, '-' or '_'")
        }
        do {
            return JSONAnswer.ok(status, try await step(company))
        } catch let refusal as OnboardingError {
            if refusal.status >= 500 {
                logger.warning("internal API step failed", metadata: ["company": "\(company)", "code": "\(refusal.code)"])
            }
            return JSONAnswer.error(.init(code: refusal.status), code: refusal.code, refusal.message)
        }
    }
}
