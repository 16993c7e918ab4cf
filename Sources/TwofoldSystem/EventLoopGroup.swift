import Synchronization

/// A fixed set of event loops, each on its own thread (typically one per core), handed out
/// round-robin so connections spread evenly.
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let cursor = Atomic<Int>(0)

    /// Creates and starts `loopCount` loops sharing `clock`. On failure, loops already started
    /// are shut down before the error is thrown.
    public init(loopCount: Int, clock: any MonotonicClock = SystemMonotonicClock()) throws(SystemError) {
        precondition(loopCount > 0, "an EventLoopGroup needs at least one loop")
        var loops: [EventLoop] = []
        do {
            for index in 0..<loopCount {
                let loop = try EventLoop(name: "event-loop-\(index)", clock: clock)
                try loop.start()
                loops.append(loop)
            }
        } catch {
            for loop in loops { loop.shutdownGracefully() }
            throw error
        }
        self.loops = loops
    }

    /// The next loop in round-robin order. Any thread.
    public func next() -> EventLoop {
        // The counter wraps on overflow; reducing its bit pattern keeps the index in range.
        let ticket = UInt(bitPattern: cursor.wrappingAdd(1, ordering: .relaxed).oldValue)
        return loops[Int(ticket % UInt(loops.count))]
    }

    /// Stops every loop and waits for their threads. Not from one of the group's loop threads.
    public func shutdownGracefully() {
        for loop in loops { loop.stop() }
        for loop in loops { loop.shutdownGracefully() }
    }
}
