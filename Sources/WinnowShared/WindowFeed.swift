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
/// An entry: `o` the instance; `c` the copies, 16 bytes each — the fingerprint
/// (`Fingerprint.packed`) as a little-endian 64-bit number, then the time it was judged at in
/// milliseconds, shifted left by one, its low bit 1 when the copy carried a spam signal (a
/// copy for nearly every comment: as hex text they cost 1.7k instructions per event); `h` the
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
    public func publish(_ copies: [CampaignCopy], channels: [ChannelDeltas.Delta] = []) throws(SharedError) {
        guard !copies.isEmpty || !channels.isEmpty else { return }
        var command = ["XADD", key, "MAXLEN", "~", String(Self.maxEntries), "*", "o", origin].map { Array($0.utf8) }
        if !copies.isEmpty { command += [Array("c".utf8), Self.bytes(of: copies)] }
        if !channels.isEmpty { command += [Array("h".utf8), Self.bytes(of: channels)] }
        let reply = try redis.command(bytes: command)
        if case .error(let message) = reply { throw SharedError("\(redis.address): XADD \(key): \(message)") }
    }

    /// The copies and channel deltas other instances added since the last call, in order.
    public func pull(count: Int = 1000) throws(SharedError) -> (
        copies: [CampaignCopy], channels: [ChannelDeltas.Delta]
    ) {
        var copies: [CampaignCopy] = []
        var channels: [ChannelDeltas.Delta] = []
        for fields in try log.readOthers(redis, count: count) {
            if case .bulk(let text)? = fields["c"] { copies += Self.copies(in: text) }
            if case .bulk(let text)? = fields["h"] { channels += Self.channelDeltas(in: text) }
        }
        return (copies, channels)
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// `value`'s low `width` hex digits, appended.
    static func appendHex(_ value: UInt64, _ width: Int, to bytes: inout [UInt8]) {
        for shift in stride(from: 4 * (width - 1), through: 0, by: -4) {
            bytes.append(digits[Int(truncatingIfNeeded: value >> UInt64(shift)) & 0xF])
        }
    }

    static func appendMillis(_ time: Micros, to bytes: inout [UInt8]) {
        appendHex(UInt64(clamping: max(0, time / 1000)) & 0xFFF_FFFF_FFFF, 11, to: &bytes)
    }

    /// The `c` field of `copies`.
    public static func bytes(of copies: [CampaignCopy]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: copyLength * copies.count) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            for (k, copy) in copies.enumerated() {
                let millis = UInt64(clamping: max(0, copy.time / 1000))
                raw.storeBytes(of: copy.fingerprint.littleEndian, toByteOffset: copyLength * k, as: UInt64.self)
                raw.storeBytes(
                    of: (millis << 1 | (copy.spamSignal ? 1 : 0)).littleEndian, toByteOffset: copyLength * k + 8,
                    as: UInt64.self)
            }
            count = copyLength * copies.count
        }
    }

    /// The `h` field of `deltas`.
    public static func bytes(of deltas: [ChannelDeltas.Delta]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(deltaLength * deltas.count)
        for delta in deltas {
            appendHex(delta.channel, 16, to: &bytes)
            bytes.append(delta.kind.rawValue)
            appendHex(UInt64(min(delta.count, ChannelDeltas.maxCount)), 4, to: &bytes)
            appendMillis(delta.first, to: &bytes)
            appendMillis(delta.last, to: &bytes)
            appendHex(UInt64(clamping: max(0, delta.value)) & 0xF_FFFF_FFFF_FFFF, 13, to: &bytes)
        }
        return bytes
    }

    /// Bytes per copy in an entry's `c` field, and characters per delta in its `h` field.
    static let copyLength = 16
    static let deltaLength = 56

    /// The hex number `text[range]` spells (lowercase or uppercase digits), nil for anything else.
    static func number(_ text: [UInt8], _ range: Range<Int>) -> UInt64? {
        var value: UInt64 = 0
        for byte in text[range] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// The copies an entry's `c` field holds (bytes past the last whole copy are ignored).
    public static func copies(in field: [UInt8]) -> [CampaignCopy] {
        field.withUnsafeBytes { raw in
            (0..<field.count / copyLength).map { k in
                let fingerprint = UInt64(
                    littleEndian: raw.loadUnaligned(fromByteOffset: copyLength * k, as: UInt64.self))
                let stamp = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: copyLength * k + 8, as: UInt64.self))
                return CampaignCopy(
                    fingerprint: fingerprint, spamSignal: stamp & 1 == 1,
                    time: Micros(clamping: stamp >> 1) &* 1000)
            }
        }
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
