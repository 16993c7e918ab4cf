extension EventLoop {
    /// A descriptor's membership in a loop's epoll set; pass it back to change interest or to
    /// deregister. Only meaningful to the loop that returned it.
    public struct Registration: Hashable, Sendable {
        let token: UInt64
        /// The raw descriptor number, for logs.
        public let rawDescriptor: Int32
    }

    /// Watches `descriptor` for `interest` and calls `handler` on the loop thread with what
    /// happened. The loop keeps `descriptor` alive until deregistered; it never closes it.
    /// Loop thread only. Deregister before closing the descriptor.
    public func register(
        _ descriptor: FileDescriptor, interest: IOEvents, handler: @escaping (IOEvents) -> Void
    ) throws(SystemError) -> Registration {
        assertInEventLoop()
        let token = nextToken
        nextToken += 1
        try epollInstance.add(descriptor.rawValue, mask: interest.epollMask, token: token)
        registrations[token] = Entry(descriptor: descriptor, interest: interest, handler: handler)
        return Registration(token: token, rawDescriptor: descriptor.rawValue)
    }

    /// Replaces the interest set, e.g. adding `.writable` while output is queued and removing it
    /// once flushed. Loop thread only; a no-op if unchanged.
    public func setInterest(_ interest: IOEvents, for registration: Registration) throws(SystemError) {
        assertInEventLoop()
        guard var entry = registrations[registration.token] else {
            preconditionFailure("setInterest on a registration that is not (or no longer) registered")
        }
        guard entry.interest != interest else { return }
        try epollInstance.modify(entry.descriptor.rawValue, mask: interest.epollMask, token: registration.token)
        entry.interest = interest
        registrations[registration.token] = entry
    }

    /// The current interest set of a live registration, or nil once deregistered.
    public func interest(of registration: Registration) -> IOEvents? {
        assertInEventLoop()
        return registrations[registration.token]?.interest
    }

    /// Stops watching the descriptor and releases the handler. Loop thread only; idempotent.
    /// Events already collected for it in the current iteration are discarded.
    public func deregister(_ registration: Registration) {
        assertInEventLoop()
        guard let entry = registrations.removeValue(forKey: registration.token) else { return }
        // Only EBADF (closed before deregistering: a bookkeeping bug) can fail here, and it traps.
        try? epollInstance.remove(entry.descriptor.rawValue)
    }

    /// How many descriptors are registered (the wake-up eventfd excluded). Loop thread only.
    public var registrationCount: Int {
        assertInEventLoop()
        return registrations.count
    }
}
