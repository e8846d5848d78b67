/// Which window rules the shared store decides.
public enum SharedScope: String, Sendable, CaseIterable {
    /// Rate limits, slow-mode, repeat, flood, strikes and penalties.
    case all
    /// Rate limits, strikes and penalties; slow-mode, repeat and flood stay on each instance
    /// (far less work for Redis: see README, "Scale-out through Redis").
    case limits
    /// What is global, shared once per batch through logs: timeouts and bans (`PenaltyFeed`),
    /// flood campaigns' copies and channel-wide counts (`WindowFeed`); every other window stays
    /// on the instance —
    /// for `winnow consume` owning partitions of a stream partitioned by author, where each
    /// author's windows are the owner's alone.
    case global
}
