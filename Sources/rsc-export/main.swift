import RSCRuntime

// rsc-export: LinkedIn's callbacks ("Export to ATS", integration status) and the internal admin API.
// The handlers are issues 4 and 6; until then the process serves its health and metrics only.
await WorkerRuntime.run(name: "rsc-export", defaultGroupID: "rsc-export") { context in
    context.logger.notice("rsc-export has no callback listener yet; serving /healthz, /readyz and /metrics only")
    return []
}
