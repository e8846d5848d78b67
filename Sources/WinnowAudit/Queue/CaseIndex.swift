import WinnowCore

/// The open cases of the review queue by sketch, in the writer's memory: a held comment finds
/// the case of its near-copies here instead of scanning the table. Looked up by four
/// overlapping bands of three sketch values, as the flood rule's campaign index does, and
/// confirmed on the case's own sketch. Bounded: beyond `capacity` open cases the oldest are
/// forgotten here (they stay open; later copies open a case of their own).
struct CaseIndex {
    private var sketches: [Int: UInt64] = [:]
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

    /// The open case whose sketch `packed` is a near-copy of, if any.
    func find(_ packed: UInt64) -> Int? {
        let (values, words, isGeneric) = WordSetSketch.unpack(packed)
        guard words > 0 else { return nil }
        let needed = Self.needed(words: words, isGeneric: isGeneric)
        var best: (id: Int, equal: Int)?
        for band in 0..<4 {
            for id in bands[Self.key(band, values)] ?? [] {
                guard let other = sketches[id] else { continue }
                let equal = WordSetSketch.matchingValues(WordSetSketch.unpack(other).values, values)
                if equal >= needed && equal > (best?.equal ?? -1) { best = (id, equal) }
            }
        }
        return best?.id
    }

    mutating func add(_ id: Int, sketch packed: UInt64) {
        guard WordSetSketch.unpack(packed).words > 0 else { return }
        sketches[id] = packed
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
        let values = WordSetSketch.unpack(packed).values
        for band in 0..<4 {
            let key = Self.key(band, values)
            bands[key]?.removeAll { $0 == id }
            if bands[key]?.isEmpty == true { bands[key] = nil }
        }
    }

    /// Band `band` of a sketch: three of its eight values (bands overlap by one value).
    private static func key(_ band: Int, _ values: UInt64) -> Int {
        let doubled = values | values << 48
        return band << 18 | Int(doubled >> (12 * UInt64(band)) & 0x3FFFF)
    }
}
