import Foundation
import Testing
import WinnowCore
import WinnowLimits
import WinnowMatch
import WinnowPipeline
import WinnowPolicy
import WinnowRules
import WinnowShared

/// Slow-mode, repeat and flood decided in Redis: what one instance saw counts on the others.
@Suite("Slow-mode, repeat and flood shared through Redis")
struct SharedFingerprintTests {
    static let s = Micros.perSecond

    typealias Instance = SharedEngineTests.Instance

    static func pair(_ behavior: BehaviorSettings) throws -> (Instance, Instance, RedisServer) {
        let server = try RedisServer()
        func link() throws -> SharedLink { SharedLink(store: try RedisWindows(server.address), policy: .open) { _ in } }
        return (try Instance(behavior, shared: link()), try Instance(behavior, shared: link()), server)
    }

    static let quiet = Escalation(enabled: false)

    @Test("--shared-windows limits: rate limits shared, repeat kept per instance")
    func limitsScope() throws {
        let server = try RedisServer()
        let behavior = BehaviorSettings(
            repeatRule: RepeatRule(), escalation: Self.quiet,
            defaults: ChannelSettings(rateLimits: .init(author: RateLimit(events: 3, period: 60 * Self.s))))
        func instance() throws -> Instance {
            try Instance(
                behavior,
                shared: SharedLink(store: try RedisWindows(server.address), policy: .open, scope: .limits) { _ in })
        }
        let a = try instance(), b = try instance()
        let text = "check out my amazing channel for free gift cards"
        #expect(a.post("sam", text, at: 100).action == .allow)
        // The other instance has not seen the text: no repeat there; this one has.
        #expect(b.post("sam", text, at: 101).action == .allow)
        #expect(a.post("sam", text, at: 102).reasons.map(\.rule) == ["repeat"])
        // The rate limit (3 a minute) is one for both.
        #expect(b.post("sam", "something else entirely now", at: 103).reasons.map(\.rule) == ["rate_limit"])
    }

    @Test("slow-mode: a comment through one instance starts the interval on the other")
    func slowMode() throws {
        let behavior = BehaviorSettings(escalation: Self.quiet, defaults: ChannelSettings(slowMode: 30 * Self.s))
        let (a, b, server) = try Self.pair(behavior)
        #expect(a.post("ann", "first", at: 100).action == .allow)
        let early = b.post("ann", "second", at: 110)
        #expect(early.action == .reject)
        #expect(early.reasons.map(\.rule) == ["slow_mode"])
        #expect(early.reasons.first?.retryAfter == 20)
        #expect(b.post("ann", "third", at: 130).action == .allow)
        #expect(a.post("bob", "other author", at: 131).action == .allow)
        _ = server
    }

    @Test("repeat: the same text, or one word changed, through the other instance is a repeat")
    func repeatAcrossInstances() throws {
        let behavior = BehaviorSettings(repeatRule: RepeatRule(), escalation: Self.quiet)
        let (a, b, server) = try Self.pair(behavior)
        #expect(a.post("sam", "check out my amazing channel for free gift cards", at: 100).action == .allow)
        let again = b.post("sam", "check out my amazing channel for free gift cards!!", at: 105)
        #expect(again.action == .reject)
        #expect(again.reasons.first?.rule == "repeat")
        #expect(again.reasons.first?.message == "the same as a comment of the same author 5s before")
        // Someone else's words are not this author's repeat.
        #expect(a.post("tom", "check out my amazing channel for free gift cards", at: 106).action == .allow)
        // Out of the window (1 minute): not a repeat.
        #expect(a.post("sam", "check out my amazing channel for free gift cards", at: 200).action == .allow)
        // A short comment is compared by its words in the store too: one of three changed is a
        // repeat; two of three in common with many more words in all is not.
        #expect(a.post("ivy", "quokka narwhal pangolin", at: 300).action == .allow)
        let short = b.post("ivy", "quokka narwhal axolotl", at: 305)
        #expect(short.reasons.map(\.message) == ["all but one word the same as a comment of the same author 5s before"])
        #expect(a.post("ann", "quokka: strike one", at: 400).action == .allow)
        #expect(b.post("ann", "quokka: strike two, timed out for 30m", at: 410).action == .allow)
        _ = server
    }

