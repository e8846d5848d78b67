import WinnowLimits

/// Timeouts and bans shared through a log in Redis, read once per batch: for instances that
/// keep every window of their own authors (`winnow consume` owning partitions of a stream
/// partitioned by author, `--shared-windows global`), the one state that is global — a ban
/// given anywhere holds everywhere from the next batch on, with no Redis call per event.
///
/// The log is a stream, `PREFIX:pl`, trimmed to about `maxEntries`: each entry names an author
/// (`a`, the engine's author key in hex), the penalty (`p`, as the penalty keys hold it, `UNTIL
/// KIND TIMEOUTS`; kind 0 lifts one) and the instance that wrote it (`o`). A moderator's
/// `timeout`, `ban` or `unban` through a `serve --shared` sidecar is written there too
/// (`RedisWindows.impose`), so partition owners learn it the same way. Not thread-safe: the
/// consume loop is one thread.
public final class PenaltyFeed {
    /// Entries the log keeps (about; `MAXLEN ~`): a new instance reads them all at start, so
    /// penalties in force reach it — a penalty older than that many changes is forgotten.
    public static let maxEntries = 100_000

    public let redis: RedisConnection
    public let key: String
    public let prefix: String
    /// This instance's name in the log: its own entries are not applied again.
    public let origin: String
    /// Read from its start: penalties in force reach a new instance.
    private var log: SharedLog

    public init(_ address: SharedAddress, prefix: String = "winnow", origin: String) throws(SharedError) {
        redis = try RedisConnection(address, timeoutMilliseconds: 5000)
        self.prefix = prefix
        key = Self.logKey(prefix: prefix)
        self.origin = origin
        log = SharedLog(key: key, origin: origin)
    }

    public static func logKey(prefix: String) -> String { "\(prefix):pl" }

    /// The commands that publish one penalty: its key set (or deleted when lifted or over), as
    /// `--shared` instances read it, and its entry in the log.
    static func commands(
        _ penalty: Penalty, author: UInt64, now: Micros, prefix: String, origin: String
    ) -> [[String]] {
        let key = RedisWindows.penaltyKey(prefix: prefix, author: author)
        let set: [String]
        if penalty.kind == .none || (penalty.until != Penalty.forever && penalty.until <= now) {
            set = ["DEL", key]
        } else if penalty.until == Penalty.forever {
            set = ["SET", key, RedisWindows.text(penalty)]
        } else {
            // Milliseconds, rounded up: the key outlives the penalty by less than 1 ms.
            set = ["SET", key, RedisWindows.text(penalty), "PX", String((penalty.until - now + 999) / 1000)]
        }
        let log = [
            "XADD", logKey(prefix: prefix), "MAXLEN", "~", String(maxEntries), "*", "a", RedisWindows.hex(author), "p",
            RedisWindows.text(penalty), "o", origin,
        ]
        return [set, log]
    }

    /// Publishes the penalties this instance imposed (or lifted), in one round trip.
    public func publish(_ changes: [(author: UInt64, penalty: Penalty)], now: Micros) throws(SharedError) {
        guard !changes.isEmpty else { return }
        let commands = changes.flatMap {
            Self.commands($0.penalty, author: $0.author, now: now, prefix: prefix, origin: origin)
        }
        let replies = try redis.pipeline(commands)
        if let failed = replies.first(where: { if case .error = $0 { true } else { false } }) {
            throw SharedError("\(redis.address): publishing penalties: \(failed)")
        }
    }

    /// The penalties other instances published since the last call, in the order they were
    /// written (several calls' worth at start, when the whole log is read).
    public func pull(count: Int = 10_000) throws(SharedError) -> [(author: UInt64, penalty: Penalty)] {
        try log.readOthers(redis, count: count).compactMap { fields in
            guard let author = fields["a"]?.text.flatMap({ UInt64($0, radix: 16) }),
                let penalty = fields["p"]?.text.flatMap(RedisWindows.penalty)
            else { return nil }
            return (author, penalty)
        }
    }
}
