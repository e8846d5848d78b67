import WinnowText

/// Turns a comment into the hashed features a linear model scores (the hashing trick,
/// Weinberger et al. 2009): word unigrams `w:`, adjacent word bigrams `b:`, character 3- to
/// 5-grams of each word padded as `<word>` `c:`, and a few shape features `s:`. Words come from
/// the skeleton view, so that disguises (`ch3ck`, `ｃｈｅｃｋ`, `cheeeck`) give the features of
/// the plain spelling.
///
/// Values are binary presence, L2-normalised per kind (each of w, b, c, s has norm 1): without
/// that, the hundred-odd character grams of a comment drown its words. A feature's bucket is
/// the top `bits` bits of FNV-1a 64 of its name, finished with murmur3's mixer; features of one
/// comment that share a bucket add up.
public struct FeatureHasher: Sendable, Equatable {
    /// Buckets: `1 << bits`.
    public let bits: Int
    /// The kinds of feature a comment gives (a model is trained and scored with the same).
    public let kinds: [Kind]
    private let kindMask: UInt8

    public init(bits: Int, kinds: [Kind] = Kind.allCases) {
        precondition((8...24).contains(bits))
        self.bits = bits
        self.kinds = Kind.allCases.filter(kinds.contains)
        kindMask = kinds.reduce(0) { $0 | 1 << UInt8($1.rawValue) }
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
            case .chars: "c: character 3-5-grams of <word>"
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
        public var hash: UInt64
        public var skeletonRange: Range<Int>?
    }

    /// The sparse vector of a comment: buckets in increasing order, each once. (The fast path,
    /// `FeatureHasher+Fast.swift`; `referenceVector` is the plain one it is tested against.)
    public func vector(skeleton: UnsafeBufferPointer<UInt8>, shape: Shape) -> SparseVector {
        let hashes = distinctHashes(skeleton: skeleton, shape: shape)
        return vector(distinct: hashes)
    }

    /// The sparse vector built from `forEachFeature`, one closure call per feature: the
    /// reference for `vector`.
    func referenceVector(skeleton: UnsafeBufferPointer<UInt8>, shape: Shape) -> SparseVector {
        var hashes: [[UInt64]] = Array(repeating: [], count: Kind.allCases.count)
        forEachFeature(skeleton: skeleton, shape: shape) { kind, hash, _, _ in hashes[kind.rawValue].append(hash) }
        return vector(hashes)
    }

    /// The features of a comment with their names, in the order they are emitted, each name
    /// once (for explanations and tests).
    public func named(skeleton: UnsafeBufferPointer<UInt8>, shape: Shape) -> [Named] {
        var seen = Set<UInt64>()
        var named: [Named] = []
        forEachFeature(skeleton: skeleton, shape: shape) { kind, hash, name, range in
            if seen.insert(hash).inserted {
                named.append(Named(kind: kind, name: name(), hash: hash, skeletonRange: range))
            } else if let k = named.firstIndex(where: { $0.hash == hash }), named[k].skeletonRange != range {
                named[k].skeletonRange = nil  // more than one place
            }
        }
        return named
    }

