import Foundation

/// Finds an executable this package built, for the tests that start the real binaries: next to
/// the running test bundle (`.build/<triple>/<config>/`), then in the package's `.build/debug`.
/// A variable named after the product (`SMS_SENDER` for `sms-sender`) overrides both.
public enum BuiltProduct {
    public struct NotFound: Error, CustomStringConvertible {
        public let description: String
    }

    public static func url(_ name: String, filePath: String = #filePath) throws -> URL {
        var candidates: [URL] = []
        let variable = name.uppercased().replacingOccurrences(of: "-", with: "_")
        if let path = ProcessInfo.processInfo.environment[variable] { candidates.append(URL(fileURLWithPath: path)) }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(testBinary.deletingLastPathComponent().appendingPathComponent(name))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name))
        // filePath is Tests/<Target>/<File>.swift; three levels up is the package root.
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/\(name)"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw NotFound(
                description: "\(name) is not built (run `swift build --build-tests`); looked at "
                    + candidates.map(\.path).joined(separator: ", "))
        }
        return found
    }

    public static func path(_ name: String, filePath: String = #filePath) throws -> String {
        try url(name, filePath: filePath).path
    }
}
