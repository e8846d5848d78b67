/// A 64-bit hash of bytes that is the same on every run and machine, so that which authors
/// share a bucket (and so which one is evicted first) does not vary between replays.
///
/// Eight bytes at a time, multiplied and folded (the mixing of wyhash); short keys such as
/// author names cost a few multiplications.
public enum StableHash {
    private static let p0: UInt64 = 0xa076_1d64_78bd_642f
    private static let p1: UInt64 = 0xe703_7ed1_a0b4_28db

    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var h = seed ^ p0 ^ UInt64(truncatingIfNeeded: bytes.count)
        var k = 0
        let n = bytes.count
        while k + 8 <= n {
            h = mix(h ^ bytes.loadUnaligned(fromByteOffset: k, as: UInt64.self), p1)
            k += 8
        }
        if k < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while k < n {
                tail |= UInt64(bytes[k]) << shift
                shift += 8
                k += 1
            }
            h = mix(h ^ tail, p1)
        }
        return mix(h, p0 ^ 0x8ebc_6af0_9c88_c6e3)
    }

    public static func hash(_ string: String, seed: UInt64 = 0) -> UInt64 {
        var string = string
        return string.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
    }

    /// Two hashes into one (an author within a channel).
    public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 { mix(a ^ p0, b ^ p1) }

    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }
}
