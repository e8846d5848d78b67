extension LinearModel {
    /// Every label's margin (`score` before the sigmoid) for a comment, into `margins`, in one
    /// walk over its skeleton (`FeatureHasher.walk`): per kind, the integer weights of its
    /// features summed, then each kind scaled by 1/√(its occurrences) — what
    /// `margin(vector(…))` gives, up to the rounding of its additions. No array, set or sort:
    /// every comment is scored.
    public func margins(
        skeleton: UnsafeBufferPointer<UInt8>, shape: Shape, into margins: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(margins.count >= labels.count)
        let packs = QuantizedWeights.packs(bytes: skeleton.count, gramLengths: hasher.gramLengths.count)
        if let packed = weights.packed, packs,
            hasher.kinds.count == FeatureHasher.Kind.allCases.count, hasher.gramLengths.count == 1,
            hasher.gramLengths.lowerBound <= 3
        {
            // The bundled model's settings: the walk written out, nothing tested per byte.
            let sums = packed.withUnsafeBufferPointer { packedSums(skeleton: skeleton, shape: shape, packed: $0) }
            for l in 0..<labels.count {
                margins[l] = margin(
                    label: l,
                    sums: (
                        Self.lane(sums.words, sums.counts.words, l), Self.lane(sums.bigrams, sums.counts.bigrams, l),
                        Self.lane(sums.grams, sums.counts.grams, l), Self.lane(sums.shapes, 5, l)
                    ),
                    counts: (sums.counts.words, sums.counts.bigrams, sums.counts.grams, 5))
            }
            return
        }
        if let packed = weights.packed, packs {
            packed.withUnsafeBufferPointer { packed in
                // Per kind: both labels' lanes summed in one word, and the features counted.
                var sums: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                let walked = hasher.walk(skeleton: skeleton, shape: shape) { kind, id, _, _ in
                    let word = packed[hasher.bucket(id)]
                    switch kind {
                    case .word: sums.0 &+= word
                    case .bigram: sums.1 &+= word
                    case .chars: sums.2 &+= word
                    case .shape: sums.3 &+= word
                    }
                }
                let counts = (walked.words, walked.bigrams, walked.grams, walked.shapes)
                for l in 0..<labels.count {
                    margins[l] = margin(
                        label: l,
                        sums: (
                            Self.lane(sums.0, counts.0, l), Self.lane(sums.1, counts.1, l),
                            Self.lane(sums.2, counts.2, l), Self.lane(sums.3, counts.3, l)
                        ),
                        counts: counts)
                }
            }
            return
        }
        // Three labels or more, or a very long comment: one integer sum per kind and label.
        let count = labels.count
        weights.integers.withUnsafeBufferPointer { integers in
            withUnsafeTemporaryAllocation(of: Int64.self, capacity: 4 * count) { sums in
                sums.initialize(repeating: 0)
                let walked = hasher.walk(skeleton: skeleton, shape: shape) { kind, id, _, _ in
                    let base = hasher.bucket(id) &* count
                    let row = kind.rawValue &* count
                    for l in 0..<count { sums[row &+ l] &+= Int64(integers[base &+ l]) }
                }
                let counts = (walked.words, walked.bigrams, walked.grams, walked.shapes)
                for l in 0..<count {
                    margins[l] = margin(
                        label: l, sums: (sums[l], sums[count + l], sums[2 * count + l], sums[3 * count + l]),
                        counts: counts)
                }
            }
        }
    }

    /// Label `label`'s integer sum in a packed sum of `count` weights.
    @inline(__always)
    static func lane(_ sum: UInt64, _ count: Int, _ label: Int) -> Int64 {
        Int64((sum &>> UInt64(truncatingIfNeeded: 32 &* label)) & 0xFFFF_FFFF) - QuantizedWeights.laneBias
            * Int64(count)
    }

    /// The packed sums of a comment's features per kind, for a model of every kind and one gram
    /// length of at most 3: `FeatureHasher.walk` with its body written in and its choices made
    /// (every kind on, one gram a byte), so that the loop keeps its state in registers. Every
    /// word of m bytes then gives m + 3 − n grams of n bytes. `ClassifierTests` checks it
    /// against the reference.
    @inline(never)
    func packedSums(skeleton s: UnsafeBufferPointer<UInt8>, shape: Shape, packed: UnsafeBufferPointer<UInt64>)
        -> PackedSums
    {
        // The bundled model's settings as constants (2^16 buckets, 3-grams): the loop keeps fewer
        // values live (3.9k → 3.1k instructions per event on the throughput workload).
        if hasher.bucketShift == 48 && hasher.gramLengths.lowerBound == 3 {
            return packedSums(skeleton: s, shape: shape, packed: packed, shift: 48, length: 3)
        }
        return packedSums(
            skeleton: s, shape: shape, packed: packed, shift: hasher.bucketShift, length: hasher.gramLengths.lowerBound)
    }

    typealias PackedSums = (words: UInt64, bigrams: UInt64, grams: UInt64, shapes: UInt64, counts: FeatureHasher.Counts)

    @inline(__always)
    private func packedSums(
        skeleton s: UnsafeBufferPointer<UInt8>, shape: Shape, packed: UnsafeBufferPointer<UInt64>, shift: UInt64,
        length: Int
    ) -> PackedSums {
        let lengths = FeatureHasher.GramLengths(length...length)
        let mask = lengths.mask, tag = lengths.tag
        @inline(__always) func weight(_ id: UInt64) -> UInt64 {
            packed[Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) &>> shift)]
        }
        var words: UInt64 = 0, bigrams: UInt64 = 0, grams: UInt64 = 0
        var wordCount = 0, wordBytes = 0
        var previousRaw: UInt64 = 0
        WordBytes.table.withUnsafeBufferPointer { table in
            let n = s.count
            var i = 0
            while i < n {
                guard table[Int(s[i])] == WordBytes.word else {
                    i &+= 1
                    continue
                }
                let start = i
                var raw = FNV.offset
                var gram: UInt64 = 0x3C  // `<`
                while i < n {
                    let b = s[i]
                    if table[Int(b)] == WordBytes.notWord { break }
                    raw = (raw ^ UInt64(b)) &* FNV.prime
                    gram = gram &<< 8 | UInt64(b)
                    i &+= 1
                    // The padded word has i − start + 1 bytes so far.
                    if i &- start &+ 1 >= length { grams &+= weight(gram & mask | tag) }
                }
                gram = gram &<< 8 | 0x3E  // `>`: the padded word has m + 2 ≥ 3 bytes
                grams &+= weight(gram & mask | tag)
                words &+= weight(FeatureHasher.wordID(raw))
                if wordCount > 0 { bigrams &+= weight(FeatureHasher.bigramID(previousRaw, raw)) }
                wordCount &+= 1
                wordBytes &+= i &- start
                previousRaw = raw
            }
        }
        let (links, mentions, size, caps, symbols) = shape.indices
        let ids = FeatureHasher.shapeIDs
        let shapes =
            weight(ids[0][links]) &+ weight(ids[1][mentions]) &+ weight(ids[2][size]) &+ weight(ids[3][caps])
            &+ weight(ids[4][symbols])
        var counts = FeatureHasher.Counts()
        counts.words = wordCount
        counts.bigrams = max(wordCount, 1) - 1
        counts.grams = wordBytes + wordCount * (3 - length)
        counts.shapes = 5
        return (words, bigrams, grams, shapes, counts)
    }

    /// A label's margin from its integer sums per kind and the kinds' occurrences.
    @inline(__always)
    private func margin(label l: Int, sums: (Int64, Int64, Int64, Int64), counts: (Int, Int, Int, Int)) -> Double {
        let total =
            Double(sums.0) * FeatureHasher.value(occurrences: counts.0)
            + Double(sums.1) * FeatureHasher.value(occurrences: counts.1)
            + Double(sums.2) * FeatureHasher.value(occurrences: counts.2)
            + Double(sums.3) * FeatureHasher.value(occurrences: counts.3)
        return labels[l].bias + weights.scales[l] * total
    }
}
