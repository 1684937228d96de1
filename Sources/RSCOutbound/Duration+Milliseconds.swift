extension Duration {
    /// Whole milliseconds, for logs and for PostgreSQL intervals.
    var milliseconds: Int64 { components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000 }

    /// Whole and fractional seconds, for SQL intervals and date arithmetic.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
