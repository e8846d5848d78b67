/// A small seeded random generator (SplitMix): the same stream on every run and machine, for
/// property and differential tests.
public struct SplitMix: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A random string of fewer than `maxLength` characters drawn from `alphabet`.
    public mutating func text(from alphabet: [Character], maxLength: Int) -> String {
        let length = Int(next() % UInt64(maxLength))
        return String((0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
    }
}
