import Foundation

/// A trained classifier: for each label (`spam`, `toxic`), a logistic-regression weight per
/// feature bucket and a bias, with what it was trained on and how it scored on held-back data.
/// Scores are probabilities: `sigmoid(bias + Σ weight[bucket] × value)`.
///
/// The file: the 8 bytes `WNWMODL1`, a 4-byte little-endian length, a JSON header of that many
/// bytes (format, feature settings, labels with their training summary and evaluation; keys
/// sorted), then per label, in header order, the bias and the weights' scale (a power of two)
/// as little-endian Float64, and `1 << bits` weights as little-endian Int16 in units of the
/// scale. The same training gives the same bytes.
public struct LinearModel: Sendable {
    public struct Label: Sendable {
        public var name: String
        public var bias: Double
        public var weights: [Float]
        /// What it was trained on and how it scored (JSON-compatible values).
        public var summary: [String: JSONValueBox]

        public init(name: String, bias: Double, weights: [Float], summary: [String: JSONValueBox] = [:]) {
            self.name = name
            self.bias = bias
            self.weights = weights
            self.summary = summary
        }
    }

    public static let magic = Array("WNWMODL1".utf8)
    /// 2: features counted per occurrence, byte grams, words by `WordBytes` (format 1 models,
    /// binary values of scalar grams, are refused: retrain them).
    public static let formatVersion = 2

    public let hasher: FeatureHasher
    /// The labels, their weights rounded as `weights` holds them.
    public let labels: [Label]
    let weights: QuantizedWeights

    /// A model of `labels`, each label's weights rounded to 16-bit integers of a power of two
    /// (`QuantizedWeights`): what `labels` then holds, and what scores and files use.
    public init(hasher: FeatureHasher, labels: [Label]) {
        self.hasher = hasher
        let size = 1 << hasher.bits
        precondition(labels.allSatisfy { $0.weights.count == size }, "a label's weights are not 2^bits")
        var rounded: [Label] = []
        var integers: [[Int16]] = [], scales: [Double] = []
        for label in labels {
            let (q, scale, weights) = QuantizedWeights.quantize(label.weights)
            var label = label
            label.weights = weights
            rounded.append(label)
            integers.append(q)
            scales.append(scale)
        }
        self.labels = rounded
        weights = QuantizedWeights(labels: integers, scales: scales)
    }

    /// The probability that a comment with `vector` has label `index`.
    @inline(__always)
    public func score(_ vector: SparseVector, label index: Int) -> Double {
        Self.sigmoid(margin(vector, label: index))
    }

    @inline(__always)
    public func margin(_ vector: SparseVector, label index: Int) -> Double {
        labels[index].weights.withUnsafeBufferPointer { weights in
            var margin = labels[index].bias
            for k in 0..<vector.count { margin += Double(weights[Int(vector.buckets[k])]) * vector.values[k] }
            return margin
        }
    }

    @inline(__always)
    public static func sigmoid(_ s: Double) -> Double {
        if s >= 0 { return 1 / (1 + exp(-s)) }
        let e = exp(s)
        return e / (1 + e)
    }

    public func labelIndex(_ name: String) -> Int? { labels.firstIndex { $0.name == name } }

    // MARK: File

    /// Why a model file could not be read.
    public struct FileError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    public func fileBytes() -> [UInt8] {
        let header: [String: Any] = [
            "format": Self.formatVersion,
            "features": [
                "bits": hasher.bits, "view": "skeleton",
                "kinds": hasher.kinds.map { $0 == .chars ? hasher.gramSummary : $0.summary },
                "grams": [hasher.gramLengths.lowerBound, hasher.gramLengths.upperBound],
                "values": "counts, each kind divided by the square root of its occurrences",
            ],
            "labels": labels.map { label -> [String: Any] in
                var entry: [String: Any] = ["name": label.name]
                for (key, value) in label.summary { entry[key] = value.value }
                return entry
            },
        ]
        let json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data()
        var bytes = Self.magic
        var length = UInt32(json.count).littleEndian
        withUnsafeBytes(of: &length) { bytes += $0 }
        bytes += json
        let size = 1 << hasher.bits
        for (l, label) in labels.enumerated() {
            var bias = label.bias.bitPattern.littleEndian
            withUnsafeBytes(of: &bias) { bytes += $0 }
            var scale = weights.scales[l].bitPattern.littleEndian
            withUnsafeBytes(of: &scale) { bytes += $0 }
            bytes.reserveCapacity(bytes.count + 2 * size)
            for k in 0..<size {
                let integer = UInt16(bitPattern: weights.integers[k * labels.count + l])
                bytes.append(UInt8(truncatingIfNeeded: integer))
                bytes.append(UInt8(truncatingIfNeeded: integer >> 8))
            }
        }
        return bytes
    }

