/// Each partition's authors' standing — penalty and strikes — kept in Redis by the partition's
/// owner at batch boundaries (`KEY:{P}:standing`, a hash: author key → `penalty:strikes`, both
/// packed words in hex), so that a consumer taking the partition over (`PartitionLeases`)
/// takes up timeouts, bans and strikes where the previous owner left them: a rebalance is not
/// an amnesty. Only authors with a standing are written; the hash lives a day past its last
/// write (a standing of which nothing is left by then — every timeout and strike window is
/// shorter — is not worth keeping; a ban without end is renewed by every later batch that has
/// its author, and a banned author idle for a day would lose it: kept by `--shared` instead).
public struct PartitionCheckpoint {
    public let redis: RedisConnection
    public let partitions: StreamPartitions
    /// How long a partition's hash lives past its last write.
    public static let lifetimeMilliseconds = 86_400_000

    public init(redis: RedisConnection, partitions: StreamPartitions) {
        self.redis = redis
        self.partitions = partitions
    }

    public func key(_ partition: Int) -> String { partitions.key(partition) + ":standing" }

    /// Writes the standings of `authors` (author key, penalty word, strikes word) of
    /// `partition` and forgets those of `cleared` (a standing lifted or run out: the next owner
    /// must not bring it back), in one round trip.
    public func save(
        _ partition: Int, _ authors: [(key: UInt64, penalty: UInt64, strikes: UInt64)], cleared: [UInt64] = []
    ) throws(SharedError) {
        var commands: [[String]] = []
        if !authors.isEmpty {
            var command = ["HSET", key(partition)]
            for author in authors {
                command.append(String(author.key, radix: 16))
                command.append(String(author.penalty, radix: 16) + ":" + String(author.strikes, radix: 16))
            }
            commands.append(command)
        }
        if !cleared.isEmpty { commands.append(["HDEL", key(partition)] + cleared.map { String($0, radix: 16) }) }
        guard !commands.isEmpty else { return }
        commands.append(["PEXPIRE", key(partition), String(Self.lifetimeMilliseconds)])
        for reply in try redis.pipeline(commands) {
            if case .error(let message) = reply {
                throw SharedError("\(redis.address): checkpoint \(key(partition)): \(message)")
            }
        }
    }

    /// Every standing kept for `partition`.
    public func load(_ partition: Int) throws(SharedError) -> [(key: UInt64, penalty: UInt64, strikes: UInt64)] {
        let reply = try redis.command(["HGETALL", key(partition)])
        guard case .array(let items) = reply else { return [] }
        var standings: [(key: UInt64, penalty: UInt64, strikes: UInt64)] = []
        var k = 0
        while k + 1 < items.count {
            defer { k += 2 }
            guard let field = items[k].text, let value = items[k + 1].text, let author = UInt64(field, radix: 16)
            else { continue }
            let parts = value.split(separator: ":")
            guard parts.count == 2, let penalty = UInt64(parts[0], radix: 16), let strikes = UInt64(parts[1], radix: 16)
            else { continue }
            standings.append((author, penalty, strikes))
        }
        return standings
    }
}
