extension LinearModel {
    /// A feature of a comment that pushed a label's score up, and by how much (its weight times
    /// its value, summed over its occurrences).
    public struct Contribution: Sendable, Equatable {
        public var feature: FeatureHasher.Named
        public var weight: Double
    }

    /// The `count` features of a comment that push label `index` up most, strongest first
    /// (equal weights by name, then id). A feature that occurs more than once counts each time, has no
    /// single span, and is named by its first place in the skeleton. Only the features shown
    /// are named: a comment has hundreds, and this runs only for a comment given a reason.
    public func strongest(skeleton: UnsafeBufferPointer<UInt8>, shape: Shape, label index: Int, count: Int)
        -> [Contribution]
    {
        guard count > 0 else { return [] }
        let weights = labels[index].weights
        // One entry per feature that pushes the score up: its weight summed over its
        // occurrences, its first place, whether it has another; found by id in an
        // open-addressing table of entry numbers (+1; 0 is empty).
        var features: [(id: UInt64, kind: FeatureHasher.Kind, weight: Double, start: Int, end: Int, single: Bool)] =
            []
        // At most a word and a pair a byte, a gram of each length a byte and a word (its `>`),
        // and five shape features: the table never fills.
        let most = skeleton.count * (2 + 2 * hasher.gramLengths.count) + 5
        features.reserveCapacity(most)
        var capacity = 64
        while capacity < 2 * most { capacity <<= 1 }
        var table = [Int32](repeating: 0, count: capacity)
        var counts = FeatureHasher.Counts()
        table.withUnsafeMutableBufferPointer { table in
            weights.withUnsafeBufferPointer { weights in
                counts = hasher.walk(skeleton: skeleton, shape: shape) { kind, id, start, end in
                    let weight = weights[hasher.bucket(id)]
                    guard weight > 0 else { return }
                    var slot = Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) &>> 40) & (capacity - 1)
                    while true {
                        let entry = Int(table[slot])
                        if entry == 0 {
                            features.append((id, kind, Double(weight), start, end, true))
                            table[slot] = Int32(features.count)
                            return
                        }
                        if features[entry - 1].id == id {
                            features[entry - 1].weight += Double(weight)
                            features[entry - 1].single = false
                            // Named by its first place in the skeleton.
                            if start < features[entry - 1].start {
                                features[entry - 1].start = start
                                features[entry - 1].end = end
                            }
                            return
                        }
                        slot = (slot + 1) & (capacity - 1)
                    }
                }
            }
        }
        for k in features.indices {
            features[k].weight *= FeatureHasher.value(occurrences: counts.count(features[k].kind))
        }
        guard !features.isEmpty else { return [] }
        // The `count` largest weights, kept in descending order (no sort of every feature);
        // every feature as strong as the last of them is a candidate: ties are settled by name.
        var top: [Double] = []
        for feature in features where top.count < count || feature.weight > top[top.count - 1] {
            top.insert(feature.weight, at: top.firstIndex { $0 < feature.weight } ?? top.count)
            if top.count > count { top.removeLast() }
        }
        let cutoff = top[top.count - 1]
        var shown = features.filter { $0.weight >= cutoff }.map { feature in
            let name: String
            var range: Range<Int>? = feature.end < 0 ? nil : feature.start..<feature.end
            switch feature.kind {
            case .shape:
                name = shape.names[feature.start]
            case .chars:
                // The gram's pads: a gram of the word's first bytes opens it, of its last closes it.
                name = FeatureHasher.gramName(
                    skeleton, range!, opens: Self.gramOpens(feature.id), closes: Self.gramCloses(feature.id))
            case .word:
                name = Self.text(skeleton, range!)
            case .bigram:
                // The pair's first and last word, whatever separates them.
                let pair = UnsafeBufferPointer(rebasing: skeleton[range!])
                let words = SkeletonWords(pair)
                name = Self.text(pair, words.bytes(0)) + " " + Self.text(pair, words.bytes(words.count - 1))
            }
            if !feature.single { range = nil }
            return Contribution(
                feature: FeatureHasher.Named(kind: feature.kind, name: name, id: feature.id, skeletonRange: range),
                weight: feature.weight)
        }
        shown.sort { a, b in
            a.weight != b.weight
                ? a.weight > b.weight
                : a.feature.name != b.feature.name ? a.feature.name < b.feature.name : a.feature.id < b.feature.id
        }
        return Array(shown.prefix(count))
    }

    private static func text(_ s: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: s[range]), as: UTF8.self)
    }

    /// Whether a character gram's id begins with the `<` pad (the gram's first byte).
    static func gramOpens(_ id: UInt64) -> Bool {
        let length = Int(id >> 48 & 0xFF)
        return (id >> UInt64(8 * (length - 1))) & 0xFF == 0x3C
    }

    /// Whether a character gram's id ends with the `>` pad (its last byte).
    static func gramCloses(_ id: UInt64) -> Bool { id & 0xFF == 0x3E }
}
