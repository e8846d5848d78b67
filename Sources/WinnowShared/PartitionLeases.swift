/// Dynamic ownership of a partitioned stream's partitions (`consume --partitions auto`): each
/// partition is held on a lease in Redis, `KEY:{P}:lease` = `CONSUMER:EPOCH`, that its owner
/// renews (`refresh`, a few times per lease period) and that expires when the owner dies or
/// stalls; another consumer then takes the partition — with a new epoch from `KEY:{P}:epoch` —
/// and claims its pending entries. The lease is also the fence: answers carry the token, and
/// the answer script refuses them once the lease is someone else's (`RedisStream.fence`), so an
/// owner that wakes up after losing its partition cannot write.
///
/// A consumer takes free partitions up to `maxOwned`, lowest first; a fleet spreads over them
/// when each runs with `maxOwned` = partitions / consumers (rounded up).
public final class PartitionLeases {
    public let partitions: StreamPartitions
    public let consumer: String
    public let leaseMilliseconds: Int
    public let maxOwned: Int
    private let redis: RedisConnection
    /// The standings of each partition's authors, kept by their owner (`PartitionCheckpoint`).
    public let checkpoint: PartitionCheckpoint
    private let makeStream: (String) throws(SharedError) -> RedisStream
    /// The partitions held, by number: the stream and the lease's epoch.
    private var held: [Int: (stream: RedisStream, epoch: Int64)] = [:]
    private var nextRefresh = ContinuousClock.now
    private var leaseSHA = ""

    /// Takes or renews a lease. KEYS: lease, epoch counter. ARGV: consumer, lease in ms, the
    /// epoch held ('' when not held). Returns the epoch now held, or 0 when the lease is
    /// someone else's — or was this consumer's and lapsed (it must take it anew: its pending
    /// entries may have been claimed meanwhile).
    static let leaseScript = """
        local current = redis.call('GET', KEYS[1])
        if current then
          if ARGV[3] ~= '' and current == ARGV[1] .. ':' .. ARGV[3] then
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return tonumber(ARGV[3])
          end
          return 0
        end
        if ARGV[3] ~= '' then return 0 end
        local epoch = redis.call('INCR', KEYS[2])
        redis.call('SET', KEYS[1], ARGV[1] .. ':' .. epoch, 'PX', ARGV[2])
        return epoch
        """

    public init(
        _ address: SharedAddress, partitions: StreamPartitions, consumer: String, leaseMilliseconds: Int,
        maxOwned: Int, makeStream: @escaping (String) throws(SharedError) -> RedisStream
    ) throws(SharedError) {
        self.partitions = partitions
        self.consumer = consumer
        self.leaseMilliseconds = leaseMilliseconds
        self.maxOwned = maxOwned
        self.makeStream = makeStream
        redis = try RedisConnection(address, timeoutMilliseconds: 5000)
        checkpoint = PartitionCheckpoint(redis: redis, partitions: partitions)
        try loadScript()
    }

    private func loadScript() throws(SharedError) {
        let loaded = try redis.command(["SCRIPT", "LOAD", Self.leaseScript])
        guard case .bulk = loaded, let sha = loaded.text else {
            throw SharedError("\(redis.address): SCRIPT LOAD failed: \(loaded)")
        }
        leaseSHA = sha
    }

    public func leaseKey(_ partition: Int) -> String { partitions.key(partition) + ":lease" }

    /// The streams held now: at most every third of a lease period, the held leases are renewed
    /// (a lapsed one is dropped) and free partitions taken up to `maxOwned`. `reported` hears
    /// of each partition taken or lost; `taken` is called with each partition taken, before its
    /// first entry is read (to take up its checkpoint).
    public func refresh(reported: (String) -> Void, taken: (Int) throws(SharedError) -> Void = { _ in })
        throws(SharedError) -> [RedisStream]
    {
        guard ContinuousClock.now >= nextRefresh else { return streams }
        nextRefresh = ContinuousClock.now + .milliseconds(max(1, leaseMilliseconds / 3))
        for partition in held.keys.sorted() {
            guard let epoch = held[partition]?.epoch else { continue }
            if try lease(partition, holding: epoch) == 0 {
                held[partition] = nil
                reported("lease on \(partitions.key(partition)) lapsed: the partition is dropped")
            }
        }
        for partition in 0..<partitions.count where held.count < maxOwned && held[partition] == nil {
            let epoch = try lease(partition, holding: nil)
            guard epoch > 0 else { continue }
            let stream: RedisStream
            do throws(SharedError) {
                try taken(partition)
                stream = try makeStream(partitions.key(partition))
            } catch {
                // Given back at once, not left to lapse.
                give(partition, epoch: epoch)
                throw error
            }
            stream.fence = (leaseKey(partition), "\(consumer):\(epoch)")
            held[partition] = (stream, epoch)
            reported("took \(partitions.key(partition)) (epoch \(epoch))")
        }
        return streams
    }

    /// Drops a partition whose answer was fenced off (its lease is someone else's).
    public func lost(_ stream: RedisStream) {
        guard let partition = held.first(where: { $0.value.stream === stream })?.key else { return }
        held[partition] = nil
    }

    /// Gives back every lease held (a clean stop), so that others take the partitions at once.
    public func release() {
        for (partition, (_, epoch)) in held { give(partition, epoch: epoch) }
        held = [:]
    }

    /// Deletes a lease if it is still this consumer's under `epoch`.
    private func give(_ partition: Int, epoch: Int64) {
        _ = try? redis.command([
            "EVAL", "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
            "1", leaseKey(partition), "\(consumer):\(epoch)",
        ])
    }

    public var streams: [RedisStream] { held.keys.sorted().compactMap { held[$0]?.stream } }

    /// The partition a held stream reads.
    public func partition(of stream: RedisStream) -> Int? {
        held.first(where: { $0.value.stream === stream })?.key
    }

    private func lease(_ partition: Int, holding epoch: Int64?) throws(SharedError) -> Int64 {
        let arguments = [
            "EVALSHA", leaseSHA, "2", leaseKey(partition), partitions.key(partition) + ":epoch", consumer,
            String(leaseMilliseconds), epoch.map(String.init) ?? "",
        ]
        var reply = try redis.command(arguments)
        if case .error(let message) = reply, message.hasPrefix("NOSCRIPT") {
            try loadScript()
            var again = arguments
            again[1] = leaseSHA
            reply = try redis.command(again)
        }
        guard case .integer(let value) = reply else {
            throw SharedError("\(redis.address): the lease script answered \(reply)")
        }
        return value
    }
}
