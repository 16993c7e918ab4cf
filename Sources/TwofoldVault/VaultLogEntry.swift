/// One record of the vault's store: `kind (u8) · key (u8 length + UTF-8) · sealed box (rest)`.
/// The sealed box is AES-256-GCM over the record, with `associatedData(kind, key)` bound in, so a
/// record cannot be moved to another user or kind without failing authentication. The key check
/// record is the exception: its "sealed" bytes are the master key's check value, a MAC, not a box.
struct VaultLogEntry: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        case user = 1
        case userDeleted = 2
        /// Recovery SMS send times for one phone number; keyed by a MAC of the number, never the number.
        case numberSends = 3
        case numberSendsDeleted = 4
        /// The master key's check value (`VaultCrypto.keyCheckValue`), empty key; the latest one
        /// wins. Written when a store is created, on the first start of a store that had none,
        /// and by a key rotation's compaction. See docs/store-format.md.
        case keyCheck = 5

        var name: String {
            switch self {
            case .user, .userDeleted: "user"
            case .numberSends, .numberSendsDeleted: "number"
            case .keyCheck: "key-check"
            }
        }
    }

    let kind: Kind
    let key: String
    let sealed: [UInt8]

    init(kind: Kind, key: String, sealed: [UInt8]) {
        self.kind = kind
        self.key = key
        self.sealed = sealed
    }

    init(decoding payload: [UInt8]) throws(VaultError) {
        var reader = BinaryReader(payload)
        do {
            guard let kind = Kind(rawValue: try reader.u8()) else {
                throw VaultError(.internalError, "Unknown record kind in the vault store.")
            }
            self.kind = kind
            self.key = try reader.shortString()
            self.sealed = reader.rest()
        } catch let error as VaultError {
            throw error
        } catch {
            throw VaultError(.internalError, "Truncated record in the vault store.")
        }
    }

    /// The record's bytes. Keys are user ids (at most 128 bytes) and hex tags, so the 255-byte
    /// limit of the key field is never reached; if it were, this throws rather than traps.
    func encoded() throws(BinaryWriter.FieldTooLong) -> [UInt8] {
        var writer = BinaryWriter(capacity: 2 + key.utf8.count + sealed.count)
        writer.u8(kind.rawValue)
        try writer.shortString(key)
        writer.raw(sealed)
        return writer.bytes
    }

    /// `twofold.vault.v1/<kind>/<key>`: the identity every sealed box is bound to.
    static func associatedData(_ kind: Kind, _ key: String) -> [UInt8] {
        Array("twofold.vault.v1/\(kind.name)/\(key)".utf8)
    }
}
