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
        var scored: [(weight: Double, kind: Int, hash: UInt64)] = []
        for (kind, hashes) in distinct.byKind.enumerated() {
            let value = FeatureHasher.value(distinct: hashes.count)
            for hash in hashes {
                let weight = Double(weights[hasher.bucket(hash)]) * value
                if weight > 0 { scored.append((weight, kind, hash)) }
            }
        }
        guard !scored.isEmpty else { return [] }
        scored.sort { $0.weight > $1.weight }
        // Every feature as strong as the last one shown: ties are settled by name below.
        let cutoff = scored[min(count, scored.count) - 1].weight
        let candidates = scored.prefix { $0.weight >= cutoff }
        var found: [Contribution] = []
        hasher.forEachFeature(skeleton: skeleton, shape: shape) { kind, hash, name, range in
            guard let candidate = candidates.first(where: { $0.hash == hash && $0.kind == kind.rawValue }) else { return }
            if let k = found.firstIndex(where: { $0.feature.hash == hash }) {
                if found[k].feature.skeletonRange != range { found[k].feature.skeletonRange = nil }  // more than one place
            } else {
                found.append(Contribution(
                    feature: FeatureHasher.Named(kind: kind, name: name(), hash: hash, skeletonRange: range),
                    weight: candidate.weight))
            }
        }
        found.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.feature.name < $1.feature.name }
        return Array(found.prefix(count))
    }
}
