import Testing
import WinnowCore
import WinnowLimits
import WinnowPipeline
import WinnowRules
import WinnowShared

@Suite("Shared state in Redis (real redis-server)")
struct SharedStateTests {
    @Test("addresses: redis://HOST:PORT and unix:///PATH, with clear errors")
    func addresses() throws {
        #expect(try SharedAddress(parsing: "redis://localhost:6380") == .tcp(host: "localhost", port: 6380))
        #expect(try SharedAddress(parsing: "redis://10.0.0.7") == .tcp(host: "10.0.0.7", port: 6379))
        #expect(try SharedAddress(parsing: "redis://[::1]:7000") == .tcp(host: "::1", port: 7000))
        #expect(try SharedAddress(parsing: "unix:///run/redis.sock") == .unix(path: "/run/redis.sock"))
        #expect(SharedAddress.tcp(host: "::1", port: 7000).description == "redis://[::1]:7000")
        for bad in ["localhost:6379", "unix://relative.sock", "redis://host:0", "redis://:80", "redis://"] {
            #expect(throws: SharedError.self, "\(bad)") { try SharedAddress(parsing: bad) }
        }
    }

    @Test("a connection: commands, a pipeline in order, error replies as values, an unreachable address")
    func connection() throws {
        let server = try RedisServer()
        let redis = try RedisConnection(server.address)
        #expect(try redis.command(["PING"]) == .status("PONG"))
        #expect(try redis.command(["SET", "k", "välue\u{0}x"]) == .status("OK"))
        #expect(try redis.command(["GET", "k"]) == .bulk(Array("välue\u{0}x".utf8)))
        #expect(
            try redis.pipeline([["INCR", "n"], ["INCR", "n"], ["GET", "missing"], ["INCRBY", "n", "5"]])
                == [.integer(1), .integer(2), .null, .integer(7)])
        guard case .error(let message) = try redis.command(["INCR", "k"]) else {
            Issue.record("an error reply was expected")
            return
        }
        #expect(message.hasPrefix("ERR"))
        #expect(throws: SharedError.self) { try RedisConnection(.unix(path: server.folder.path + "/nothing.sock")) }
        do {
            _ = try RedisConnection(.unix(path: "/nonexistent/redis.sock"))
        } catch {
            #expect(error.message.contains("unix:///nonexistent/redis.sock"), "\(error.message)")
        }
    }

    /// A key's time to live (`PTTL`: -1 without expiry, -2 when there is no such key).
    func milliseconds(toLive key: String, on server: RedisServer) throws -> Int64 {
        let reply = try RedisConnection(server.address).command(["PTTL", key])
        guard case .integer(let ttl) = reply else { throw SharedError("PTTL \(key): \(reply)") }
        return ttl
    }

    /// The local GCRA, applied in order: what Redis must answer (`nil`: conforms; else how long
    /// to wait).
    func model(_ limit: RateLimit, _ times: [Micros]) -> [Micros?] {
        var tat: Micros = 0
        return times.map { now in
            switch limit.check(tat: tat, now: now) {
            case .conforms(let newTAT):
                tat = newTAT
                return nil
            case .limited(let wait):
                return wait
            }
        }
    }

    /// The author limit alone, as the shared store decides it, for one author at `times`.
    func shared(_ store: RedisWindows, _ limit: RateLimit, author: UInt64, _ times: [Micros]) throws -> [Micros?] {
        let requests = times.map {
            SharedRequest(
                author: author, pair: author &+ 1, channel: 7, limits: .init(author: limit), isExempt: false, now: $0)
        }
        return try store.check(requests).map { $0.limited?.retryAfter }
    }

    @Test("rate limits: the Redis script decides exactly as the local GCRA, boundaries included")
    func sameAsLocal() throws {
        let server = try RedisServer()
        let store = try RedisWindows(server.address)
        let s = Micros.perSecond
        let limit = RateLimit(events: 5, period: 10 * s)  // one per 2 s, bursts of 5
        let start: Micros = 1_700_000_000 * s
        // A burst, the exact moment the next one is allowed, one µs before it, a long pause.
        var times = (0..<7).map { start + Micros($0) }
        times += [start + 2 * s - 1, start + 2 * s, start + 2 * s + 1, start + 4 * s, start + 60 * s, start + 60 * s]
        let decisions = try shared(store, limit, author: 1, times)
        #expect(decisions == model(limit, times))
        #expect(decisions.filter { $0 == nil }.count == 9)
        // One at a time gives the same answers as one pipeline.
        let oneByOne = try times.map { try shared(store, limit, author: 2, [$0])[0] }
        #expect(oneByOne == decisions)
    }

    @Test("rate limits: two instances on one Redis share one limit; keys expire with their window")
    func sharedBetweenInstances() throws {
        let server = try RedisServer()
        let a = try RedisWindows(server.address)
        let b = try RedisWindows(server.address)
        let s = Micros.perSecond
        let limit = RateLimit(events: 3, period: 60 * s)
        let now: Micros = 1_800_000_000 * s
        var conforming = 0
        for k in 0..<10 where try shared(k % 2 == 0 ? a : b, limit, author: 9, [now + Micros(k)])[0] == nil {
            conforming += 1
        }
        #expect(conforming == 3)  // not 3 per instance
        // The author's limit is in the author's value, kept as long as the repeat's memory
        // (4096 s) and a second: the longest of the author's windows.
        let authorTTL = try milliseconds(toLive: a.authorKey(author: 9), on: server)
        #expect(authorTTL > 4_096_000 && authorTTL <= 4_097_000)
        // Without repeat and flood, the value is the arrival time alone: one packed double.
        let redis = try RedisConnection(server.address)
        #expect(try redis.command(["STRLEN", a.authorKey(author: 9)]) == .integer(8))
        // An author-in-channel limit has a key of its own: the TAT is 60 s past the first event
        // (3 × 20 s), and the key lives no longer than that.
        let request = SharedRequest(
            author: 9, pair: 10, channel: 7, limits: .init(authorInChannel: limit), isExempt: false, now: now)
        #expect(try b.check([request]) == [SharedCheck(headroom: 2)])
        let ttl = try milliseconds(toLive: a.rateKey("ac", 10, limit), on: server)
        #expect(ttl > 0 && ttl <= 20_001)
    }

    /// Issue 24's first defect: on event time, the instance behind was refused for the time
    /// between it and the one ahead (a median `retry_after` of 734 s where the limit allows 2 s).
    @Test("instances drifting apart in event time never refuse each other's events beyond the limit's period")
    func driftingInstances() throws {
        let server = try RedisServer()
        let ahead = try RedisWindows(server.address)
        let behind = try RedisWindows(server.address)
        #expect(ahead.aheadMargin == 6 * Micros.perSecond)  // the default late tolerance, 5 s, and 1 s
        let s = Micros.perSecond
        let limit = RateLimit(events: 5, period: 10 * s)
        let start: Micros = 1_700_000_000 * s
        let burst = (0..<10).map { Micros($0) * s / 10 }
        // The one ahead, 1,000 s on: its own limit, as alone.
        let first = try shared(ahead, limit, author: 4, burst.map { start + 1000 * s + $0 })
        #expect(first == model(limit, burst.map { start + 1000 * s + $0 }))
        // The one behind: the state ahead belongs to later events and is not held against its
        // own (before the fix: ten refusals of about 1,000 s each) …
        let late = try shared(behind, limit, author: 4, burst.map { start + $0 })
        #expect(late == Array(repeating: nil, count: 10))
        // … nor moved back by them: the one ahead goes on as alone.
        let times = burst.map { start + 1000 * s + $0 } + [start + 1001 * s, start + 1003 * s, start + 1003 * s]
        #expect(try shared(ahead, limit, author: 4, Array(times.suffix(3))) == Array(model(limit, times).suffix(3)))
        // Behind by less than the margin (a late event on one instance): counted as on one.
        let near = try shared(behind, limit, author: 4, [start + 1000 * s])
        #expect(near.count == 1 && (near[0] ?? 0) > 0 && (near[0] ?? 0) <= limit.period)

        // Slow-mode alike: a comment ahead does not make the one behind wait for it.
        func slow(_ store: RedisWindows, _ now: Micros) throws -> Micros {
            try store.check([
                SharedRequest(
                    author: 8, pair: 9, channel: 7, limits: .init(), isExempt: false, now: now, slowMode: 30 * s)
            ])[0].slowModeWait
        }
        #expect(try slow(ahead, start + 1000 * s) == 0)
        #expect(try slow(behind, start) == 0)
        // The price: the one behind's own comments are not kept either while the state ahead
        // lasts (an author on both may comment on each as if alone; partition by author).
        #expect(try slow(behind, start + 10 * s) == 0)
        #expect(try slow(ahead, start + 1010 * s) == 20 * s)  // the one ahead keeps its own
    }

    @Test("rate limits: after Redis lost its scripts, each check still counts once")
    func scriptsReloaded() throws {
        let server = try RedisServer()
        let store = try RedisWindows(server.address)
        let limit = RateLimit(events: 2, period: 10 * Micros.perSecond)
        let now: Micros = 1_900_000_000 * Micros.perSecond
        _ = try shared(store, limit, author: 5, [now])
        #expect(try RedisConnection(server.address).command(["SCRIPT", "FLUSH"]) == .status("OK"))
        let decisions = try shared(store, limit, author: 5, (1...3).map { now + Micros($0) })
        #expect(decisions == Array(model(limit, [now, now + 1, now + 2, now + 3]).suffix(3)))
    }

    @Test("bans and timeouts: recorded by one instance, read by another, expiring when they end")
    func penalties() throws {
        let server = try RedisServer()
        let a = try RedisWindows(server.address)
        let b = try RedisWindows(server.address)
        let s = Micros.perSecond
        let now: Micros = 1_700_000_000 * s
        let timeout = Penalty(kind: .timeout, until: now + 60 * s, timeouts: 1)
        let ban = Penalty(kind: .ban, until: Penalty.forever, timeouts: 3)
        try a.impose(timeout, author: 1, now: now)
        try a.impose(ban, author: 2, now: now)
        #expect(try b.penalty(author: 1) == timeout)
        #expect(try b.penalty(author: 2) == ban)
        #expect(try b.penalty(author: 3) == nil)
        let ttl = try milliseconds(toLive: a.penaltyKey(author: 1), on: server)
        #expect(ttl > 59_000 && ttl <= 60_000)
        #expect(try milliseconds(toLive: a.penaltyKey(author: 2), on: server) == -1)  // no expiry
        try b.impose(Penalty(kind: .none, until: 0, timeouts: 3), author: 2, now: now)
        #expect(try a.penalty(author: 2) == nil)
        // The event script reports a penalty only while it is in force.
        let limits = RateLimitRule.Limits(author: RateLimit(events: 1, period: s))
        func check(at t: Micros) throws -> SharedCheck {
            try b.check([SharedRequest(author: 1, pair: 10, channel: 20, limits: limits, isExempt: false, now: t)])[0]
        }
        #expect(try check(at: now) == SharedCheck(penalty: timeout))
        #expect(try check(at: now + 61 * s) == SharedCheck())
    }

    @Test(
        "the event script: penalty first, then author, author-in-channel and channel limits, the widest not counted once a narrower one refuses"
    )
    func eventScript() throws {
        let server = try RedisServer()
        let shared = try RedisWindows(server.address)
        let s = Micros.perSecond
        let now: Micros = 1_700_000_000 * s
        let limits = RateLimitRule.Limits(
            author: RateLimit(events: 2, period: 10 * s), authorInChannel: RateLimit(events: 5, period: 10 * s),
            channel: RateLimit(events: 3, period: 10 * s))
        func check(_ author: UInt64, exempt: Bool = false, at t: Micros = 0) throws -> SharedCheck {
            try shared.check([
                SharedRequest(
                    author: author, pair: author &* 31, channel: 7, limits: limits, isExempt: exempt, now: now + t)
            ])[0]
        }
        #expect(try check(1) == SharedCheck())
        #expect(try check(1) == SharedCheck())
        #expect(try check(1) == SharedCheck(limited: ("author", limits.author!, 5 * s)))  // the channel is not charged
        #expect(try check(2) == SharedCheck())  // the channel's third
        #expect(try check(3) == SharedCheck(limited: ("channel", limits.channel!, Micros(10 * s / 3))))
        #expect(try check(3, exempt: true) == SharedCheck())
    }

    @Test("Redis gone: a clear error naming the address, and the connection is dropped")
    func redisGone() throws {
        let server = try RedisServer()
        let store = try RedisWindows(server.address)
        server.kill()
        do {
            _ = try shared(store, RateLimit(events: 1, period: Micros.perSecond), author: 1, [1])
            Issue.record("a check against a dead Redis must throw")
        } catch let error as SharedError {
            #expect(error.message.hasPrefix(server.address.description), "\(error.message)")
        }
        #expect(!store.isConnected)
    }
}
