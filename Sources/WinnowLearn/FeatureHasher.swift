import WinnowText

/// Turns a comment into the hashed features a linear model scores (the hashing trick,
/// Weinberger et al. 2009): word unigrams `w:`, adjacent word bigrams `b:`, byte 3- to 5-grams
/// of each word padded as `<word>` `c:`, and a few shape features `s:`. Words come from the
/// skeleton view, so that disguises (`ch3ck`, `ｃｈｅｃｋ`, `cheeeck`) give the features of the
/// plain spelling.
///
/// Every occurrence counts (a word twice is worth twice) and each kind is scaled by
/// 1/√(its occurrences in the comment): without that, the hundred-odd character grams of a
/// comment drown its words. Counting, not deduplicating, is what lets the rule score a comment
/// in one walk over its skeleton with no set or sort (`FeatureHasher+Walk.swift`); it scored as
/// well as binary values on the YouTube Spam Collection (docs/classifier.md).
///
/// This file is the plain reference: every feature named, one at a time. The walk the rule
/// uses is tested against it.
public struct FeatureHasher: Sendable, Equatable {
    /// Buckets: `1 << bits`.
    public let bits: Int
    /// The kinds of feature a comment gives (a model is trained and scored with the same).
    public let kinds: [Kind]
    /// The lengths of the character grams, in bytes (of `<word>`).
    public let gramLengths: ClosedRange<Int>
    let kindMask: UInt8
    /// 64 − `bits`: a bucket is the top `bits` bits of a product.
    let bucketShift: UInt64

    /// Gram lengths a model may use: a gram's bytes and its length share one 64-bit id.
    public static let gramLengthLimits = 2...6

    public init(bits: Int, kinds: [Kind] = Kind.allCases, gramLengths: ClosedRange<Int> = 3...3) {
        precondition((8...24).contains(bits))
        precondition(Self.gramLengthLimits.contains(gramLengths.lowerBound))
        precondition(Self.gramLengthLimits.contains(gramLengths.upperBound))
        self.bits = bits
        self.kinds = Kind.allCases.filter(kinds.contains)
        self.gramLengths = gramLengths
        bucketShift = UInt64(64 - bits)
        kindMask = kinds.reduce(0) { $0 | 1 << UInt8($1.rawValue) }
    }

    /// What the `c:` kind is, as the model file's header says.
    public var gramSummary: String {
        let lengths =
            gramLengths.count == 1 ? "\(gramLengths.lowerBound)" : "\(gramLengths.lowerBound)-\(gramLengths.upperBound)"
        return "c: byte \(lengths)-grams of <word>"
    }

    /// Whether comments give features of `kind`.
    @inline(__always)
    public func uses(_ kind: Kind) -> Bool { kindMask & 1 << UInt8(kind.rawValue) != 0 }

    /// The kinds of feature, in the order their names are emitted.
    public enum Kind: Int, Sendable, CaseIterable {
        case word, bigram, chars, shape

        var prefix: StaticString {
            switch self {
            case .word: "w:"
            case .bigram: "b:"
            case .chars: "c:"
            case .shape: "s:"
            }
        }

        /// Its letter (`w`, `b`, `c`, `s`), as `--features` and the model file name it.
        public var letter: String { String(prefix.description.prefix(1)) }

        /// What it is, as the model file's header says.
        public var summary: String {
            switch self {
            case .word: "w: words"
            case .bigram: "b: word bigrams"
            case .chars: "c: byte 3-5-grams of <word>"
            case .shape: "s: shape"
            }
        }

        public init?(letter: String) {
            guard let kind = Kind.allCases.first(where: { $0.letter == letter }) else { return nil }
            self = kind
        }
    }

    /// One feature of a comment, for explanations: its name as a person reads it and where it
    /// comes from in the skeleton (nil: several places, or none, as for shape features).
    public struct Named: Sendable, Equatable {
        public var kind: Kind
        public var name: String
        /// Its identity: equal features have equal ids (`bucket(id)` is where its weight is).
        public var id: UInt64
        public var skeletonRange: Range<Int>?
    }

