/// Eight bytes at a time in one 64-bit word: the masks the text scans (`TextStats`,
/// `Fingerprint`) share. A mask holds 0x80 in each byte it flags and 0 in the others.
enum ByteMasks {
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// `byte` in each of the eight bytes.
    @inline(__always)
    static func repeated(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// The bytes of `w` that are zero (exact: no borrow between bytes).
    @inline(__always)
    static func zeroBytes(_ w: UInt64) -> UInt64 {
        ~(((w & repeated(0x7F)) &+ repeated(0x7F)) | w) & highBits
    }

    /// The bytes of `w` that are ASCII letters, either case.
    @inline(__always)
    static func asciiLetters(_ w: UInt64) -> UInt64 {
        let lower = (w | repeated(0x20)) & repeated(0x7F)
        let atLeastA = lower &+ repeated(0x1F)  // high bit set from 0x61 up
        let pastZ = lower &+ repeated(0x05)  // high bit set from 0x7B up
        return atLeastA & ~pastZ & ~w & highBits
    }

    /// A mask's eight flags as eight bits, byte i at bit i.
    @inline(__always)
    static func packed(_ mask: UInt64) -> UInt64 { ((mask &>> 7) &* 0x0102_0408_1020_4080) &>> 56 }
}
