import WinnowCore
import WinnowLimits
import WinnowPolicy
import WinnowRules

/// The configuration of every rule beyond the stop words: the window rules (rate limits,
/// slow-mode, repeat, flood, raid, escalation), which need memory of earlier events, and the
/// text heuristics (links, noise), which do not.
public struct BehaviorSettings: Sendable, Equatable {
    public var rateLimit: RateLimitRule
    public var slowMode: SlowModeRule
    public var repeatRule: RepeatRule
    public var flood: FloodRule
    public var raid: RaidRule
    /// Near-copies of what moderators removed (the known-spam bank).
    public var knownSpam: KnownSpamRule
    public var links: LinkRule
    public var noise: NoiseRule
    /// The learned score (off unless a model is given).
    public var classifier: ClassifierRule
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
        repeatRule: RepeatRule = RepeatRule(enabled: false), flood: FloodRule = FloodRule(enabled: false),
        raid: RaidRule = RaidRule(enabled: false), knownSpam: KnownSpamRule = KnownSpamRule(enabled: false),
        links: LinkRule = LinkRule(enabled: false),
        noise: NoiseRule = NoiseRule(enabled: false), classifier: ClassifierRule = ClassifierRule(),
        escalation: Escalation = Escalation(), exemptRoles: Set<String> = ["moderator", "admin"],
        defaults: ChannelSettings = ChannelSettings(), channels: [String: ChannelSettings] = [:],
        maxAuthors: Int = BehaviorState.defaultMaxAuthors
    ) {
        self.rateLimit = rateLimit
        self.slowMode = slowMode
        self.repeatRule = repeatRule
        self.flood = flood
        self.raid = raid
        self.knownSpam = knownSpam
        self.links = links
        self.noise = noise
        self.classifier = classifier
        self.escalation = escalation
        self.exemptRoles = exemptRoles
        self.defaults = defaults
        self.channels = channels
        self.maxAuthors = maxAuthors
    }

    /// No rule beyond the stop words.
    public static let off = BehaviorSettings(escalation: Escalation(enabled: false))

    /// Whether any rule needs the window tables.
    public var isActive: Bool {
        escalation.enabled || repeatRule.enabled || flood.enabled || raid.enabled || knownSpam.enabled
            || (links.enabled && links.newAuthorWindow > 0) || !defaults.isOff || channels.values.contains { !$0.isOff }
    }

    /// Whether any rule keeps per-channel state.
    public var needsChannels: Bool {
        raid.enabled || ([defaults] + channels.values).contains { $0.rateLimits.channel != nil }
    }

    @inline(__always)
    public func settings(for channel: String) -> ChannelSettings {
        channels.isEmpty ? defaults : channels[channel] ?? defaults
    }
}

extension BehaviorSettings {
    /// The built-in policy, for a busy public chat: each author at most 5 comments per 10 s;
    /// no slow-mode; every heuristic on with its defaults; 3 strikes (rejected comments) in 10
    /// minutes time an author out for 10 minutes, and the third timeout is a ban for a day.
    /// Moderators and admins are exempt.
    public static let defaultPolicy = BehaviorSettings(
        repeatRule: RepeatRule(), flood: FloodRule(), raid: RaidRule(), knownSpam: KnownSpamRule(), links: LinkRule(),
        noise: NoiseRule(),
        classifier: ClassifierRule(enabled: false, labels: ClassifierRule.defaultLabels),
        escalation: Escalation(banDuration: 86_400 * Micros.perSecond),
        defaults: ChannelSettings(rateLimits: .init(author: RateLimit(events: 5, period: 10 * Micros.perSecond))))
}
