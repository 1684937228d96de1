import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reads what the demo and benchmarks need from a worker's `/metrics` text: counters and histogram quantiles.
enum PrometheusText {
    /// Sum of every sample of `name` (over all label sets) whose labels contain every one of `matching`.
    static func sum(_ text: String, _ name: String, matching: String...) -> Double {
        text.split(separator: "\n").reduce(0) { total, line in
            guard line.hasPrefix(name + "{") || line.hasPrefix(name + " "), matching.allSatisfy({ line.contains($0) }),
                  let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { return total }
            return total + value
        }
    }

    /// The upper bound of the histogram bucket holding quantile `q`, over all label sets (nil: no samples).
    static func quantile(_ text: String, _ name: String, _ q: Double) -> Double? {
        var buckets: [Double: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix(name + "_bucket{") {
            guard let range = line.range(of: "le=\""), let end = line[range.upperBound...].firstIndex(of: "\""),
                  let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            let bound = line[range.upperBound..<end] == "+Inf" ? Double.infinity : Double(line[range.upperBound..<end]) ?? .infinity
            buckets[bound, default: 0] += value
        }
        guard let total = buckets[.infinity], total > 0 else { return nil }
        for bound in buckets.keys.sorted() where buckets[bound]! >= q * total { return bound }
        return nil
    }

    static func fetch(port: Int) async -> String {
        guard let url = URL(string: "http://127.0.0.1:\(port)/metrics") else { return "" }
        return await withCheckedContinuation { continuation in
            let task = URLSession.shared.dataTask(with: url) { data, _, _ in
                continuation.resume(returning: data.map { String(decoding: $0, as: UTF8.self) } ?? "")
            }
            task.resume()
        }
    }
}
