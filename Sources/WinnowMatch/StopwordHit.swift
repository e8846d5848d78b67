/// One match of a wordlist entry in a comment.
public struct StopwordHit: Sendable, Equatable {
    /// Index into `StopwordSet.lists`.
    public var list: Int
    /// Index into that list's `entries`.
    public var entry: Int
    /// Where the match lies in the original text, in UTF-8 bytes.
    public var original: Range<Int>

    public init(list: Int, entry: Int, original: Range<Int>) {
        self.list = list
        self.entry = entry
        self.original = original
    }
}

/// A pattern that gave up on a comment (match limit, JIT stack): reported, never a hang.
public struct MatchFailure: Sendable, Equatable {
    /// The list whose raw pattern failed, or `nil` for a combined word-list pattern.
    public var list: Int?
    public var entry: Int?
    public var message: String
}

/// Everything the stop-word matchers found in one comment.
public struct StopwordMatches: Sendable {
    public var hits: [StopwordHit] = []
    public var failures: [MatchFailure] = []

    public init() {}

    public mutating func removeAll() {
        hits.removeAll(keepingCapacity: true)
        failures.removeAll(keepingCapacity: true)
    }
}
