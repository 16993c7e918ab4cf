import Dispatch
import Foundation
import Synchronization
import Testing
import TwofoldHTTP
import TwofoldHTTPServer

/// The pool's jobs may block (they run on the pool's own threads, which is the point of the
/// pool); the tests themselves only await latches and hand blocking calls to `offThePool`.
@Suite struct WorkerPoolTests {
    @Test func submit_runsWorkOnAPoolThread_andReportsBusyWorkers() async throws {
        let pool = try WorkerPool(threadCount: 2, queueCapacity: 4, name: "test-pool")
        let release = DispatchSemaphore(value: 0)
        let ran = Latch()
        let threadName = Mutex<String?>(nil)
        try pool.submit {
            // The kernel's name of the thread (what ps and debuggers show).
            let comm = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
            threadName.withLock { $0 = comm?.trimmingCharacters(in: .whitespacesAndNewlines) }
            ran.signal()
            release.wait()
        }
        await ran.wait()
        #expect(pool.busyWorkers == 1)
        let name = threadName.withLock { $0 }
        #expect(name?.hasPrefix("test-pool-") == true, "ran on thread named \(name ?? "nil")")
        release.signal()
        try await offThePool { pool.shutdown() }
        #expect(pool.busyWorkers == 0)
    }

    @Test func submit_whenEveryThreadIsBusyAndTheQueueIsFull_throwsOverloaded() async throws {
        let pool = try WorkerPool(threadCount: 1, queueCapacity: 2)
        let release = DispatchSemaphore(value: 0)
        let started = Latch()
        try pool.submit {
            started.signal()
            release.wait()
        }
        await started.wait()
        #expect(pool.busyWorkers == 1)
        let blocker: @Sendable () -> Void = { release.wait() }
        try pool.submit(blocker)
        try pool.submit(blocker)
        #expect(pool.queueDepth == 2)
        #expect(throws: HTTPServerError.workerPoolOverloaded()) { try pool.submit(blocker) }
        for _ in 0..<3 { release.signal() }
        try await offThePool { pool.shutdown() }
        #expect(pool.queueDepth == 0 && pool.busyWorkers == 0)
    }

    @Test func shutdown_finishesQueuedWork_thenRefusesNewWork() async throws {
        let pool = try WorkerPool(threadCount: 1, queueCapacity: 8)
        let done = Atomic<Int>(0)
        let release = DispatchSemaphore(value: 0)
        try pool.submit { release.wait() }  // keeps the others queued when shutdown begins
        for _ in 0..<5 { try pool.submit { done.add(1, ordering: .relaxed) } }
        let shutdown = Task { try await offThePool { pool.shutdown() } }
        release.signal()
        try await shutdown.value
        #expect(done.load(ordering: .relaxed) == 5)
        #expect(throws: HTTPServerError.workerPoolStopped()) { try pool.submit {} }
    }

    @Test func overloadedPool_answers503WithRetryAfter_whileOtherRoutesStayAvailable() async throws {
        let pool = try WorkerPool(threadCount: 1, queueCapacity: 1)
        let release = DispatchSemaphore(value: 0)
        let started = Latch()
        let handler = ClosureHandler { request, writer in
            if request.head.path == "/hash" {
                pool.respond(to: writer) {
                    started.signal()
                    release.wait()
                    return text("hashed")
                }
            } else {
                writer.respond(text("ok"))
            }
        }
        let running = try await RunningServer(handler: handler)
        let busy = try await running.client()
        try await busy.get("/hash")
        await started.wait()
        let queued = try await running.client()
        try await queued.get("/hash")
        try await running.settle { pool.queueDepth == 1 }

        let refused = try await running.client()
        try await refused.get("/hash")
        let overloaded = try await refused.readResponse()
        #expect(overloaded.status == 503)
        #expect(overloaded.header("Retry-After") == "1")
        for path in ["/healthz", "/static/twofold.css"] {
            try await refused.get(path)
            #expect(try await refused.readResponse().status == 200)
        }

        release.signal()
        release.signal()
        #expect(try await busy.readResponse().text == "hashed")
        #expect(try await queued.readResponse().text == "hashed")
        await running.stop()
        try await offThePool { pool.shutdown() }
    }
}
