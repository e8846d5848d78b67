/// A partitioned Redis Stream: events go to `KEY:{p}` for p in 0..<count, chosen by their
/// author, so that one consumer owns each author's events and keeps the author's windows —
/// rate limits, repeat, strikes, penalties — in its own tables, exact and without a round trip
/// (`winnow route` writes them, `winnow consume --partitions` reads them).
///
/// The partition is FNV-1a (64-bit) of the author's UTF-8, modulo the count: a function any
/// producer can write in a few lines (docs/scale-out.md has it in Python).
public struct StreamPartitions: Sendable, Equatable {
    /// The stream's name without the partition suffix.
    public let stream: String
    public let count: Int

    public init(stream: String, count: Int) {
        self.stream = stream
        self.count = count
    }

    /// The key of partition `partition`: `KEY:{p}` (in Redis Cluster the braces make the
    /// partition number the hash tag, so partitions spread over the slots).
    public func key(_ partition: Int) -> String { "\(stream):{\(partition)}" }

    /// The partition of an author's events.
    public func partition(ofAuthor author: String) -> Int {
        Int(Self.fnv1a(author.utf8) % UInt64(count))
    }

    /// FNV-1a, 64-bit.
    public static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// The partitions a list such as `0-3,6` names, each once, in order; `nil` when it is
    /// malformed or names one outside 0..<count.
    public func parse(_ list: String) -> [Int]? {
        var chosen: [Int] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = Int(bounds[0]), let high = Int(bounds[bounds.count - 1]),
                low >= 0, low <= high, high < count
            else { return nil }
            chosen += low...high
        }
        var seen = Set<Int>()
        return chosen.filter { seen.insert($0).inserted }.sorted()
    }
}
