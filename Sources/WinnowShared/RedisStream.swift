#if canImport(Glibc)
    import Glibc
#endif

/// One consumer of a Redis Stream consumer group, and the stream its verdicts go to
/// (`winnow consume`). Not thread-safe: the consume loop is one thread.
///
/// Delivery is Redis's own: an entry read by this consumer stays pending in the group until
/// `answer` acknowledges it; a consumer that dies leaves its entries pending, and the others
/// take them over with `claim` (XAUTOCLAIM) once they have been idle long enough.
public final class RedisStream {
    public let redis: RedisConnection
    public let stream: String
    public let group: String
    public let consumer: String
    public let verdictStream: String
    /// The verdict stream is trimmed to about this many entries (`MAXLEN ~`); 0: never.
    public let verdictStreamLimit: Int
    /// For a partition held on a lease (`PartitionLeases`): its key and this consumer's token;
    /// answers are refused once the lease is someone else's.
    public var fence: (key: String, token: String)?
    private var answerSHA: String
    /// Where the next `claim` scan starts (XAUTOCLAIM walks the pending list in steps).
    private var claimCursor = "0-0"

    /// For each entry, in order: acknowledge it, and only when that took it off the pending
    /// list (this is its first answer) add its verdicts to the verdict stream — in one atomic
    /// step, so that a verdict is written exactly once even when two consumers judged the same
    /// entry (one was slow, the other claimed it) or an answer is sent again after a lost reply.
    /// KEYS: input stream, verdict stream, and for a leased partition its lease key. ARGV:
    /// group, max length (0: none), the lease's token when leased, then entry id and answer
    /// pairs: an entry of one event is answered with a `verdict` field, one of several
    /// (`events`) with a `verdicts` field, its id then passed with a leading `+` (which no
    /// stream id has). Returns one character per entry, `1` written and `0` answered before,
    /// or `FENCED` (nothing done) when the lease
    /// is no longer this consumer's under that token: an owner that stalled past its lease and
    /// woke up after another took the partition cannot write. (A script that fails half-way
    /// keeps what it did: the one write that could fail, XADD on a key of another type, is
    /// ruled out before anything is acknowledged.)
    static let answerScript = """
        local first = 3
        if #KEYS == 3 then
          if redis.call('GET', KEYS[3]) ~= ARGV[3] then
            return redis.error_reply('FENCED the lease ' .. KEYS[3] .. ' is no longer ' .. ARGV[3])
          end
          first = 4
        end
        local kind = redis.call('TYPE', KEYS[2]).ok
        if kind ~= 'stream' and kind ~= 'none' then
          return redis.error_reply('WRONGTYPE the verdict stream ' .. KEYS[2] .. ' holds a ' .. kind)
        end
        local written = {}
        local limit = tonumber(ARGV[2])
        for i = first, #ARGV, 2 do
          local id, field = ARGV[i], 'verdict'
          if string.byte(id, 1) == 43 then
            id, field = string.sub(id, 2), 'verdicts'
          end
          if redis.call('XACK', KEYS[1], ARGV[1], id) == 1 then
            if limit > 0 then
              redis.call('XADD', KEYS[2], 'MAXLEN', '~', limit, '*', 'entry', id, field, ARGV[i + 1])
            else
              redis.call('XADD', KEYS[2], '*', 'entry', id, field, ARGV[i + 1])
            end
            written[#written + 1] = '1'
          else
            written[#written + 1] = '0'
          end
        end
        return table.concat(written)
        """

    /// Connects (the read timeout must outlast `XREADGROUP`'s BLOCK) and creates the group
    /// when missing, at the start of the stream: entries written before the first consumer
    /// started are judged too.
    public init(
        _ address: SharedAddress, stream: String, group: String, consumer: String, verdictStream: String,
        verdictStreamLimit: Int, timeoutMilliseconds: Int = 5000
    ) throws(SharedError) {
        redis = try RedisConnection(address, timeoutMilliseconds: timeoutMilliseconds)
        self.stream = stream
        self.group = group
        self.consumer = consumer
        self.verdictStream = verdictStream
        self.verdictStreamLimit = verdictStreamLimit
        answerSHA = ""
        try prepare()
    }

