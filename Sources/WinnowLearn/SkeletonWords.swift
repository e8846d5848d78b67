/// The words of a skeleton — runs of ASCII letters and digits and of non-ASCII letters and
/// numbers — as flat arrays: each word's byte range and where each of its scalars starts. One
/// scan, shared by the feature hasher's fast path and its reference.
struct SkeletonWords {
    private var starts: [Int] = []
    private var ends: [Int] = []
    /// Index into `scalarStarts` of each word's first scalar, and one past the last word's.
    private var firstScalar: [Int] = []
    private var scalarStarts: [Int] = []

    init(_ s: UnsafeBufferPointer<UInt8>) {
        scalarStarts.reserveCapacity(s.count)
        var inWord = false
        var k = 0
        while k < s.count {
            let b = s[k]
            var length = 1
            let isWord: Bool
            if b < 0x80 {
                isWord = (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A)
            } else {
                let (scalar, n) = Self.decodeUTF8(s, at: k)
                length = n
                isWord =
                    Unicode.Scalar(scalar).map { $0.properties.isAlphabetic || $0.properties.numericType != nil }
                    ?? false
            }
            if isWord {
                if !inWord {
                    starts.append(k)
                    ends.append(k)
                    firstScalar.append(scalarStarts.count)
                    inWord = true
                }
                scalarStarts.append(k)
                ends[ends.count - 1] = k + length
            } else {
                inWord = false
            }
            k += length
        }
        firstScalar.append(scalarStarts.count)
    }

    var count: Int { starts.count }

    /// The bytes of word `w`.
    func bytes(_ w: Int) -> Range<Int> { starts[w]..<ends[w] }

    /// How many scalars word `w` has.
    func scalarCount(_ w: Int) -> Int { firstScalar[w + 1] - firstScalar[w] }

    /// The bytes of scalars `from..<to` (counted from 0) of word `w`.
    func bytes(_ w: Int, scalars range: Range<Int>) -> Range<Int> {
        let first = firstScalar[w]
        let end = range.upperBound < scalarCount(w) ? scalarStarts[first + range.upperBound] : ends[w]
        return scalarStarts[first + range.lowerBound]..<end
    }

    private static func decodeUTF8(_ s: UnsafeBufferPointer<UInt8>, at k: Int) -> (UInt32, Int) {
        let b = s[k]
        let n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        guard k + n <= s.count, n > 1 else { return (UInt32(b), 1) }
        var value = UInt32(b) & (0xFF >> UInt32(n + 1))
        for j in 1..<n { value = value << 6 | UInt32(s[k + j] & 0x3F) }
        return (value, n)
    }
}
