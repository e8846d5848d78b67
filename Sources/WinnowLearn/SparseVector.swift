/// A comment's features as a model sees them: buckets in increasing order, each once, with
/// their values.
public struct SparseVector: Sendable, Equatable {
    public var buckets: [UInt32] = []
    public var values: [Double] = []

    public init() {}

    public var count: Int { buckets.count }
}
