import TwofoldSystem

extension HTTPServerConnection {
    /// When the connection should be given up on, for its current state; nil while a handler
    /// works (bounding handler time is the handler's job, e.g. the vault client's timeout).
    ///
    /// One timer per connection, re-armed lazily: moving the deadline later (the common case,
    /// each keep-alive request pushing the idle deadline) leaves the armed timer alone, and the
    /// timer re-arms itself for the new deadline when it fires early. So a busy connection costs
    /// no timer operations per request.
    func desiredDeadline() -> Deadline? {
        let timeouts = server.configuration.timeouts
        if isLingering { return lingerDeadline }
        if hasPendingOutput { return lastWriteProgressAt + timeouts.write }
        if hasRequestInFlight { return nil }
        if hasPartialRequest {
            var deadline = lastReadAt + timeouts.bodyRead
            if !headComplete { deadline = min(deadline, (requestStartedAt ?? lastReadAt) + timeouts.requestHead) }
            return deadline
        }
        return idleSince + timeouts.idle
    }

    func updateTimer() {
        guard !closed, let desired = desiredDeadline() else { return }
        if let timer, timer.deadline <= desired { return }
        timer?.cancel()
        timer = loop.scheduleTask(deadline: desired) { [self] in self.timerFired() }
    }

    private func timerFired() {
        timer = nil
        guard !closed, let desired = desiredDeadline() else { return }
        if desired > loop.clock.now() {
            updateTimer()
        } else {
            timedOut()
        }
    }
}
