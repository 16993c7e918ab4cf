import Glibc
import Testing

@testable import TwofoldSystem

@Suite struct SocketTests {
    @Test func socketPair_carriesBytesAndReportsWouldBlockWhenEmpty() throws {
        let (left, right) = try Socket.pair()
        guard case .wouldBlock = try right.read(upTo: 16) else {
            Issue.record("an empty non-blocking socket must report wouldBlock")
            return
        }
        try writeAll(left, Array("hello".utf8))
        #expect(try readExactly(right, count: 5) == Array("hello".utf8))
    }

    @Test func writev_gathersAllBuffersInOrder() throws {
        let (left, right) = try Socket.pair()
        let header: [UInt8] = [0, 0, 0, 3]
        let body: [UInt8] = [7, 8, 9]
        let written = try header.withUnsafeBytes { h in
            try body.withUnsafeBytes { b in try left.writev([h, b]) }
        }
        guard case .processed(let count) = written else {
            Issue.record("writev to an empty socket must not block")
            return
        }
        #expect(count == 7)
        #expect(try readExactly(right, count: 7) == header + body)
    }

    @Test func write_whenTheBufferIsFull_reportsWouldBlock() throws {
        let (left, right) = try Socket.pair()
        defer { withExtendedLifetime(right) {} }
        let chunk = [UInt8](repeating: 1, count: 64 * 1024)
        var sawWouldBlock = false
        for _ in 0..<1000 where !sawWouldBlock {
            if case .wouldBlock = try left.write(chunk) { sawWouldBlock = true }
        }
        #expect(sawWouldBlock)
    }

    @Test func write_afterThePeerClosed_throwsEPIPEInsteadOfRaisingSIGPIPE() throws {
        let (left, right) = try Socket.pair()
        right.close()
        let error = #expect(throws: SystemError.self) { _ = try left.write([1, 2, 3]) }
        #expect(error?.errno == EPIPE)
    }

    @Test func shutdownWrite_givesThePeerEndOfStream() throws {
        let (left, right) = try Socket.pair()
        try left.shutdown(.write)
        #expect(waitFor(right, events: Int16(POLLIN)))
        guard case .processed(let bytes) = try right.read(upTo: 8) else {
            Issue.record("a half-closed peer must be readable")
            return
        }
        #expect(bytes.isEmpty)
    }

    @Test func peerCredentials_ofASocketPair_areOurOwn() throws {
        let (left, right) = try Socket.pair()
        defer { withExtendedLifetime(right) {} }
        let credentials = try left.peerCredentials()
        #expect(credentials == Self.ownCredentials())
    }

    /// This process's identity as SO_PEERCRED and SO_PEERGROUPS report it to a peer.
    static func ownCredentials() -> PeerCredentials {
        var groups = [gid_t](repeating: 0, count: Int(getgroups(0, nil)))
        let count = getgroups(Int32(groups.count), &groups)
        return PeerCredentials(
            processID: getpid(), userID: getuid(), groupID: getgid(),
            supplementaryGroupIDs: Array(groups.prefix(Int(max(0, count)))))
    }

    @Test func peerCredentials_carryTheSupplementaryGroupsTheKernelRecorded() throws {
        let (left, right) = try Socket.pair()
        defer { withExtendedLifetime(right) {} }
        let reported = try left.peerCredentials().supplementaryGroupIDs
        #expect(Set(reported) == Set(Self.ownCredentials().supplementaryGroupIDs))
        #expect(reported.count == Self.ownCredentials().supplementaryGroupIDs.count)
    }

    @Test func peerCredentials_onATCPSocket_throws() throws {
        let listener = try Socket.listen(on: .ipv4(host: "127.0.0.1", port: 0))
        let client = try Socket.connect(to: try listener.localAddress(), timeout: .seconds(2))
        let error = #expect(throws: SystemError.self) { try client.peerCredentials() }
        #expect(error?.errno == ENOPROTOOPT)
    }

    @Test(arguments: [SocketAddress.ipv4(host: "127.0.0.1", port: 0), .ipv6(host: "::1", port: 0)])
    func tcpListen_onPortZero_bindsAFreePortThatAcceptsConnections(address: SocketAddress) throws {
        let listener = try Socket.listen(on: address)
        let bound = try listener.localAddress()
        #expect(bound.port != 0)
        #expect(bound.family == address.family)
        let client = try Socket.connect(to: bound, timeout: .seconds(2))
        #expect(waitFor(listener, events: Int16(POLLIN)))
        guard case .processed(let server) = try listener.accept() else {
            Issue.record("a pending connection must be acceptable")
            return
        }
        #expect(try server.remoteAddress() == client.localAddress())
        try server.setNoDelay(true)
        try writeAll(client, [42])
        #expect(try readExactly(server, count: 1) == [42])
        guard case .wouldBlock = try listener.accept() else {
            Issue.record("no second connection is pending")
            return
        }
    }

    @Test func tcpListen_onAPortInUse_throwsEADDRINUSE() throws {
        let first = try Socket.listen(on: .ipv4(host: "127.0.0.1", port: 0))
        let error = #expect(throws: SystemError.self) { try Socket.listen(on: try first.localAddress()) }
        #expect(error?.errno == EADDRINUSE)
    }

