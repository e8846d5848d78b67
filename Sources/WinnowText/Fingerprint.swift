import WinnowCore

/// A similarity sketch of a comment, for telling near-duplicates apart from different texts:
/// a b-bit MinHash of its set of words. Eight 6-bit values, each from the smallest of the
/// words' hashes under one of eight hash functions; two comments agree on each value with a
/// probability close to the Jaccard similarity of their word sets, so one changed word of four
/// still leaves about 5 of 8 equal, while different texts share about 0.1 by chance. The repeat
/// rule compares sketches; the flood rule finds copies by looking up bands of three values.
///
/// Computed from the skeleton view, so case, look-alike letters, leetspeak and stretched
/// letters do not count; digits, punctuation, emoji and `@mentions` are left out too, so that
/// a spammer cannot make copies look new by adding them.
///
/// A sketch cannot tell a short comment with one word changed from a different one (one word of
/// three changed leaves the sets half the same, as two unrelated comments may be): a comment
/// also keeps its words themselves (`wordValues`), for an exact comparison.
public struct Fingerprint: Equatable, Sendable {
    /// The sketch's values (bits 0...47), the words (48...55), the generic bit (56) and all
    /// the words (57...63), in one word.
    private let bits: UInt64
    /// All the comment's words, common ones included (`SmallWordSet`: of a comment of more than
    /// `SmallWordSet.capacity` distinct words, the smallest values).
    public let wordValues: SmallWordSet

    /// The comment has fewer than two words that are not common (`CommonWords`): the sketch is
    /// then of all its words, and it tells little apart — a repeat needs the same words, and it
    /// cannot be a flood campaign.
    public var isGeneric: Bool { bits >> 56 & 1 == 1 }

    /// Eight 6-bit MinHash values in the low 48 bits (0 for a comment without words).
    public var wordSet: UInt64 { bits & 0xFFFF_FFFF_FFFF }

    /// Words that went into the sketch (at most `maxWords`): the uncommon ones, or all of them
    /// for a generic comment.
    public var words: Int { Int(bits >> 48 & 0xFF) }

    /// All the comment's words, common ones included (at most `maxWords`).
    public var allWords: Int { Int(bits >> 57) }

    public init(
        words: Int, wordSet: UInt64, isGeneric: Bool = false, allWords: Int = 0, wordValues: SmallWordSet = .empty
    ) {
        bits =
            wordSet & 0xFFFF_FFFF_FFFF | UInt64(min(max(words, 0), 255)) << 48 | (isGeneric ? 1 << 56 : 0)
            | UInt64(min(max(allWords, 0), 127)) << 57
        self.wordValues = wordValues
    }

    /// The sketch, word counts and generic bit in one word, as another instance is told of a
    /// campaign's copy (`init(packed:)`; the word values are not part of it).
    public var packed: UInt64 { bits }

    public init(packed: UInt64) {
        bits = packed
        wordValues = .empty
    }

