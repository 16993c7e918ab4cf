/// The file names inside a store's data directory.
struct StoreLayout: Sendable {
    let directory: String

    /// The active log. Always replaced whole by `rename`, so it never has a partial header.
    var log: String { directory + "/records.log" }
    /// A log being built by compaction (or creation); never authoritative until renamed.
    var pendingLog: String { directory + "/records.log.pending" }
    /// Where recovery checks that the disk takes writes again (`SpaceProbe`); removed at once.
    var probe: String { directory + "/" + SpaceProbe.fileName }

    /// The directory holding `directory`, whose entry must be synced after creating it.
    var parent: String {
        var path = directory
        while path.utf8.count > 1, path.hasSuffix("/") { path.removeLast() }
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
