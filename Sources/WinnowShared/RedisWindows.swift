import NIOConcurrencyHelpers
import WinnowCore
import WinnowLimits
import WinnowPipeline
import WinnowRules

/// `SharedWindows` in Redis: rate limits of every scope and penalties, for `--shared`.
///
/// One event is one `EVALSHA` of `eventScript`: the author's penalty, then the rate limits from
/// the narrowest to the widest, in one atomic step and one round trip. Keys (`PREFIX:p:…`
/// penalties, `PREFIX:r:…` rate limits) hold the engine's stable hashes in hex and expire when
/// their state stops mattering: a penalty when it ends, a rate limit's theoretical arrival time
/// when it has passed. One connection, behind a lock: calls from several threads take turns.
public final class RedisWindows: SharedWindows {
    private let connection: NIOLockedValueBox<Connection>
    public let prefix: String
    public let address: SharedAddress

    /// Only ever used under the lock.
    private struct Connection: @unchecked Sendable {
        let redis: RedisConnection
        var sha: String
    }

    public init(_ address: SharedAddress, prefix: String = "winnow", timeoutMilliseconds: Int = 500) throws(SharedError) {
        self.address = address
        self.prefix = prefix
        let redis = try RedisConnection(address, timeoutMilliseconds: timeoutMilliseconds)
        let sha = try Self.load(redis)
        connection = NIOLockedValueBox(Connection(redis: redis, sha: sha))
    }

    /// KEYS: penalty, author rate, author-in-channel rate, channel rate. ARGV: now (µs), exempt
    /// (1 or 0), then interval and tolerance (µs) of each of the three limits (0 0: off).
    /// Returns {1, penalty} for a penalty in force, {2, scope, µs to wait} for the first limit
    /// the event is over (the wider ones are then not counted), {0} otherwise.
    static let eventScript = """
        local now = tonumber(ARGV[1])
        local penalty = redis.call('GET', KEYS[1])
        if penalty then
          local ends = tonumber(string.match(penalty, '^(%d+)'))
          if ends == \(Penalty.forever) or ends > now then return {1, penalty} end
        end
        if ARGV[2] == '1' then return {0} end
        for i = 1, 3 do
          local interval = tonumber(ARGV[1 + 2 * i])
          if interval > 0 then
            local tolerance = tonumber(ARGV[2 + 2 * i])
            local tat = tonumber(redis.call('GET', KEYS[1 + i]) or '0')
            local start = math.max(tat, now)
            if start - now > tolerance then return {2, i, start - tolerance - now} end
            local new = start + interval
            redis.call('SET', KEYS[1 + i], string.format('%d', new), 'PX', math.floor((new - now) / 1000) + 1)
          end
        end
        return {0}
        """

    private static func load(_ redis: RedisConnection) throws(SharedError) -> String {
        let reply = try redis.command(["SCRIPT", "LOAD", eventScript])
        guard case .bulk = reply, let sha = reply.text else { throw SharedError("\(redis.address): SCRIPT LOAD failed: \(reply)") }
        return sha
    }

    public func penaltyKey(author: UInt64) -> String { "\(prefix):p:\(Self.hex(author))" }

    /// The key of one rate limit's state: scope (`a` author, `ac` author in channel, `c`
    /// channel), the scope's hash, and the limit itself, so that a changed limit starts afresh
    /// instead of misreading the old one's state.
    public func rateKey(_ scope: String, _ key: UInt64, _ limit: RateLimit?) -> String {
        "\(prefix):r:\(scope):\(Self.hex(key)):\(limit?.interval ?? 0):\(limit?.tolerance ?? 0)"
    }

    /// Whether the connection is up (it is dropped on an error and made again on the next call).
    public var isConnected: Bool { connection.withLockedValue { $0.redis.isConnected } }

    private static let scopes = ["author", "author_channel", "channel"]

