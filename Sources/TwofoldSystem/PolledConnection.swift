/// A server connection that an event loop wakes with `IOEvents`, and that is touched only on
/// that loop.
///
/// Every wake-up starts the same way (`beginWakeUp`): nothing once closed; a pending error closes
/// the connection, since the next read or write would only report it; a writable socket is
/// flushed first, so queued answers leave before more input is read. A read (`readOrClose`) that
/// fails closes the connection the same way. The HTTP and the wire server connections share
/// these steps; what each does with the bytes differs.
public protocol PolledConnection: AnyObject {
    /// True once `close()` ran; the descriptor is gone.
    var isClosed: Bool { get }
    /// Deregisters and closes the descriptor; later calls do nothing.
    func close()
    /// Writes what is queued, as far as the socket takes it (closing the connection on an error).
    func flush()
}

extension PolledConnection {
    /// The first steps of a wake-up. Returns whether the connection is still open, so that the
    /// caller goes on to the readable and hang-up events.
    @inlinable
    public func beginWakeUp(_ events: IOEvents) -> Bool {
        guard !isClosed else { return false }
        if events.contains(.error) {
            close()
            return false
        }
        if events.contains(.writable) { flush() }
        return !isClosed
    }

    /// One read: what it returned, or nil when nothing is waiting or the read failed. A failed
    /// read closes the connection, since the socket could only report the error again.
    @inlinable
    public func readOrClose<Value>(_ read: () throws(SystemError) -> IOResult<Value>) -> Value? {
        let result: IOResult<Value>
        do {
            result = try read()
        } catch {
            close()
            return nil
        }
        switch result {
        case .wouldBlock: return nil
        case .processed(let value): return value
        }
    }
}
