import Dispatch
import Foundation
import Synchronization
import Testing
import TwofoldHTTP
import TwofoldHTTPServer

@Suite struct WorkerPoolTests {
    @Test func submit_runsWorkOnAPoolThread_andReportsBusyWorkers() throws {
        let pool = WorkerPool(threadCount: 2, queueCapacity: 4, name: "test-pool")
        let release = DispatchSemaphore(value: 0)
        let ran = DispatchSemaphore(value: 0)
        let threadName = Mutex<String?>(nil)
        try pool.submit {
            threadName.withLock { $0 = Thread.current.name }
            ran.signal()
            release.wait()
        }
        #expect(ran.wait(timeout: .now() + 5) == .success)
        #expect(pool.busyWorkers == 1)
        let name = threadName.withLock { $0 }
        #expect(name?.hasPrefix("test-pool-") == true, "ran on thread named \(name ?? "nil")")
        release.signal()
        #expect(eventually { pool.busyWorkers == 0 })
        pool.shutdown()
    }

    @Test func submit_whenEveryThreadIsBusyAndTheQueueIsFull_throwsOverloaded() throws {
        let pool = WorkerPool(threadCount: 1, queueCapacity: 2)
        let release = DispatchSemaphore(value: 0)
        let blocker: @Sendable () -> Void = { release.wait() }
        try pool.submit(blocker)
        #expect(eventually { pool.busyWorkers == 1 })
        try pool.submit(blocker)
        try pool.submit(blocker)
        #expect(pool.queueDepth == 2)
        #expect(throws: HTTPServerError.workerPoolOverloaded()) { try pool.submit(blocker) }
        for _ in 0..<3 { release.signal() }
        #expect(eventually { pool.queueDepth == 0 && pool.busyWorkers == 0 })
        pool.shutdown()
    }

    @Test func shutdown_finishesQueuedWork_thenRefusesNewWork() throws {
        let pool = WorkerPool(threadCount: 1, queueCapacity: 8)
        let done = Atomic<Int>(0)
        for _ in 0..<5 {
            try pool.submit {
                usleep(10_000); done.add(1, ordering: .relaxed)
            }
        }
        pool.shutdown()
        #expect(done.load(ordering: .relaxed) == 5)
        #expect(throws: HTTPServerError.workerPoolStopped()) { try pool.submit {} }
    }

    @Test func overloadedPool_answers503WithRetryAfter_whileOtherRoutesStayAvailable() async throws {
        let pool = WorkerPool(threadCount: 1, queueCapacity: 1)
        let release = DispatchSemaphore(value: 0)
        let handler = ClosureHandler { request, writer in
            if request.head.path == "/hash" {
                pool.respond(to: writer) {
                    release.wait()
                    return text("hashed")
                }
            } else {
                writer.respond(text("ok"))
            }
        }
        let running = try await RunningServer(handler: handler)
        let busy = try running.client()
        try busy.get("/hash")
        #expect(eventually { pool.busyWorkers == 1 })
        let queued = try running.client()
        try queued.get("/hash")
        #expect(eventually { pool.queueDepth == 1 })

        let refused = try running.client()
        try refused.get("/hash")
        let overloaded = try refused.readResponse()
        #expect(overloaded.status == 503)
        #expect(overloaded.header("Retry-After") == "1")
        for path in ["/healthz", "/static/twofold.css"] {
            try refused.get(path)
            #expect(try refused.readResponse().status == 200)
        }

        release.signal()
        release.signal()
        #expect(try busy.readResponse().text == "hashed")
        #expect(try queued.readResponse().text == "hashed")
        await running.stop()
        pool.shutdown()
    }
}
