import WinnowLimits
import WinnowPipeline

/// Flood campaigns shared between instances that keep their other windows to themselves
/// (`winnow consume --shared-windows global`): after each batch an instance adds the copies its
/// flood rule counted as one entry of a log in Redis (`PREFIX:cc`, a stream), and before each
/// batch it counts the other instances' copies in its own campaign index
/// (`Engine.observeCopy`). A campaign spread over instances so reaches its threshold on each,
/// at most a batch of each instance later than on one instance that saw every copy.
///
/// An entry: `o` the instance, `c` the copies, 28 characters each — the fingerprint
/// (`Fingerprint.packed`) in 16 hex digits, `1` when the copy carried a spam signal (`0`
/// otherwise), and the time it was judged at, in milliseconds, in 11 hex digits. Not
/// thread-safe: the consume loop is one thread.
public final class CampaignFeed {
    /// Entries (batches) the log keeps, about (`MAXLEN ~`).
    public static let maxEntries = 10_000

    public let redis: RedisConnection
    public let key: String
    public let origin: String
    /// Read from the log's end as it is at start: older copies have left their campaigns'
    /// windows, or will before they matter.
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

    public static func logKey(prefix: String) -> String { "\(prefix):cc" }

    /// Adds a batch's copies as one entry.
    public func publish(_ copies: [CampaignCopies.Copy]) throws(SharedError) {
        guard !copies.isEmpty else { return }
        var text = ""
        text.reserveCapacity(Self.recordLength * copies.count)
        func hex(_ value: UInt64, _ width: Int) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        for copy in copies {
            text +=
                hex(copy.fingerprint, 16) + (copy.spamSignal ? "1" : "0")
                + hex(UInt64(clamping: max(0, copy.time / 1000)) & 0xFFF_FFFF_FFFF, 11)
        }
        let reply = try redis.command([
            "XADD", key, "MAXLEN", "~", String(Self.maxEntries), "*", "o", origin, "c", text,
        ])
        if case .error(let message) = reply { throw SharedError("\(redis.address): XADD \(key): \(message)") }
    }

    /// The copies other instances added since the last call, in order.
    public func pull(count: Int = 1000) throws(SharedError) -> [CampaignCopies.Copy] {
        try log.readOthers(redis, count: count).flatMap { fields -> [CampaignCopies.Copy] in
            guard case .bulk(let text)? = fields["c"] else { return [] }
            return Self.copies(in: text)
        }
    }

    /// Characters per copy in an entry's `c` field.
    static let recordLength = 28

    /// The copies an entry's `c` field holds (a malformed record is skipped).
    public static func copies(in text: [UInt8]) -> [CampaignCopies.Copy] {
        var copies: [CampaignCopies.Copy] = []
        var start = 0
        while start + recordLength <= text.count {
            let fingerprint = UInt64(String(decoding: text[start..<start + 16], as: UTF8.self), radix: 16)
            let millis = UInt64(String(decoding: text[start + 17..<start + 28], as: UTF8.self), radix: 16)
            if let fingerprint, let millis {
                copies.append(
                    CampaignCopies.Copy(
                        fingerprint: fingerprint, spamSignal: text[start + 16] == UInt8(ascii: "1"),
                        time: Micros(millis) * 1000))
            }
            start += recordLength
        }
        return copies
    }
}
