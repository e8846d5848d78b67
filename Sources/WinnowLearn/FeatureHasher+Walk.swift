/// The features of a comment in one walk over its skeleton's bytes: the same features as the
/// reference (`named`), with no name, array or set per feature. A word's hash is taken while it
/// is scanned, its character grams are read from a shift register of its last bytes, and a
/// byte's class comes from a table (`WordBytes`). Every comment is scored, so this is on the
/// engine's hot path; `ClassifierTests` checks it against the reference on random texts.
extension FeatureHasher {
    /// Calls `body` with every feature of the comment, duplicates included, in no order the
    /// caller may rely on: its kind, id, and where it comes from — skeleton bytes
    /// `start..<end`, or for a shape feature which one (`start`, `Shape.names`' order) and
    /// `end` −1. Returns how many features of each kind it gave (counted per word, not per
    /// feature: the scoring walk's caller needs them, its body should not count).
    @inline(__always)
    @discardableResult
    func walk(skeleton s: UnsafeBufferPointer<UInt8>, shape: Shape, _ body: (Kind, UInt64, Int, Int) -> Void)
        -> Counts
    {
        let useWords = uses(.word), useBigrams = uses(.bigram), useChars = uses(.chars)
        let lengths = GramLengths(gramLengths)
        var counts = Counts()
        WordBytes.table.withUnsafeBufferPointer { table in
            let n = s.count
            var i = 0
            var previousRaw: UInt64 = 0
            var previousStart = -1
            var inWordCharacter = false
            while i < n {
                let c = table[Int(s[i])]
                if c != WordBytes.continuation { inWordCharacter = c == WordBytes.word }
                guard inWordCharacter else {
                    i &+= 1
                    continue
                }
                // A word starts at i: hash it and read its grams while scanning to its end.
                let start = i
                var raw = FNV.offset
                var gram: UInt64 = 0x3C  // `<`
                var padded = 1
                while i < n {
                    let b = s[i]
                    let c = table[Int(b)]
                    if c == WordBytes.notWord { break }
                    raw = (raw ^ UInt64(b)) &* FNV.prime
                    i &+= 1
                    if useChars {
                        gram = gram << 8 | UInt64(b)
                        padded &+= 1
                        Self.grams(gram, padded: padded, lengths, wordStart: start, end: i, body)
                    }
                }
                inWordCharacter = false
                counts.words &+= 1
                if useChars {
                    gram = gram << 8 | 0x3E  // `>`
                    padded &+= 1
                    Self.grams(gram, padded: padded, lengths, wordStart: start, end: i, body)
                    // A word of m bytes padded to m + 2 has m + 3 − n grams of n bytes.
                    for n in gramLengths { counts.grams &+= max(0, padded &+ 1 &- n) }
                }
                if useWords { body(.word, Self.wordID(raw), start, i) }
                if useBigrams && previousStart >= 0 { body(.bigram, Self.bigramID(previousRaw, raw), previousStart, i) }
                previousRaw = raw
                previousStart = start
            }
        }
        counts.bigrams = useBigrams ? max(counts.words, 1) - 1 : 0
        if !useWords { counts.words = 0 }
        guard uses(.shape) else { return counts }
        counts.shapes = 5
        let (links, mentions, length, caps, symbols) = shape.indices
        let ids = Self.shapeIDs
        body(.shape, ids[0][links], 0, -1)
        body(.shape, ids[1][mentions], 1, -1)
        body(.shape, ids[2][length], 2, -1)
        body(.shape, ids[3][caps], 3, -1)
        body(.shape, ids[4][symbols], 4, -1)
        return counts
    }

    /// How many features of each kind a comment gives.
    struct Counts {
        var words = 0, bigrams = 0, grams = 0, shapes = 0

        func count(_ kind: Kind) -> Int {
            switch kind {
            case .word: words
            case .bigram: bigrams
            case .chars: grams
            case .shape: shapes
            }
        }
    }

    /// The grams of `lengths` ending at the last byte of `gram` (the padded word's last
    /// bytes, `padded` of them so far), which ends at skeleton byte `end` (or at the `>` after
    /// it).
    @inline(__always)
    static func grams(
        _ gram: UInt64, padded: Int, _ lengths: GramLengths, wordStart: Int, end: Int,
        _ body: (Kind, UInt64, Int, Int) -> Void
    ) {
        // Padded byte p is skeleton byte wordStart + p − 1; the pads have no bytes of their own.
        if lengths.single {
            // One length (the bundled model's): no loop, its mask and tag ready.
            guard padded >= lengths.shortest else { return }
            body(
                .chars, gram & lengths.mask | lengths.tag, wordStart &+ max(padded &- lengths.shortest, 1) &- 1, end)
            return
        }
        var n = lengths.shortest
        while n <= lengths.longest && n <= padded {
            body(.chars, gramID(gram & GramLengths.mask(n), length: n), wordStart &+ max(padded &- n, 1) &- 1, end)
            n &+= 1
        }
    }

    /// A model's gram lengths as the walk reads them.
    struct GramLengths {
        let shortest: Int, longest: Int
        let single: Bool
        /// For a single length: the mask of its bytes, and its id's length and kind bits.
        let mask: UInt64, tag: UInt64

        init(_ lengths: ClosedRange<Int>) {
            shortest = lengths.lowerBound
            longest = lengths.upperBound
            single = shortest == longest
            mask = Self.mask(shortest)
            tag = FeatureHasher.gramID(0, length: shortest)
        }

        /// The low `n` bytes (n is 2 to 6).
        @inline(__always)
        static func mask(_ n: Int) -> UInt64 { (1 &<< UInt64(truncatingIfNeeded: 8 &* n)) &- 1 }
    }

    /// The sparse vector of a comment (for training and evaluation): each occurrence worth
    /// 1/√(occurrences of its kind), summed per bucket in kind order — what `referenceVector`
    /// gives.
    public func vector(skeleton: UnsafeBufferPointer<UInt8>, shape: Shape) -> SparseVector {
        var keys: [UInt64] = []
        keys.reserveCapacity(3 * skeleton.count + 16)
        let counts = walk(skeleton: skeleton, shape: shape) { kind, id, _, _ in
            keys.append(UInt64(bucket(id)) << 2 | UInt64(kind.rawValue))
        }
        let values = Kind.allCases.map { Self.value(occurrences: counts.count($0)) }
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

    /// Sorts keys below `1 << bits` in place: least-significant-digit radix sort, 9 bits a pass
    /// (hundreds of keys: cheaper than a comparison sort), or insertion sort for a few dozen.
    static func radixSort(_ keys: inout [UInt64], bits: Int) {
        let n = keys.count
        guard n > 1 else { return }
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
}
