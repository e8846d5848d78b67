import WinnowCore

/// The known-spam bank in memory: texts moderators decided, by their word-set sketch, with how
/// many times copies of each were removed and approved. Looked up without locks the way the
/// flood rule's `CampaignIndex` is: four overlapping bands of three sketch values, each a
/// direct-mapped table of entries `[values: 48 | removals: 8 | approvals: 8]`; a comment
/// matches the entry of any band that has enough of its eight values equal. Bounded (4 × 16,384
/// entries, 512 KiB); an entry pushed out by a collision is still in the audit trail
/// (`known_copies`) and comes back at the next start. Written by the thread that carries
/// decisions over (`DecisionFollower`), read by every worker.
public struct KnownCopies: Sendable {
    static let bandBits = 14
    /// Four bands of entries, and one word counting the entries stored.
    static let words = 4 << bandBits + 1
    private static let countWord = 4 << bandBits
    private let words: AtomicWords

    /// One entry: a sketch's values and what moderators decided about its copies.
    public struct Entry: Sendable, Equatable {
        public var values: UInt64
        public var removals: Int
        public var approvals: Int

        public init(values: UInt64, removals: Int, approvals: Int) {
            self.values = values & 0xFFFF_FFFF_FFFF
            self.removals = removals
            self.approvals = approvals
        }

        init(packed: UInt64) {
            values = packed >> 16
            removals = Int(packed >> 8 & 0xFF)
            approvals = Int(packed & 0xFF)
        }

        var packed: UInt64 { values << 16 | UInt64(min(removals, 255)) << 8 | UInt64(min(approvals, 255)) }
    }

    /// The index over `memory` (`MappedMemory(words: KnownCopies.words)`), valid while it lives.
    init(in memory: borrowing MappedMemory) {
        words = AtomicWords(in: memory)
        precondition(words.count == Self.words)
    }

    /// Whether no decision was ever stored: the rule then has nothing to look up.
    @inline(__always)
    public var isEmpty: Bool { words.load(Self.countWord) == 0 }

    /// The entry `values` matches with at least `minMatches` of eight values equal: of several,
    /// the one with the most decisions.
    public func entry(matching values: UInt64, minMatches: Int) -> Entry? {
        var best: Entry?
        for band in 0..<4 {
            let word = words.load(Self.index(band, values))
            guard word != 0 else { continue }
            let entry = Entry(packed: word)
            guard WordSetSketch.matchingValues(entry.values, values) >= minMatches else { continue }
            if best == nil || entry.removals + entry.approvals > best!.removals + best!.approvals { best = entry }
        }
        return best
    }

    /// Stores (or replaces) the entry of its sketch in each of its bands.
    public func store(_ entry: Entry) {
        guard entry.values != 0 else { return }
        for band in 0..<4 { words.store(Self.index(band, entry.values), entry.packed) }
        _ = words.increment(Self.countWord)
    }

    /// Band `b` is values `2b`, `2b+1` and `2b+2` (wrapping): 18 bits, folded to `bandBits`.
    @inline(__always)
    static func index(_ band: Int, _ values: UInt64) -> Int {
        let doubled = values | values << 48
        let bits = doubled >> (12 * UInt64(band)) & 0x3FFFF
        let mask = UInt64(1 << bandBits - 1)
        return band << bandBits | Int((bits ^ bits >> bandBits) & mask)
    }
}
