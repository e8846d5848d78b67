import WinnowCore
import WinnowRules
import WinnowText

/// What the window rules need of one event: its keys in the window tables, the settings of
/// its channel, and whether its author is exempt.
///
/// Kept small (64 bytes, one cache line): the window step reads the facts of every event,
/// written by a worker on another core.
public struct WindowFacts: Sendable {
    public var author: UInt64 = 0
    public var channel: UInt64 = 0
    /// For repeat and flood (0 bits when neither is on).
    public var fingerprint = Fingerprint(words: 0, wordSet: 0)
    private var linkCount: UInt16 = 0
    /// Index into the engine's channel settings (0: the defaults).
    private var settingsIndex: UInt16 = 0
    /// The site every link goes to (`AnalyzedComment.linkSite`; 0: none, or several).
    public var linkSite: UInt32 = 0
    private var slotHint: Int32 = -1
    public var isExempt = false
    /// `analyze` skipped the content: the author had a penalty in force.
    public var skippedContent = false
    /// The comment holds a link, a mention, an email address or a phone number (what a
    /// campaign's text usually carries: `ContactScanner`): a flood of it is recognised from fewer
    /// authors (`FloodRule.authorsNeeded`).
    public var hasSpamSignal = false
    /// Besides its links, something in the comment looks like spam: a shortener, a disguised
    /// link, too many links or mentions, a phrase of a `spam` list, or a spam score of at least
    /// `ClassifierRule.spamSign`. A newcomer's link is held only then.
    public var looksLikeSpam = false

    public var links: Int {
        get { Int(linkCount) }
        set { linkCount = UInt16(clamping: newValue) }
    }

    var settings: Int {
        get { Int(settingsIndex) }
        set { settingsIndex = UInt16(newValue) }
    }

    /// The fingerprint as the audit trail keeps it (`WordSetSketch.pack`).
    public var sketch: UInt64 {
        WordSetSketch.pack(fingerprint.wordSet, words: fingerprint.words, isGeneric: fingerprint.isGeneric)
    }

    /// The author's slot when analyzed, if any: where the window step will look (prefetch).
    public var authorSlotHint: Int? {
        get { slotHint < 0 ? nil : Int(slotHint) }
        set { slotHint = newValue.flatMap(Int32.init(exactly:)) ?? -1 }
    }
}
