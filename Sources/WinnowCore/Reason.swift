/// One piece of evidence behind a verdict: which rule fired, on what, and where.
///
/// Rules fill in what applies to them; absent fields are left out of the JSON output.
public struct Reason: Sendable, Equatable {
    /// The rule's stable name, e.g. `stopword`.
    public var rule: String
    /// What the rule asked for (after the policy's overrides); `nil` for purely informational reasons.
    public var action: RuleAction?
    /// The wordlist that matched, by name (`en/profanity`).
    public var list: String?
    public var category: String?
    public var severity: Int?
    /// The wordlist entry that fired, as written in the list.
    public var term: String?
    /// The exact substring of the original text that matched.
    public var match: String?
    /// Where `match` sits in the original text.
    public var span: TextSpan?
    /// The same place in UTF-8 bytes (not part of the JSON output; used to mask the text).
    public var utf8Range: Range<Int>?
    /// For a reason that stands for many matches (`count` of them, past the ones listed): their
    /// UTF-8 ranges, masked like `utf8Range` (not part of the JSON output).
    public var moreRanges: [Range<Int>]?
    /// The help text of an `annotate` list.
    public var note: String?
    /// A human-readable explanation for reasons that are not matches (e.g. a match limit hit).
    public var message: String?
    /// For window rules: which limit or window fired, e.g. `author 5/10s`.
    public var limit: String?
    /// For window rules: how many events the window held, this one included (copies, strikes…).
    public var count: Int?
    /// For window rules: seconds until the author may post again.
    public var retryAfter: Double?
    /// The rule is in dry-run: reported, but the policy does not act on it.
    public var dryRun: Bool
    /// For a learned score: the probability of the label (`category`).
    public var score: Double?
    /// For a learned score: the features that pushed it most.
    public var features: [ReasonFeature]?

    public init(
        rule: String, action: RuleAction? = nil, list: String? = nil, category: String? = nil,
        severity: Int? = nil, term: String? = nil, match: String? = nil, span: TextSpan? = nil,
        utf8Range: Range<Int>? = nil, note: String? = nil, message: String? = nil,
        limit: String? = nil, count: Int? = nil, retryAfter: Double? = nil, dryRun: Bool = false
    ) {
        self.rule = rule
        self.action = action
        self.list = list
        self.category = category
        self.severity = severity
        self.term = term
        self.match = match
        self.span = span
        self.utf8Range = utf8Range
        self.note = note
        self.message = message
        self.limit = limit
        self.count = count
        self.retryAfter = retryAfter
        self.dryRun = dryRun
    }
}
