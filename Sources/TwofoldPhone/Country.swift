/// A country or territory as identified by an ISO 3166-1 alpha-2 code, with its display name.
public struct Country: Sendable, Hashable, CustomStringConvertible {
    /// ISO 3166-1 alpha-2, e.g. `"DZ"`; `"001"` for non-geographic numbering (satellite, freephone).
    public let code: String
    public let name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }

    public var description: String { name }

    /// Non-geographic E.164 services (global freephone, satellite networks, …).
    public static let nonGeographic = Country(code: "001", name: "International networks")
}
