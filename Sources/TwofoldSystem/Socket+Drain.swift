extension Socket {
    /// What `drain(_:from:)` achieved.
    public enum DrainOutcome: Sendable {
        /// Everything from the offset on was written.
        case drained
        /// The kernel buffer is full; wait for writability and call again.
        case wouldBlock
        /// The connection is broken (e.g. EPIPE, ECONNRESET).
        case failed(SystemError)
    }

    /// Writes `bytes[offset...]` until done or the socket would block, advancing `offset` by what
    /// was written: the output half of every non-blocking connection in the project.
    public func drain(_ bytes: [UInt8], from offset: inout Int) -> DrainOutcome {
        while offset < bytes.count {
            let start = offset
            let result = bytes.withUnsafeBytes { buffer in
                Result { () throws(SystemError) -> IOResult<Int> in
                    try write(UnsafeRawBufferPointer(rebasing: buffer[start...]))
                }
            }
            switch result {
            case .failure(let error): return .failed(error)
            case .success(.wouldBlock): return .wouldBlock
            case .success(.processed(let written)): offset += written
            }
        }
        return .drained
    }
}
