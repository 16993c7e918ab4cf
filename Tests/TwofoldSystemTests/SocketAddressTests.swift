import Glibc
import Testing

@testable import TwofoldSystem

@Suite struct SocketAddressTests {
    @Test(arguments: [
        ("127.0.0.1:8080", SocketAddress.ipv4(host: "127.0.0.1", port: 8080)),
        ("0.0.0.0:0", .ipv4(host: "0.0.0.0", port: 0)),
        ("[::1]:8080", .ipv6(host: "::1", port: 8080)),
        ("[fe80::1:2]:65535", .ipv6(host: "fe80::1:2", port: 65535)),
        ("unix:/run/twofold-vault/vault.sock", .unix(path: "/run/twofold-vault/vault.sock")),
        ("unix:@notify", .unix(path: "@notify")),
    ])
    func parsing_aValidAddress_roundTripsThroughItsDescription(text: String, expected: SocketAddress) throws {
        let address = try SocketAddress(parsing: text)
        #expect(address == expected)
        #expect(address.description == text)
    }

    @Test(arguments: [
        "", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80a", "localhost:80",
        "::1:80", "[::1]", "[::1]80", "[::1:80", "[127.0.0.1]:80", "999.0.0.1:80", "unix:", "127.0.0.1:+80",
    ])
    func parsing_malformedText_throwsEINVAL(text: String) {
        let error = #expect(throws: SystemError.self) { try SocketAddress(parsing: text) }
        #expect(error?.errno == EINVAL)
    }

    @Test func parsing_aUnixPathLongerThanSunPath_throwsENAMETOOLONG() {
        let path = "/" + String(repeating: "a", count: SocketAddress.maxUnixPathLength)
        let error = #expect(throws: SystemError.self) { try SocketAddress(parsing: "unix:" + path) }
        #expect(error?.errno == ENAMETOOLONG)
        #expect(throws: Never.self) { try SocketAddress(parsing: "unix:" + path.dropLast()) }
    }

    @Test(arguments: [
        SocketAddress.ipv4(host: "10.1.2.3", port: 443), .ipv6(host: "2001:db8::7", port: 8443),
        .unix(path: "/tmp/x.sock"), .unix(path: "@abstract-name"),
    ])
    func sockaddrConversion_roundTrips(address: SocketAddress) throws {
        let decoded = try address.withSockAddr { pointer, length throws(SystemError) in
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) {
                $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: Int(length)))
            }
            return try SocketAddress(storage: storage, length: length)
        }
        #expect(decoded == address)
    }

    @Test func sockaddrConversion_ofAHandBuiltInvalidHost_throwsEINVAL() {
        let error = #expect(throws: SystemError.self) {
            try SocketAddress.ipv4(host: "not-an-ip", port: 1).withSockAddr { _, _ in () }
        }
        #expect(error?.errno == EINVAL)
    }

    @Test func port_isNilForUnixPaths() {
        #expect(SocketAddress.ipv4(host: "127.0.0.1", port: 9).port == 9)
        #expect(SocketAddress.unix(path: "/x").port == nil)
    }
}
