/// Who is on the other end of a Unix-domain socket, as the kernel recorded it at connect time
/// (SO_PEERCRED): cannot be forged by the peer, so the vault checks the gateway's uid with it.
public struct PeerCredentials: Hashable, Sendable, CustomStringConvertible {
    public var processID: Int32
    public var userID: UInt32
    public var groupID: UInt32

    public init(processID: Int32, userID: UInt32, groupID: UInt32) {
        self.processID = processID
        self.userID = userID
        self.groupID = groupID
    }

    public var description: String { "pid=\(processID) uid=\(userID) gid=\(groupID)" }
}
