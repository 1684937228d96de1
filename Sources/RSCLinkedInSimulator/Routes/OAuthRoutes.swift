import Foundation

/// `POST /oauth/v2/accessToken`: client credentials in a form body → `{"access_token", "expires_in"}`.
extension SimulatorState {
    static let tokenPath = "/oauth/v2/accessToken"

    func serveToken(_ call: IncomingCall) -> OutgoingResponse {
        let now = clock.now()
        var entry = RequestLogEntry(
            method: call.method, path: call.path, restliMethod: call.restliMethod, recordCount: 0, status: 0,
            time: now, clientID: nil)
        let response: OutgoingResponse
        do throws(APIError) {
            guard call.mediaType == "application/x-www-form-urlencoded" else {
                throw ApplicationRegistry.oauthError(
                    400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
            }
            let form = try QueryParameters(raw: String(decoding: call.body ?? Data(), as: UTF8.self), plusIsSpace: true)
            entry.clientID = form.first("client_id")
            if let clientID = entry.clientID { registry.countTokenRequest(clientID: clientID) }
            guard form.first("grant_type") == "client_credentials" else {
                throw ApplicationRegistry.oauthError(
                    400, "unsupported_grant_type", "grant_type must be client_credentials")
            }
            guard let clientID = form.first("client_id"), let secret = form.first("client_secret") else {
                throw ApplicationRegistry.oauthError(
                    400, "invalid_request", "A required parameter \"client_id\" or \"client_secret\" is missing")
            }
            let issued = try registry.issueToken(
                clientID: clientID, clientSecret: secret, now: now, lifetime: configuration.tokenLifetime)
            response = .json(200, ["access_token": .string(issued.token), "expires_in": .int(Int64(issued.expiresIn))])
        } catch {
            response = .error(error)
        }
        record(&entry, response)
        return response
    }
}
