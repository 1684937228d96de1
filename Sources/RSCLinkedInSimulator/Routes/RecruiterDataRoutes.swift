import Foundation

/// What the partner pulls from Recruiter (needs CSA_API enabled on the contract): seats, prospect notes,
/// InMail history (conversation events) and mail stubs. Windows of at most 12 hours, `start`/`count` paging,
/// answers `{"elements": […], "paging": {"start", "count", "total"}}`; all count against the recruiter-data budget.
enum RecruiterDataRoutes {
    /// LinkedIn's longest time window for these resources.
    static let maxWindowMilliseconds: Int64 = 12 * 3600 * 1000
    /// Conversation records of one member an application may read per minute.
    static let conversationRecordsPerMemberMinute = 12

    static var endpoints: [APIEndpoint] { [seatsV2, seats, prospectNotes, conversationEvents, mailStubs] }

    /// `GET /v2/seatsV2?q=attributes&contracts=…&states=ACTIVE&start=0&count=10`, the finder the seat-holders page
    /// documents now. "Requests that do not specify the start parameter will fail": 400 without `start`.
    static let seatsV2 = APIEndpoint(
        method: .get, path: "/v2/seatsV2", restliMethod: .finder, budget: .recruiterData
    ) { request throws(APIError) in
        try checkFinder(request.query, "attributes")
        let contracts = request.query.values("contracts")
        guard !contracts.isEmpty else { throw APIError.badRequest("contracts is required (urn:li:contract:N)") }
        for contract in contracts { try checkURN(contract, .contract, "contracts") }
        let states = Set(request.query.values("states"))
        guard request.query.first("start") != nil else {
            throw APIError.badRequest("start is required: seatsV2 takes paging (start=0&count=10)")
        }
        let page = try Paging(request.query, maxCount: 100)
        let projection = fieldProjection(request.query)
        return PreparedOperation(recordCount: 0, countsRecords: false) { data, context throws(APIError) in
            for contract in contracts { try checkAccess(contract: contract, data: data, caller: context.caller) }
            let elements = data.recruiter.seats.values
                .filter { contracts.contains($0.contract) && (states.isEmpty || states.contains($0.active ? "ACTIVE" : "INACTIVE")) }
                .sorted { $0.id < $1.id }
                .map { project($0.json, projection) }
            return page.answer(elements)
        }
    }

    /// `GET /v2/seats?q=seatsByAttributes&fields=id&active=true&contracts=…&start=0&count=100`, the older finder
    /// LinkedIn's collection still sends; same elements as `seatsV2`.
    static let seats = APIEndpoint(
        method: .get, path: "/v2/seats", restliMethod: .finder, budget: .recruiterData
    ) { request throws(APIError) in
        try checkFinder(request.query, "seatsByAttributes")
        let contracts = request.query.values("contracts")
        guard !contracts.isEmpty else { throw APIError.badRequest("contracts is required (urn:li:contract:N)") }
        for contract in contracts { try checkURN(contract, .contract, "contracts") }
        let active: Bool?
        switch request.query.first("active") {
        case nil: active = nil
        case "true"?: active = true
        case "false"?: active = false
        case let other?: throw APIError.badRequest("active must be true or false, not '\(other)'")
        }
        let page = try Paging(request.query, maxCount: 100)
        let projection = fieldProjection(request.query)
        return PreparedOperation(recordCount: 0, countsRecords: false) { data, context throws(APIError) in
            for contract in contracts { try checkAccess(contract: contract, data: data, caller: context.caller) }
            let elements = data.recruiter.seats.values
                .filter { contracts.contains($0.contract) && (active == nil || $0.active == active) }
                .sorted { $0.id < $1.id }
                .map { project($0.json, projection) }
            return page.answer(elements)
        }
    }