    @Test(
        "flood: five authors spread over two instances are one campaign; the fifth copy is refused, earlier posters (the first too) flagged once"
    )
    func floodAcrossInstances() throws {
        let behavior = BehaviorSettings(flood: FloodRule(), escalation: Self.quiet)
        let (a, b, server) = try Self.pair(behavior)
        let text = "free robux at my profile link go now"
        func run(_ first: Instance, _ second: Instance) -> [Verdict] {
            var verdicts = (0..<6).map { k in (k % 2 == 0 ? first : second).post("bot\(k)", text, at: 100 + Double(k)) }
            // An author whose copy came before the campaign was recognised is flagged on their
            // next comment, once — the first poster too, on the other instance.
            verdicts.append(second.post("bot1", "hello again", at: 108))
            verdicts.append(second.post("bot1", "and again", at: 109))
            verdicts.append(second.post("bot0", "hi all", at: 110))
            return verdicts
        }
        let shared = run(a, b)
        #expect(shared.map(\.action) == [.allow, .allow, .allow, .allow, .reject, .reject, .flag, .allow, .flag])
        #expect(shared[4].reasons.first?.message == "a copy of a text posted by 5 authors within 1m")
        #expect(shared[6].reasons.first?.message == "posted a copy of a campaign now at 6 authors")
        // As one instance without Redis decides.
        let alone = try Instance(behavior, shared: nil)
        let local = run(alone, alone)
        #expect(local.map(\.action) == shared.map(\.action))
        #expect(local.map { $0.reasons.map(\.message) } == shared.map { $0.reasons.map(\.message) })
        _ = server
    }

    /// The event script kept an author's limit, repeat and flood mark in three keys, each number
    /// written as text and read back with strtod (a quarter of Redis's instructions).
    @Test("an author's limit, repeat and flood mark are one packed value: one key per author, no text numbers")
    func authorWindowsInOneValue() throws {
        let behavior = BehaviorSettings(
            repeatRule: RepeatRule(), flood: FloodRule(), escalation: Self.quiet,
            defaults: ChannelSettings(
                rateLimits: .init(author: RateLimit(events: 5, period: 60 * Self.s)), slowMode: 2 * Self.s))
        let (a, b, server) = try Self.pair(behavior)
        let text = "free robux at my profile link go now"
        for k in 0..<4 { _ = (k % 2 == 0 ? a : b).post("bot\(k)", text, at: 100 + Double(k)) }
        #expect(a.post("bot0", "something else entirely", at: 110).action == .allow)
        let redis = try RedisConnection(server.address)
        guard case .array(let replies) = try redis.command(["KEYS", "winnow:*"]) else {
            Issue.record("KEYS did not answer an array")
            return
        }
        let keys = replies.compactMap(\.text).sorted()
        let authorKeys = keys.filter { $0.hasPrefix("winnow:a:") }
        #expect(authorKeys.count == 4)  // bot0 to bot3, one value each
        // Slow-mode (author in channel) keeps its own key; the campaign index and one campaign.
        #expect(keys.filter { $0.hasPrefix("winnow:sb:") }.count == 4)
        #expect(keys.contains("winnow:fi"))
        #expect(keys.filter { $0.hasPrefix("winnow:fb:") }.count == 1)
        #expect(keys.count == 4 + 4 + 1 + 1)
        // authorFormat: 12 doubles, a byte, 15 16-bit values, a byte, 2 doubles.
        let packedSize: Int64 = 144
        for key in authorKeys {
            #expect(try redis.command(["STRLEN", key]) == .integer(packedSize))
        }
    }
}
