import Glibc
import Synchronization
import Testing

@testable import TwofoldSystem

@Suite(.timeLimit(.minutes(1))) struct EventLoopTests {
    @Test func execute_fromManyThreads_wakesTheLoopAndRunsEveryTaskOnIt() async throws {
        try await withLoop { loop in
            let latch = Latch(count: 400)
            let offLoop = Atomic<Int>(0)
            let threads = try (0..<4).map { _ in
                try SystemThread.spawn(name: "producer") {
                    for _ in 0..<100 {
                        loop.execute {
                            if !loop.inEventLoop { offLoop.add(1, ordering: .relaxed) }
                            latch.signal()
                        }
                    }
                }
            }
            await latch.wait()
            try await offThePool { for thread in threads { thread.join() } }
            #expect(offLoop.load(ordering: .relaxed) == 0)
            #expect(!loop.inEventLoop)
        }
    }

    @Test func execute_runsTasksInSubmissionOrder() async throws {
        try await withLoop { loop in
            let order = Recorder<Int>()
            for value in 0..<50 { loop.execute { order.append(value) } }
            _ = try await loop.submit { 0 }
            #expect(order.values == Array(0..<50))
        }
    }

    @Test func submit_returnsTheResultAndRethrowsErrors() async throws {
        try await withLoop { loop in
            let onLoop = try await loop.submit { loop.inEventLoop }
            #expect(onLoop)
            await #expect(throws: SystemError.self) {
                try await loop.submit { () throws -> Int in throw SystemError(call: "probe", errno: EIO) }
            }
        }
    }

    @Test func submit_afterTheLoopFinished_throwsECANCELED() async throws {
        let loop = try EventLoop()
        try loop.start()
        try await offThePool { loop.shutdownGracefully() }
        let error = await #expect(throws: SystemError.self) { try await loop.submit { 1 } }
        #expect(error?.errno == ECANCELED)
    }

    @Test func run_onTheCallingThread_returnsAfterStop() throws {
        let loop = try EventLoop()
        let ran = Latch()
        loop.execute {
            ran.signal()
            loop.stop()
        }
        loop.run()  // returns because the queued task stops it
        #expect(ran.isOpen)
    }

    @Test func scheduledTasks_withAManualClock_fireOnlyWhenDueAndInDeadlineOrder() async throws {
        let clock = ManualClock()
        try await withLoop(clock: clock) { loop in
            let fired = Recorder<String>()
            loop.scheduleTask(in: .milliseconds(300)) { fired.append("c") }
            loop.scheduleTask(in: .milliseconds(100)) { fired.append("a") }
            let cancelled = loop.scheduleTask(in: .milliseconds(150)) { fired.append("cancelled") }
            loop.scheduleTask(in: .milliseconds(200)) { fired.append("b") }
            #expect(cancelled.cancel())
            #expect(!cancelled.cancel())

            _ = try await loop.submit { 0 }  // one full iteration at t=0
            #expect(fired.values.isEmpty)
            clock.advance(by: .milliseconds(250))
            _ = try await loop.submit { 0 }  // waking the loop makes it read the clock again
            #expect(fired.values == ["a", "b"])
            clock.advance(by: .milliseconds(50))
            _ = try await loop.submit { 0 }
            #expect(fired.values == ["a", "b", "c"])
        }
    }

    @Test func scheduledTask_withTheSystemClock_firesAfterItsDelay() async throws {
        try await withLoop { loop in
            let latch = Latch()
            let start = SystemInfo.monotonicNanoseconds()
            let elapsed = Atomic<UInt64>(0)
            loop.scheduleTask(in: .milliseconds(20)) {
                elapsed.store(SystemInfo.monotonicNanoseconds() - start, ordering: .relaxed)
                latch.signal()
            }
            await latch.wait()
            #expect(elapsed.load(ordering: .relaxed) >= 20_000_000)
        }
    }

    @Test func scheduledTask_cancelledAfterItRan_reportsFalse() async throws {
        let clock = ManualClock()
        try await withLoop(clock: clock) { loop in
            let task = loop.scheduleTask(deadline: clock.now()) {}
            _ = try await loop.submit { 0 }
            #expect(!task.cancel())
        }
    }

    @Test func registration_interestChangesAndDeregistrationAreHonoured() async throws {
        try await withLoop { loop in
            let (left, right) = try Socket.pair()
            let seen = Recorder<IOEvents>()
            let registration = try await loop.submit {
                try loop.register(left.descriptor, interest: .writable) { events in seen.append(events) }
            }
            _ = try await loop.submit { 0 }
            #expect(seen.values.contains { $0.contains(.writable) })
            let afterWritable = try await loop.submit {
                try loop.setInterest(.readable, for: registration)
                return (seen.values.count, loop.interest(of: registration))
            }
            #expect(afterWritable.1 == .readable)
            // Nothing to read: the handler stays quiet across iterations.
            _ = try await loop.submit { 0 }
            _ = try await loop.submit { 0 }
            #expect(seen.values.count == afterWritable.0)
            try writeAll(right, [1])
            var sawReadable = false
            for _ in 0..<1000 where !sawReadable {
                sawReadable = try await loop.submit { seen.values.contains { $0.contains(.readable) } }
            }
            #expect(sawReadable)
            let count = try await loop.submit {
                loop.deregister(registration)
                loop.deregister(registration)  // idempotent
                return (loop.registrationCount, loop.interest(of: registration))
            }
            #expect(count.0 == 0)
            #expect(count.1 == nil)
        }
    }

    @Test func tcpEcho_throughOneLoop_returnsWhatWasSent() async throws {
        try await withLoop { loop in
            let server = EchoServer(loop: loop, listener: try Socket.listen(on: .ipv4(host: "127.0.0.1", port: 0)))
            try await server.start()
            let client = try Socket.connect(to: try server.listener.localAddress(), timeout: .seconds(2))
            let message = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
            // Write and read concurrently from two Dispatch threads: the payload exceeds the
            // socket buffers, so the server must use write interest to finish.
            async let received = offThePool { try readExactly(client, count: message.count) }
            try await offThePool { try writeAll(client, message) }
            #expect(try await received == message)
        }
    }

    @Test func manyConcurrentUnixConnections_areAllEchoedByOneLoop() async throws {
        try await withLoop { loop in
            let path = temporarySocketPath("many")
            defer { unlink(path) }
            let server = EchoServer(loop: loop, listener: try Socket.listen(on: .unix(path: path)))
            try await server.start()
            // The clients block on poll: on a Dispatch thread, not in this async test.
            let clients = try await offThePool {
                var clients: [Socket] = []
                for _ in 0..<200 { clients.append(try Socket.connect(to: .unix(path: path), timeout: .seconds(2))) }
                for (index, client) in clients.enumerated() { try writeAll(client, Array("client \(index)".utf8)) }
                return clients
            }
            let echoed = try await offThePool {
                try clients.enumerated().map { index, client in
                    try readExactly(client, count: "client \(index)".utf8.count)
                }
            }
            #expect(echoed == (0..<200).map { Array("client \($0)".utf8) })
            #expect(server.acceptedCount.load(ordering: .relaxed) == 200)
            for client in clients { client.close() }
            // Closed peers are noticed (hangup → read 0) and deregistered.
            var remaining = -1
            for _ in 0..<100 where remaining != 0 {
                remaining = try await loop.submit { loop.registrationCount } - 1  // minus the listener
            }
            #expect(remaining == 0)
        }
    }

    @Test func eventLoopGroup_handsOutLoopsRoundRobin() async throws {
        let group = try EventLoopGroup(loopCount: 3)
        let picks = (0..<6).map { _ in group.next() }
        #expect(picks[0] !== picks[1] && picks[1] !== picks[2] && picks[0] !== picks[2])
        #expect(picks[0] === picks[3] && picks[1] === picks[4] && picks[2] === picks[5])
        let latch = Latch(count: 3)
        for loop in group.loops { loop.execute { if loop.inEventLoop { latch.signal() } } }
        await latch.wait()
        try await offThePool { group.shutdownGracefully() }
    }
}
