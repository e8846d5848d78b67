#if canImport(Glibc)
    import Glibc
#endif

/// Who may do what on the sidecar's socket. Judging events (and `health`, `stats`) is for every
/// peer the socket lets in; moderator ops (`slow_mode`, `timeout`, `ban`, `unban`) and `reload`
/// each need a right of their own, given by uid or by group (a peer's primary or supplementary
/// group). By default only the server's own user and root hold them: a chat bot that judges
/// comments cannot ban anyone unless it is meant to.
public struct AccessRights: Sendable, Equatable {
    public struct Grant: Sendable, Equatable {
        public var uids: Set<Int>
        public var gids: Set<Int>

        public init(uids: Set<Int> = [], gids: Set<Int> = []) {
            self.uids = uids
            self.gids = gids
        }

        /// The server's own user and root.
        public static var owner: Grant { Grant(uids: [Int(getuid()), 0]) }
    }

    public var moderate: Grant
    public var reload: Grant

    public init(moderate: Grant = .owner, reload: Grant = .owner) {
        self.moderate = moderate
        self.reload = reload
    }

    /// What one connected peer may do, worked out once when it connects.
    public struct Held: Sendable, Equatable {
        public var moderate: Bool
        public var reload: Bool

        public static let all = Held(moderate: true, reload: true)
    }

    /// The rights of `peer` (`nil`: the kernel did not say who it is — judging only).
    public func held(by peer: PeerCredentials?) -> Held {
        guard let peer else { return Held(moderate: false, reload: false) }
        let groups = Self.groups(of: peer)
        func has(_ grant: Grant) -> Bool { grant.uids.contains(peer.uid) || !grant.gids.isDisjoint(with: groups) }
        return Held(moderate: has(moderate), reload: has(reload))
    }

    /// The peer's primary group and the supplementary groups of its user.
    static func groups(of peer: PeerCredentials) -> Set<Int> {
        var groups: Set<Int> = [peer.gid]
        guard let entry = getpwuid(uid_t(peer.uid)), let name = entry.pointee.pw_name else { return groups }
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, gid_t(peer.gid), &list, &count) < 0 {
            list = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, gid_t(peer.gid), &list, &count) >= 0 else { return groups }
        }
        for gid in list.prefix(Int(count)) { groups.insert(Int(gid)) }
        return groups
    }

    /// A group given by name or number, for the command line.
    public static func groupID(_ text: String) -> Int? {
        if let number = Int(text), number >= 0 { return number }
        guard let entry = getgrnam(text) else { return nil }
        return Int(entry.pointee.gr_gid)
    }
}