    /// Creates the group if needed and loads the answer script: at start and after a reconnect
    /// (a restarted Redis may have lost both).
    public func prepare() throws(SharedError) {
        let created = try redis.command(["XGROUP", "CREATE", stream, group, "0", "MKSTREAM"])
        if case .error(let message) = created, !message.hasPrefix("BUSYGROUP") {
            throw SharedError("\(redis.address): cannot create group \(group) on \(stream): \(message)")
        }
        let loaded = try redis.command(["SCRIPT", "LOAD", Self.answerScript])
        guard case .bulk = loaded, let sha = loaded.text else {
            throw SharedError("\(redis.address): SCRIPT LOAD failed: \(loaded)")
        }
        answerSHA = sha
    }

    /// Entries delivered to this consumer and not acknowledged yet (it was restarted after a
    /// crash), from the start: at most `count`, after `after`.
    public func ownPending(after: String, count: Int) throws(SharedError) -> [StreamEntry] {
        let reply = try redis.command(
            ["XREADGROUP", "GROUP", group, consumer, "COUNT", String(count), "STREAMS", stream, after])
        return try entries(fromRead: reply)
    }

    /// New entries, never delivered to anyone: at most `count`, waiting up to `blockMilliseconds`
    /// for the first.
    public func readNew(count: Int, blockMilliseconds: Int) throws(SharedError) -> [StreamEntry] {
        let reply = try redis.command([
            "XREADGROUP", "GROUP", group, consumer, "COUNT", String(count), "BLOCK", String(blockMilliseconds),
            "STREAMS", stream, ">",
        ])
        return try entries(fromRead: reply)
    }

    /// Takes over entries other consumers have left pending for at least `minIdleMilliseconds`
    /// (they crashed or hang): one XAUTOCLAIM step of at most `count`. `finished` is true when
    /// the scan went round the whole pending list.
    public func claim(minIdleMilliseconds: Int, count: Int) throws(SharedError) -> (
        entries: [StreamEntry], finished: Bool
    ) {
        let reply = try redis.command([
            "XAUTOCLAIM", stream, group, consumer, String(minIdleMilliseconds), claimCursor, "COUNT", String(count),
        ])
        guard case .array(let parts) = reply, parts.count >= 2, let next = parts[0].text else {
            throw unexpected("XAUTOCLAIM", reply)
        }
        claimCursor = next
        var claimed = try entries(fromList: parts[1])
        // Redis 7 lists the claimed ids whose entries were deleted (trimmed) meanwhile.
        if parts.count >= 3, case .array(let deleted) = parts[2] {
            claimed += deleted.compactMap(\.text).map { StreamEntry(id: $0, content: .deleted) }
        }
        return (claimed, next == "0-0")
    }

    /// Acknowledges the entries and writes their verdicts (`answerScript`): an entry of one
    /// event its verdict line, an entry of several (`batched`) its verdict lines joined by
    /// newlines. Returns, per entry, whether its answer was written (false: it had been answered
    /// already), or nil when the partition's lease is no longer this consumer's (`fence`):
    /// nothing was done.
    public func answer(_ answers: [(entryID: String, verdict: [UInt8], batched: Bool)]) throws(SharedError) -> [Bool]? {
        guard !answers.isEmpty else { return [] }
        var command: [[UInt8]] = [
            Array("EVALSHA".utf8), Array(answerSHA.utf8), Array(fence == nil ? "2".utf8 : "3".utf8),
        ]
        command.reserveCapacity(8 + 2 * answers.count)
        command.append(Array(stream.utf8))
        command.append(Array(verdictStream.utf8))
        if let fence { command.append(Array(fence.key.utf8)) }
        command.append(Array(group.utf8))
        command.append(Array(String(verdictStreamLimit).utf8))
        if let fence { command.append(Array(fence.token.utf8)) }
        for answer in answers {
            command.append(
                answer.batched ? [UInt8(ascii: "+")] + Array(answer.entryID.utf8) : Array(answer.entryID.utf8))
            command.append(answer.verdict)
        }
        var reply = try redis.command(bytes: command)
        if case .error(let message) = reply, message.hasPrefix("NOSCRIPT") {
            // Redis lost its scripts (a restart): the call did not run; load them again and run it.
            try prepare()
            command[1] = Array(answerSHA.utf8)
            reply = try redis.command(bytes: command)
        }
        if case .error(let message) = reply, message.hasPrefix("FENCED") { return nil }
        guard case .bulk(let flags) = reply, flags.count == answers.count else {
            throw unexpected("the answer script", reply)
        }
        return flags.map { $0 == UInt8(ascii: "1") }
    }

