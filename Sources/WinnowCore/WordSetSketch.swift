/// Comparing word-set sketches (eight 6-bit MinHash values in the low 48 bits of a word): the
/// repeat rule and the flood rule's campaign index both ask how many values two sketches share.
public enum WordSetSketch {
    /// How many of the eight 6-bit values of two sketches are equal.
    @inline(__always)
    public static func matchingValues(_ a: UInt64, _ b: UInt64) -> Int {
        var x = a ^ b
        var equal = 0
        for _ in 0..<8 {
            if x & 0x3F == 0 { equal += 1 }
            x >>= 6
        }
        return equal
    }
}
