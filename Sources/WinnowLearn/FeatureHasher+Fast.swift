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
        /// The comment's words, for naming the features an explanation shows.
        var words: SkeletonWords
    }

    public func distinctHashes(skeleton s: UnsafeBufferPointer<UInt8>, shape: Shape) -> DistinctHashes {
        var words: [UInt64] = [], bigrams: [UInt64] = [], chars: [UInt64] = [], shapes: [UInt64] = []
        chars.reserveCapacity(3 * s.count)  // at most three grams per scalar
        let skeletonWords = SkeletonWords(s)
        walk(skeleton: s, words: skeletonWords, shape: shape) { kind, hash, _ in
            switch kind {
            case .word: words.append(hash)
            case .bigram: bigrams.append(hash)
            case .chars: chars.append(hash)
            case .shape: shapes.append(hash)
            }
        }
        return DistinctHashes(
            // The five shape features are distinct by construction (`shapeHashes`).
            byKind: [Self.distinct(words), Self.distinct(bigrams), Self.distinct(chars), shapes],
            words: skeletonWords)
    }

    /// Where a feature comes from in the comment, to name it only when it is shown: a word
    /// (`word`), a pair from `word` on, the character gram of `length` padded scalars from
    /// `start` of `word`, or the `word`-th shape feature.
    struct Place {
        var word: Int
        var start = 0
        var length = 0
    }

    /// Calls `body` with every feature of the comment, in `forEachFeature`'s order (duplicates
    /// included): its kind, hash and place.
    @inline(__always)
    func walk(
        skeleton s: UnsafeBufferPointer<UInt8>, words: SkeletonWords, shape: Shape,
        _ body: (Kind, UInt64, Place) -> Void
    ) {
        let wordPrefix = FNV.start(Kind.word.prefix)
        for w in 0..<words.count where uses(.word) {
            body(.word, FNV.finish(FNV.add(s, words.bytes(w), to: wordPrefix)), Place(word: w))
        }
        let bigramPrefix = FNV.start(Kind.bigram.prefix)
        if words.count > 1 && uses(.bigram) {
            for w in 0..<(words.count - 1) {
                var h = FNV.add(s, words.bytes(w), to: bigramPrefix)
                h = FNV.add(0x20, to: h)
                h = FNV.add(s, words.bytes(w + 1), to: h)
                body(.bigram, FNV.finish(h), Place(word: w))
            }
        }
        // Character 3- to 5-grams of each word padded as `<word>`: padded scalar 0 is `<`,
        // 1...m the word's, m+1 is `>`.
        let charsPrefix = FNV.start(Kind.chars.prefix)
        for w in 0..<words.count where uses(.chars) {
            let count = words.scalarCount(w) + 2
            for n in 3...5 where count >= n {
                for i in 0...(count - n) {
                    var h = charsPrefix
                    if i == 0 { h = FNV.add(0x3C, to: h) }
                    h = FNV.add(s, words.bytes(w, scalars: Self.wordScalars(start: i, length: n, padded: count)), to: h)
                    if i + n == count { h = FNV.add(0x3E, to: h) }
                    body(.chars, FNV.finish(h), Place(word: w, start: i, length: n))
                }
            }
        }
        guard uses(.shape) else { return }
        let (links, mentions, length, caps, symbols) = shape.indices
        body(.shape, Self.shapeHashes.links[links], Place(word: 0))
        body(.shape, Self.shapeHashes.mentions[mentions], Place(word: 1))
        body(.shape, Self.shapeHashes.length[length], Place(word: 2))
        body(.shape, Self.shapeHashes.caps[caps], Place(word: 3))
        body(.shape, Self.shapeHashes.symbols[symbols], Place(word: 4))
    }

    /// The word's own scalars among padded ones `start ..< start + length` (a gram of 3 or more
    /// always holds at least one: there are only two pads).
    @inline(__always)
    static func wordScalars(start: Int, length: Int, padded count: Int) -> Range<Int> {
        (max(start, 1) - 1)..<(min(start + length, count - 1) - 1)
    }

    /// The skeleton bytes a feature comes from (nil for shape features).
    func range(of kind: Kind, at place: Place, words: SkeletonWords) -> Range<Int>? {
        switch kind {
        case .word:
            return words.bytes(place.word)
        case .bigram:
            return words.bytes(place.word).lowerBound..<words.bytes(place.word + 1).upperBound
        case .chars:
            let count = words.scalarCount(place.word) + 2
            return words.bytes(
                place.word, scalars: Self.wordScalars(start: place.start, length: place.length, padded: count))
        case .shape:
            return nil
        }
    }

    /// A feature's name as `forEachFeature` gives it.
    func name(
        of kind: Kind, at place: Place, skeleton s: UnsafeBufferPointer<UInt8>, words: SkeletonWords, shape: Shape
    ) -> String {
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: s[range]), as: UTF8.self)
        }
        switch kind {
        case .word:
            return text(words.bytes(place.word))
        case .bigram:
            return text(words.bytes(place.word)) + " " + text(words.bytes(place.word + 1))
        case .chars:
            let padded = words.scalarCount(place.word) + 2
            let middle = text(range(of: kind, at: place, words: words)!)
            return (place.start == 0 ? "<" : "") + middle + (place.start + place.length == padded ? ">" : "")
        case .shape:
            return shape.names[place.word]
        }
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

    /// Sorts keys below `1 << bits` in place: least-significant-digit radix sort, 9 bits a pass
    /// (a few hundred keys: cheaper than a comparison sort; two passes for 2^16 buckets), or
    /// insertion sort for a few dozen.
    static func radixSort(_ keys: inout [UInt64], bits: Int) {
        let n = keys.count
        guard n > 1 else { return }
        // A short comment: insertion sort, without the passes' counts to clear.
        if n <= 64 {
            keys.withUnsafeMutableBufferPointer { keys in
                for k in 1..<n {
                    let key = keys[k]
                    var j = k
                    while j > 0 && keys[j - 1] > key {
                        keys[j] = keys[j - 1]
                        j -= 1
                    }
                    keys[j] = key
                }
            }
            return
        }
        let digitBits: UInt64 = 9
        let digits = 1 << digitBits
        let mask = UInt64(digits - 1)
        var other = [UInt64](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: digits)
        var shift: UInt64 = 0
        var inOther = false
        keys.withUnsafeMutableBufferPointer { keys in
            other.withUnsafeMutableBufferPointer { other in
                counts.withUnsafeMutableBufferPointer { counts in
                    while shift < UInt64(bits) {
                        let (from, to) = inOther ? (other, keys) : (keys, other)
                        for k in 0..<digits { counts[k] = 0 }
                        for k in 0..<n { counts[Int((from[k] >> shift) & mask)] += 1 }
                        var total = 0
                        for k in 0..<digits {
                            let c = counts[k]
                            counts[k] = total
                            total += c
                        }
                        for k in 0..<n {
                            let key = from[k]
                            let digit = Int((key >> shift) & mask)
                            to[counts[digit]] = key
                            counts[digit] += 1
                        }
                        inOther.toggle()
                        shift += digitBits
                    }
                }
            }
        }
        if inOther { keys = other }
    }

    /// The hashes of every shape feature name (`s:` and the name), computed once.
    static let shapeHashes = {
        let hashes = (
            links: Shape.linkNames.map { FNV.hash("s:" + $0) },
            mentions: Shape.mentionNames.map { FNV.hash("s:" + $0) },
            length: Shape.lengthNames.map { FNV.hash("s:" + $0) }, caps: Shape.capsNames.map { FNV.hash("s:" + $0) },
            symbols: Shape.symbolNames.map { FNV.hash("s:" + $0) }
        )
        // A comment's five shape features never share a hash, so they need no deduplication.
        let all = hashes.links + hashes.mentions + hashes.length + hashes.caps + hashes.symbols
        precondition(Set(all).count == all.count, "two shape feature names hash alike")
        return hashes
    }()
}