    /// `GET /v2/prospectNotes?q=criteria&contract=…&owners=SEAT&cutoffDate=ms&beforeDate=ms&start&count`,
    /// selected by last modification in (cutoffDate, beforeDate]: the prospect-notes page calls `cutoffDate` a
    /// non-inclusive lower bound and `beforeDate` an inclusive upper one. Deactivated notes are included (`active: false`).
    static let prospectNotes = APIEndpoint(
        method: .get, path: "/v2/prospectNotes", restliMethod: .finder, budget: .recruiterData
    ) { request throws(APIError) in
        try checkFinder(request.query, "criteria")
        let contract = try required(request.query, "contract")
        try checkURN(contract, .contract, "contract")
        let owners = request.query.values("owners")
        for owner in owners { try checkURN(owner, .seat, "owners") }
        let window = try Window(request.query, start: "cutoffDate", end: "beforeDate", inclusive: .end)
        let page = try Paging(request.query, maxCount: 100)
        return PreparedOperation(recordCount: 0, countsRecords: false) { data, context throws(APIError) in
            try checkAccess(contract: contract, data: data, caller: context.caller)
            try checkOwners(owners, contract: contract, data: data)
            let elements = data.recruiter.notes.values
                .filter {
                    $0.contract == contract && (owners.isEmpty || owners.contains($0.owner))
                        && window.contains($0.lastModified)
                }
                .sorted { ($0.lastModified, $0.id) < ($1.lastModified, $1.id) }
                .map(\.json)
            return page.answer(elements)
        }
    }

    /// `GET /v2/conversationEvents?q=criteria&viewer=SEAT&timeRange.start=ms&timeRange.end=ms&start&count`
    /// (the InMail history page: `timeRange.start` inclusive, `timeRange.end` exclusive);
    /// 429 when the page would give one member more than 12 records in a minute.
    static let conversationEvents = APIEndpoint(
        method: .get, path: "/v2/conversationEvents", restliMethod: .finder, budget: .recruiterData
    ) { request throws(APIError) in
        try checkFinder(request.query, "criteria")
        let viewer = try required(request.query, "viewer")
        try checkURN(viewer, .seat, "viewer")
        let window = try Window(request.query, start: "timeRange.start", end: "timeRange.end")
        let page = try Paging(request.query, maxCount: 50)
        return PreparedOperation(recordCount: 0, countsRecords: false) { data, context throws(APIError) in
            guard let seat = data.recruiter.seats[viewer] else { throw APIError.notFound("No seat \(viewer)") }
            try checkAccess(contract: seat.contract, data: data, caller: context.caller)
            let matching = data.recruiter.events
                .filter { $0.seat == viewer && window.contains($0.createdAt) }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            let shown = page.slice(matching)
            let minute = Int64((context.now.timeIntervalSince1970 / 60).rounded(.down))
            var perMember: [String: Int] = [:]
            for event in shown { perMember[event.member, default: 0] += 1 }
            for (member, count) in perMember {
                let key = "\(context.caller.clientID)|\(member)"
                let used = data.recruiter.memberReads[key].map { $0.minute == minute ? $0.count : 0 } ?? 0
                if used + count > conversationRecordsPerMemberMinute {
                    let retryAfter = max(1, Int(Double(minute + 1) * 60 - context.now.timeIntervalSince1970))
                    throw APIError.throttled(
                        "Resource level throttle MEMBER MINUTE limit of \(conversationRecordsPerMemberMinute) conversation records is reached",
                        retryAfter: retryAfter)
                }
            }
            for (member, count) in perMember {
                let key = "\(context.caller.clientID)|\(member)"
                let used = data.recruiter.memberReads[key].map { $0.minute == minute ? $0.count : 0 } ?? 0
                data.recruiter.memberReads[key] = (minute, used + count)
            }
            return page.answer(total: matching.count, shown.map(\.json))
        }
    }

    /// `GET /v2/mailStubs?q=contract&contract=…&owners=SEAT&createdDateStart=ms&createdDateEnd=ms` (end exclusive).
    static let mailStubs = APIEndpoint(
        method: .get, path: "/v2/mailStubs", restliMethod: .finder, budget: .recruiterData
    ) { request throws(APIError) in
        try checkFinder(request.query, "contract")
        let contract = try required(request.query, "contract")
        try checkURN(contract, .contract, "contract")
        let owners = request.query.values("owners")
        for owner in owners { try checkURN(owner, .seat, "owners") }
        let window = try Window(request.query, start: "createdDateStart", end: "createdDateEnd")
        let page = try Paging(request.query, maxCount: 100)
        return PreparedOperation(recordCount: 0, countsRecords: false) { data, context throws(APIError) in
            try checkAccess(contract: contract, data: data, caller: context.caller)
            try checkOwners(owners, contract: contract, data: data)
            let elements = data.recruiter.stubs
                .filter {
                    $0.contract == contract && (owners.isEmpty || owners.contains($0.owner)) && window.contains($0.createdAt)
                }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .map(\.json)
            return page.answer(elements)
        }
    }

    // MARK: Shared checks