    public func check(_ requests: [SharedRequest]) throws -> [SharedCheck] {
        let replies = try connection.withLockedValue { (connection: inout Connection) throws(SharedError) -> [RedisReply] in
            var replies = try connection.redis.pipeline(requests.map { command($0, sha: connection.sha) })
            // Redis lost its scripts (a restart): load them again and run, in order, the calls
            // that did not run; the others did, and must not count twice.
            let notRun = replies.indices.filter { if case .error(let e) = replies[$0] { e.hasPrefix("NOSCRIPT") } else { false } }
            if !notRun.isEmpty {
                connection.sha = try Self.load(connection.redis)
                let sha = connection.sha
                let again = try connection.redis.pipeline(notRun.map { command(requests[$0], sha: sha) })
                for (k, index) in notRun.enumerated() { replies[index] = again[k] }
            }
            return replies
        }
        return try zip(requests, replies).map { request, reply throws(SharedError) in try decode(reply, for: request) }
    }

    private func command(_ request: SharedRequest, sha: String) -> [String] {
        let scoped: [(key: UInt64, tag: String, limit: RateLimit?)] = [
            (request.author, "a", request.limits.author), (request.pair, "ac", request.limits.authorInChannel),
            (request.channel, "c", request.limits.channel),
        ]
        var arguments = ["EVALSHA", sha, "4", penaltyKey(author: request.author)]
        for scope in scoped { arguments.append(rateKey(scope.tag, scope.key, scope.limit)) }
        arguments.append(String(request.now))
        arguments.append(request.isExempt ? "1" : "0")
        for scope in scoped {
            arguments.append(String(scope.limit?.interval ?? 0))
            arguments.append(String(scope.limit?.tolerance ?? 0))
        }
        return arguments
    }

    private func decode(_ reply: RedisReply, for request: SharedRequest) throws(SharedError) -> SharedCheck {
        if case .array(let parts) = reply, case .integer(let outcome)? = parts.first {
            switch outcome {
            case 0:
                return SharedCheck()
            case 1:
                if parts.count == 2, let text = parts[1].text, let penalty = Self.penalty(text) { return SharedCheck(penalty: penalty) }
            case 2:
                let limits = [request.limits.author, request.limits.authorInChannel, request.limits.channel]
                if parts.count == 3, case .integer(let scope) = parts[1], case .integer(let wait) = parts[2],
                    (1...3).contains(scope), let limit = limits[Int(scope) - 1]
                {
                    return SharedCheck(limited: (Self.scopes[Int(scope) - 1], limit, Micros(wait)))
                }
            default:
                break
            }
        }
        throw SharedError("\(address): unexpected reply to the event script: \(reply)")
    }

    public func impose(_ penalty: Penalty, author: UInt64, now: Micros) throws {
        let key = penaltyKey(author: author)
        let command: [String]
        if penalty.kind == .none || (penalty.until != Penalty.forever && penalty.until <= now) {
            command = ["DEL", key]
        } else if penalty.until == Penalty.forever {
            command = ["SET", key, Self.text(penalty)]
        } else {
            // Milliseconds, rounded up: the key outlives the penalty by less than 1 ms.
            command = ["SET", key, Self.text(penalty), "PX", String((penalty.until - now + 999) / 1000)]
        }
        let reply = try connection.withLockedValue { (connection: inout Connection) throws(SharedError) -> RedisReply in
            try connection.redis.command(command)
        }
        if case .error(let message) = reply { throw SharedError("\(address): \(message)") }
    }

    /// The penalty recorded for `author`, in force or not.
    public func penalty(author: UInt64) throws -> Penalty? {
        let key = penaltyKey(author: author)
        let reply = try connection.withLockedValue { (connection: inout Connection) throws(SharedError) -> RedisReply in
            try connection.redis.command(["GET", key])
        }
        return reply.text.flatMap(Self.penalty)
    }

    /// `UNTIL KIND TIMEOUTS`: the end first, so that the script reads it without unpacking.
    static func text(_ penalty: Penalty) -> String { "\(penalty.until) \(penalty.kind.rawValue) \(penalty.timeouts)" }

    static func penalty(_ text: String) -> Penalty? {
        let parts = text.split(separator: " ")
        guard parts.count == 3, let until = Micros(parts[0]), let raw = UInt64(parts[1]), let kind = Penalty.Kind(rawValue: raw),
            let timeouts = Int(parts[2])
        else { return nil }
        return Penalty(kind: kind, until: until, timeouts: timeouts)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