    public init(fileBytes bytes: [UInt8]) throws(FileError) {
        guard bytes.count >= 12, Array(bytes[0..<8]) == Self.magic else {
            throw FileError("not a Winnow model file (it does not start with WNWMODL1)")
        }
        let length = Int(UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24)
        guard 12 + length <= bytes.count,
            let header = try? JSONSerialization.jsonObject(with: Data(bytes[12..<(12 + length)])) as? [String: Any]
        else { throw FileError("the model file's header is damaged") }
        guard let format = header["format"] as? Int, format == Self.formatVersion else {
            throw FileError(
                "model file format \(header["format"] ?? "?") is not \(Self.formatVersion), the one this Winnow reads")
        }
        guard let features = header["features"] as? [String: Any], let bits = features["bits"] as? Int,
            (8...24).contains(bits),
            let labelEntries = header["labels"] as? [[String: Any]], !labelEntries.isEmpty
        else { throw FileError("the model file's header lacks its feature settings or labels") }
        // Kinds by their letter (`c: character…`); a header without them has all four.
        var kinds = FeatureHasher.Kind.allCases
        if let named = features["kinds"] as? [String] {
            kinds = []
            for summary in named {
                guard let kind = FeatureHasher.Kind(letter: String(summary.prefix { $0 != ":" })) else {
                    throw FileError("the model file names an unknown kind of feature '\(summary)'")
                }
                kinds.append(kind)
            }
        }
        let size = 1 << bits
        let expected = 12 + length + labelEntries.count * (16 + 2 * size)
        guard bytes.count == expected else {
            throw FileError("the model file is \(bytes.count) bytes; its header says \(expected)")
        }
        var offset = 12 + length
        var labels: [Label] = []
        func word(_ at: Int, _ count: Int) -> UInt64 {
            var value: UInt64 = 0
            for k in 0..<count { value |= UInt64(bytes[at + k]) << UInt64(8 * k) }
            return value
        }
        for entry in labelEntries {
            guard let name = entry["name"] as? String, !name.isEmpty else {
                throw FileError("a label of the model file has no name")
            }
            let bias = Double(bitPattern: word(offset, 8))
            let scale = Double(bitPattern: word(offset + 8, 8))
            offset += 16
            guard bias.isFinite, scale > 0, scale.isFinite, scale.significandBitPattern == 0 else {
                throw FileError("label \(name) holds a bias or scale that is not a number or a power of two")
            }
            var weights = [Float](repeating: 0, count: size)
            for k in 0..<size {
                weights[k] = Float(
                    Double(Int16(bitPattern: UInt16(truncatingIfNeeded: word(offset + 2 * k, 2)))) * scale)
            }
            offset += 2 * size
            var summary: [String: JSONValueBox] = [:]
            for (key, value) in entry where key != "name" { summary[key] = JSONValueBox(value) }
            labels.append(Label(name: name, bias: bias, weights: weights, summary: summary))
        }
        // Gram lengths as `[shortest, longest]` (a header without them: 3 to 5).
        var gramLengths = 3...5
        if let grams = features["grams"] {
            guard let pair = grams as? [Int], pair.count == 2, pair[0] <= pair[1],
                FeatureHasher.gramLengthLimits.contains(pair[0]), FeatureHasher.gramLengthLimits.contains(pair[1])
            else { throw FileError("the model file's gram lengths \(grams) are not two lengths from 2 to 6") }
            gramLengths = pair[0]...pair[1]
        }
        self.init(hasher: FeatureHasher(bits: bits, kinds: kinds, gramLengths: gramLengths), labels: labels)
    }

    public init(contentsOf path: String) throws(FileError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError("cannot read the model file \(path)")
        }
        try self.init(fileBytes: [UInt8](data))
    }
}

/// A JSON value as Foundation reads and writes it, boxed to be Sendable.
public struct JSONValueBox: @unchecked Sendable {
    public let value: Any
    public init(_ value: Any) { self.value = value }
}
