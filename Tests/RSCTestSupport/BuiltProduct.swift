import Foundation

/// The executables `swift build` put beside the test bundle (`.build/debug/rsc`, `rsc-outbound`, …).
public enum BuiltProduct {
    public static func url(_ name: String) -> URL {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = directory.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        // `swift test` on Linux runs `<build>/debug/<package>PackageTests.xctest`; the products sit beside it.
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return checkout.appendingPathComponent(".build/debug/\(name)")
    }
}
