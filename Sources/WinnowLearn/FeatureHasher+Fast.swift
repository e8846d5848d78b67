import WinnowText

/// The fast path of `FeatureHasher.vector`: the same features as `forEachFeature` — words,
/// bigrams, character grams, shape — hashed straight from the skeleton's bytes, with no closure,
/// name or per-word array per feature, and the shape features' hashes computed once. Every
/// comment is scored, so this is on the engine's hot path; `ClassifierTests` checks it against
/// `referenceVector` on random texts.
extension FeatureHasher {
    /// A comment's feature hashes, per kind, each once: what its vector and its explanations
    /// are both made from (hash a comment once, then score it and explain it).
    public struct DistinctHashes: Sendable {
        var byKind: [[UInt64]] = Array(repeating: [], count: Kind.allCases.count)
    }

    public func distinctHashes(skeleton s: UnsafeBufferPointer<UInt8>, shape: Shape) -> DistinctHashes {
        let words = SkeletonWords(s)
        var result = DistinctHashes()
        var hashes: [UInt64] = []
        hashes.reserveCapacity(words.count)
        let wordPrefix = FNV.start(Kind.word.prefix)
        for w in 0..<words.count {
            hashes.append(FNV.finish(FNV.add(s, words.bytes(w), to: wordPrefix)))
        }
        result.byKind[Kind.word.rawValue] = Self.distinct(hashes)

        hashes.removeAll(keepingCapacity: true)
        let bigramPrefix = FNV.start(Kind.bigram.prefix)
        if words.count > 1 {
            for w in 0..<(words.count - 1) {
                var h = FNV.add(s, words.bytes(w), to: bigramPrefix)
                h = FNV.add(0x20, to: h)
                h = FNV.add(s, words.bytes(w + 1), to: h)
                hashes.append(FNV.finish(h))
            }
        }
        result.byKind[Kind.bigram.rawValue] = Self.distinct(hashes)

        // Character 3- to 5-grams of each word padded as `<word>`: padded scalar 0 is `<`,
        // 1...m the word's, m+1 is `>`.
        hashes.removeAll(keepingCapacity: true)
        let charsPrefix = FNV.start(Kind.chars.prefix)
        for w in 0..<words.count {
            let m = words.scalarCount(w)
            let count = m + 2
            for n in 3...5 where count >= n {
                for i in 0...(count - n) {
                    var h = charsPrefix
                    if i == 0 { h = FNV.add(0x3C, to: h) }
                    // The word's scalars among padded ones i ..< i + n, as one byte range.
                    let from = max(i, 1)
                    let last = min(i + n, m + 1)
                    if from < last { h = FNV.add(s, words.bytes(w, scalars: (from - 1)..<(last - 1)), to: h) }
                    if i + n == count { h = FNV.add(0x3E, to: h) }
                    hashes.append(FNV.finish(h))
                }
            }
        }
        result.byKind[Kind.chars.rawValue] = Self.distinct(hashes)

        let (links, mentions, length, caps, symbols) = shape.indices
        result.byKind[Kind.shape.rawValue] = Self.distinct([
            Self.shapeHashes.links[links], Self.shapeHashes.mentions[mentions], Self.shapeHashes.length[length],
            Self.shapeHashes.caps[caps], Self.shapeHashes.symbols[symbols],
        ])
        return result
    }

    /// The sparse vector of per-kind distinct hashes: each kind's features get 1/√(its count);
    /// features sharing a bucket add up, in kind order (as the reference adds them).
    public func vector(distinct: DistinctHashes) -> SparseVector {
        var keys: [UInt64] = []
        keys.reserveCapacity(distinct.byKind.reduce(0) { $0 + $1.count })
        var values: [Double] = []
        for (kind, hashes) in distinct.byKind.enumerated() {
            values.append(Self.value(distinct: hashes.count))
            for hash in hashes { keys.append(UInt64(bucket(hash)) << 2 | UInt64(kind)) }
        }
        Self.radixSort(&keys, bits: bits + 2)
        var vector = SparseVector()
        vector.buckets.reserveCapacity(keys.count)
        vector.values.reserveCapacity(keys.count)
        for key in keys {
            let bucket = UInt32(truncatingIfNeeded: key >> 2)
            let value = values[Int(key & 3)]
            if let last = vector.buckets.last, last == bucket {
                vector.values[vector.values.count - 1] += value
            } else {
                vector.buckets.append(bucket)
                vector.values.append(value)
            }
        }
        return vector
    }

    /// Each hash once, in no particular order (`vector` sorts what it needs): an open-addressing
    /// set on the hashes themselves, cheaper than sorting hundreds of them.
    static func distinct(_ hashes: [UInt64]) -> [UInt64] {
        guard hashes.count > 1 else { return hashes }
        var capacity = 16
        while capacity < 2 * hashes.count { capacity <<= 1 }
        let mask = capacity - 1
        var table = [UInt64](repeating: 0, count: capacity)
        var hasZero = false
        var unique: [UInt64] = []
        unique.reserveCapacity(hashes.count)
        for hash in hashes {
            if hash == 0 {  // the table's empty mark: kept apart
                if !hasZero { unique.append(0) }
                hasZero = true
                continue
            }
            var slot = Int(truncatingIfNeeded: hash) & mask  // hashes are mixed: low bits are spread
            while true {
                let found = table[slot]
                if found == hash { break }
                if found == 0 {
                    table[slot] = hash
                    unique.append(hash)
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return unique
    }

    /// Sorts keys below `1 << bits` in place: least-significant-digit radix sort, 8 bits a pass
    /// (a few hundred keys: cheaper than a comparison sort).
    static func radixSort(_ keys: inout [UInt64], bits: Int) {
        let n = keys.count
        guard n > 1 else { return }
        var other = [UInt64](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 256)
        var shift: UInt64 = 0
        var inOther = false
        keys.withUnsafeMutableBufferPointer { keys in
            other.withUnsafeMutableBufferPointer { other in
                counts.withUnsafeMutableBufferPointer { counts in
                    while shift < UInt64(bits) {
                        let (from, to) = inOther ? (other, keys) : (keys, other)
                        for k in 0..<256 { counts[k] = 0 }
                        for k in 0..<n { counts[Int((from[k] >> shift) & 0xFF)] += 1 }
                        var total = 0
                        for k in 0..<256 {
                            let c = counts[k]
                            counts[k] = total
                            total += c
                        }
                        for k in 0..<n {
                            let key = from[k]
                            let digit = Int((key >> shift) & 0xFF)
                            to[counts[digit]] = key
                            counts[digit] += 1
                        }
                        inOther.toggle()
                        shift += 8
                    }
                }
            }
        }
        if inOther { keys = other }
    }

    /// The hashes of every shape feature name (`s:` and the name), computed once.
    static let shapeHashes = (
        links: Shape.linkNames.map { FNV.hash("s:" + $0) }, mentions: Shape.mentionNames.map { FNV.hash("s:" + $0) },
        length: Shape.lengthNames.map { FNV.hash("s:" + $0) }, caps: Shape.capsNames.map { FNV.hash("s:" + $0) },
        symbols: Shape.symbolNames.map { FNV.hash("s:" + $0) }
    )
}