    /// The bucket of a feature hash.
    @inline(__always)
    public func bucket(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> UInt64(64 - bits)) }

    /// The value each feature of `kind` gets in a comment with `count` distinct ones of it.
    @inline(__always)
    public static func value(distinct count: Int) -> Double { count == 0 ? 0 : 1.0 / Double(count).squareRoot() }

    private func vector(_ hashes: [[UInt64]]) -> SparseVector {
        var entries: [(bucket: Int, value: Double)] = []
        for kindHashes in hashes {
            var distinct = kindHashes
            distinct.sort()
            var unique = 0
            for k in distinct.indices where k == 0 || distinct[k] != distinct[k - 1] {
                distinct[unique] = distinct[k]
                unique += 1
            }
            let value = Self.value(distinct: unique)
            for hash in distinct[..<unique] { entries.append((bucket(hash), value)) }
        }
        entries.sort { $0.bucket < $1.bucket }
        var vector = SparseVector()
        vector.buckets.reserveCapacity(entries.count)
        vector.values.reserveCapacity(entries.count)
        for (bucket, value) in entries {
            if let last = vector.buckets.last, last == UInt32(bucket) {
                vector.values[vector.values.count - 1] += value
            } else {
                vector.buckets.append(UInt32(bucket))
                vector.values.append(value)
            }
        }
        return vector
    }

    // MARK: Features in order

    /// Calls `emit` for every feature of the comment, in order (duplicates included): its kind,
    /// hash, a way to get its name, and the skeleton bytes it comes from.
    func forEachFeature(
        skeleton: UnsafeBufferPointer<UInt8>, shape: Shape,
        _ emit: (Kind, UInt64, () -> String, Range<Int>?) -> Void
    ) {
        let words = SkeletonWords(skeleton)
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: skeleton[range]), as: UTF8.self)
        }
        for w in 0..<words.count where uses(.word) {
            var h = FNV.start(Kind.word.prefix)
            h = FNV.add(skeleton, words.bytes(w), to: h)
            emit(.word, FNV.finish(h), { text(words.bytes(w)) }, words.bytes(w))
        }
        if words.count > 1 && uses(.bigram) {
            for k in 0..<(words.count - 1) {
                var h = FNV.start(Kind.bigram.prefix)
                h = FNV.add(skeleton, words.bytes(k), to: h)
                h = FNV.add(0x20, to: h)
                h = FNV.add(skeleton, words.bytes(k + 1), to: h)
                let range = words.bytes(k).lowerBound..<words.bytes(k + 1).upperBound
                emit(.bigram, FNV.finish(h), { text(words.bytes(k)) + " " + text(words.bytes(k + 1)) }, range)
            }
        }
        for w in 0..<words.count where uses(.chars) {
            // The padded word as scalars: `<`, the word's scalars, `>`.
            let scalars = words.scalarCount(w)
            let count = scalars + 2
            // Bytes of padded scalar i: 0 is `<`, 1...n the word's, n+1 is `>`.
            func bytes(ofPadded i: Int) -> Range<Int>? {
                guard i >= 1 && i <= scalars else { return nil }
                return words.bytes(w, scalars: (i - 1)..<i)
            }
            for n in 3...5 where count >= n {
                for i in 0...(count - n) {
                    var h = FNV.start(Kind.chars.prefix)
                    for p in i..<(i + n) {
                        if let range = bytes(ofPadded: p) {
                            h = FNV.add(skeleton, range, to: h)
                        } else {
                            h = FNV.add(p == 0 ? 0x3C : 0x3E, to: h)
                        }
                    }
                    let first = bytes(ofPadded: i) ?? bytes(ofPadded: i + 1)
                    let last = bytes(ofPadded: i + n - 1) ?? bytes(ofPadded: i + n - 2)
                    let range = first.flatMap { f in last.map { f.lowerBound..<$0.upperBound } }
                    emit(
                        .chars, FNV.finish(h),
                        {
                            (0..<n).map { p in bytes(ofPadded: i + p).map(text) ?? (i + p == 0 ? "<" : ">") }.joined()
                        }, range)
                }
            }
        }
        for name in shape.names where uses(.shape) {
            var h = FNV.start(Kind.shape.prefix)
            for byte in name.utf8 { h = FNV.add(byte, to: h) }
            emit(.shape, FNV.finish(h), { name }, nil)
        }
    }
}

/// FNV-1a 64 over bytes, finished with murmur3's 64-bit mixer: cheap, streaming (a name is
/// hashed without building it), and well spread in its top bits.
enum FNV {
    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    static func start(_ prefix: StaticString) -> UInt64 {
        var h = offset
        for k in 0..<prefix.utf8CodeUnitCount { h = add(prefix.utf8Start[k], to: h) }
        return h
    }

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

    /// The finished hash of a whole name (for tests and explanations).
    static func hash(_ name: String) -> UInt64 {
        var h = offset
        for byte in name.utf8 { h = add(byte, to: h) }
        return finish(h)
    }
}
