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
        if let packed = weights.packed, skeleton.count <= QuantizedWeights.packedSkeletonLimit {
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
                func lane(_ sum: UInt64, _ count: Int, _ label: Int) -> Int64 {
                    Int64((sum >> UInt64(32 * label)) & 0xFFFF_FFFF) - QuantizedWeights.laneBias * Int64(count)
                }
                for l in 0..<labels.count {
                    margins[l] = margin(
                        label: l,
                        sums: (
                            lane(sums.0, counts.0, l), lane(sums.1, counts.1, l), lane(sums.2, counts.2, l),
                            lane(sums.3, counts.3, l)
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
