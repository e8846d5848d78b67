import WinnowCore
import WinnowLimits

/// Rate limits kept in Redis, so that every Winnow instance pointed at it enforces one limit: a
/// spammer spread over N instances gets the rate once, not N times.
///
/// Each check is one atomic step on the server: a Lua script doing exactly what
/// `RateLimit.check(tat:now:)` does locally (GCRA, as redis-cell does it), on a key that holds
/// the theoretical arrival time and expires when that time has passed, so Redis memory holds
/// only authors who are still within a window. `check` sends a batch's checks in one round
/// trip; Redis runs them in order.
public final class SharedRateLimits {
    /// KEYS[1]: the limit's key. ARGV: now, interval, tolerance (µs). Returns {1, new TAT} when
    /// the event conforms, {0, µs to wait} when it does not (the TAT is then left alone).
    static let script = """
        local now = tonumber(ARGV[1])
        local interval = tonumber(ARGV[2])
        local tolerance = tonumber(ARGV[3])
        local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
        local start = math.max(tat, now)
        if start - now <= tolerance then
          local new = start + interval
          redis.call('SET', KEYS[1], string.format('%d', new), 'PX', math.floor((new - now) / 1000) + 1)
          return {1, new}
        end
        return {0, start - tolerance - now}
        """

    private let connection: RedisConnection
    private var sha: String
    /// Prepended to every key (`winnow:rate:…`): several deployments can share one Redis.
    public let prefix: String

    public init(connection: RedisConnection, prefix: String = "winnow") throws(SharedError) {
        self.connection = connection
        self.prefix = prefix
        sha = try Self.load(connection)
    }

    private static func load(_ connection: RedisConnection) throws(SharedError) -> String {
        let reply = try connection.command(["SCRIPT", "LOAD", script])
        guard let sha = reply.text, case .bulk = reply else {
            throw SharedError("\(connection.address): SCRIPT LOAD failed: \(reply)")
        }
        return sha
    }

    /// One check: the event of `subject` (an author, an author in a channel…) against `limit`
    /// at `now`.
    public struct Check: Sendable {
        public var subject: String
        public var limit: RateLimit
        public var now: Micros

        public init(subject: String, limit: RateLimit, now: Micros) {
            self.subject = subject
            self.limit = limit
            self.now = now
        }
    }

    /// The key of a subject's limit: the limit is part of it, so two limits on one subject
    /// (author 5/10s and 100/1h) keep separate state.
    public func key(_ check: Check) -> String { "\(prefix):rate:\(check.limit.interval):\(check.limit.tolerance):\(check.subject)" }

    /// Runs `checks` in order, in one round trip.
    public func check(_ checks: [Check]) throws(SharedError) -> [RateLimit.Decision] {
        var replies = try connection.pipeline(checks.map(command))
        // Redis lost its scripts (a restart): load again and redo, in order, the checks that did
        // not run; the others did run and must not count twice.
        let notRun = replies.indices.filter { if case .error(let e) = replies[$0] { e.hasPrefix("NOSCRIPT") } else { false } }
        if !notRun.isEmpty {
            sha = try Self.load(connection)
            let again = try connection.pipeline(notRun.map { command(checks[$0]) })
            for (k, index) in notRun.enumerated() { replies[index] = again[k] }
        }
        var decisions: [RateLimit.Decision] = []
        decisions.reserveCapacity(checks.count)
        for reply in replies {
            guard case .array(let parts) = reply, parts.count == 2, case .integer(let verdict) = parts[0],
                case .integer(let value) = parts[1]
            else { throw SharedError("\(connection.address): unexpected reply to the rate-limit script: \(reply)") }
            decisions.append(verdict == 1 ? .conforms(newTAT: Micros(value)) : .limited(retryAfter: Micros(value)))
        }
        return decisions
    }

    private func command(_ check: Check) -> [String] {
        ["EVALSHA", sha, "1", key(check), String(check.now), String(check.limit.interval), String(check.limit.tolerance)]
    }
}

