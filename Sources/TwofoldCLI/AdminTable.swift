/// A plain-text table for terminals: a header row, columns as wide as their widest cell and two
/// spaces apart, no trailing spaces (the last column is not padded). Cells are sanitized of
/// control characters. Width counts characters, so East Asian wide characters misalign a little.
public struct AdminTable: Sendable, Equatable {
    public let headers: [String]
    public private(set) var rows: [[String]] = []

    public init(headers: [String]) { self.headers = headers }

    /// Appends a row; missing cells are empty and extra cells are dropped.
    public mutating func append(_ cells: [String]) {
        rows.append((0..<headers.count).map { $0 < cells.count ? AdminText.sanitized(cells[$0]) : "" })
    }

    public func render() -> String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        var output = ""
        for row in all {
            var line = ""
            for (column, cell) in row.enumerated() {
                line += cell
                if column < row.count - 1 { line += String(repeating: " ", count: widths[column] - cell.count + 2) }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            output += line + "\n"
        }
        return output
    }
}
