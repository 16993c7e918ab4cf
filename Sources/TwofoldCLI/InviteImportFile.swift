import TwofoldWire

/// The people to invite, read from an operator's file for `twofold invite import`:
///
/// - CSV (`.csv`): a header row naming an `email` column and optionally an `accounts` column
///   (account names or ids separated by `;`), then one person per row. Fields may be quoted
///   (`"Acme, Inc"`, with `""` for a quote), as spreadsheets write them.
/// - JSON lines (`.jsonl`, `.ndjson`): one object per line, `{"email": "…", "accounts": ["…"]}`.
///
/// Rows that cannot be read, lack an email, or repeat an earlier row's email are refused here,
/// each with its line number; the gateway checks the rest (email rules, accounts, existing
/// users and invites).
public enum InviteImportFile {
    public enum Format: String, Sendable, CaseIterable {
        case csv
        case jsonl
    }

    /// One person to invite and the line of the file it came from.
    public struct Row: Sendable, Equatable {
        public let line: Int
        public let email: String
        public let accounts: [String]
    }

    /// A row refused before anything was sent.
    public struct Refusal: Sendable, Equatable {
        public let line: Int
        public let message: String
    }

    /// The largest file read (about half a million people).
    public static let maximumBytes = 64 << 20
    /// The longest row: far more than an email and a few account names need.
    public static let maximumRowBytes = 4096

    /// The format a file name implies, if any.
    public static func format(ofPath path: String) -> Format? {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        return nil
    }

    /// The rows and refusals of `bytes`, in file order; throws `dataError` when the file as a
    /// whole cannot be read (not UTF-8, no `email` column).
    public static func parse(_ bytes: [UInt8], format: Format) throws(AdminError) -> (rows: [Row], refused: [Refusal]) {
        guard var text = String(validating: bytes, as: UTF8.self) else {
            throw AdminError.dataError("the file is not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var rows: [Row] = []
        var refused: [Refusal] = []
        switch format {
        case .csv: try parseCSV(text, rows: &rows, refused: &refused)
        case .jsonl: parseJSONLines(text, rows: &rows, refused: &refused)
        }
        // The same person twice: the second row is refused here (the gateway would refuse it
        // too, but "duplicate of line N" says more than "already has a pending invite").
        var first: [String: Int] = [:]
        var unique: [Row] = []
        for row in rows {
            let key = row.email.lowercased()
            if let earlier = first[key] {
                refused.append(Refusal(line: row.line, message: "\(row.email): a duplicate of line \(earlier)"))
            } else {
                first[key] = row.line
                unique.append(row)
            }
        }
        return (unique, refused.sorted { $0.line < $1.line })
    }

    private static func parseJSONLines(_ text: String, rows: inout [Row], refused: inout [Refusal]) {
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let content = line.hasSuffix("\r") ? line.dropLast() : line
            guard !content.allSatisfy(\.isWhitespace) else { continue }
            guard content.utf8.count <= maximumRowBytes else {
                refused.append(Refusal(line: number, message: "longer than \(maximumRowBytes) bytes"))
                continue
            }
            guard case .object(let fields)? = try? JSONValue.parse(Array(content.utf8)) else {
                refused.append(Refusal(line: number, message: "not a JSON object"))
                continue
            }
            guard case .string(let raw)? = fields["email"] else {
                refused.append(Refusal(line: number, message: "'email' is missing or not a string"))
                continue
            }
            let email = trimmed(raw)
            guard !email.isEmpty else {
                refused.append(Refusal(line: number, message: "'email' is empty"))
                continue
            }
            switch fields["accounts"] {
            case nil, .null?:
                rows.append(Row(line: number, email: email, accounts: []))
            case .array(let items)?:
                let names = items.compactMap { item -> String? in
                    if case .string(let name) = item { return name }
                    return nil
                }
                guard names.count == items.count else {
                    refused.append(Refusal(line: number, message: "'accounts' must be an array of strings"))
                    continue
                }
                rows.append(Row(line: number, email: email, accounts: names))
            default:
                refused.append(Refusal(line: number, message: "'accounts' must be an array of strings"))
            }
        }
    }

    private static func parseCSV(_ text: String, rows: inout [Row], refused: inout [Refusal]) throws(AdminError) {
        var records = CSVRecords(text)
        guard let (_, header) = records.next() else { throw AdminError.dataError("the file is empty") }
        let names = header.map { trimmed($0).lowercased() }
        guard let emailColumn = names.firstIndex(of: "email") else {
            throw AdminError.dataError("the CSV header has no 'email' column (columns: email, accounts)")
        }
        let accountsColumn = names.firstIndex(of: "accounts") ?? names.firstIndex(of: "account")
        while let (line, fields) = records.next() {
            if fields.allSatisfy({ trimmed($0).isEmpty }) { continue }
            if let malformed = records.malformed {
                refused.append(Refusal(line: line, message: malformed))
                records.malformed = nil
                continue
            }
            guard fields.reduce(0, { $0 + $1.utf8.count }) <= maximumRowBytes else {
                refused.append(Refusal(line: line, message: "longer than \(maximumRowBytes) bytes"))
                continue
            }
            let email = emailColumn < fields.count ? trimmed(fields[emailColumn]) : ""
            guard !email.isEmpty else {
                refused.append(Refusal(line: line, message: "no email"))
                continue
            }
            let accounts =
                accountsColumn.flatMap { $0 < fields.count ? fields[$0] : nil }.map {
                    $0.split(separator: ";").map { trimmed(String($0)) }.filter { !$0.isEmpty }
                } ?? []
            rows.append(Row(line: line, email: email, accounts: accounts))
        }
    }

    static func trimmed(_ text: String) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

/// RFC 4180 records: comma-separated fields, optionally double-quoted (a quoted field may hold
/// commas, line breaks and `""`); records end at LF or CRLF. Yields each record with the line it
/// starts on.
struct CSVRecords {
    private let characters: [Character]
    private var position = 0
    private var line = 1
    /// Why the record just returned is unusable (an unterminated quote), if it is.
    var malformed: String?

    init(_ text: String) { characters = Array(text) }

    mutating func next() -> (line: Int, fields: [String])? {
        guard position < characters.count else { return nil }
        let start = line
        var fields: [String] = []
        var field = ""
        var quoted = false
        var wasQuoted = false
        while position < characters.count {
            let character = characters[position]
            position += 1
            if quoted {
                if character == "\"" {
                    if position < characters.count, characters[position] == "\"" {
                        field.append("\"")
                        position += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty && !wasQuoted:
                quoted = true
                wasQuoted = true
            case ",":
                fields.append(field)
                field = ""
                wasQuoted = false
            case "\n", "\r\n":
                line += 1
                fields.append(field)
                return (start, fields)
            default:
                field.append(character)
            }
        }
        if quoted { malformed = "a quoted field is not closed before the end of the file" }
        fields.append(field)
        return (start, fields)
    }
}