    /// The bucket of a feature id: the top `bits` of the id times an odd constant
    /// (multiply-shift hashing, Dietzfelbinger et al. 1997: one multiplication, and every bit
    /// of the id moves the top bits; ids of character grams are their bytes).
    @inline(__always)
    public func bucket(_ id: UInt64) -> Int {
        Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) &>> bucketShift)
    }

    /// The value of one occurrence of a feature of a kind that occurs `count` times in the comment.
    @inline(__always)
    public static func value(occurrences count: Int) -> Double {
        count == 0 ? 0 : 1.0 / Double(count).squareRoot()
    }

    // MARK: Feature ids

    /// The id of a word: its bytes' FNV-1a hash with its high bits folded into its low ones
    /// (the bucket's multiplication carries low bits up, not high bits down).
    @inline(__always)
    static func wordID(_ raw: UInt64) -> UInt64 { raw ^ raw &>> 32 }

    /// The id of a pair of adjacent words from their bytes' FNV-1a hashes.
    @inline(__always)
    static func bigramID(_ first: UInt64, _ second: UInt64) -> UInt64 {
        let pair = (first &* 0x9E37_79B9_7F4A_7C15) ^ second ^ 0xB1
        return pair ^ pair &>> 32
    }

    /// The id of a character gram: its bytes, first byte highest, with its length and kind
    /// above them (a gram is 6 bytes at most).
    @inline(__always)
    static func gramID(_ bytes: UInt64, length: Int) -> UInt64 {
        bytes | UInt64(length) << 48 | 0xC << 56
    }

    // MARK: The reference

    /// Every feature of the comment in order, duplicates included, each with its name: words,
    /// then bigrams, then character grams word by word (shortest first), then the
    /// five shape features.
    public func named(skeleton: UnsafeBufferPointer<UInt8>, shape: Shape) -> [Named] {
        let words = SkeletonWords(skeleton)
        var features: [Named] = []
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: skeleton[range]), as: UTF8.self)
        }
        let raw = (0..<words.count).map { FNV.add(skeleton, words.bytes($0), to: FNV.offset) }
        if uses(.word) {
            for w in 0..<words.count {
                features.append(
                    Named(
                        kind: .word, name: text(words.bytes(w)), id: Self.wordID(raw[w]), skeletonRange: words.bytes(w))
                )
            }
        }
        if uses(.bigram) && words.count > 1 {
            for w in 0..<(words.count - 1) {
                features.append(
                    Named(
                        kind: .bigram, name: text(words.bytes(w)) + " " + text(words.bytes(w + 1)),
                        id: Self.bigramID(raw[w], raw[w + 1]),
                        skeletonRange: words.bytes(w).lowerBound..<words.bytes(w + 1).upperBound))
            }
        }
        if uses(.chars) {
            for w in 0..<words.count {
                let range = words.bytes(w)
                // The padded word: `<`, its bytes, `>`; padded byte p is skeleton byte range.lowerBound + p - 1.
                let padded: [UInt8] = [0x3C] + Array(skeleton[range]) + [0x3E]
                for n in gramLengths where padded.count >= n {
                    for start in 0...(padded.count - n) {
                        let gram = padded[start..<(start + n)]
                        let id = Self.gramID(gram.reduce(0) { $0 << 8 | UInt64($1) }, length: n)
                        let first = range.lowerBound + max(start, 1) - 1
                        let end = range.lowerBound + min(start + n, padded.count - 1) - 1
                        let bytes = first..<end
                        features.append(
                            Named(
                                kind: .chars,
                                name: Self.gramName(
                                    skeleton, bytes, opens: start == 0, closes: start + n == padded.count), id: id,
                                skeletonRange: bytes))
                    }
                }
            }
        }
        if uses(.shape) {
            for (k, name) in shape.names.enumerated() {
                features.append(
                    Named(kind: .shape, name: name, id: Self.shapeIDs[k][shape.index(k)], skeletonRange: nil))
            }
        }
        return features
    }

    /// A character gram as a person reads it: its bytes widened to whole characters (a gram
    /// may cut a letter of two or more bytes), with the pads it holds.
    static func gramName(_ s: UnsafeBufferPointer<UInt8>, _ bytes: Range<Int>, opens: Bool, closes: Bool) -> String {
        var lower = bytes.lowerBound, upper = bytes.upperBound
        while lower > 0 && s[lower] & 0xC0 == 0x80 { lower -= 1 }
        while upper < s.count && s[upper] & 0xC0 == 0x80 { upper += 1 }
        let middle = String(decoding: UnsafeBufferPointer(rebasing: s[lower..<upper]), as: UTF8.self)
        return (opens ? "<" : "") + middle + (closes ? ">" : "")
    }

    /// The sparse vector of the named features: each occurrence worth 1/√(occurrences of its
    /// kind), summed per bucket. The reference for `vector`.
    func referenceVector(skeleton: UnsafeBufferPointer<UInt8>, shape: Shape) -> SparseVector {
        let features = named(skeleton: skeleton, shape: shape)
        var perKind = [Int](repeating: 0, count: Kind.allCases.count)
        for feature in features { perKind[feature.kind.rawValue] += 1 }
        var sums: [Int: Double] = [:]
        // In kind order, as the walk adds them.
        for kind in Kind.allCases {
            for feature in features where feature.kind == kind {
                sums[bucket(feature.id), default: 0] += Self.value(occurrences: perKind[kind.rawValue])
            }
        }
        var vector = SparseVector()
        for bucket in sums.keys.sorted() {
            vector.buckets.append(UInt32(bucket))
            vector.values.append(sums[bucket]!)
        }
        return vector
    }

    /// The ids of every shape feature, per feature (`Shape.names`' order) and value, computed once.
    static let shapeIDs: [[UInt64]] = {
        let ids = Shape.allNames.map { names in names.map { FNV.hash("s:" + $0) } }
        // A comment's five shape features never share an id.
        let all = ids.flatMap { $0 }
        precondition(Set(all).count == all.count, "two shape feature names hash alike")
        return ids
    }()
}

/// FNV-1a 64 over bytes, finished with murmur3's 64-bit mixer: cheap, streaming (a word is
/// hashed while it is scanned), and well spread in its top bits.
enum FNV {
    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    static func add(_ byte: UInt8, to h: UInt64) -> UInt64 { (h ^ UInt64(byte)) &* prime }

    @inline(__always)
    static func add(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to h: UInt64) -> UInt64 {
        var h = h
        for k in range { h = (h ^ UInt64(bytes[k])) &* prime }
        return h
    }

    @inline(__always)
    static func finish(_ h: UInt64) -> UInt64 {
        var h = h
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    /// The finished hash of a whole name.
    static func hash(_ name: String) -> UInt64 {
        var h = offset
        for byte in name.utf8 { h = add(byte, to: h) }
        return finish(h)
    }
}
