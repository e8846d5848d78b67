import WinnowCore
import WinnowLimits
import WinnowText

/// One event as the window rules see it when its turn comes: its slots in the window tables
/// (`context`), its channel's settings, what the content step found, and what the shared store
/// answered when windows are shared.
public struct WindowEvent {
    public let context: WindowContext
    /// The channel's rate limits.
    public let rateLimits: RateLimitRule.Limits
    /// The channel's slow-mode interval and a raid's, after a moderator's override (0: off).
    public let slowMode: Micros
    public let raidSlowMode: Micros
    /// For repeat and flood.
    public let fingerprint: Fingerprint
    public let links: Int
    /// The site every link goes to (`AnalyzedComment.linkSite`; 0: none, or several).
    public let linkSite: UInt32
    /// See `WindowFacts.hasSpamSignal` and `looksLikeSpam`.
    public let hasSpamSignal: Bool
    public let looksLikeSpam: Bool
    /// The shared store's answer (nil: this instance's windows alone). Rate limits read it
    /// whenever it is there.
    public let shared: SharedCheck?
    /// The store also keeps slow-mode, repeat and flood (`--shared-windows all`).
    public let sharesWindows: Bool
    /// Left by `repeat` for `flood`: the comment repeats the author's own, so it is no copy in
    /// someone else's campaign.
    public var isOwnRepeat = false
    /// Left by `known_spam`: how many times moderators approved copies of this comment (more
    /// often than they removed them), so that its `hold` reasons go unacted. 0: none.
    public var approvedCopies = 0
    /// Left by `flood`: the comment went into the campaign index as a copy (what other
    /// instances that share campaigns are told: `FloodRule.observe`).
    public var countedCopy = false
    /// Left by `rate_limit`: the channel's own limit counted the comment (what the channel's
    /// other owners are told: `ChannelDeltas`).
    public var countedInChannel = false
    /// Left by `raid`: the comment's author is a newcomer the raid rule counted, and the
    /// instant the raid's slow-mode now lasts until when this comment switched it on (0: not).
    public var countedNewcomer = false
    public var raidSlowModeUntil: Micros = 0

    public init(
        context: WindowContext, rateLimits: RateLimitRule.Limits, slowMode: Micros, raidSlowMode: Micros,
        fingerprint: Fingerprint, links: Int, linkSite: UInt32 = 0, hasSpamSignal: Bool, looksLikeSpam: Bool,
        shared: SharedCheck?, sharesWindows: Bool
    ) {
        self.linkSite = linkSite
        self.context = context
        self.rateLimits = rateLimits
        self.slowMode = slowMode
        self.raidSlowMode = raidSlowMode
        self.fingerprint = fingerprint
        self.links = links
        self.hasSpamSignal = hasSpamSignal
        self.looksLikeSpam = looksLikeSpam
        self.shared = shared
        self.sharesWindows = sharesWindows
    }

    /// The store's answer for slow-mode, repeat and flood, when it keeps them.
    public var sharedWindows: SharedCheck? { sharesWindows ? shared : nil }
}
