import WinnowLimits

/// What the shared store said about one event.
public struct SharedCheck: Equatable, Sendable {
    /// A penalty recorded for the author (in force or not: the engine checks).
    public var penalty: Penalty?
    /// The first rate limit the event is over: its scope (`author`, `author_channel`, `channel`)
    /// and how long to wait.
    public var limited: (scope: String, limit: RateLimit, retryAfter: Micros)?
    /// For an event let through: how many more of the author's events (in this channel) the
    /// limits would let through right now; 0 when the channel's own limit is on.
    public var headroom: Int
    /// Slow-mode: how long too early (0: in time, or off).
    public var slowModeWait: Micros
    /// Repeat: earlier copies of the author's in the window, the closest's equal values, the
    /// newest's age in seconds.
    public var repeated: (copies: Int, most: Int, newest: Int)?
    /// Flood: the campaign's authors, for a copy refused or (`participant`) an author flagged.
    public var flood: (copies: Int, participant: Bool)?

    public init(
        penalty: Penalty? = nil, limited: (scope: String, limit: RateLimit, retryAfter: Micros)? = nil,
        headroom: Int = 0,
        slowModeWait: Micros = 0, repeated: (copies: Int, most: Int, newest: Int)? = nil,
        flood: (copies: Int, participant: Bool)? = nil
    ) {
        self.penalty = penalty
        self.limited = limited
        self.headroom = headroom
        self.slowModeWait = slowModeWait
        self.repeated = repeated
        self.flood = flood
    }

    public static func == (a: SharedCheck, b: SharedCheck) -> Bool {
        a.penalty == b.penalty && a.limited?.scope == b.limited?.scope && a.limited?.limit == b.limited?.limit
            && a.limited?.retryAfter == b.limited?.retryAfter && a.slowModeWait == b.slowModeWait
            && a.repeated?.copies == b.repeated?.copies && a.repeated?.most == b.repeated?.most
            && a.repeated?.newest == b.repeated?.newest && a.flood?.copies == b.flood?.copies
            && a.flood?.participant == b.flood?.participant
    }
}
