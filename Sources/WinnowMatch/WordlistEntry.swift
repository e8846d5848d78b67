/// One line of a wordlist that says what to match.
public struct WordlistEntry: Sendable, Equatable {
    /// How an entry's text is matched against a comment.
    public enum Kind: Sendable, Equatable {
        /// `word`: the whole word or phrase.
        case word
        /// `word*`: a word that starts with it.
        case prefix
        /// `*word`: a word that ends with it.
        case suffix
        /// `*word*`: anywhere, inside other words too.
        case infix
        /// `/regex/`: a raw PCRE2 pattern on the folded text.
        case pattern
    }

    /// The entry as written in the list, without an inline comment or the `!` of allow entries.
    public var term: String
    /// The text to match: `term` without wildcards or slashes.
    public var body: String
    public var kind: Kind
    /// An allow-list entry (`!word`): hits inside its matches are discarded.
    public var isAllow: Bool
    /// 1-based line number in the list file.
    public var line: Int

    public init(term: String, body: String, kind: Kind, isAllow: Bool, line: Int) {
        self.term = term
        self.body = body
        self.kind = kind
        self.isAllow = isAllow
        self.line = line
    }
}
