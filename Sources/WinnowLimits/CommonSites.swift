/// The sites a community links to: for each site (a link's registrable domain, as
/// `LinkScanner.site` hashes it), how many established authors linked to it lately. A
/// newcomer's link to such a site — the platform's own pages, the encyclopedia the community
/// cites, the wrapper every tweet's link goes through — says nothing about the newcomer
/// (`LinkRule.evaluateNewcomer`). Only authors past the newcomer window count, so a campaign
/// of fresh accounts never makes its own site common.
///
/// A direct-mapped table of 4,096 words (32 KiB), one site per word:
/// `[tag: 20 | last author: 20 | authors: 8 | hour: 16]`. The count goes up when an author
/// other than the last one links to the site; it starts over when the site was not linked for
/// a whole window. Two sites sharing a word push each other out (the newcomer is then flagged,
/// as without the table). Hours are kept modulo 65,536 (7.5 years). A view of memory it does
/// not own (`BehaviorState` keeps its `MappedMemory`), like `PenaltyHints`.
public struct CommonSites: @unchecked Sendable {
    static let bits = 12
    static let words = 1 << bits
    private let words: AtomicWords

    /// The table over `memory` (`MappedMemory(words: CommonSites.words)`), valid while it lives.
    init(in memory: borrowing MappedMemory) {
        words = AtomicWords(in: memory)
        precondition(words.count == Self.words)
    }

    /// Counts a link to `site` (a 32-bit site hash, not 0) by the established `author` (an
    /// author key) at `hour` (hours since the epoch).
    public func record(site: UInt32, author: UInt64, hour: Int64, windowHours: Int64) {
        let (index, tag) = Self.position(site)
        let who = author >> 44  // 20 bits
        let now = UInt64(truncatingIfNeeded: hour) & 0xFFFF
        _ = words.update(index) { word in
            let fresh = word >> 44 == tag && (now &- word) & 0xFFFF < UInt64(windowHours)
            guard fresh else { return tag << 44 | who << 24 | 1 << 16 | now }
            let count = word >> 16 & 0xFF
            let same = word >> 24 & 0xF_FFFF == who
            return tag << 44 | who << 24 | min(255, count + (same ? 0 : 1)) << 16 | now
        }
    }

    /// How many established authors linked to `site` within the window before `hour`
    /// (consecutive links by one author count once).
    public func authors(site: UInt32, hour: Int64, windowHours: Int64) -> Int {
        let (index, tag) = Self.position(site)
        let word = words.load(index)
        let now = UInt64(truncatingIfNeeded: hour) & 0xFFFF
        guard word != 0, word >> 44 == tag, (now &- word) & 0xFFFF < UInt64(windowHours) else { return 0 }
        return Int(word >> 16 & 0xFF)
    }

    @inline(__always)
    private static func position(_ site: UInt32) -> (index: Int, tag: UInt64) {
        (Int(site) & (Self.words - 1), UInt64(site >> UInt32(Self.bits)) & 0xF_FFFF)
    }
}
