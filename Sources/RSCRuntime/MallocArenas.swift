#if canImport(Glibc)
import CMalloc
#endif

/// glibc gives each thread that meets contention its own malloc arena, up to eight per core, and each
/// arena keeps what was freed in it. A worker has many threads (NIO's event loops, librdkafka's, the
/// Swift concurrency pool), so its peak RSS was mostly arenas: rsc-outbound under the 50,000-event bench
/// peaked at 138 MiB with glibc's default and 114 MiB with two arenas, at the same throughput
/// (docs/benchmarks.md). `MALLOC_ARENA_MAX` in the environment, when set, still decides.
enum MallocArenas {
    static let defaultLimit: Int32 = 2

    /// True when the limit was applied (not overridden by the environment, and on glibc).
    @discardableResult
    static func limit(to count: Int32 = defaultLimit, environment: [String: String]) -> Bool {
        #if canImport(Glibc)
        guard environment["MALLOC_ARENA_MAX"] == nil else { return false }
        return mallopt(M_ARENA_MAX, count) == 1
        #else
        return false
        #endif
    }
}