    /// Odd multipliers: eight hash functions from one word hash (multiply, keep the high bits).
    private static let multipliers: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
        0x9e37_79b9_7f4a_7c15, 0xbf58_476d_1ce4_e5b9, 0x94d0_49bb_1331_11eb, 0xd6e8_feb8_6659_fd93,
        0xa076_1d64_78bd_642f, 0xe703_7ed1_a0b4_28db, 0x8ebc_6af0_9c88_c6e3, 0x5899_65cc_7537_4cc3
    )

    /// Longer comments are sketched from their first `maxWords` words.
    public static let maxWords = 64

    public init(_ view: TextView) {
        self = view.withBytes(Fingerprint.init(bytes:))
    }

    /// The sketch of a view's bytes (`view.withBytes(Fingerprint.init(bytes:))` reads a view in
    /// place, where passing it would copy it: four array retains and releases).
    public init(bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n >= 8 && n <= 64 * Self.bitmapWords else {
            self = Self.sketch(bytes)
            return
        }
        // Most skeletons are plain ASCII: their words found with bit masks. Two bitmaps on the
        // stack: letters, and `@`s (each with room for two words past the last full one: the
        // last bytes', and a zero word).
        let stride = Self.bitmapWords + 2
        self = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * stride) { bitmaps in
            let letters = bitmaps.baseAddress!
            guard Self.markLetters(bytes, in: letters, mentions: letters + stride) else {
                return Self.sketch(bytes)
            }
            return Self.sketch(bytes, letters: letters)
        }
    }

    /// `sketch(_:)`'s word scan alone, for tests: the reference the bit-mask path must agree with.
    static func sketchByScanning(_ bytes: UnsafeBufferPointer<UInt8>) -> Fingerprint { sketch(bytes) }

    /// The hashes of the words of a skeleton, as the sketch hashes them (for `CommonWords`).
    static func wordHashes(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt64] {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.maxWords) { hashes in
            Array(hashes[..<scanWords(bytes, into: hashes.baseAddress!)])
        }
    }

    /// The sketch of a view's bytes, read a character at a time (any UTF-8).
    private static func sketch(_ bytes: UnsafeBufferPointer<UInt8>) -> Fingerprint {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.maxWords) { hashes in
            let words = scanWords(bytes, into: hashes.baseAddress!)
            return finish(UnsafeMutableBufferPointer(rebasing: hashes[..<words]))
        }
    }

    /// The sketch of the words whose hashes are `hashes`: of the uncommon ones when there are
    /// two or more, else of all (a generic comment). Reorders `hashes`.
    private static func finish(_ hashes: UnsafeMutableBufferPointer<UInt64>) -> Fingerprint {
        // The uncommon words first.
        var uncommon = 0
        for k in hashes.indices where !CommonWords.contains(hashes[k]) {
            hashes.swapAt(k, uncommon)
            uncommon &+= 1
        }
        let generic = uncommon < 2
        let chosen = UnsafeBufferPointer(rebasing: hashes[..<(generic ? hashes.count : uncommon)])
        return Fingerprint(
            words: chosen.count, minima: minima(of: chosen), isGeneric: generic, allWords: hashes.count,
            wordValues: SmallWordSet(hashes: UnsafeBufferPointer(hashes)))
    }

    /// The hashes (`mix(hashBytes(word))`) of the first `maxWords` words of `bytes`, read a
    /// character at a time (any UTF-8); returns how many. A function of its own, not a closure:
    /// its counters then stay in registers.
    private static func scanWords(_ bytes: UnsafeBufferPointer<UInt8>, into hashes: UnsafeMutablePointer<UInt64>) -> Int
    {
        var words = 0
        let raw = UnsafeRawBufferPointer(bytes)
        var k = 0
        let n = bytes.count
        while k < n && words < Self.maxWords {
            // Skip to the next word; a word starting with `@` is a mention, left out.
            let c = bytes[k]
            if c == UInt8(ascii: "@") {
                // The whole handle, digits included (the skeleton may have turned some of
                // them into letters): up to white space or punctuation that ends a name.
                k += 1
                while k < n && !Self.endsHandle(bytes[k]) { k += 1 }
                continue
            }
            guard Self.isWordByte(c) else {
                k += UTF8Scalars.length(lead: c)
                continue
            }
            // The word: ASCII letters and non-ASCII letters, up to anything else.
            let wordStart = k
            while k < n {
                // Eight ASCII letters at a time.
                if k + 8 <= n {
                    let letters = ByteMasks.asciiLetters(raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))
                    if letters == 0x8080_8080_8080_8080 {
                        k += 8
                        continue
                    }
                    k += (~letters & 0x8080_8080_8080_8080).trailingZeroBitCount / 8
                }
                guard k < n else { break }
                let b = bytes[k]
                if b < 0x80 {
                    guard (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") else { break }
                    k += 1
                } else {
                    guard b < 0xF0, Self.isLetterSequence(bytes, at: k) else { break }
                    k += min(UTF8Scalars.length(lead: b), n - k)
                }
            }
            guard k > wordStart else {
                k += 1
                continue
            }
            hashes[words] = Self.mix(Self.hashBytes(bytes, wordStart..<k))
            words += 1
        }
        return words
    }

    /// The sketch of `words` words from the minima of their hashes: six middle bits of each
    /// minimum (the top bits of a minimum are mostly zeros, and the middle bits of a product are
    /// well mixed).
    @inline(__always)
    private init(
        words: Int, minima: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64), isGeneric: Bool,
        allWords: Int, wordValues: SmallWordSet
    ) {
        @inline(__always) func six(_ value: UInt64, _ i: UInt64) -> UInt64 { (value >> 26 & 0x3F) << (6 * i) }
        let wordSet =
            words == 0
            ? 0
            : six(minima.0, 0) | six(minima.1, 1) | six(minima.2, 2) | six(minima.3, 3)
                | six(minima.4, 4) | six(minima.5, 5) | six(minima.6, 6) | six(minima.7, 7)
        self.init(words: words, wordSet: wordSet, isGeneric: isGeneric, allWords: allWords, wordValues: wordValues)
    }

    // MARK: - Plain ASCII, by bit masks

    /// Longest skeleton sketched by bit masks: 16 words of 64 bits (longer ones are scanned).
    private static let bitmapWords = 16

    /// Pass 1: one bit per byte for the letters of an ASCII `bytes` (8 to 1,024 of them), and
    /// one per `@`, 64 bytes to a word, with a zero word after the last; then the letters of
    /// every `@handle` cleared (as `sketch(_:)` skips them). False when a byte is not ASCII.
    private static func markLetters(
        _ bytes: UnsafeBufferPointer<UInt8>, in letters: UnsafeMutablePointer<UInt64>,
        mentions: UnsafeMutablePointer<UInt64>
    ) -> Bool {
        let n = bytes.count
        let raw = UnsafeRawBufferPointer(bytes)
        var high: UInt64 = 0, anyAt: UInt64 = 0
        var k = 0, index = 0
        var letterBits: UInt64 = 0, atBits: UInt64 = 0
        @inline(__always) func add(_ w: UInt64, at k: Int) {
            high |= w
            let at = ByteMasks.zeroBytes(w ^ ByteMasks.repeated(0x40))
            anyAt |= at
            letterBits |= ByteMasks.packed(ByteMasks.asciiLetters(w)) &<< UInt64(k & 63)
            atBits |= ByteMasks.packed(at) &<< UInt64(k & 63)
        }
        while k &+ 8 <= n {
            add(raw.loadUnaligned(fromByteOffset: k, as: UInt64.self), at: k)
            k &+= 8
            if k & 63 == 0 {
                letters[index] = letterBits
                mentions[index] = atBits
                index &+= 1
                letterBits = 0
                atBits = 0
            }
        }
        if k < n {
            // The last bytes: the text's last eight, shifted to drop those read already (the
            // zeros shifted in are neither letters nor `@`).
            add(raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) &>> UInt64(8 &* (8 &- (n &- k))), at: k)
        }
        letters[index] = letterBits
        mentions[index] = atBits
        letters[index &+ 1] = 0
        guard high & ByteMasks.highBits == 0 else { return false }
        guard anyAt != 0 else { return true }
        // From each `@` to the end of its handle, nothing counts (a handle ends at the next `@`).
        for index in 0...((n &- 1) &>> 6) {
            var at = mentions[index]
            while at != 0 {
                let p = index &<< 6 | at.trailingZeroBitCount
                at &= at &- 1
                var end = p &+ 1
                while end < n && !endsHandle(bytes[end]) { end &+= 1 }
                var q = p &+ 1
                while q < end {
                    let bit = q & 63
                    let count = min(64 &- bit, end &- q)
                    let ones: UInt64 = count == 64 ? ~0 : ((1 &<< UInt64(count)) &- 1) &<< UInt64(bit)
                    letters[q &>> 6] &= ~ones
                    q &+= count
                }
            }
        }
        return true
    }

    /// Pass 2: each run of letter bits is a word, hashed as `sketch(_:)` hashes it; then the
    /// minima of the hashes under the eight hash functions. (Two steps, the minima four at a
    /// time: done word by word, the eight minima and the scan's values did not fit in the
    /// registers.)
    private static func sketch(_ bytes: UnsafeBufferPointer<UInt8>, letters: UnsafeMutablePointer<UInt64>)
        -> Fingerprint
    {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.maxWords) { hashes in
            let words = wordHashes(bytes, letters: letters, into: hashes.baseAddress!)
            return finish(UnsafeMutableBufferPointer(rebasing: hashes[..<words]))
        }
    }

    /// The hashes (`mix(hashBytes(word))`) of the first `maxWords` words marked in `letters`;
    /// returns how many.
    private static func wordHashes(
        _ bytes: UnsafeBufferPointer<UInt8>, letters: UnsafeMutablePointer<UInt64>,
        into hashes: UnsafeMutablePointer<UInt64>
    ) -> Int {
        let lastIndex = (bytes.count &- 1) &>> 6
        var words = 0
        var index = 0
        var current = letters[0]
        while words < Self.maxWords {
            while current == 0 && index < lastIndex {
                index &+= 1
                current = letters[index]
            }
            guard current != 0 else { break }
            let startBit = current.trailingZeroBitCount
            let start = index &<< 6 | startBit
            // The word's end: the first clear bit from its start on (a zero word follows the last).
            var rest = ~current &>> UInt64(truncatingIfNeeded: startBit)
            let end: Int
            if rest != 0 {
                end = start &+ rest.trailingZeroBitCount
            } else {
                repeat {
                    index &+= 1
                    rest = ~letters[index]
                } while rest == 0
                end = index &<< 6 | rest.trailingZeroBitCount
            }
            current = letters[index] & (~0 &<< UInt64(truncatingIfNeeded: end & 63))
            hashes[words] = mix(hashBytes(bytes, start..<end))
            words &+= 1
        }
        return words
    }

    /// The minima of `hashes` under the eight hash functions (`hash &* multipliers.i`), four at
    /// a time: the four minima, their multipliers and the loop's values all stay in registers.
    @inline(__always)
    private static func minima(of hashes: UnsafeBufferPointer<UInt64>) -> (
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
    ) {
        let m = Self.multipliers
        let a = minima(of: hashes, (m.0, m.1, m.2, m.3))
        let b = minima(of: hashes, (m.4, m.5, m.6, m.7))
        return (a.0, a.1, a.2, a.3, b.0, b.1, b.2, b.3)
    }

    @inline(__always)
    private static func minima(
        of hashes: UnsafeBufferPointer<UInt64>, _ m: (UInt64, UInt64, UInt64, UInt64)
    ) -> (UInt64, UInt64, UInt64, UInt64) {
        var least = (UInt64.max, UInt64.max, UInt64.max, UInt64.max)
        for word in hashes {
            least.0 = min(least.0, word &* m.0)
            least.1 = min(least.1, word &* m.1)
            least.2 = min(least.2, word &* m.2)
            least.3 = min(least.3, word &* m.3)
        }
        return least
    }

    // MARK: -

    @inline(__always)
    private static func endsHandle(_ c: UInt8) -> Bool {
        switch c {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "!"),
            UInt8(ascii: "?"), UInt8(ascii: ")"), UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }

    /// ASCII letters, and the lead and continuation bytes of non-ASCII characters (checked
    /// further by `isLetterSequence`).
    @inline(__always)
    private static func isWordByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c >= 0x80
    }

    /// Whether the non-ASCII character at `k` is a letter (most of U+0080–U+1FFF and the CJK
    /// blocks) rather than punctuation, a symbol or an emoji (U+2000–U+2BFF, four-byte sequences).
    @inline(__always)
    private static func isLetterSequence(_ bytes: UnsafeBufferPointer<UInt8>, at k: Int) -> Bool {
        let lead = bytes[k]
        if lead < 0xC2 { return false }  // a stray continuation byte
        if lead < 0xE0 { return true }
        if lead == 0xE2 { return false }  // U+2000–U+2FFF: punctuation, symbols, arrows, dingbats
        // Variation selectors, BOM, half-width forms.
        if lead == 0xEF, k + 1 < bytes.count, bytes[k + 1] >= 0xB8 { return false }
        return lead < 0xF0
    }

    /// The bytes of one word, eight at a time.
    @inline(__always)
    private static func hashBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        // Wrapping arithmetic and masking shifts throughout (the bounds make them exact): the
        // checked forms cost a branch each, per word.
        let raw = UnsafeRawBufferPointer(bytes)
        let n = bytes.count
        var h: UInt64 = 0x9e37_79b9 &* UInt64(truncatingIfNeeded: range.count &+ 1)
        var k = range.lowerBound
        while k &+ 8 <= range.upperBound {
            h = mix(h ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)))
            k &+= 8
        }
        let left = range.upperBound &- k
        guard left > 0 else { return h }
        let tail: UInt64
        if k &+ 8 <= n {
            // One load past the word (little-endian: the first byte lowest).
            tail = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))
        } else if n >= 8 {
            // At the end of the text: its last eight bytes, shifted to drop those before the word's.
            tail =
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self))
                &>> UInt64(truncatingIfNeeded: 8 &* (k &+ 8 &- n))
        } else {
            var bytesLeft: UInt64 = 0
            var shift: UInt64 = 0
            while k < range.upperBound {
                bytesLeft |= UInt64(bytes[k]) &<< shift
                shift &+= 8
                k &+= 1
            }
            tail = bytesLeft
        }
        // Masked to the word's bytes.
        return h ^ (tail & (UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- 8 &* left)))
    }

    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
