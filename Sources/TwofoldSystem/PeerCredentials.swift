/// Who is on the other end of a Unix-domain socket, as the kernel recorded it at connect time
/// (SO_PEERCRED, and SO_PEERGROUPS for the supplementary groups): cannot be forged by the peer,
/// so the vault checks the gateway's uid with it.
public struct PeerCredentials: Hashable, Sendable, CustomStringConvertible {
    public var processID: Int32
    public var userID: UInt32
    /// The primary group.
    public var groupID: UInt32
    /// The supplementary groups (empty where the kernel cannot report them).
    public var supplementaryGroupIDs: [UInt32]

    public init(processID: Int32, userID: UInt32, groupID: UInt32, supplementaryGroupIDs: [UInt32] = []) {
        self.processID = processID
        self.userID = userID
        self.groupID = groupID
        self.supplementaryGroupIDs = supplementaryGroupIDs
    }

    /// The primary group and the supplementary ones.
    public var allGroupIDs: [UInt32] { [groupID] + supplementaryGroupIDs }

    public var description: String {
        let list = supplementaryGroupIDs.map(String.init).joined(separator: ",")
        let groups = list.isEmpty ? "" : " groups=\(list)"
        return "pid=\(processID) uid=\(userID) gid=\(groupID)\(groups)"
    }
}
