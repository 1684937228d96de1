import RSCRuntime

// rsc-inbound: LinkedIn notes, InMails and shared contact details → Teamtailor, every 2 hours per company.
// The poller itself is issue 5; until then the process serves its health and metrics only.
await WorkerRuntime.run(name: "rsc-inbound", defaultGroupID: "rsc-inbound") { context in
    context.logger.notice("rsc-inbound has no poller yet; serving /healthz, /readyz and /metrics only")
    return []
}
