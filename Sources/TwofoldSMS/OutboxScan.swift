import TwofoldSystem

/// The outbox as found on disk: the ids of its records and where the last good line ends.
///
/// The tail rule: only the final line may be torn (missing its `\n`, or complete but not a record),
/// and it is dropped. An unreadable line followed by any other bytes is corruption, because a crash
/// while appending can only damage the end of the file.
struct OutboxScan {
    var ids: Set<String> = []
    /// Bytes that end with the last good line's `\n`: what the file is truncated to.
    var validLength: Int64 = 0
    var fileLength: Int64 = 0

    static let chunkSize = 64 * 1024

    static func read(_ descriptor: FileDescriptor) throws(SMSError) -> OutboxScan {
        var scan = OutboxScan()
        var line: [UInt8] = []
        var lineNumber = 1
        /// A complete line that did not parse: fatal unless nothing follows it.
        var badLine: (number: Int, offset: Int64)?
        var offset: Int64 = 0
        while true {
            let chunk: [UInt8]
            do {
                chunk = try descriptor.read(count: chunkSize, at: offset)
            } catch {
                throw .outboxIO(error, "reading the outbox")
            }
            if chunk.isEmpty { break }
            offset += Int64(chunk.count)
            var start = chunk.startIndex
            while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if let badLine { throw .outboxCorrupt(lineNumber: badLine.number, offset: badLine.offset) }
                line += chunk[start..<newline]
                if let record = OutboxRecord(line: line) {
                    scan.ids.insert(record.id)
                    scan.validLength += Int64(line.count + 1)
                } else {
                    badLine = (lineNumber, scan.validLength)
                }
                line.removeAll(keepingCapacity: true)
                lineNumber += 1
                start = chunk.index(after: newline)
            }
            if start < chunk.endIndex, let badLine {
                throw .outboxCorrupt(lineNumber: badLine.number, offset: badLine.offset)
            }
            line += chunk[start...]
        }
        scan.fileLength = offset
        return scan
    }
}
