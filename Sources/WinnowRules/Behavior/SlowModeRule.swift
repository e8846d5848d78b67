import WinnowCore
import WinnowSettings
import WinnowLimits

/// Slow-mode: in a channel where it is on, an author may post once per interval. Only comments
/// that slow-mode lets through start a new interval. Exempt roles pass.
public struct SlowModeRule: Sendable, Equatable {
    public static let name = "slow_mode"

    public var action: RuleAction
    public var dryRun: Bool

    public init(action: RuleAction = .reject, dryRun: Bool = false) {
        self.action = action
        self.dryRun = dryRun
    }

    /// `interval` is the channel's (0: off); `raidInterval` applies while a raid switched
    /// slow-mode on in the channel (the longer of the two wins).
    public func evaluate(_ context: WindowContext, interval: Micros, raidInterval: Micros, into reasons: inout [Reason])
    {
        var interval = interval
        var source = "channel"
        if raidInterval > interval, let channel = context.channelSlot,
            Micros(bitPattern: context.state.channels.load(channel, ChannelWord.raidSlowModeUntil)) > context.now
        {
            interval = raidInterval
            source = "raid"
        }
        // Without slow-mode in force nothing is kept: an author's first comment once it comes
        // on starts their interval.
        guard interval > 0, !context.isExempt, let pair = context.pair() else { return }
        // 0 is "no comment yet", so a comment at the epoch itself is stored 1 µs later.
        let now = max(1, context.now)
        var retryAfter: Micros = 0
        _ = context.state.pairs.update(pair, PairWord.lastPost) { word in
            let last = Micros(bitPattern: word)
            if last != 0 && now - last < interval {
                retryAfter = last + interval - now
                return nil
            }
            return UInt64(bitPattern: now)
        }
        guard retryAfter > 0 else { return }
        reasons.append(reason(source: source, interval: interval, retryAfter: retryAfter))
    }

    /// Whether a raid switched slow-mode on in the event's channel, longer than `interval`:
    /// then the raid's interval applies (decided on this instance).
    public func raidApplies(_ context: WindowContext, interval: Micros, raidInterval: Micros) -> Bool {
        guard raidInterval > interval, let channel = context.channelSlot else { return false }
        return Micros(bitPattern: context.state.channels.load(channel, ChannelWord.raidSlowModeUntil)) > context.now
    }

    /// The reason for a comment `retryAfter` too early (found here or in the shared store).
    public func reason(source: String, interval: Micros, retryAfter: Micros) -> Reason {
        Reason(
            rule: Self.name, action: action, limit: "\(source) \(DurationText.describe(interval))",
            retryAfter: retryAfter.seconds, dryRun: dryRun)
    }
}

extension SlowModeRule: SettingsSection {
    public static let section = "slow_mode"
    public static let about: [String] = []
    public static let shorthand: String? = "interval"
    /// `interval` is per channel (`channels:`), on `ChannelSettings`.
    public static var settings: [RuleSetting<Self>] { [.action(\.action), .dryRun(\.dryRun)] }
    public static var perChannel: [RuleSetting<ChannelSettings>] {
        [.duration("interval", \.slowMode, "one comment per author per this interval (0s: off)")]
    }
    public var summary: String { "slow mode: action \(action.rawValue)\(dryRun ? " (dry run)" : "")" }
}

extension SlowModeRule: WindowRule {
    /// Set per channel (and by raids and moderators): always asked.
    public var isActive: Bool { true }

    /// A raid's slow-mode is this instance's own, even when the store keeps the channel's.
    @inlinable
    public func evaluate(_ event: inout WindowEvent, into reasons: inout [Reason]) {
        let context = event.context
        if let shared = event.sharedWindows,
            !raidApplies(context, interval: event.slowMode, raidInterval: event.raidSlowMode)
        {
            if shared.slowModeWait > 0 {
                reasons.append(reason(source: "channel", interval: event.slowMode, retryAfter: shared.slowModeWait))
            }
        } else {
            evaluate(context, interval: event.slowMode, raidInterval: event.raidSlowMode, into: &reasons)
        }
    }
}
