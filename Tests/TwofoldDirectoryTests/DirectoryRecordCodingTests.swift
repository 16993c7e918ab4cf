import Testing

@testable import TwofoldDirectory

@Suite struct DirectoryRecordCodingTests {
    static let user: UserRecord = {
        var user = UserRecord(
            id: "u-0123456789abcdef01234567", email: "ann@example.com", passwordHash: "$scrypt$ln=17,r=8,p=1$c2$a2",
            accounts: ["a-00112233aabbccdd", "a-4455667788990011"], createdAt: 1_767_225_600_000)
        user.disabled = true
        user.passwordChangedAt = -5
        return user
    }()

    static let invite: InviteRecord = {
        var invite = InviteRecord(
            id: "i-8899aabbccddeeff", tokenHash: String(repeating: "ab", count: 32), email: "bob@example.com",
            accounts: ["a-00112233aabbccdd"], temporaryPasswordHash: "$scrypt$ln=10,r=8,p=1$x$y",
            createdAt: 1_767_225_600_000, expiresAt: 1_767_830_400_000, createdBy: "operator:root")
        invite.revokedAt = 1_767_229_200_000
        return invite
    }()

    static let session: SessionRecord = {
        var session = SessionRecord(
            id: String(repeating: "cd", count: 32), userID: "u-0123456789abcdef01234567", stage: .password,
            csrf: "csrf-token", createdAt: 10, accountID: "a-00112233aabbccdd", remoteAddress: "192.0.2.7")
        session.purpose = "signup"
        session.lastSeenAt = 20
        session.stageStartedAt = 15
        return session
    }()

    static func decodeUser(_ bytes: [UInt8]) throws -> UserRecord {
        try bytes.withUnsafeBytes { try UserRecord(decoding: $0) }
    }

    @Test func everyRecordKind_roundTrips() throws {
        #expect(try Self.decodeUser(Self.user.encoded()) == Self.user)
        let invite = try Self.invite.encoded().withUnsafeBytes { try InviteRecord(decoding: $0) }
        #expect(invite == Self.invite)
        let session = try Self.session.encoded().withUnsafeBytes { try SessionRecord(decoding: $0) }
        #expect(session == Self.session)
        let account = AccountRecord(id: "a-1", name: "Ünïcode, Inc", createdAt: 3)
        #expect(try account.encoded().withUnsafeBytes { try AccountRecord(decoding: $0) } == account)
    }

    @Test func everyTruncation_isAnError_neverATrap() {
        for bytes in [Self.user.encoded(), Self.invite.encoded(), Self.session.encoded()] {
            for length in 0..<bytes.count {
                let prefix = Array(bytes[0..<length])
                let item = prefix.withUnsafeBytes { buffer in
                    Result { () throws(ByteReader.Malformed) in try DirectoryItem(decoding: buffer) }
                }
                #expect(throws: ByteReader.Malformed.self) { try item.get() }
            }
        }
    }

    @Test func aRecordOfANewerVersion_isRefused_notGuessed() {
        var bytes = Self.user.encoded()
        bytes[1] = 2
        #expect(throws: ByteReader.Malformed.self) { try Self.decodeUser(bytes) }
    }

    @Test func invalidUTF8_isRepaired_andOverlongVarintsAreErrors() throws {
        var bytes = Self.user.encoded()
        bytes[3] = 0xff  // inside the id
        #expect(try Self.decodeUser(bytes).id == "\u{FFFD}-0123456789abcdef01234567")
        let overlong: [UInt8] = Array(repeating: 0xff, count: 11) + [0]
        overlong.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            #expect(throws: ByteReader.Malformed.self) { try reader.varint() }
        }
    }

    @Test func times_keepTheirSign() {
        for value: Int64 in [0, 1, -1, 1_767_225_600_000, .max, .min] {
            var writer = ByteWriter()
            writer.int64(value)
            let decoded = writer.bytes.withUnsafeBytes { buffer in
                var reader = ByteReader(buffer)
                return try? reader.int64()
            }
            #expect(decoded == value)
        }
    }

    @Test func changePayload_decodesItsItemsInOrder() throws {
        let items: [DirectoryItem] = [
            try .user(Self.user), .account(AccountRecord(id: "a-1", name: "A", createdAt: 1)),
            try .invite(Self.invite), .session(Self.session), .endedSession("s-old"), .droppedInvite("i-old"),
        ]
        let payload = LogPayload.encodeChange(items.map(\.encoded))
        let decoded = payload.withUnsafeBytes { buffer in
            Result { () throws(LogPayload.DecodeFailure) in try LogPayload.decode(buffer) }
        }
        guard case .success(.change(let back)) = decoded else {
            Issue.record("not a change: \(decoded)")
            return
        }
        #expect(back.map(\.encoded) == items.map(\.encoded))
    }

    @Test func anEndedInvite_isStoredWithoutItsTokenAndPasswordHashes() throws {
        guard case .invite(let bytes, let keys) = try DirectoryItem.invite(Self.invite) else {
            Issue.record("not an invite")
            return
        }
        let stored = try bytes.withUnsafeBytes { try InviteRecord(decoding: $0) }
        #expect(stored.tokenHash.isEmpty && stored.temporaryPasswordHash.isEmpty)
        #expect(keys.closedAt == Self.invite.revokedAt)
        #expect(stored.email == Self.invite.email && stored.revokedAt == Self.invite.revokedAt)
    }
}