    /// `fields=id,firstName` (Rest.li projection); nil when absent.
    static func fieldProjection(_ query: QueryParameters) -> Set<String>? {
        query.first("fields").map {
            Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
    }

    static func project(_ element: SimulatedJSON, _ fields: Set<String>?) -> SimulatedJSON {
        guard let fields, let object = element.objectValue else { return element }
        return .object(object.filter { fields.contains($0.key) })
    }

    static func checkFinder(_ query: QueryParameters, _ finder: String) throws(APIError) {
        guard let q = query.first("q") else { throw APIError.badRequest("q=\(finder) is required") }
        guard q == finder else { throw APIError.badRequest("Unknown finder q=\(q); this resource takes q=\(finder)") }
    }

    static func required(_ query: QueryParameters, _ name: String) throws(APIError) -> String {
        guard let value = query.first(name), !value.isEmpty else { throw APIError.badRequest("\(name) is required") }
        return value
    }

    static func checkURN(_ value: String, _ kind: RecruiterURN, _ name: String) throws(APIError) {
        guard kind.isValid(value) else { throw APIError.badRequest("\(name) must be \(kind.rawValue)N, not '\(value)'") }
    }

    /// The contract belongs to the caller's organization and its CSA_API integration is enabled.
    static func checkAccess(contract: String, data: SimulatorData, caller: ApplicationRegistry.Application) throws(APIError) {
        guard let owner = data.recruiter.contracts[contract], owner == caller.organization else {
            throw APIError.forbidden("contract \(contract) does not belong to this application")
        }
        guard data.onboarding.integrations[IntegrationKey(context: contract, type: .csaAPI)]?.status == .enabled else {
            throw APIError.forbidden("CSA_API is not enabled for contract \(contract)")
        }
    }

    static func checkOwners(_ owners: [String], contract: String, data: SimulatorData) throws(APIError) {
        for owner in owners where data.recruiter.seats[owner]?.contract != contract {
            throw APIError.badRequest("Seat \(owner) is not a seat of \(contract)")
        }
    }

    /// A window in epoch milliseconds, at most 12 hours long: [start, end) or, for prospect notes, (start, end].
    struct Window {
        enum InclusiveBound { case start, end }

        let start: Int64
        let end: Int64
        let inclusive: InclusiveBound

        init(_ query: QueryParameters, start startName: String, end endName: String, inclusive: InclusiveBound = .start)
            throws(APIError)
        {
            guard let startText = query.first(startName), let start = Int64(startText), start >= 0 else {
                throw APIError.badRequest("\(startName) is required (epoch milliseconds)")
            }
            guard let endText = query.first(endName), let end = Int64(endText), end >= 0 else {
                throw APIError.badRequest("\(endName) is required (epoch milliseconds)")
            }
            guard end > start else { throw APIError.badRequest("\(endName) must be after \(startName)") }
            guard end - start <= RecruiterDataRoutes.maxWindowMilliseconds else {
                throw APIError.badRequest("The time window from \(startName) to \(endName) is longer than 12 hours")
            }
            self.start = start
            self.end = end
            self.inclusive = inclusive
        }

        func contains(_ time: Int64) -> Bool {
            switch inclusive {
            case .start: time >= start && time < end
            case .end: time > start && time <= end
            }
        }
    }

    /// `start` (default 0) and `count` (default 10, at most `maxCount`).
    struct Paging {
        let start: Int
        let count: Int

        init(_ query: QueryParameters, maxCount: Int) throws(APIError) {
            let startText = query.first("start") ?? "0"
            let countText = query.first("count") ?? "10"
            guard let start = Int(startText), start >= 0 else { throw APIError.badRequest("start must be a non-negative integer") }
            guard let count = Int(countText), (1...maxCount).contains(count) else {
                throw APIError.badRequest("count must be an integer within 1…\(maxCount)")
            }
            self.start = start
            self.count = count
        }

        func slice<T>(_ all: [T]) -> [T] {
            guard start < all.count else { return [] }
            return Array(all[start..<min(all.count, start + count)])
        }

        func answer(_ all: [SimulatedJSON]) -> SimulatedJSON {
            answer(total: all.count, slice(all))
        }

        func answer(total: Int, _ elements: [SimulatedJSON]) -> SimulatedJSON {
            [
                "elements": .array(elements),
                "paging": ["start": .int(Int64(start)), "count": .int(Int64(count)), "total": .int(Int64(total))],
            ]
        }
    }
}
