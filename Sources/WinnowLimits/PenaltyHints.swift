/// Which authors may be under a timeout or ban, as a bitmap of 2¹⁷ bits indexed by the author
/// key — 16 KiB, small enough to stay in a core's cache while comments stream through it (at
/// 128 KiB it missed on most events): a clear bit means "never penalized here", so the
/// workers' early penalty check (`Engine.analyze`) skips the author table — a cache miss into
/// tens of megabytes — for almost every author. A set bit only says "look in the table": bits
/// are never cleared (an expired penalty or two authors sharing a bit cost one lookup), and a
/// reader that misses a bit set a moment ago merely analyzes a comment it could have skipped,
/// since the window step decides on the table itself. With a few thousand authors penalized
/// a few percent of the others share a bit; with a hundred thousand nearly all do, and the
/// check is then the table lookup it would be without hints.
///
/// A view of bits it does not own (`BehaviorState` keeps their `MappedMemory`): the workers
/// check it on every event, and a class would cost them a retain and release of one shared
/// reference count each time — an atomic write both cores fight over.
public struct PenaltyHints: @unchecked Sendable {
    static let bits = 1 << 17
    private let words: AtomicWords

    /// The hints over `memory` (`MappedMemory(words: PenaltyHints.bits / 64)`), valid while it lives.
    init(in memory: borrowing MappedMemory) {
        words = AtomicWords(in: memory)
        precondition(words.count == Self.bits / 64)
    }

    /// Marks `author` (a `BehaviorState.authorKey`) as penalized.
    @inline(__always)
    public func mark(_ author: UInt64) {
        let (word, bit) = Self.position(author)
        _ = words.update(word) { $0 & bit != 0 ? nil : $0 | bit }
    }

    /// False when `author` was never marked.
    @inline(__always)
    public func mayHold(_ author: UInt64) -> Bool {
        let (word, bit) = Self.position(author)
        return words.load(word) & bit != 0
    }

    /// The bucket bits of the author table come from the key's low half: take the high half here.
    @inline(__always)
    private static func position(_ author: UInt64) -> (word: Int, bit: UInt64) {
        let index = Int(truncatingIfNeeded: author >> 47)  // 17 bits
        return (index >> 6, 1 << UInt64(index & 63))
    }
}
