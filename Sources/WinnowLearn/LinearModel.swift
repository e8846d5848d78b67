import Foundation

/// A trained classifier: for each label (`spam`, `toxic`), a logistic-regression weight per
/// feature bucket and a bias, with what it was trained on and how it scored on held-back data.
/// Scores are probabilities: `sigmoid(bias + Σ weight[bucket] × value)`.
///
/// The file: the 8 bytes `WNWMODL1`, a 4-byte little-endian length, a JSON header of that many
/// bytes (format, feature settings, labels with their training summary and evaluation; keys
/// sorted), then per label, in header order, the bias as a little-endian Float64 and
/// `1 << bits` weights as little-endian Float32. The same training gives the same bytes.
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
    public static let formatVersion = 1

    public var hasher: FeatureHasher
    public var labels: [Label]

    public init(hasher: FeatureHasher, labels: [Label]) {
        self.hasher = hasher
        self.labels = labels
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
                "kinds": hasher.kinds.map(\.summary),
                "values": "binary, L2-normalized per kind",
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
        for label in labels {
            var bias = label.bias.bitPattern.littleEndian
            withUnsafeBytes(of: &bias) { bytes += $0 }
            bytes.reserveCapacity(bytes.count + 4 * label.weights.count)
            for weight in label.weights {
                var bits = weight.bitPattern.littleEndian
                withUnsafeBytes(of: &bits) { bytes += $0 }
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
        guard bytes.count == 12 + length + labelEntries.count * (8 + 4 * size) else {
            throw FileError(
                "the model file is \(bytes.count) bytes; its header says \(12 + length + labelEntries.count * (8 + 4 * size))"
            )
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
            offset += 8
            var weights = [Float](repeating: 0, count: size)
            for k in 0..<size { weights[k] = Float(bitPattern: UInt32(truncatingIfNeeded: word(offset + 4 * k, 4))) }
            offset += 4 * size
            guard bias.isFinite, weights.allSatisfy(\.isFinite) else {
                throw FileError("label \(name) holds a weight that is not a number")
            }
            var summary: [String: JSONValueBox] = [:]
            for (key, value) in entry where key != "name" { summary[key] = JSONValueBox(value) }
            labels.append(Label(name: name, bias: bias, weights: weights, summary: summary))
        }
        self.init(hasher: FeatureHasher(bits: bits, kinds: kinds), labels: labels)
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