    /// Removes this consumer from the group (when it leaves with nothing pending).
    public func removeConsumer() throws(SharedError) {
        let reply = try redis.command(["XGROUP", "DELCONSUMER", stream, group, consumer])
        if case .error = reply { throw unexpected("XGROUP DELCONSUMER", reply) }
    }

    private func entries(fromRead reply: RedisReply) throws(SharedError) -> [StreamEntry] {
        switch reply {
        case .null: return []  // BLOCK timed out
        case .array(let streams):
            // [[stream, [entries]]]: one stream asked for.
            guard let first = streams.first else { return [] }
            guard case .array(let pair) = first, pair.count == 2 else { throw unexpected("XREADGROUP", reply) }
            return try entries(fromList: pair[1])
        default:
            throw unexpected("XREADGROUP", reply)
        }
    }

    /// `[[id, [field, value, …]], …]`; an entry deleted since it was delivered has no fields.
    private func entries(fromList reply: RedisReply) throws(SharedError) -> [StreamEntry] {
        guard case .array(let list) = reply else { throw unexpected("a stream read", reply) }
        return try list.map { item throws(SharedError) -> StreamEntry in
            guard case .array(let parts) = item, parts.count == 2, let id = parts[0].text else {
                throw unexpected("a stream entry", item)
            }
            guard case .array(let fields) = parts[1] else { return StreamEntry(id: id, content: .deleted) }
            var k = 0
            while k + 1 < fields.count {
                if case .bulk(let value) = fields[k + 1] {
                    switch fields[k].text {
                    case StreamEntry.eventField: return StreamEntry(id: id, content: .event(value))
                    case StreamEntry.eventsField: return StreamEntry(id: id, content: .events(value))
                    case StreamEntry.skippedField:
                        return StreamEntry(id: id, content: .skipped(String(decoding: value, as: UTF8.self)))
                    default: break
                    }
                }
                k += 2
            }
            return StreamEntry(id: id, content: .noEventField)
        }
    }

    private func unexpected(_ what: String, _ reply: RedisReply) -> SharedError {
        if case .error(let message) = reply { return SharedError("\(redis.address): \(what): \(message)") }
        return SharedError("\(redis.address): unexpected reply to \(what): \(reply)")
    }
}

/// One entry of the input stream: its id and the event line it carries in its `event` field,
/// or the lines it carries in its `events` field (a producer's batch: `winnow route` writes
/// them, one entry per partition and read of its input, so that Redis handles one entry, one
/// acknowledgement and one verdict entry for many events).
public struct StreamEntry: Sendable, Equatable {
    /// The field that holds one event, as one NDJSON line (`XADD KEY * event '{"id":…}'`).
    public static let eventField = "event"
    /// The field that holds several events, NDJSON lines joined by newlines; answered with a
    /// `verdicts` field of their verdict lines, in the same order, joined the same way.
    public static let eventsField = "events"
    /// The field a producer writes in place of a line it could not carry (`winnow route`: a
    /// line longer than its `--max-line-bytes`), saying why: answered with an error verdict
    /// that says it, so that the line is not lost without a word.
    public static let skippedField = "skipped"

    public enum Content: Sendable, Equatable {
        case event([UInt8])
        /// Several events, NDJSON lines separated by `\n`.
        case events([UInt8])
        /// A line the producer could not carry, and why (`skippedField`).
        case skipped(String)
        /// The entry has neither field.
        case noEventField
        /// The entry was deleted (the stream trimmed) after it was delivered.
        case deleted
    }

    public var id: String
    public var content: Content

    public init(id: String, content: Content) {
        self.id = id
        self.content = content
    }

    /// Whether the entry is of several events (`events`), answered with `verdicts`.
    public var holdsSeveral: Bool {
        if case .events = content { return true }
        return false
    }

    /// The lines an `events` field holds: split at newlines, a trailing newline (or a stray
    /// carriage return before one) not making an extra line; an empty field holds none.
    public static func lines(of events: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        events.withUnsafeBufferPointer { bytes in
            while start < bytes.count {
                guard let found = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) else { break }
                let end = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                lines.append(trimmed(events[start..<end]))
                start = end + 1
            }
        }
        if start < events.count { lines.append(trimmed(events[start...])) }
        return lines
    }

    private static func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == UInt8(ascii: "\r") ? line.dropLast() : line
    }
}
