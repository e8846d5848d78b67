/// The words of a comment of a few words, kept exactly: what the repeat rule compares such
/// comments by, where a sketch of eight values says too little (one word of three changed leaves
/// the word sets half the same — as close as two unrelated comments may be — and one of six
/// leaves a sketch of eight values too often below any threshold that keeps unrelated comments
/// apart). Up to `capacity` distinct 11-bit word hashes (1...2,047), ascending, five to a word
/// of `parts` from bit 0 (`parts.0` alone holds a set of up to five). Two different words share
/// a value once in 2,047. A comment of more words keeps the `capacity` smallest (a bottom-k
/// sketch: one word changed or added changes at most one value on each side, while comments
/// less than half the same share few of them).
public struct SmallWordSet: Equatable, Sendable {
    /// Most words a set holds.
    public static let capacity = 15
    /// Most words of a set the repeat rule keeps in an author's recent comments (in the 48 bits
    /// a sketch has there, with `marker`).
    public static let storedCapacity = 4
    /// Bit 47, set in what the repeat rule keeps of a comment when it keeps its words (a sketch
    /// it keeps has it clear).
    public static let marker: UInt64 = 1 << 47
    /// Bits of a word's value.
    public static let bits = 11
    static let perPart = 5

    public var parts: (UInt64, UInt64, UInt64)

    /// No words.
    public static let empty = SmallWordSet(parts: (0, 0, 0))

    public init(parts: (UInt64, UInt64, UInt64)) { self.parts = parts }

    /// A set of up to five words, as `parts.0` holds it.
    public init(first: UInt64) { parts = (first, 0, 0) }

    /// The set of the words whose 64-bit hashes are `hashes` (of the `capacity` smallest
    /// values when there are more); empty when there are none.
    public init(hashes: UnsafeBufferPointer<UInt64>) {
        self = .empty
        guard !hashes.isEmpty else { return }
        // A bitmap of the 2,048 values (on the stack): marking is the dedup and the sort; the
        // set bits are then read from the lowest up. (Insertion into a sorted list cost 1,000
        // instructions a comment.)
        parts = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.bitmapWords) { bitmap in
            let words = bitmap.baseAddress!
            words.initialize(repeating: 0, count: Self.bitmapWords)
            var lowest = Self.bitmapWords, highest = 0
            for hash in hashes {
                let value = Self.value(of: hash)
                let word = Int(truncatingIfNeeded: value >> 6)
                words[word] |= 1 &<< (value & 63)
                lowest = min(lowest, word)
                highest = max(highest, word)
            }
            // Five values to a part: filled in `current`, stored when full.
            var parts: (UInt64, UInt64, UInt64) = (0, 0, 0)
            var current: UInt64 = 0, shift: UInt64 = 0, filled = 0
            var word = lowest
            while word <= highest {
                var bits = words[word]
                while bits != 0 {
                    current |= UInt64(word &<< 6 | bits.trailingZeroBitCount) &<< shift
                    bits &= bits &- 1
                    shift &+= UInt64(Self.bits)
                    if shift == UInt64(Self.bits * Self.perPart) {
                        switch filled {
                        case 0: parts.0 = current
                        case 1: parts.1 = current
                        default:
                            parts.2 = current
                            return parts
                        }
                        filled &+= 1
                        current = 0
                        shift = 0
                    }
                }
                word &+= 1
            }
            switch filled {
            case 0: parts.0 = current
            case 1: parts.1 = current
            default: parts.2 = current
            }
            return parts
        }
    }

    /// Words of the bitmap of every 11-bit value.
    private static let bitmapWords = 2_048 / 64

    /// The 11-bit value of a word hash (never 0: 0 marks an empty place).
    @inline(__always)
    public static func value(of hash: UInt64) -> UInt64 {
        let value = hash >> 53
        return value == 0 ? 1 : value
    }

    /// Value `index` (0 past the last).
    @inline(__always)
    public func value(_ index: Int) -> UInt64 {
        let part = index < Self.perPart ? parts.0 : index < 2 * Self.perPart ? parts.1 : parts.2
        return part >> UInt64(Self.bits * (index % Self.perPart)) & 0x7FF
    }

    public var isEmpty: Bool { parts.0 == 0 }

    /// How many words the set holds.
    public var count: Int {
        var count = 0
        while count < Self.capacity && value(count) != 0 { count += 1 }
        return count
    }

    /// The words' values, ascending.
    public var values: [UInt64] { (0..<count).map(value) }

    /// How many words the two sets have in common (a merge of the two ascending lists).
    public func shared(with other: SmallWordSet) -> Int {
        var shared = 0, i = 0, j = 0
        var mine = value(0), theirs = other.value(0)
        while mine != 0 && theirs != 0 {
            if mine == theirs {
                shared += 1
                i += 1
                j += 1
            } else if mine < theirs {
                i += 1
            } else {
                j += 1
            }
            mine = i < Self.capacity ? value(i) : 0
            theirs = j < Self.capacity ? other.value(j) : 0
        }
        return shared
    }

    /// How many words a comment with this set is short of the same words as one with `other`
    /// (0: the same words), when it is nearly the same: at most `allowed` words of the larger
    /// set missing from the other (words changed, added or left out), with at least two in
    /// common ("I like this song" / "I like this video": 1; "lol" / "lol nice": not near). nil
    /// otherwise. (The repeat rule also asks that the comments' whole lengths, common words
    /// included, be within `allowed` words.)
    public func wordsMissing(from other: SmallWordSet, allowed: Int) -> Int? {
        let shared = shared(with: other)
        let mine = count, theirs = other.count
        if shared == mine && shared == theirs { return 0 }
        let missing = max(mine, theirs) - shared
        return shared >= 2 && missing <= allowed ? missing : nil
    }

    public static func == (a: SmallWordSet, b: SmallWordSet) -> Bool {
        a.parts.0 == b.parts.0 && a.parts.1 == b.parts.1 && a.parts.2 == b.parts.2
    }
}
