/// The gateway's opaque, stable id for a user: 1–128 characters of `[A-Za-z0-9._:@-]`. The vault
/// never sees emails or passwords, only this id.
public struct UserID: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ rawValue: String) {
        guard (1...128).contains(rawValue.utf8.count),
            rawValue.utf8.allSatisfy({ byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
                    UInt8(ascii: "@"), UInt8(ascii: "-"):
                    true
                default: false
                }
            })
        else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}
