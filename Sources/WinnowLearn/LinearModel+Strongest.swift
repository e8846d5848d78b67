extension LinearModel {
    /// A feature of a comment that pushed a label's score up, and by how much (its weight times
    /// its value in the comment).
    public struct Contribution: Sendable, Equatable {
        public var feature: FeatureHasher.Named
        public var weight: Double
    }

    /// The `count` features of a comment that push label `index` up most, strongest first
    /// (equal weights by name) — what naming every feature (`FeatureHasher.named`) and sorting
    /// them would give, but only the few shown are named: a comment has hundreds of features,
    /// and building each name costs more than scoring all of them.
    /// `distinct` is the comment's `hasher.distinctHashes` (nil: hashed here).
    public func strongest(
        skeleton: UnsafeBufferPointer<UInt8>, shape: Shape, distinct: FeatureHasher.DistinctHashes? = nil,
        label index: Int, count: Int
    ) -> [Contribution] {
        guard count > 0 else { return [] }
        let distinct = distinct ?? hasher.distinctHashes(skeleton: skeleton, shape: shape)
        let weights = labels[index].weights
        // The `count` largest weights, kept in descending order (no sort of every feature).
        var top: [Double] = []
        top.reserveCapacity(count + 1)
        var scored: [(weight: Double, kind: Int, hash: UInt64)] = []
        for (kind, hashes) in distinct.byKind.enumerated() {
            let value = FeatureHasher.value(distinct: hashes.count)
            for hash in hashes {
                let weight = Double(weights[hasher.bucket(hash)]) * value
                guard weight > 0, top.count < count || weight >= top[top.count - 1] else { continue }
                scored.append((weight, kind, hash))
                let at = top.firstIndex { $0 < weight } ?? top.count
                top.insert(weight, at: at)
                if top.count > count { top.removeLast() }
            }
        }
        guard let cutoff = top.last else { return [] }
        // Every feature as strong as the last one shown: ties are settled by name below.
        let candidates = scored.filter { $0.weight >= cutoff }
        // Only the candidates are named: one more walk over the hashes, no name per feature.
        var found: [Contribution] = []
        let words = distinct.words
        hasher.walk(skeleton: skeleton, words: words, shape: shape) { kind, hash, place in
            guard let candidate = candidates.first(where: { $0.hash == hash && $0.kind == kind.rawValue }) else {
                return
            }
            let range = hasher.range(of: kind, at: place, words: words)
            if let k = found.firstIndex(where: { $0.feature.hash == hash }) {
                // More than one place: no single span.
                if found[k].feature.skeletonRange != range { found[k].feature.skeletonRange = nil }
            } else {
                let name = hasher.name(of: kind, at: place, skeleton: skeleton, words: words, shape: shape)
                found.append(
                    Contribution(
                        feature: FeatureHasher.Named(kind: kind, name: name, hash: hash, skeletonRange: range),
                        weight: candidate.weight))
            }
        }
        found.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.feature.name < $1.feature.name }
        return Array(found.prefix(count))
    }
}
