import WinnowMatch
import WinnowText

/// One comment as the content rules see it: its UTF-8, its normalized views, its counts, the
/// worker's matching memory, and what earlier rules found. Each worker keeps one
/// (`WorkerScratch.comment`) and the engine `start`s it on every comment: its buffers are reused,
/// so normalizing and matching do not allocate once warm.
public struct AnalyzedComment {
    /// The comment's UTF-8, as received: spans in reasons are offsets into it. Valid while the
    /// engine analyzes the comment, not after.
    public private(set) var original: UnsafeBufferPointer<UInt8>
    public var normalized = NormalizedText()
    /// Whether `normalized` holds the folded view (some rule or raw pattern reads it).
    public private(set) var hasFolded = false
    /// Counted when some active rule `needsStats`; else nil.
    public private(set) var stats: TextStats?
    /// The worker's PCRE2 state.
    public let match = MatchScratch()
    public var matches = StopwordMatches()
    /// The channel the comment is posted in (links that name it point back at it).
    public private(set) var conversation = ""
    /// The links the link rule counted that lead away from the conversation (nil: the link rule
    /// is off).
    public var links: Int?
    /// The site every link of the comment goes to (`LinkScanner.siteHash`); 0 when there is no
    /// link or they go to different sites.
    public var linkSite: UInt32 = 0
    /// The classifier's `spam` score (nil: not scored).
    public var spamScore: Double?

    public init() { original = UnsafeBufferPointer(start: nil, count: 0) }

    /// Begins a new comment: what earlier rules found is cleared, the buffers are kept.
    public mutating func start(
        _ original: UnsafeBufferPointer<UInt8>, conversation: String = "", hasFolded: Bool, stats: TextStats?
    ) {
        self.original = original
        self.conversation = conversation
        self.hasFolded = hasFolded
        self.stats = stats
        links = nil
        linkSite = 0
        spamScore = nil
    }

    /// The folded view, when it was built.
    public var folded: TextView? { hasFolded ? normalized.folded : nil }
}