    @Test func connect_toAClosedTCPPort_reportsECONNREFUSED() throws {
        let port = try Socket.listen(on: .ipv4(host: "127.0.0.1", port: 0)).localAddress()  // closed again at once
        let error = #expect(throws: SystemError.self) { _ = try Socket.connect(to: port, timeout: .seconds(2)) }
        #expect(error?.errno == ECONNREFUSED)
        let (socket, isConnected) = try Socket.connect(to: port)
        if !isConnected {
            #expect(waitFor(socket, events: Int16(POLLOUT)))
            let pending = #expect(throws: SystemError.self) { try socket.finishConnect() }
            #expect(pending?.errno == ECONNREFUSED)
        }
    }

    @Test func connect_whenTheListenerNeverAnswers_timesOut() throws {
        // A backlog of 0 and connections never accepted: further SYNs are dropped, so the
        // handshake never completes.
        let listener = try Socket.listen(on: .ipv4(host: "127.0.0.1", port: 0), backlog: 0)
        let address = try listener.localAddress()
        var fillers: [Socket] = []
        for _ in 0..<4 { fillers.append(try Socket.connect(to: address).socket) }
        let error = #expect(throws: SystemError.self) {
            _ = try Socket.connect(to: address, timeout: .milliseconds(150))
        }
        #expect(error?.errno == ETIMEDOUT)
        withExtendedLifetime(fillers) {}
    }

    @Test func unixListen_createsTheSocketFileWithExactlyTheRequestedMode() throws {
        let path = temporarySocketPath("mode")
        defer { unlink(path) }
        let listener = try Socket.listen(on: .unix(path: path), unixMode: 0o660)
        var status = stat()
        #expect(lstat(path, &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFSOCK)
        #expect(status.st_mode & 0o7777 == 0o660)
        let client = try Socket.connect(to: .unix(path: path), timeout: .seconds(1))
        #expect(waitFor(listener, events: Int16(POLLIN)))
        guard case .processed(let server) = try listener.accept() else {
            Issue.record("a pending Unix connection must be acceptable")
            return
        }
        let credentials = try server.peerCredentials()
        #expect(credentials == Self.ownCredentials())
        #expect(try server.remoteAddress() == .unix(path: ""))
        #expect(try server.localAddress() == .unix(path: path))
        withExtendedLifetime(client) {}
    }

    @Test func unixListen_replacesAStaleSocketFile() throws {
        let path = temporarySocketPath("stale")
        defer { unlink(path) }
        let old = try Socket.listen(on: .unix(path: path))
        old.close()  // like a killed process: the file stays behind
        let fresh = try Socket.listen(on: .unix(path: path), unixMode: 0o600)
        var status = stat()
        #expect(lstat(path, &status) == 0)
        #expect(status.st_mode & 0o7777 == 0o600)
        _ = try Socket.connect(to: .unix(path: path), timeout: .seconds(1))
        withExtendedLifetime(fresh) {}
    }

    @Test func unixListen_onARegularFile_refusesWithEADDRINUSEAndKeepsTheFile() throws {
        let path = temporarySocketPath("regular")
        defer { unlink(path) }
        let fd = open(path, O_CREAT | O_WRONLY, 0o600)
        #expect(fd >= 0)
        close(fd)
        let error = #expect(throws: SystemError.self) { try Socket.listen(on: .unix(path: path)) }
        #expect(error?.errno == EADDRINUSE)
        #expect(access(path, F_OK) == 0)
    }

    @Test func unixListen_inAMissingDirectory_throwsENOENT() {
        let error = #expect(throws: SystemError.self) {
            try Socket.listen(on: .unix(path: "/nonexistent-twofold-dir/x.sock"))
        }
        #expect(error?.errno == ENOENT)
    }

    @Test func unixConnect_toAMissingPath_throwsENOENT() {
        let error = #expect(throws: SystemError.self) {
            _ = try Socket.connect(to: .unix(path: temporarySocketPath("missing")), timeout: .seconds(1))
        }
        #expect(error?.errno == ENOENT)
    }

    @Test func unixListen_onAnAbstractName_acceptsConnections() throws {
        let name = "@twofold-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let listener = try Socket.listen(on: .unix(path: name))
        _ = try Socket.connect(to: .unix(path: name), timeout: .seconds(1))
        #expect(try listener.localAddress() == .unix(path: name))
    }

    @Test(arguments: ["file", "abstract"])
    func sendDatagram_deliversOneMessageToAUnixDatagramSocket(kind: String) throws {
        let path =
            kind == "file" ? temporarySocketPath("notify") : "@twofold-notify-\(UInt32.random(in: 0...UInt32.max))"
        defer { if kind == "file" { unlink(path) } }
        let receiver = try Socket.make(family: AF_UNIX, type: Int32(SOCK_DGRAM.rawValue))
        try SocketAddress.unix(path: path).withSockAddr { pointer, length throws(SystemError) in
            try syscall("bind") { bind(receiver.descriptor.rawValue, pointer, length) }
        }
        try Socket.sendDatagram(to: path, bytes: Array("READY=1".utf8))
        #expect(try readExactly(receiver, count: 7) == Array("READY=1".utf8))
    }

    @Test func sendDatagram_toAMissingSocket_throws() {
        let error = #expect(throws: SystemError.self) {
            try Socket.sendDatagram(to: temporarySocketPath("nobody"), bytes: [1])
        }
        #expect(error?.errno == ENOENT)
    }
}
