import WinnowCore
import WinnowLimits

/// The open cases of the review queue by sketch, in the writer's memory: a held comment finds
/// the case of its near-copies here instead of scanning the table. Looked up by four
/// overlapping bands of three sketch values, as the flood rule's campaign index does, and
/// confirmed on the case's own sketch — and then on the words themselves: eight 6-bit values
/// are enough to tell copies apart within the flood rule's minute, not among tens of thousands
/// of open cases (100,000 held comments with distinct words, sharing only `bit.ly`, joined 21 %
/// of them to unrelated cases on the sketch alone). Bounded: beyond `capacity` open cases the
/// oldest are forgotten here (they stay open; later copies open a case of their own).
struct CaseIndex {
    private var sketches: [Int: UInt64] = [:]
    /// The case's first comment as a set of words (nil when the trail keeps only hashes).
    private var words: [Int: [UInt64]] = [:]
    /// The case's authors by `StableHash` (nil author: 0), so that a join counts a new author
    /// without reading the case's comments back from the trail (random reads of old `events`
    /// pages: +147,000 `pread` calls on a 1M-event run).
    private var authors: [Int: Set<UInt64>] = [:]
    private var bands: [Int: [Int]] = [:]
    /// Case ids in the order they were added, for forgetting the oldest.
    private var order: [Int] = []
    private var start = 0
    let capacity: Int

    init(capacity: Int = 100_000) { self.capacity = capacity }

    var count: Int { sketches.count }

    /// Equal values of eight that make a comment a copy of a case's: all of them for short and
    /// generic comments (too few words to tell "nearly the same" from "shares a word"), as the
    /// repeat rule asks.
    static func needed(words: Int, isGeneric: Bool) -> Int {
        if isGeneric || words < 5 { return 8 }
        return words < 8 ? 6 : 5
    }

    /// Share of words two comments must have in common to be copies (Jaccard similarity of
    /// their lower-cased words): one changed word in ten passes, a shared link domain does not.
    static let minimumSimilarity = 0.6

    /// A comment's words, for the similarity check, each as a 64-bit hash of its bytes (ASCII
    /// letters lower-cased): runs of letters and digits, where anything of ASCII that is neither,
    /// and the emoji, symbols, spaces and punctuation beyond it, separate words. Read scalar by
    /// scalar with range checks: splitting `Character`s with `isLetter` cost 280,000
    /// instructions per held comment of the throughput workload (queue on: +7.6 % for the
    /// whole `filter`). Sorted and without repeats: a `Set` cost three times as much to build
    /// and to compare.
    static func wordSet(_ text: String?) -> [UInt64]? {
        guard let text else { return nil }
        var words: [UInt64] = []
        var hash: UInt64 = 0
        var inWord = false
        func end() {
            if inWord { words.append(hash) }
            inWord = false
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            var byte: UInt64
            switch v {
            case 0x30...0x39, 0x61...0x7A: byte = UInt64(v)
            case 0x41...0x5A: byte = UInt64(v | 0x20)
            case 0..<0x80, 0xA0...0xBF, 0x2000...0x2BFF, 0x3000...0x303F, 0xFE00...0xFE0F, 0xFEFF, 0x1F000...0x1FAFF:
                end()
                continue
            default: byte = UInt64(v)
            }
            if !inWord {
                hash = 0xCBF2_9CE4_8422_2325
                inWord = true
            }
            hash = (hash ^ byte) &* 0x0000_0100_0000_01B3
        }
        end()
        words.sort()
        var kept = 0
        for word in words where kept == 0 || words[kept - 1] != word {
            words[kept] = word
            kept += 1
        }
        words.removeLast(words.count - kept)
        return words
    }

    /// Jaccard similarity of two word sets (each sorted, without repeats).
    static func similarity(_ a: [UInt64], _ b: [UInt64]) -> Double {
        var i = 0
        var j = 0
        var common = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                common += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        let union = a.count + b.count - common
        return union == 0 ? 0 : Double(common) / Double(union)
    }

    /// The open case whose sketch `packed` is a near-copy of, if any, confirmed on the
    /// comment's words (`words`, asked only once a sketch matches; without them, on all eight
    /// sketch values).
    func find(_ packed: UInt64, words commentWords: () -> [UInt64]?) -> Int? {
        let (values, count, isGeneric) = WordSetSketch.unpack(packed)
        guard count > 0 else { return nil }
        let needed = Self.needed(words: count, isGeneric: isGeneric)
        var best: (id: Int, equal: Int)?
        for band in 0..<4 {
            for id in bands[Self.key(band, values)] ?? [] {
                guard let other = sketches[id] else { continue }
                let equal = WordSetSketch.matchingValues(WordSetSketch.unpack(other).values, values)
                guard equal >= needed && equal > (best?.equal ?? -1) else { continue }
                if let mine = commentWords(), let theirs = words[id] {
                    guard Self.similarity(mine, theirs) >= Self.minimumSimilarity else { continue }
                } else if equal < 8 {
                    continue
                }
                best = (id, equal)
            }
        }
        return best?.id
    }

    /// `words`: the case's first comment's (`wordSet`), nil when the trail keeps no text.
    mutating func add(_ id: Int, sketch packed: UInt64, words caseWords: [UInt64]?) {
        guard WordSetSketch.unpack(packed).words > 0 else { return }
        sketches[id] = packed
        words[id] = caseWords
        authors[id] = []
        let values = WordSetSketch.unpack(packed).values
        for band in 0..<4 { bands[Self.key(band, values), default: []].append(id) }
        order.append(id)
        while sketches.count > capacity, start < order.count {
            remove(order[start])
            start += 1
        }
        if start > 4096 && start * 2 > order.count {
            order.removeFirst(start)
            start = 0
        }
    }

    mutating func remove(_ id: Int) {
        guard let packed = sketches.removeValue(forKey: id) else { return }
        words[id] = nil
        authors[id] = nil
        let values = WordSetSketch.unpack(packed).values
        for band in 0..<4 {
            let key = Self.key(band, values)
            bands[key]?.removeAll { $0 == id }
            if bands[key]?.isEmpty == true { bands[key] = nil }
        }
    }

    /// Counts `author` among case `id`'s authors: true if the case had no comment of theirs
    /// yet (and false for a case not in the index).
    mutating func addAuthor(_ author: String?, to id: Int) -> Bool {
        guard sketches[id] != nil else { return false }
        return authors[id, default: []].insert(author.map { StableHash.hash($0) } ?? 0).inserted
    }

    /// Band `band` of a sketch: three of its eight values (bands overlap by one value).
    private static func key(_ band: Int, _ values: UInt64) -> Int {
        let doubled = values | values << 48
        return band << 18 | Int(doubled >> (12 * UInt64(band)) & 0x3FFFF)
    }
}
