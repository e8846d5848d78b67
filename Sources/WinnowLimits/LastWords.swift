import WinnowCore

/// Each author's last comment as its words (`SmallWordSet`: up to 15, the smallest of more), for the repeat rule: an
/// author's slot keeps the last three comments in one word each (a sketch, or the words of a
/// comment of four at most), too little to tell one word changed in a comment of six from
/// another comment; this table keeps the words of the last one.
///
/// Direct-mapped by author key: 65,536 entries of four words (2 MiB). An author whose entry
/// another author took has no last words (its comments are then compared by their sketches, as
/// without the table); the tag tells. Entry: word 0 `[tag: 20 | sequence: 4 | second: 28 |
/// words in all: 7 | values: 4 | busy: 1]`, words 1–3 the set's parts. Seconds are kept
/// modulo 2^28 (8.5 years), so that a comment from long ago never reads as a recent one. Written and read
/// without locks as a sequence lock: a writer marks the entry busy, writes the parts, and
/// writes word 0 with the next sequence; a reader that sees it busy or changed while reading
/// finds nothing (a missed comparison, never a wrong one). A view of memory it does not own
/// (`BehaviorState` keeps its `MappedMemory`).
public struct LastWords: @unchecked Sendable {
    static let entryBits = 16
    static let words = 4 << entryBits
    private let words: AtomicWords

    /// The table over `memory` (`MappedMemory(words: LastWords.words)`), valid while it lives.
    init(in memory: borrowing MappedMemory) {
        words = AtomicWords(in: memory)
        precondition(words.count == Self.words)
    }

    /// An author's last comment: its words, its words in all (common ones included, at most
    /// 127) and the second it was posted (modulo 2^28).
    public struct Entry: Equatable, Sendable {
        public var set: SmallWordSet
        public var allWords: Int
        public var second: UInt64
    }

    /// Records `author`'s comment (an empty set: one of more than 15 words, not kept).
    public func store(author: UInt64, _ set: SmallWordSet, allWords: Int, second: UInt64) {
        let base = Self.base(author)
        let current = words.load(base)
        guard current & 1 == 0, words.compareExchange(base, expected: current, desired: current | 1).exchanged else {
            return  // another writer has it: this comment is not kept
        }
        words.store(base + 1, set.parts.0)
        words.store(base + 2, set.parts.1)
        words.store(base + 3, set.parts.2)
        let sequence = (current >> 40 &+ 1) & 0xF
        let meta =
            Self.tag(author) << 44 | sequence << 40 | (second & Self.secondMask) << 12 | UInt64(min(allWords, 127)) << 5
            | UInt64(min(set.count, 15)) << 1
        words.store(base, meta)
    }

    /// `author`'s last comment, if this table has it.
    public func load(author: UInt64) -> Entry? {
        let base = Self.base(author)
        let before = words.load(base)
        guard before != 0, before & 1 == 0, before >> 44 == Self.tag(author) else { return nil }
        let parts = (words.load(base + 1), words.load(base + 2), words.load(base + 3))
        guard words.load(base) == before else { return nil }
        return Entry(
            set: SmallWordSet(parts: parts), allWords: Int(before >> 5 & 0x7F), second: before >> 12 & Self.secondMask)
    }

    /// Starts loading `author`'s entry (four words at a multiple of four: within one cache line).
    @inline(__always)
    public func prefetch(author: UInt64) { words.prefetch(Self.base(author)) }

    /// The entry's first word: the author table's bucket bits come from the key's low half.
    @inline(__always)
    private static func base(_ author: UInt64) -> Int { Int(truncatingIfNeeded: author >> 48) << 2 }

    @inline(__always)
    private static func tag(_ author: UInt64) -> UInt64 { author >> 28 & 0xF_FFFF }

    /// Seconds are kept modulo 2^28.
    public static let secondMask: UInt64 = 1 << 28 - 1
}
