import WinnowLimits
import WinnowRules
import WinnowText

/// What the shared store is asked about one event: its keys, the limits of its channel, and
/// its time.
public struct SharedRequest: Sendable {
    public var author: UInt64
    public var pair: UInt64
    public var channel: UInt64
    public var limits: RateLimitRule.Limits
    public var isExempt: Bool
    public var now: Micros
    /// The channel's slow-mode interval (0: off; a raid's is decided on the instance).
    public var slowMode: Micros
    /// The comment's word-set sketch, for repeat and flood.
    public var fingerprint: Fingerprint
    /// The rules in force (nil: off).
    public var repeatRule: RepeatRule?
    public var flood: FloodRule?
    /// The comment holds a link, a mention or a contact (`WindowFacts.hasSpamSignal`).
    public var spamSignal = false
    /// Its words not everyday in its channel (`FloodRule.unusualWords`), from this instance's
    /// background when the request was made (nil: its uncommon words).
    public var unusualWords: Int?

    public init(
        author: UInt64, pair: UInt64, channel: UInt64, limits: RateLimitRule.Limits, isExempt: Bool, now: Micros,
        slowMode: Micros = 0, fingerprint: Fingerprint = Fingerprint(words: 0, wordSet: 0),
        repeatRule: RepeatRule? = nil,
        flood: FloodRule? = nil
    ) {
        self.author = author
        self.pair = pair
        self.channel = channel
        self.limits = limits
        self.isExempt = isExempt
        self.now = now
        self.slowMode = slowMode
        self.fingerprint = fingerprint
        self.repeatRule = repeatRule
        self.flood = flood
    }

    /// Whether a local allowance may answer it: the store is needed for nothing but the
    /// author's own limits and penalty (not slow-mode, repeat or flood, nor a channel limit
    /// other authors share), and the author is not exempt.
    var mayUseAllowance: Bool {
        !isExempt && limits.channel == nil && slowMode == 0 && repeatRule == nil && flood == nil
    }
}
