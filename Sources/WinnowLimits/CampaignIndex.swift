/// Finds the campaign a text belongs to from its fingerprint, without locks: for each of the
/// fingerprint's four 16-bit bands, a direct-mapped word holding the representative (the
/// fingerprint of the campaign's first copy) of the latest text with that band value.
///
/// A copy within 3 bits of its representative always shares a band with it; copies within a
/// dozen bits mostly do. Unrelated texts overwrite each other's entries, so an entry lives
/// about 65,536 texts; a campaign keeps its entries alive as long as copies keep coming. Four
/// loads per lookup from 2 MiB that stay in cache: this is what makes the flood rule cheap.
public final class CampaignIndex: Sendable {
    private let words = AtomicWords(count: 4 * 65_536)

    public init() {}

    /// The representative of the campaign `fingerprint` belongs to, if one is within
    /// `maxDistance` bits.
    @inline(__always)
    public func representative(of fingerprint: UInt64, maxDistance: Int) -> UInt64? {
        for band in 0..<4 {
            let candidate = words.load(Self.index(band, fingerprint))
            if candidate != 0 && (candidate ^ fingerprint).nonzeroBitCount <= maxDistance { return candidate }
        }
        return nil
    }

    /// Points `fingerprint`'s bands at `representative`.
    @inline(__always)
    public func register(_ fingerprint: UInt64, representative: UInt64) {
        for band in 0..<4 { words.store(Self.index(band, fingerprint), representative) }
    }

    @inline(__always)
    private static func index(_ band: Int, _ fingerprint: UInt64) -> Int {
        band << 16 | Int(fingerprint >> (16 * UInt64(band)) & 0xFFFF)
    }
}
