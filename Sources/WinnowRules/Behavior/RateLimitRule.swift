import WinnowCore
import WinnowSettings
import WinnowLimits

/// Frequency limits per author, per author within a channel, and per channel overall, each a
/// rate with a burst (GCRA, one atomic word of state each), checked from the narrowest to the
/// widest. The first limit an event is over is its reason, and the wider limits do not count
/// it: one author hammering the channel does not use up everyone else's share.
public struct RateLimitRule: Sendable, Equatable {
    public static let name = "rate_limit"

    /// The limits in force in one channel; `nil` turns a limit off.
    public struct Limits: Sendable, Equatable {
        public var author: RateLimit?
        public var authorInChannel: RateLimit?
        public var channel: RateLimit?

        public init(author: RateLimit? = nil, authorInChannel: RateLimit? = nil, channel: RateLimit? = nil) {
            self.author = author
            self.authorInChannel = authorInChannel
            self.channel = channel
        }

        public var isEmpty: Bool { author == nil && authorInChannel == nil && channel == nil }
    }

    public var action: RuleAction
    public var dryRun: Bool

    public init(action: RuleAction = .reject, dryRun: Bool = false) {
        self.action = action
        self.dryRun = dryRun
    }

    /// Returns whether the channel's own limit counted the event.
    @discardableResult
    public func evaluate(_ context: WindowContext, limits: Limits, into reasons: inout [Reason]) -> Bool {
        guard !context.isExempt else { return false }
        // The tables are values: no reference to the state is kept (that would retain it).
        let authors = context.state.authors, pairs = context.state.pairs, channels = context.state.channels
        if let limit = limits.author, let slot = context.author,
            !check(limit, scope: "author", table: authors, slot: slot, word: AuthorWord.rate, context, &reasons)
        {
            return false
        }
        if let limit = limits.authorInChannel, let slot = context.pair(),
            !check(limit, scope: "author_channel", table: pairs, slot: slot, word: PairWord.rate, context, &reasons)
        {
            return false
        }
        if let limit = limits.channel, let slot = context.channelSlot {
            return check(
                limit, scope: "channel", table: channels, slot: slot, word: ChannelWord.rate, context, &reasons)
        }
        return false
    }

    /// Events the channel's limit let through on another owner of the channel's authors
    /// (`ChannelDeltas`): `count` of them from `first` to `last`, each an `interval` on the
    /// channel's theoretical arrival time as if counted here — at most what counting them one by
    /// one would give (the same when they came faster than the rate).
    public static func observe(
        _ count: Int, interval: Micros, from first: Micros, to last: Micros, _ state: BehaviorState,
        channel key: UInt64
    ) {
        guard count > 0, interval > 0, let channel = state.channels.slot(for: key, at: last) else { return }
        _ = state.channels.update(channel, ChannelWord.rate) { word in
            let tat = Micros(bitPattern: word)
            let (spread, overflow) = interval.multipliedReportingOverflow(by: Micros(count))
            guard !overflow else { return nil }
            return UInt64(bitPattern: max(max(tat, first) + spread, last + interval))
        }
    }

    private func check(
        _ limit: RateLimit, scope: String, table: WindowTable, slot: WindowTable.Slot, word: Int,
        _ context: WindowContext, _ reasons: inout [Reason]
    ) -> Bool {
        var retryAfter: Micros = 0
        _ = table.update(slot, word) { tat in
            switch limit.check(tat: Micros(bitPattern: tat), now: context.now) {
            case .conforms(let newTAT): return UInt64(bitPattern: newTAT)
            case .limited(let wait):
                retryAfter = wait
                return nil
            }
        }
        guard retryAfter > 0 else { return true }
        reasons.append(reason(scope: scope, limit: limit, retryAfter: retryAfter))
        return false
    }

    /// The reason for an event over `limit` (`scope`: `author`, `author_channel` or `channel`),
    /// decided here or by the shared store.
    public func reason(scope: String, limit: RateLimit, retryAfter: Micros) -> Reason {
        Reason(
            rule: Self.name, action: action, limit: "\(scope) \(limit)", retryAfter: retryAfter.seconds, dryRun: dryRun)
    }
}

extension RateLimitRule: SettingsSection {
    public static let section = "rate_limits"
    public static let about: [String] = []
    /// `author`, `author_channel` and `channel` are per channel (`channels:`), on `ChannelSettings`.
    public static var settings: [RuleSetting<Self>] { [.action(\.action), .dryRun(\.dryRun)] }
    public static var perChannel: [RuleSetting<ChannelSettings>] {
        [
            .rate("author", \.rateLimits.author, "each author, over all channels"),
            .rate("author_channel", \.rateLimits.authorInChannel, "each author in each channel"),
            .rate("channel", \.rateLimits.channel, "each channel, all authors together"),
        ]
    }
    public var summary: String { "rate limits: action \(action.rawValue)\(dryRun ? " (dry run)" : "")" }
}

extension RateLimitRule: WindowRule {
    /// Limits are set per channel: the rule is always asked, and does nothing where none is set.
    public var isActive: Bool { true }
    @inlinable
    public func evaluate(_ event: inout WindowEvent, into reasons: inout [Reason]) {
        if let shared = event.shared {
            if let limited = shared.limited {
                reasons.append(reason(scope: limited.scope, limit: limited.limit, retryAfter: limited.retryAfter))
            }
        } else {
            event.countedInChannel = evaluate(event.context, limits: event.rateLimits, into: &reasons)
        }
    }
}
