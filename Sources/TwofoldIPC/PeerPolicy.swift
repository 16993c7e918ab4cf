import TwofoldSystem

/// Which local processes may talk to a daemon, by the credentials the kernel reports for the
/// connecting socket (SO_PEERCRED, SO_PEERGROUPS): a peer is admitted if its uid, its primary gid
/// or one of its supplementary groups is listed.
/// The daemon's own uid is always admitted (its operator's tools, the tests).
public struct PeerPolicy: Sendable, Equatable {
    public var allowedUserIDs: Set<UInt32>
    public var allowedGroupIDs: Set<UInt32>

    public init(allowedUserIDs: Set<UInt32> = [], allowedGroupIDs: Set<UInt32> = []) {
        self.allowedUserIDs = allowedUserIDs
        self.allowedGroupIDs = allowedGroupIDs
    }

    public func admits(_ peer: PeerCredentials, ownUserID: UInt32 = SystemInfo.userID) -> Bool {
        peer.userID == ownUserID || allowedUserIDs.contains(peer.userID)
            || peer.allGroupIDs.contains(where: allowedGroupIDs.contains)
    }
}
