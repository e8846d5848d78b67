import WinnowLimits

/// The window settings of one channel.
public struct ChannelSettings: Sendable, Equatable {
    public var rateLimits: RateLimitRule.Limits
    /// One comment per author per this interval (0: slow-mode off).
    public var slowMode: Micros

    public init(rateLimits: RateLimitRule.Limits = .init(), slowMode: Micros = 0) {
        self.rateLimits = rateLimits
        self.slowMode = slowMode
    }

    public var isOff: Bool { rateLimits.isEmpty && slowMode == 0 }
}
