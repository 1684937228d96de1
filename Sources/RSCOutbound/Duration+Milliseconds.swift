extension Duration {
    /// Whole milliseconds, for logs and for PostgreSQL intervals.
    var milliseconds: Int64 { components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000 }
}
