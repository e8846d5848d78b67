import Foundation
import Testing
import WinnowAudit
import WinnowConfig
import WinnowCore
import WinnowLimits
import WinnowPipeline
import WinnowPolicy
import WinnowRules

@Suite("Policy catalog")
struct PolicyCatalogTests {
    let s = Micros.perSecond

    /// A configuration in which every key has a value other than its built-in one.
    var everythingChanged: Configuration {
        var c = Configuration.default
        c.clock = .event
        c.lateTolerance = 2 * s
        c.behavior.maxAuthors = 5000
        c.behavior.exemptRoles = ["vip", "staff"]
        c.policy.dryRun = true
        c.policy.categoryActions = ["profanity": RuleAction?.none, "insult": RuleAction.reject]
        c.policy.dryRunRules = ["stopword"]
        c.behavior.defaults.rateLimits = .init(
            author: RateLimit(events: 3, period: 10 * s, burst: 2),
            authorInChannel: RateLimit(events: 2, period: 5 * s),
            channel: RateLimit(events: 100, period: s))
        c.behavior.rateLimit = RateLimitRule(action: .hold, dryRun: true)
        c.behavior.defaults.slowMode = 30 * s
        c.behavior.slowMode = SlowModeRule(action: .flag, dryRun: true)
        c.behavior.repeatRule = RepeatRule(enabled: false, window: 30 * s, minMatches: 6, action: .hold, dryRun: true)
        c.behavior.flood = FloodRule(
            enabled: false, window: 120 * s, authors: 10, authorsWithLinks: 7, minWords: 2, minWordsWithLinks: 1,
            minMatches: 7, everydayTexts: 9,
            action: .hold,
            participantAction: .hold, dryRun: true)
        c.behavior.raid = RaidRule(
            enabled: false, window: 30 * s, minNewcomers: 50, factor: 3, warmUpWindows: 0, slowMode: 0,
            coolDown: 60 * s,
            action: .hold, dryRun: true)
        c.behavior.knownSpam = KnownSpamRule(
            enabled: false, minMatches: 7, minWords: 5, minRemovals: 2, action: .hold, dryRun: true)
        c.behavior.links = LinkRule(
            enabled: false, maxLinks: 0, maxMentions: 1, newAuthorWindow: 0, shorteners: ["bit.ly", "x.co"],
            action: .reject,
            newAuthorAloneAction: .annotate, mentionsAloneAction: .annotate, commonSiteAuthors: 5,
            commonSiteWindow: 7 * 86_400 * s, dryRun: true)
        c.behavior.noise = NoiseRule(
            enabled: false, capsRatio: 0.9, minLetters: 5, maxRun: 4, symbolRatio: 0.5, minCharacters: 3, maxMarks: 1,
            action: .reject, dryRun: true)
        c.behavior.classifier.enabled = true
        c.behavior.classifier.modelPath = "/models/ours.wnm"
        c.behavior.classifier.labels = ["spam": [.init(threshold: 0.8, action: .hold)]]
        c.behavior.classifier.explained = 3
        c.behavior.classifier.dryRun = true
        c.behavior.escalation = Escalation(
            enabled: false, strikeAction: .hold, strikeRules: ["noise"], strikes: 5, window: 3600 * s, timeout: 120 * s,
            banAfterTimeouts: 0, banDuration: nil, dryRun: true)
        c.queue = QueueSettings(
            enabled: false, flagRules: ["noise", "links"], expireAfter: 86_400 * s, onExpiry: .remove, sla: 1800 * s,
            channelSLA: ["support": 600 * s])
        c.audit = AuditRetention(retain: 90 * 86_400 * s, pruneEvery: 600 * s)
        c.behavior.channels = [
            "quiet": ChannelSettings(rateLimits: .init(author: RateLimit(events: 1, period: s)), slowMode: 60 * s),
            "#general chat": ChannelSettings(),
        ]
        return c
    }

    @Test("a configuration written out by the catalog reads back as itself")
    func roundTrip() throws {
        let changed = everythingChanged
        let text = PolicyFile.text(of: changed)
        #expect(try PolicyFile.parse(text, file: "/policy.yaml") == changed)
        #expect(try PolicyFile.parse(PolicyFile.defaultText, file: "/policy.yaml") == .default)
    }

    @Test("every key of every section is written, and the changed configuration changes each")
    func everyKeyWritten() {
        // A setting missing from the catalog could not be written, and the round trip above
        // would lose its changed value; here, each written value differs from the built-in one.
        for section in PolicyCatalog.sections {
            let built = section.values(.default), changed = section.values(everythingChanged)
            #expect(built.map(\.key) == section.entries.map(\.key), "\(section.key)")
            for (b, c) in zip(built, changed) { #expect(b.value != c.value, "\(section.key).\(b.key)") }
        }
        for setting in PolicyCatalog.general {
            #expect(setting.write(.default) != setting.write(everythingChanged), "\(setting.key)")
        }
    }

    @Test("section keys are unique and every top-level key is known to the reader")
    func keys() {
        let keys = PolicyCatalog.topKeys
        #expect(Set(keys).count == keys.count)
        #expect(
            keys == [
                "clock", "late_tolerance", "max_authors", "exempt_roles", "dry_run", "stopwords", "rate_limits",
                "slow_mode",
                "repeat", "flood", "raid", "known_spam", "links", "noise", "classifier", "escalation", "queue", "audit",
                "channels",
            ])
        for section in PolicyCatalog.sections {
            let names = section.entries.map(\.key)
            #expect(Set(names).count == names.count, "\(section.key)")
        }
    }

    @Test("a rule's action inside a channel is a problem at its own place")
    func actionPerChannel() {
        do {
            _ = try PolicyFile.parse(
                "channels:\n  general:\n    slow_mode: {interval: 5s, action: flag}\n", file: "p.yaml")
            Issue.record("accepted a per-channel action")
        } catch {
            #expect(
                error.problems.map { "\($0.line):\($0.column): \($0.key): \($0.message)" } == [
                    "3:39: channels.general.slow_mode.action: action is set for the whole policy, not per channel"
                ])
        }
    }

    @Test("docs/policy-reference.md is the catalog's reference")
    func referencePage() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/policy-reference.md")
        if ProcessInfo.processInfo.environment["WINNOW_RECORD"] == "1" {
            try PolicyCatalog.reference.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("re-recorded \(url.path); review the diff and run the tests again without WINNOW_RECORD")
            return
        }
        let page = try String(contentsOf: url, encoding: .utf8)
        #expect(page == PolicyCatalog.reference, "docs/policy-reference.md is stale: WINNOW_RECORD=1 rewrites it")
    }
}
