import TwofoldSystem

extension HTTPServerConnection {
    /// When the connection should be given up on, for its current state; nil while a handler
    /// works (bounding handler time is the handler's job, e.g. the vault client's timeout).
    ///
    /// A partly received request is bounded four ways at once: its head by `requestHead`, the
    /// whole request (body and the time after `100 Continue` included) by `request`, each
    /// silence by `bodyRead`, and its body by `minimumBodyRate`.
    /// One `DeadlineTimer` per connection waits for it.
    func desiredDeadline() -> Deadline? {
        let timeouts = server.configuration.timeouts
        if isLingering { return lingerDeadline }
        if hasPendingOutput { return lastWriteProgressAt + timeouts.write }
        if hasRequestInFlight { return nil }
        if hasPartialRequest {
            let started = requestStartedAt ?? lastReadAt
            var deadline = min(lastReadAt + timeouts.bodyRead, started + timeouts.request)
            if let bodyStartedAt, let received = bodyBytesReceived {
                if let paced = Self.bodyRateDeadline(
                    startedAt: bodyStartedAt, received: received, rate: timeouts.minimumBodyRate,
                    grace: timeouts.minimumBodyRateGrace)
                {
                    deadline = min(deadline, paced)
                }
            } else {
                deadline = min(deadline, started + timeouts.requestHead)
            }
            return deadline
        }
        return idleSince + timeouts.idle
    }

    /// The latest moment by which `received` body bytes are on time for `rate` bytes per second
    /// after `grace`: `startedAt + grace + received / rate`. Nil when the rate check is off.
    static func bodyRateDeadline(startedAt: Deadline, received: Int, rate: Int, grace: Duration) -> Deadline? {
        guard rate > 0 else { return nil }
        // received ≤ the body limit and rate ≥ 1: nanoseconds fit easily, but saturate anyway.
        let (scaled, overflow) = Int64(clamping: max(0, received)).multipliedReportingOverflow(by: 1_000_000_000)
        let allowance: Duration = overflow ? .seconds(Int64.max / 4) : .nanoseconds(scaled / Int64(rate))
        return startedAt + grace + allowance
    }

    func updateTimer() {
        guard !closed, let desired = desiredDeadline(), !timer.isArmed(by: desired) else { return }
        let connection = LoopBound(self, loop: loop)
        timer.arm(at: desired, on: loop) { connection.value.timerFired() }
    }

    private func timerFired() {
        timer.fired()
        guard !closed, let desired = desiredDeadline() else { return }
        if desired > loop.clock.now() {
            updateTimer()
        } else {
            timedOut()
        }
    }
}
