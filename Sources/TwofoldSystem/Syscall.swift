#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The result of a non-blocking call: either it completed, or the kernel said "try later".
public enum IOResult<Value: Sendable>: Sendable {
    case processed(Value)
    case wouldBlock
}

/// The single place where a raw syscall result becomes Swift: retries `EINTR`, turns `EBADF`
/// (a file-descriptor bookkeeping bug, never bad input) into a trap, and throws `SystemError`
/// for everything else.
@inline(__always)
@discardableResult
public func syscall<T: FixedWidthInteger>(
    _ name: @autoclosure () -> String,
    file: String = #fileID,
    line: Int = #line,
    _ body: () -> T
) throws(SystemError) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let error = errno
        if error == EINTR { continue }
        precondition(error != EBADF, "\(name()) on a bad file descriptor: a bookkeeping bug")
        throw SystemError(call: name(), errno: error, file: file, line: line)
    }
}

/// Like `syscall`, but maps `EAGAIN`/`EWOULDBLOCK` to `.wouldBlock` for non-blocking descriptors.
@inline(__always)
public func nonBlockingSyscall<T: FixedWidthInteger & Sendable>(
    _ name: @autoclosure () -> String,
    file: String = #fileID,
    line: Int = #line,
    _ body: () -> T
) throws(SystemError) -> IOResult<T> {
    while true {
        let result = body()
        if result != -1 { return .processed(result) }
        let error = errno
        if error == EINTR { continue }
        if error == EAGAIN || error == EWOULDBLOCK { return .wouldBlock }
        precondition(error != EBADF, "\(name()) on a bad file descriptor: a bookkeeping bug")
        throw SystemError(call: name(), errno: error, file: file, line: line)
    }
}
