import WinnowCore

/// The words a channel has been using lately: for each (channel, word) pair, how many
/// different comments of the channel's established authors, allowed by every rule, used the
/// word in the last completed period (ten minutes of event time, aligned to the clock). A flood campaign is many authors
/// posting the same *unusual* text; a word the channel's regulars keep writing ("годом" on New
/// Year's Eve, a streamer's catchphrase, the song's title under its video) is everyday there,
/// whatever the static list of common words (`CommonWords`) says (`FloodRule`). Only
/// established authors count — the rule `CommonSites` follows — so a campaign of fresh accounts
/// never makes its own words everyday; a text counts once a period however often it is posted,
/// its variants too (told by their sketches: case, emoji, digits and mentions do not make a
/// text another, nor does one word changed in four, most of the time), so neither do a
/// campaign of old accounts and a template posted again and again.
///
/// Only completed periods are read: what the current period records shows from the next one
/// on. A comment's own words never count for it, and a batch judged through the shared store
/// (`--shared-windows all`, where the answer is asked ahead) reads what the engine judging
/// event by event reads, unless the batch crosses a period's end.
///
/// Words are the 11-bit values of `SmallWordSet` (what a comment's fingerprint keeps of each of
/// its words): within one channel two words share a value once in 2,047, so a rare word passes
/// for an everyday one about as often as the channel has everyday words in 2,047.
///
/// 16,384 words (128 KiB) of counts, two ways per pair (the two words of an aligned pair, in
/// one cache line): `[tag: 24 | text: 8 | last period's count: 8 | this period's: 8 | period:
/// 16]`; a pair whose two ways hold other words takes the one with the lower count, so the
/// everyday words stay and the rare ones come and go. Then 4,096 words (32 KiB) of the texts
/// counted this period, four bands of each text's sketch, direct-mapped: `[tag: 48 | period:
/// 16]` (a text pushed out may count again). Small on purpose: at 640 KiB the table's cache
/// misses cost 6% of the CPU time of the whole default policy (`Benchmarks/e2e/ab.py`, median
/// of 9 paired rounds); at 160 KiB nothing measurable. Periods are kept modulo 65,536. A view of memory it does not own (`BehaviorState` keeps its
/// `MappedMemory`), like `CommonSites`.
public struct ChannelBackground: @unchecked Sendable {
    static let bits = 14
    static let countWords = 1 << bits
    static let textWords = 1 << 12
    static let words = countWords + textWords
    private let words: AtomicWords

    /// The length of a period.
    public static let period: Micros = 600 * Micros.perSecond
    /// Counts saturate here (`FloodRule.everydayTexts` stays below).
    public static let maxCount = 255

    /// The table over `memory` (`MappedMemory(words: ChannelBackground.words)`), valid while it
    /// lives.
    init(in memory: borrowing MappedMemory) {
        words = AtomicWords(in: memory)
        precondition(words.count == Self.words)
    }

    /// Counts a comment of `channel` (a channel key) at `now` whose words are `words` and whose
    /// word-set sketch is `sketch` (`Fingerprint.wordSet`), unless a text like it was counted
    /// this period: one that has two sketch values in a row of the same four pairs equal (a
    /// variant of one word in four — "Check out this video on YouTube: my page" — most often
    /// has; two different texts once in a few hundred).
    public func record(channel: UInt64, words: SmallWordSet, sketch: UInt64, at now: Micros) {
        let period = Self.periodNumber(now)
        var seen = false
        for band in 0..<4 {
            let key = StableHash.combine(channel ^ UInt64(band) << 56, sketch >> (12 * band) & 0xFFF)
            let slot = Self.countWords + Int(truncatingIfNeeded: key) & (Self.textWords - 1)
            let entry = max(1, key >> 16) << 16 | period
            if self.words.update(slot, { $0 == entry ? nil : entry }).old == entry { seen = true }
        }
        guard !seen else { return }
        for k in 0..<words.count { record(channel: channel, word: words.value(k), text: sketch, at: now) }
    }

    /// Counts one comment's use of `word` (a `SmallWordSet` value) in `channel` (a channel key)
    /// at `now`; `text` tells comments apart (the same text in a row counts once).
    public func record(channel: UInt64, word: UInt64, text: UInt64, at now: Micros) {
        let (base, tag) = Self.position(channel: channel, word: word)
        let period = Self.periodNumber(now)
        let first = words.load(base), second = words.load(base + 1)
        let way: Int
        if first >> 40 == tag {
            way = base
        } else if second >> 40 == tag {
            way = base + 1
        } else {
            way = Self.weight(first, in: period) <= Self.weight(second, in: period) ? base : base + 1
        }
        let text = text & 0xFF
        _ = words.update(way) { entry in
            let (last, current) = entry >> 40 == tag ? Self.counts(entry, in: period) : (0, 0)
            let repeated = entry >> 40 == tag && entry >> 32 & 0xFF == text && (period &- entry) & 0xFFFF == 0
            let count = repeated ? current : min(current + 1, UInt64(Self.maxCount))
            return tag << 40 | text << 32 | last << 24 | count << 16 | period
        }
    }

    /// How many different comments of the channel's established authors used `word` in the
    /// last completed period.
    public func texts(channel: UInt64, word: UInt64, at now: Micros) -> Int {
        let (base, tag) = Self.position(channel: channel, word: word)
        let period = Self.periodNumber(now)
        for way in base...base + 1 {
            let entry = words.load(way)
            if entry >> 40 == tag { return Int(Self.counts(entry, in: period).last) }
        }
        return 0
    }

    /// An entry's counts as seen in `period`: the last completed period's, and this one's.
    @inline(__always)
    private static func counts(_ entry: UInt64, in period: UInt64) -> (last: UInt64, current: UInt64) {
        guard entry != 0 else { return (0, 0) }
        switch (period &- entry) & 0xFFFF {
        case 0: return (entry >> 24 & 0xFF, entry >> 16 & 0xFF)
        case 1: return (entry >> 16 & 0xFF, 0)
        default: return (0, 0)
        }
    }

    /// What an entry is worth keeping, for the choice of a way to replace.
    @inline(__always)
    private static func weight(_ entry: UInt64, in period: UInt64) -> UInt64 {
        let (last, current) = counts(entry, in: period)
        return last + current
    }

    @inline(__always)
    private static func periodNumber(_ now: Micros) -> UInt64 {
        UInt64(truncatingIfNeeded: max(0, now) / period) & 0xFFFF
    }

    @inline(__always)
    private static func position(channel: UInt64, word: UInt64) -> (base: Int, tag: UInt64) {
        let key = StableHash.combine(channel, word)
        return (Int(truncatingIfNeeded: key) & (Self.countWords - 2), max(1, key >> 40))
    }
}
