import Foundation

@testable import TwofoldQR

/// A standards vector file under `Vectors/`, read at run time so the values stay data, not code.
struct VectorFile {
    /// Non-blank lines that are not `#` comments.
    let lines: [String]

    init(_ name: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Vectors").appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            .map(String.init)
            .filter { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) }
    }

    /// Each line split into tab-separated fields (empty fields kept).
    var tabFields: [[String]] {
        lines.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Each line split on spaces.
    var spaceFields: [[String]] { lines.map { $0.split(separator: " ").map(String.init) } }
}

/// "10 0C 56" → [0x10, 0x0C, 0x56]; a malformed token fails the calling test instead of trapping.
func hexBytes(_ text: String) throws -> [UInt8] {
    try text.split(separator: " ").map { token in
        guard let byte = UInt8(token, radix: 16) else { throw VectorError.malformed(String(token)) }
        return byte
    }
}

/// "1-M" → (1, .medium).
func versionAndLevel(_ text: String) throws -> (Int, ErrorCorrectionLevel) {
    let parts = text.split(separator: "-")
    guard parts.count == 2, let version = Int(parts[0]), let letter = parts[1].first,
        let level = ErrorCorrectionLevel.allCases.first(where: { $0.letter == letter })
    else { throw VectorError.malformed(text) }
    return (version, level)
}

enum VectorError: Error { case malformed(String) }
