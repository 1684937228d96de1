import Foundation
import Hummingbird

/// The Rest.li methods RSC uses, as sent in `x-restli-method`.
enum RestliMethod: String, Sendable {
    case batchCreate = "batch_create"
    case batchUpdate = "batch_update"
    case batchPartialUpdate = "batch_partial_update"
    case batchGet = "batch_get"
    case batchDelete = "batch_delete"
    /// A plain `create` (POST without a batch): the header is optional.
    case create
    /// A partial update of one entity (`POST …/{key}` with `{"patch": …}`): the header is optional, as LinkedIn's
    /// collection sends the provisioned application's update without it.
    case partialUpdate = "partial_update"
    /// A `q=…` finder (GET).
    case finder

    /// Whether a POST or PUT may leave `x-restli-method` out (single-entity methods; batches must name theirs).
    var headerOptional: Bool { self == .create || self == .partialUpdate }
}

/// One `/v2` operation: its route, the Rest.li method it takes, and how a request becomes work.
///
/// `prepare` checks the request's shape (400/403, nothing changes); the returned operation's `apply` then
/// runs inside the state actor after the quotas allowed it. Adding a resource is adding endpoints to
/// `LinkedInRoutes.endpoints`.
struct APIEndpoint: Sendable {
    let method: HTTPRequest.Method
    /// A Hummingbird route pattern; `:parent` is a compound key in the path.
    let path: String
    /// POST/PUT: the `x-restli-method` value required. GET/DELETE: the only value allowed when the header is sent.
    let restliMethod: RestliMethod
    /// Which application's token may call it: the partner's (provisioning) or a customer's child.
    var audience: Audience = .child
    /// Which daily call budget the call counts against.
    var budget: CallBudget = .sync
    let prepare: @Sendable (APIRequest) throws(APIError) -> PreparedOperation

    /// POST and PUT carry a JSON body and must name their Rest.li method.
    var takesBody: Bool { method == .post || method == .put }

    /// Where a finder and a batch method share a path and an HTTP method (`GET /v2/atsIntegrations`), a `q`
    /// parameter picks the finder and its absence the other.
    func selects(query: String?) -> Bool {
        let hasFinder = (query ?? "").split(separator: "&").contains { $0 == "q" || $0.hasPrefix("q=") }
        return (restliMethod == .finder) == hasFinder
    }

    enum Audience: Sendable {
        case partner, child
    }

    /// Sync resources (records and calls), recruiter data (100,000 calls a day together) or configuration
    /// (integrations and provisioning, 5,000 calls a day).
    enum CallBudget: Sendable {
        case sync, recruiterData, configuration
    }
}

/// What an endpoint's `prepare` sees.
struct APIRequest: Sendable {
    let call: IncomingCall
    let caller: ApplicationRegistry.Application
    let query: QueryParameters
    /// The parsed JSON object body (POST/PUT only).
    let body: SimulatedJSON?
    let now: Date
}

/// Checked work waiting for the quota: how many records it holds and what it does.
struct PreparedOperation {
    var recordCount: Int
    /// Writes count toward the per-window record quota; reads only toward the call quota.
    var countsRecords: Bool
    /// The HTTP status of a successful answer (201 for a create).
    var successStatus = 200
    /// Throws only before it changes anything (404 for an unknown request id, 409, 429 per member).
    var apply: (inout SimulatorData, OperationContext) throws(APIError) -> SimulatedJSON
}

/// What an operation knows while it runs.
struct OperationContext {
    let now: Date
    let caller: ApplicationRegistry.Application
    /// `LinkedInSimulatorConfiguration.jobTaskProcessingTime`, in seconds.
    var jobTaskProcessingTime: TimeInterval = 0
}
