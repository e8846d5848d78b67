import WinnowLimits
import WinnowPipeline

/// What an instance that keeps its authors' windows to itself (`winnow consume
/// --shared-windows global`, owning partitions of a stream split by author) tells the others
/// about the windows that are not its authors' alone: after each batch it adds, as one entry
/// of a log in Redis (`PREFIX:gw`, a stream), the copies its flood rule counted in campaigns
/// and what it counted in channels (`ChannelDeltas`: events under a channel's own rate limit,
/// newcomers, a raid's slow-mode); before each batch it counts the other instances' in its own
/// tables (`Engine.observeCopy`, `Engine.observeChannel`). A campaign, a channel's limit or a
/// raid spread over instances so reaches its threshold on each, at most a batch of each
/// instance later than on one instance that saw every event.
///
/// An entry: `o` the instance; `c` the copies, 28 characters each — the fingerprint
/// (`Fingerprint.packed`) in 16 hex digits, `1` when the copy carried a spam signal (`0`
/// otherwise), and the time it was judged at, in milliseconds, in 11 hex digits; `h` the
/// channel deltas, 56 characters each — the channel's key in 16 hex digits, the kind (`r`,
/// `n` or `s`), the count in 4, the first and last times in milliseconds in 11 each, and the
/// value (an interval or an instant, in microseconds) in 13. Not thread-safe: the consume
/// loop is one thread.
public final class WindowFeed {
    /// Entries (batches) the log keeps, about (`MAXLEN ~`).
    public static let maxEntries = 10_000

    public let redis: RedisConnection
    public let key: String
    public let origin: String
    /// Read from the log's end as it is at start: older records have left their windows, or
    /// will before they matter.
    private var log: SharedLog

    public init(_ address: SharedAddress, prefix: String = "winnow", origin: String) throws(SharedError) {
        redis = try RedisConnection(address, timeoutMilliseconds: 5000)
        key = Self.logKey(prefix: prefix)
        self.origin = origin
        var position = "0-0"
        let last = try redis.command(["XREVRANGE", key, "+", "-", "COUNT", "1"])
        if case .array(let items) = last, case .array(let parts)? = items.first, let id = parts.first?.text {
            position = id
        }
        log = SharedLog(key: key, origin: origin, position: position)
    }

    public static func logKey(prefix: String) -> String { "\(prefix):gw" }

    /// Adds a batch's copies and channel deltas as one entry (none when both are empty).
    public func publish(_ copies: [CampaignCopies.Copy], channels: [ChannelDeltas.Delta] = []) throws(SharedError) {
        guard !copies.isEmpty || !channels.isEmpty else { return }
        var command = ["XADD", key, "MAXLEN", "~", String(Self.maxEntries), "*", "o", origin]
        if !copies.isEmpty { command += ["c", Self.text(of: copies)] }
        if !channels.isEmpty { command += ["h", Self.text(of: channels)] }
        let reply = try redis.command(command)
        if case .error(let message) = reply { throw SharedError("\(redis.address): XADD \(key): \(message)") }
    }

    /// The copies and channel deltas other instances added since the last call, in order.
    public func pull(count: Int = 1000) throws(SharedError) -> (
        copies: [CampaignCopies.Copy], channels: [ChannelDeltas.Delta]
    ) {
        var copies: [CampaignCopies.Copy] = []
        var channels: [ChannelDeltas.Delta] = []
        for fields in try log.readOthers(redis, count: count) {
            if case .bulk(let text)? = fields["c"] { copies += Self.copies(in: text) }
            if case .bulk(let text)? = fields["h"] { channels += Self.channelDeltas(in: text) }
        }
        return (copies, channels)
    }

    static func hex(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func millis(_ time: Micros) -> String { hex(UInt64(clamping: max(0, time / 1000)) & 0xFFF_FFFF_FFFF, 11) }

    public static func text(of copies: [CampaignCopies.Copy]) -> String {
        var text = ""
        text.reserveCapacity(copyLength * copies.count)
        for copy in copies { text += hex(copy.fingerprint, 16) + (copy.spamSignal ? "1" : "0") + millis(copy.time) }
        return text
    }

    public static func text(of deltas: [ChannelDeltas.Delta]) -> String {
        var text = ""
        text.reserveCapacity(deltaLength * deltas.count)
        for delta in deltas {
            text +=
                hex(delta.channel, 16) + String(UnicodeScalar(delta.kind.rawValue))
                + hex(UInt64(min(delta.count, ChannelDeltas.maxCount)), 4) + millis(delta.first) + millis(delta.last)
                + hex(UInt64(clamping: max(0, delta.value)) & 0xF_FFFF_FFFF_FFFF, 13)
        }
        return text
    }

    /// Characters per copy in an entry's `c` field, and per delta in its `h` field.
    static let copyLength = 28
    static let deltaLength = 56

    static func number(_ text: [UInt8], _ range: Range<Int>) -> UInt64? {
        UInt64(String(decoding: text[range], as: UTF8.self), radix: 16)
    }

    /// The copies an entry's `c` field holds (a malformed record is skipped).
    public static func copies(in text: [UInt8]) -> [CampaignCopies.Copy] {
        var copies: [CampaignCopies.Copy] = []
        var start = 0
        while start + copyLength <= text.count {
            if let fingerprint = number(text, start..<start + 16), let millis = number(text, start + 17..<start + 28) {
                copies.append(
                    CampaignCopies.Copy(
                        fingerprint: fingerprint, spamSignal: text[start + 16] == UInt8(ascii: "1"),
                        time: Micros(millis) * 1000))
            }
            start += copyLength
        }
        return copies
    }

    /// The channel deltas an entry's `h` field holds (a malformed record is skipped).
    public static func channelDeltas(in text: [UInt8]) -> [ChannelDeltas.Delta] {
        var deltas: [ChannelDeltas.Delta] = []
        var start = 0
        while start + deltaLength <= text.count {
            if let channel = number(text, start..<start + 16),
                let kind = ChannelDeltas.Kind(rawValue: text[start + 16]),
                let count = number(text, start + 17..<start + 21), let first = number(text, start + 21..<start + 32),
                let last = number(text, start + 32..<start + 43), let value = number(text, start + 43..<start + 56)
            {
                deltas.append(
                    ChannelDeltas.Delta(
                        channel: channel, kind: kind, count: Int(count), first: Micros(first) * 1000,
                        last: Micros(last) * 1000, value: Micros(value)))
            }
            start += deltaLength
        }
        return deltas
    }
}
