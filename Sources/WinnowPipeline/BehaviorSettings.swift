import WinnowCore
import WinnowLimits
import WinnowPolicy
import WinnowRules

/// The configuration of the window rules (rate limits, slow-mode, escalation): the part of
/// the policy that needs memory of earlier events.
public struct BehaviorSettings: Sendable, Equatable {
    public var rateLimit: RateLimitRule
    public var slowMode: SlowModeRule
    public var escalation: Escalation
    /// Roles exempt from rate limits, slow-mode and escalation.
    public var exemptRoles: Set<String>
    /// What applies in a channel without an entry in `channels`.
    public var defaults: ChannelSettings
    public var channels: [String: ChannelSettings]
    /// Authors tracked at once (idle ones are evicted beyond it).
    public var maxAuthors: Int

    public init(
        rateLimit: RateLimitRule = RateLimitRule(), slowMode: SlowModeRule = SlowModeRule(),
        escalation: Escalation = Escalation(), exemptRoles: Set<String> = ["moderator", "admin"],
        defaults: ChannelSettings = ChannelSettings(), channels: [String: ChannelSettings] = [:],
        maxAuthors: Int = BehaviorState.defaultMaxAuthors
    ) {
        self.rateLimit = rateLimit
        self.slowMode = slowMode
        self.escalation = escalation
        self.exemptRoles = exemptRoles
        self.defaults = defaults
        self.channels = channels
        self.maxAuthors = maxAuthors
    }

    /// No window rule at all: `decide` then needs no state.
    public static let off = BehaviorSettings(escalation: Escalation(enabled: false))

    /// Whether any rule needs the window tables.
    public var isActive: Bool {
        escalation.enabled || !defaults.isOff || channels.values.contains { !$0.isOff }
    }

    /// Whether any channel has slow-mode or a per-author-in-channel limit (which need the
    /// author-within-channel table).
    public var needsPairs: Bool {
        ([defaults] + channels.values).contains { $0.slowMode > 0 || $0.rateLimits.authorInChannel != nil }
    }

    /// Whether any channel has a channel-wide limit.
    public var needsChannels: Bool {
        ([defaults] + channels.values).contains { $0.rateLimits.channel != nil }
    }

    @inline(__always)
    public func settings(for channel: String) -> ChannelSettings {
        channels.isEmpty ? defaults : channels[channel] ?? defaults
    }
}

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

extension BehaviorSettings {
    /// The built-in policy, for a busy public chat: each author at most 5 comments per 10 s;
    /// no slow-mode; 3 strikes (rejected comments) in 10 minutes time an author out for 10
    /// minutes, and the third timeout is a ban for a day. Moderators and admins are exempt.
    public static let defaultPolicy = BehaviorSettings(
        escalation: Escalation(banDuration: 86_400 * Micros.perSecond),
        defaults: ChannelSettings(rateLimits: .init(author: RateLimit(events: 5, period: 10 * Micros.perSecond))))
}
