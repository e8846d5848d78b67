/// Comparing word-set sketches (eight 6-bit MinHash values in the low 48 bits of a word): the
/// repeat rule and the flood rule's campaign index both ask how many values two sketches share.
public enum WordSetSketch {
    /// How many of the eight 6-bit values of two sketches are equal.
    @inline(__always)
    public static func matchingValues(_ a: UInt64, _ b: UInt64) -> Int {
        // A value differs when any of its six bits does: fold each value's bits onto its lowest
        // (bit 6k then holds the OR of bits 6k...6k+5), keep those eight bits, and add them up
        // with one multiply (the sum lands in bits 42...47; no partial sum carries).
        var x = (a ^ b) & 0xFFFF_FFFF_FFFF
        x |= x >> 1
        x |= x >> 2
        x |= x >> 2
        let differing = x & Self.lowestBits
        return 8 - Int(truncatingIfNeeded: (differing &* Self.lowestBits) >> 42 & 0x3F)
    }

    /// Bit 6k for each of the eight values.
    @usableFromInline static let lowestBits: UInt64 = 0x0410_4104_1041

    /// A sketch with what it was made of, in one word for the audit trail (`AuditRecord.sketch`):
    /// the eight values in bits 0...47, the number of words (at most 255) in bits 48...55, and
    /// bit 56 set for a generic comment. 0: no sketch.
    public static func pack(_ values: UInt64, words: Int, isGeneric: Bool) -> UInt64 {
        guard words > 0 else { return 0 }
        return values & 0xFFFF_FFFF_FFFF | UInt64(min(words, 255)) << 48 | (isGeneric ? 1 << 56 : 0)
    }

    /// The parts of a `pack`ed sketch.
    public static func unpack(_ packed: UInt64) -> (values: UInt64, words: Int, isGeneric: Bool) {
        (packed & 0xFFFF_FFFF_FFFF, Int(packed >> 48 & 0xFF), packed >> 56 & 1 == 1)
    }
}
