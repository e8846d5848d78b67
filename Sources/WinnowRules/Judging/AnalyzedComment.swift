import WinnowMatch
import WinnowText

/// One comment as the content rules see it: its UTF-8, its normalized views, its counts, the
/// worker's matching memory, and what earlier rules found. Built by the engine for each comment
/// from the worker's scratch (its buffers are moved in and back, never copied).
public struct AnalyzedComment {
    /// The comment's UTF-8, as received: spans in reasons are offsets into it.
    public let original: UnsafeBufferPointer<UInt8>
    public var normalized: NormalizedText
    /// Whether `normalized` holds the folded view (some rule or raw pattern reads it).
    public let hasFolded: Bool
    /// Counted when some active rule `needsStats`; else nil.
    public let stats: TextStats?
    /// The worker's PCRE2 state.
    public let match: MatchScratch
    public var matches: StopwordMatches
    /// The links the link rule counted (nil: the link rule is off).
    public var links: Int?
    /// The classifier's `spam` score (nil: not scored).
    public var spamScore: Double?

    public init(
        original: UnsafeBufferPointer<UInt8>, normalized: consuming NormalizedText, hasFolded: Bool,
        stats: TextStats?, match: MatchScratch, matches: consuming StopwordMatches
    ) {
        self.original = original
        self.normalized = normalized
        self.hasFolded = hasFolded
        self.stats = stats
        self.match = match
        self.matches = matches
    }

    /// The folded view, when it was built.
    public var folded: TextView? { hasFolded ? normalized.folded : nil }
}
