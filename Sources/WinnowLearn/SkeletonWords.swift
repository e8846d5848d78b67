/// The words of a skeleton as byte ranges: runs of letters and digits — ASCII ones, and
/// characters of the alphabets and syllabaries that stay non-ASCII in a skeleton (Greek,
/// Cyrillic, Arabic, Indic, CJK…). Emoji, symbols and punctuation (U+0080–U+00BF,
/// U+2000–U+2FFF, U+F000 and up) separate words. The plain reference, decoding each character;
/// the walk reads the same classes from the first byte of each character (`WordBytes`).
struct SkeletonWords {
    private var starts: [Int] = []
    private var ends: [Int] = []

    init(_ s: UnsafeBufferPointer<UInt8>) {
        var inWord = false
        var k = 0
        while k < s.count {
            let (scalar, length) = Self.decodeUTF8(s, at: k)
            if Self.isWordCharacter(scalar) {
                if !inWord {
                    starts.append(k)
                    ends.append(k)
                    inWord = true
                }
                ends[ends.count - 1] = k + length
            } else {
                inWord = false
            }
            k += length
        }
    }

    var count: Int { starts.count }

    /// The bytes of word `w`.
    func bytes(_ w: Int) -> Range<Int> { starts[w]..<ends[w] }

    /// Whether a character belongs to words.
    static func isWordCharacter(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0..<0xC0: false
        case 0xC0..<0x2000: true
        case 0x2000..<0x3000: false
        case 0x3000..<0xF000: true
        default: false
        }
    }

    static func decodeUTF8(_ s: UnsafeBufferPointer<UInt8>, at k: Int) -> (UInt32, Int) {
        let b = s[k]
        let n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        guard k + n <= s.count, n > 1 else { return (UInt32(b), 1) }
        var value = UInt32(b) & (0xFF >> UInt32(n + 1))
        for j in 1..<n { value = value << 6 | UInt32(s[k + j] & 0x3F) }
        return (value, n)
    }
}
