import Dispatch
import Synchronization
import TwofoldCrypto
import TwofoldIPC
import TwofoldSystem
import TwofoldWire

/// Sends one request over the gateway's admin socket and waits for the answer (the CLI is
/// synchronous: one command, one request, then exit).
///
/// It first connects once itself, to tell the failures apart: `WireClient` reports every failed
/// connect as `unavailable`, but "permission denied" (the socket's mode and group keep this user
/// out) needs different advice from "no gateway running". That probe connection stays open
/// during the call: a gateway that refuses the peer (`peer.forbidden`) answers every connection,
/// the probe first, so when the call itself only saw the connection drop, the probe holds the
/// refusal.
public struct AdminClient: AdminTransport {
    public let path: String
    /// Bounds the connect and the whole call; `user.reset_mfa` waits for the vault's fsync.
    public let timeout: Duration

    public init(path: String, timeout: Duration = .seconds(10)) {
        self.path = path
        self.timeout = timeout
    }

    public func perform(_ request: AdminRequest) -> Result<AdminResult, AdminError> {
        let probe: Socket
        do {
            probe = try Socket.connect(to: .unix(path: path), timeout: timeout)
        } catch {
            return .failure(.connectFailed(path: path, error: error))
        }
        defer { probe.close() }
        let group: EventLoopGroup
        do {
            group = try EventLoopGroup(loopCount: 1)
        } catch {
            return .failure(.local("cannot start an event loop: \(error.message)"))
        }
        defer { group.shutdownGracefully() }
        var configuration = WireClient.Configuration(path: path)
        configuration.timeout = timeout
        let loop = group.next()
        let client = WireClient(configuration: configuration, loop: loop)
        let answer = Answer()
        let key = request.changesState ? IdempotencyKey(randomBytes: SecureRandom.bytes(count: 16)) : nil
        client.call(request.operation, args: request.args, idempotencyKey: key) { result in
            answer.result.withLock { $0 = result }
            answer.done.signal()
        }
        answer.done.wait()
        // Close on the loop before stopping it, so the socket is not left open behind us.
        client.close()
        loop.execute { answer.done.signal() }
        answer.done.wait()
        switch answer.result.withLock({ $0 }) {
        case .success(let response)?:
            switch response.outcome {
            case .success(let members): return .success(AdminResult(members))
            case .failure(let payload): return .failure(.server(payload))
            }
        case .failure(let error)? where error.isOutcomeUnknown:
            // The request left: the gateway may have carried it out. Say so; never "nothing changed".
            if let refusal = Self.refusal(on: probe) { return .failure(refusal) }
            return .failure(request.changesState ? .outcomeUnknown(request, path: path) : .noAnswer(path: path))
        case .failure(let error)? where error.code == "unavailable":
            return .failure(Self.refusal(on: probe) ?? .noAnswer(path: path))
        case .failure(let error)?:
            return .failure(.unexpectedAnswer(error.message))
        case nil:
            return .failure(.noAnswer(path: path))
        }
    }

    /// The error frame the server sent on `socket` before closing it, if any.
    static func refusal(on socket: Socket) -> AdminError? {
        guard case .processed(let bytes)? = try? socket.read(upTo: 64 * 1024), !bytes.isEmpty else { return nil }
        var decoder = FrameDecoder()
        decoder.feed(bytes)
        guard let frame = try? decoder.next(), let response = try? WireResponse.decode(frame.payload),
            case .failure(let payload) = response.outcome
        else { return nil }
        return .server(payload)
    }

    private final class Answer: Sendable {
        let result = Mutex<Result<WireResponse, WireError>?>(nil)
        let done = DispatchSemaphore(value: 0)
    }
}
