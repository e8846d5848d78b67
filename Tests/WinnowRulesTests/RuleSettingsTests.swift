import Testing
import WinnowRules
import WinnowSettings

@Suite("Each rule's settings")
struct RuleSettingsTests {
    /// A section's keys, its comment, and its summary line under the rule's own defaults.
    struct Declared {
        let section: String
        let keys: [String]
        let about: [String]
        let summary: String

        init<S: SettingsSection>(_ rule: S) {
            section = S.section
            keys = S.settings.map(\.key)
            about = S.about
            summary = rule.summary
        }
    }

    let rules = [
        Declared(RateLimitRule()), Declared(SlowModeRule()), Declared(RepeatRule()), Declared(FloodRule()),
        Declared(RaidRule()), Declared(LinkRule()), Declared(NoiseRule()), Declared(ClassifierRule()),
    ]

    @Test("keys are unique within a section; every rule has action and dry_run, or dry_run and its own")
    func keys() {
        for rule in rules {
            #expect(Set(rule.keys).count == rule.keys.count, "\(rule.section)")
            #expect(rule.keys.contains("dry_run"), "\(rule.section)")
            #expect(rule.keys.allSatisfy { $0 == $0.lowercased() && !$0.contains(" ") }, "\(rule.section)")
        }
        #expect(
            rules.map(\.section) == [
                "rate_limits", "slow_mode", "repeat", "flood", "raid", "links", "noise", "classifier",
            ])
    }

    @Test("comments fit a 96-column policy file")
    func aboutWidth() {
        for rule in rules { for line in rule.about { #expect(line.count <= 94, "\(rule.section): \(line)") } }
    }

    @Test("the summary line of each rule under its own defaults")
    func summaries() {
        #expect(
            rules.map(\.summary) == [
                "rate limits: action reject",
                "slow mode: action reject",
                "repeat: within 1m, 5 of 8 sketch values -> reject",
                "flood: 5 authors (4 with a link, mention or contact) in 1m -> reject",
                "raid: 5x usual newcomers (at least 20) in 1m, slow-mode 10s -> flag",
                "links: at most 2 links, 5 mentions, 24 shorteners, new authors 10m (alone: flag; mentions alone: flag) -> hold",
                "noise: caps 0.7, run 50, symbols 0.6, marks 3 -> flag",
                "classifier: off",
            ])
    }

    @Test("the per-channel keys write what a channel holds")
    func perChannel() {
        var channel = ChannelSettings()
        channel.rateLimits.author = nil
        channel.slowMode = 30 * 1_000_000
        #expect(
            RateLimitRule.perChannel.map { "\($0.key): \($0.write(channel))" } == [
                "author: off", "author_channel: off", "channel: off",
            ])
        #expect(SlowModeRule.perChannel.map { "\($0.key): \($0.write(channel))" } == ["interval: 30s"])
    }
}
