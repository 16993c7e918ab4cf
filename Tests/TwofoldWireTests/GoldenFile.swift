import Foundation

/// A golden frame file from `protocol/golden`: hex text where `#` starts a comment that runs to
/// the end of the line and all whitespace is ignored.
struct GoldenFile: CustomStringConvertible {
    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TwofoldWireTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("protocol/golden")

    /// The file name, e.g. `health.request.hex`.
    let name: String

    var description: String { name }

    var url: URL { Self.directory.appendingPathComponent(name) }

    /// Every golden file whose name ends with `suffix`, sorted; empty if the folder is missing
    /// (a separate test requires the folder to be populated, so that cannot pass silently).
    static func all(endingWith suffix: String) -> [GoldenFile] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map(GoldenFile.init(name:))
    }

    /// The counterpart file (`x.request.hex` ↔ `x.response.hex`), if it exists.
    func sibling(_ suffix: String) -> GoldenFile? {
        guard let stem = name.split(separator: ".").first else { return nil }
        let other = GoldenFile(name: "\(stem).\(suffix)")
        return FileManager.default.fileExists(atPath: other.url.path) ? other : nil
    }

    func bytes() throws -> [UInt8] {
        try Self.decodeHex(String(contentsOf: url, encoding: .utf8))
    }

    static func decodeHex(_ text: String) throws -> [UInt8] {
        var digits: [UInt8] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            for character in line.prefix(while: { $0 != "#" }) where !character.isWhitespace {
                guard let value = character.hexDigitValue else {
                    throw FormatError(description: "not a hex digit: \(character)")
                }
                digits.append(UInt8(value))
            }
        }
        guard digits.count % 2 == 0 else { throw FormatError(description: "odd number of hex digits") }
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }
}
