/// Which window rules the shared store decides.
public enum SharedScope: String, Sendable, CaseIterable {
    /// Rate limits, slow-mode, repeat, flood, strikes and penalties.
    case all
    /// Rate limits, strikes and penalties; slow-mode, repeat and flood stay on each instance
    /// (far less work for Redis: see README, "Scale-out through Redis").
    case limits
}
