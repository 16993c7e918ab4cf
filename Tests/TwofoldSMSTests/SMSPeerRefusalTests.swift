import Foundation
import Testing
import TwofoldIPC
import TwofoldProcess
import TwofoldSMS
import TwofoldSystem
import TwofoldWire

/// Peer checks on the SMS socket, in process: the server is told its "own" uid is another one, so
/// the test's uid is a stranger unless a policy lists it.
@Suite struct SMSPeerRefusalTests {
    func serve(peers: PeerPolicy, ownUserID: UInt32, in folder: TemporaryFolder) async throws -> (
        WireServer, EventLoop, Outbox
    ) {
        let loop = try EventLoop(name: "sms-peer-test")
        try loop.start()
        let outbox = try Outbox(directory: folder.path, logger: quietLogger())
        let service = SMSService(writer: OutboxWriter(outbox: outbox), logger: quietLogger())
        var configuration = WireServer.Configuration(path: folder.path + "/sms.sock")
        configuration.peers = peers
        configuration.ownUserID = ownUserID
        let server = WireServer(configuration: configuration, service: service, loop: loop, logger: quietLogger())
        try await server.start()
        return (server, loop, outbox)
    }

    @Test func send_fromAUserNotAllowed_isRefusedAndWritesNothing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let stranger = SystemInfo.userID &+ 4242
        let (server, loop, outbox) = try await serve(peers: PeerPolicy(), ownUserID: stranger, in: folder)
        let response = try refusal(from: folder.path + "/sms.sock", sending: sendArgs(id: "intruder"))
        #expect(response.id == nil)
        #expect(response.error?.code == "peer.forbidden")
        #expect(try folder.contents().isEmpty)
        #expect(!outbox.contains(id: "intruder"))
        await server.shutdown(gracePeriod: .seconds(1))
        loop.shutdownGracefully()
        outbox.close()
    }

    /// Connects with a bare socket, tries to send `sms.send` with `args`, and reads the one frame
    /// the server answers. The server refuses at accept time and closes, so the send may already
    /// fail with EPIPE (which is also why a `WireClient` can only report `unavailable` here).
    func refusal(from path: String, sending args: [String: JSONValue]) throws -> WireResponse {
        let socket = try Socket.connect(to: .unix(path: path), timeout: .seconds(2))
        defer { socket.close() }
        let request = WireRequest(id: 1, operation: "sms.send", args: args)
        _ = try? socket.write(try FrameEncoder.encode(request.encoded()))
        var decoder = FrameDecoder()
        let limit = Date().addingTimeInterval(5)
        while Date() < limit {
            switch try socket.read(upTo: 4096) {
            case .wouldBlock:
                Thread.sleep(forTimeInterval: 0.01)
            case .processed(let bytes):
                guard !bytes.isEmpty else { throw POSIXError(.ECONNRESET) }
                decoder.feed(bytes)
                if let frame = try decoder.next() { return try WireResponse.decode(frame.payload) }
            }
        }
        throw POSIXError(.ETIMEDOUT)
    }

    @Test func send_fromAnAllowedUser_isServed() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let peers = PeerPolicy(allowedUserIDs: [SystemInfo.userID])
        let (server, loop, outbox) = try await serve(peers: peers, ownUserID: SystemInfo.userID &+ 4242, in: folder)
        let client = try TestClient(path: folder.path + "/sms.sock")
        #expect(try await client.call("sms.send", sendArgs(id: "friend")).result?["duplicate"] == .bool(false))
        client.close()
        await server.shutdown(gracePeriod: .seconds(1))
        loop.shutdownGracefully()
        outbox.close()
    }

    @Test func policy_admitsOwnUserListedUsersAndGroupsOnly() {
        let policy = PeerPolicy(allowedUserIDs: [1001], allowedGroupIDs: [2002])
        #expect(policy.admits(PeerCredentials(processID: 1, userID: 500, groupID: 500), ownUserID: 500))
        #expect(policy.admits(PeerCredentials(processID: 1, userID: 1001, groupID: 9), ownUserID: 500))
        #expect(policy.admits(PeerCredentials(processID: 1, userID: 9, groupID: 2002), ownUserID: 500))
        #expect(!policy.admits(PeerCredentials(processID: 1, userID: 9, groupID: 9), ownUserID: 500))
    }
}
