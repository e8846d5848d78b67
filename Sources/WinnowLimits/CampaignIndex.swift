import WinnowCore

/// Finds the campaign a comment belongs to from its word-set sketch (`Fingerprint.wordSet`,
/// eight 6-bit MinHash values), without locks: for each of four overlapping bands of three
/// values (18 bits, folded to 16), a direct-mapped word holding the representative (the sketch
/// of the campaign's first copy) of the latest comment with that band.
///
/// A copy with the same words always shares every band; one whose word set is 80% the same
/// shares at least one band nine times in ten. Unrelated comments overwrite each other's
/// entries, so an entry lives about 65,536 comments; a campaign keeps its entries alive as
/// long as copies keep coming. Four loads per lookup from 2 MiB, which stays in cache: this
/// keeps the flood rule cheap.
///
/// A view of memory it does not own (`BehaviorState` keeps its `MappedMemory`), like
/// `WindowTable`: using it retains nothing.
public struct CampaignIndex: Sendable {
    /// Words of memory the index needs.
    static let words = 4 << 16
    private let words: AtomicWords

    /// The index over `memory` (`MappedMemory(words: CampaignIndex.words)`), valid while it lives.
    init(in memory: borrowing MappedMemory) {
        words = AtomicWords(in: memory)
        precondition(words.count == Self.words)
    }

    /// The representative of the campaign `sketch` belongs to, if one has at least
    /// `minMatches` of eight values equal.
    @inline(__always)
    public func representative(of sketch: UInt64, minMatches: Int) -> UInt64? {
        for band in 0..<4 {
            let candidate = words.load(Self.index(band, sketch))
            if candidate != 0 && WordSetSketch.matchingValues(candidate, sketch) >= minMatches { return candidate }
        }
        return nil
    }

    /// The representative registered for a sketch whose values 4 to 7 are `tag` (`sketch >> 24
    /// & 0xFFFFFF`), if its entry still holds one with that tag: band 2 is values 4 to 6, so
    /// the tag alone finds it. (How a campaign's first author, marked before the campaign had a
    /// slot, is found again.)
    @inline(__always)
    public func registered(tag: UInt64) -> UInt64? {
        let candidate = words.load(Self.index(2, (tag & 0xFF_FFFF) << 24))
        return candidate != 0 && candidate >> 24 & 0xFF_FFFF == tag & 0xFF_FFFF ? candidate : nil
    }

    /// Starts loading the entries `representative(of:minMatches:)` will read for `sketch`.
    @inline(__always)
    public func prefetch(_ sketch: UInt64) {
        for band in 0..<4 { words.prefetch(Self.index(band, sketch)) }
    }

    /// Points `sketch`'s bands at `representative`.
    @inline(__always)
    public func register(_ sketch: UInt64, representative: UInt64) {
        for band in 0..<4 { words.store(Self.index(band, sketch), representative) }
    }

    /// Band `b` is values `2b`, `2b+1` and `2b+2` (wrapping): 18 bits, folded to 16. (Also the
    /// fields of the shared store's campaign index.)
    @inline(__always)
    public static func index(_ band: Int, _ sketch: UInt64) -> Int {
        let doubled = sketch | sketch << 48  // values 0 and 1 again above value 7
        let bits = doubled >> (12 * UInt64(band)) & 0x3FFFF
        return band << 16 | Int((bits ^ bits >> 16) & 0xFFFF)
    }
}
