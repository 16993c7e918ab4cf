import Dispatch
import Foundation
import Synchronization
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldProcess
import TwofoldSystem

/// A handler from a closure.
struct ClosureHandler: HTTPHandler {
    let body: @Sendable (IncomingRequest, ResponseWriter) -> Void
    func handle(_ request: IncomingRequest, writer: ResponseWriter) { body(request, writer) }
}

/// Answers `200` with `"<METHOD> <path> <body bytes>"`.
let echoHandler = ClosureHandler { request, writer in
    writer.respond(text("\(request.head.method) \(request.head.path) \(request.request.body.count)"))
}

func text(_ value: String, status: HTTPStatus = .ok) -> HTTPResponse {
    HTTPResponse(status: status, headers: ["Content-Type": "text/plain"], body: Array(value.utf8))
}

/// A server on 127.0.0.1:0 with its own loops, logging into memory.
final class RunningServer: Sendable {
    let group: EventLoopGroup
    let server: HTTPServer
    let address: SocketAddress
    let log: LogSink

    init(
        loops: Int = 2, handler: any HTTPHandler = echoHandler,
        configure: (inout HTTPServer.Configuration) -> Void = { _ in }
    ) async throws {
        var configuration = HTTPServer.Configuration(address: .ipv4(host: "127.0.0.1", port: 0))
        configure(&configuration)
        group = try EventLoopGroup(loopCount: loops)
        log = LogSink.memory()
        server = HTTPServer(
            configuration: configuration, group: group, logger: Logger(label: "test", sink: log), handler: handler)
        try await server.start()
        address = server.localAddress!
    }

    func client() throws -> TestClient { try TestClient(address) }

    func stop() async {
        await server.shutdown(gracePeriod: .seconds(2))
        group.shutdownGracefully()
    }
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}
