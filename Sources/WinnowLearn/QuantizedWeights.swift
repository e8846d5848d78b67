/// A model's weights as the scoring walk reads them: each label's weight a 16-bit integer
/// times a power of two (`scales`), so that a comment's sums are exact integers, the same on
/// every path, and two labels' weights of a bucket are one 64-bit word (`packed`): each as an
/// unsigned 32-bit lane holding the weight plus 32,768, so that one addition sums both labels.
struct QuantizedWeights: Sendable {
    /// Per label, what a unit of its integers weighs: a power of two.
    let scales: [Double]
    /// Every label's integer weight, bucket by bucket (`bucket × labels + label`).
    let integers: [Int16]
    /// For a model of one or two labels: per bucket, `(w₀ + 32768) | (w₁ + 32768) << 32`.
    let packed: [UInt64]?

    /// The bias every lane of `packed` carries per weight added.
    static let laneBias: Int64 = 32_768
    /// Most features of one kind that `packed` sums without a lane overflowing:
    /// (2^32 − 1) / 65,535.
    static let mostPackedFeatures = 65_537

    /// Whether `packed` may sum a comment of `bytes` skeleton bytes scored with grams of
    /// `gramLengths` lengths: no kind gives more than two features a byte per gram length (a
    /// gram of each length a byte and a `>` a word; words and pairs one a byte).
    static func packs(bytes: Int, gramLengths: Int) -> Bool {
        bytes <= mostPackedFeatures / (2 * max(1, gramLengths))
    }

    /// Each label's weights rounded to 16-bit integers of the smallest power of two that
    /// holds its largest weight: `(integers, scale)`, and the weights they stand for.
    static func quantize(_ weights: [Float]) -> (integers: [Int16], scale: Double, rounded: [Float]) {
        let largest = weights.reduce(0) { max($0, abs(Double($1))) }
        var scale = 1.0
        if largest > 0 {
            while largest / scale > 32_767 { scale *= 2 }
            while largest / (scale / 2) <= 32_767 && scale > 0x1p-60 { scale /= 2 }
        }
        let integers = weights.map { Int16((Double($0) / scale).rounded()) }
        return (integers, scale, integers.map { Float(Double($0) * scale) })
    }

    init(labels: [[Int16]], scales: [Double]) {
        self.scales = scales
        let size = labels.first?.count ?? 0
        var integers = [Int16](repeating: 0, count: size * labels.count)
        for (l, weights) in labels.enumerated() {
            for k in 0..<size { integers[k * labels.count + l] = weights[k] }
        }
        self.integers = integers
        if labels.count <= 2 {
            packed = (0..<size).map { k in
                var word: UInt64 = 0
                for l in 0..<2 {
                    let weight = l < labels.count ? Int64(labels[l][k]) : 0
                    word |= UInt64(weight + Self.laneBias) << UInt64(32 * l)
                }
                return word
            }
        } else {
            packed = nil
        }
    }
}
