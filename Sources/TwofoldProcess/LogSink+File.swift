import TwofoldSystem

extension LogSink {
    /// Appends to a file (created 0600), e.g. an audit log; a file that cannot be opened is a
    /// configuration error (exit 78) naming the path and the reason.
    public static func appendingFile(_ path: String) throws(ProcessError) -> LogSink {
        do {
            return try LogSink.appending(toFile: path)
        } catch {
            throw .unusableFile(path, reason: error.message)
        }
    }
}
