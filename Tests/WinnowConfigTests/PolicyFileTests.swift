import Foundation
import Testing
import WinnowConfig
import WinnowCore
import WinnowLimits
import WinnowPipeline
import WinnowPolicy
import WinnowRules

@Suite("Policy file")
struct PolicyFileTests {
    let s = Micros.perSecond

    func parse(_ yaml: String, categories: Set<String>? = nil) throws(PolicyProblems) -> Configuration {
        try PolicyFile.parse(yaml, file: "policy.yaml", knownCategories: categories)
    }

    /// The problems `yaml` has, as `line:column: key: message` strings.
    func problems(_ yaml: String, categories: Set<String>? = nil) -> [String] {
        do {
            _ = try parse(yaml, categories: categories)
            return []
        } catch {
            return error.problems.map { "\($0.line):\($0.column): \($0.key): \($0.message)" }
        }
    }

    @Test("the default policy text reads back as exactly the built-in policy")
    func defaultText() throws {
        #expect(try parse(PolicyFile.defaultText) == Configuration.default)
    }

    @Test("config default said 96 bytes per author where the docs and the tables say 104")
    func defaultTextBytesPerAuthor() {
        #expect(PolicyFile.defaultText.contains("(\(BehaviorState(maxAuthors: 8).bytesPerAuthor) bytes each)"))
    }

    @Test("an empty file is the built-in policy")
    func empty() throws {
        #expect(try parse("") == Configuration.default)
        #expect(try parse("# only a comment\n") == Configuration.default)
    }

    @Test("every key is read")
    func everyKey() throws {
        let configuration = try parse(
            """
            clock: event
            late_tolerance: 2s
            max_authors: 5000
            exempt_roles: [vip]
            dry_run: true
            stopwords:
              dry_run: true
              categories: {profanity: allow, insult: reject}
            rate_limits: {author: 3/10s burst 2, author_channel: 2/5s, channel: 100/1s, action: hold, dry_run: true}
            slow_mode: {interval: 30s, action: flag, dry_run: true}
            escalation:
              enabled: true
              dry_run: true
              strike_action: hold
              strikes: 5
              window: 1h
              timeout: 2m
              ban_after_timeouts: 0
              ban_duration: forever
            channels:
              quiet: {slow_mode: 1m}
              busy:
                rate_limits: {channel: off}
            """, categories: ["profanity", "insult"])
        #expect(configuration.clock == .event)
        #expect(configuration.lateTolerance == 2 * s)
        #expect(
            configuration.policy
                == Policy(
                    categoryActions: ["profanity": RuleAction?.none, "insult": RuleAction.reject], dryRun: true,
                    dryRunRules: ["stopword"]))
        let b = configuration.behavior
        #expect(b.maxAuthors == 5000)
        #expect(b.exemptRoles == ["vip"])
        #expect(
            b.defaults.rateLimits
                == RateLimitRule.Limits(
                    author: RateLimit(events: 3, period: 10 * s, burst: 2),
                    authorInChannel: RateLimit(events: 2, period: 5 * s),
                    channel: RateLimit(events: 100, period: s)))
        #expect(b.rateLimit == RateLimitRule(action: .hold, dryRun: true))
        #expect(b.slowMode == SlowModeRule(action: .flag, dryRun: true))
        #expect(b.defaults.slowMode == 30 * s)
        #expect(
            b.escalation
                == Escalation(
                    enabled: true, strikeAction: .hold, strikes: 5, window: 3600 * s, timeout: 120 * s,
                    banAfterTimeouts: 0,
                    banDuration: nil, dryRun: true))
        // Channels start from the file's defaults and change only what they name.
        #expect(b.channels["quiet"] == ChannelSettings(rateLimits: b.defaults.rateLimits, slowMode: 60 * s))
        var busy = b.defaults
        busy.rateLimits.channel = nil
        #expect(b.channels["busy"] == busy)
    }

    @Test("the heuristics' sections")
    func heuristics() throws {
        let b = try parse(
            """
            repeat: {window: 30s, min_matches: 6, action: hold, dry_run: true}
            flood: {enabled: false, window: 2m, authors: 10, min_words: 3, min_matches: 7, action: hold, participant_action: hold}
            raid: {window: 30s, min_newcomers: 50, factor: 3, warm_up_windows: 0, slow_mode: 0s, cool_down: 1m, action: hold}
            links: {max_links: 0, max_mentions: 1, new_author_window: 0s, new_author_alone: annotate, shorteners: [Bit.ly], action: reject}
            noise: {caps_ratio: 90%, min_letters: 5, max_run: 4, symbol_ratio: 0.5, min_characters: 3, max_marks: 1, enabled: false}
            """
        ).behavior
        #expect(b.repeatRule == RepeatRule(window: 30 * s, minMatches: 6, action: .hold, dryRun: true))
        #expect(
            b.flood
                == FloodRule(
                    enabled: false, window: 120 * s, authors: 10, minWords: 3, minMatches: 7, action: .hold,
                    participantAction: .hold))
        #expect(
            b.raid
                == RaidRule(
                    window: 30 * s, minNewcomers: 50, factor: 3, warmUpWindows: 0, slowMode: 0, coolDown: 60 * s,
                    action: .hold))
        #expect(
            b.links
                == LinkRule(
                    maxLinks: 0, maxMentions: 1, newAuthorWindow: 0, shorteners: ["bit.ly"], action: .reject,
                    newAuthorAloneAction: .annotate))
        #expect(
            b.noise
                == NoiseRule(
                    enabled: false, capsRatio: 0.9, minLetters: 5, maxRun: 4, symbolRatio: 0.5, minCharacters: 3,
                    maxMarks: 1))
        #expect(
            problems("repeat: {window: 2h}\nnoise: {caps_ratio: 2}\n") == [
                "1:18: repeat.window: must be from 1s to 1h",
                "2:21: noise.caps_ratio: expected a share such as 0.7 or 70%, not '2'",
            ])
    }

    @Test("channels read the file's defaults even when written first")
    func channelsFirst() throws {
        let b = try parse("channels: {a: {slow_mode: 5s}}\nrate_limits: {author: 1/1s}\n").behavior
        #expect(b.channels["a"]?.rateLimits.author == RateLimit(events: 1, period: s))
    }

    @Test("every problem is reported, with line, column and key")
    func problemsAreListed() {
        let found = problems(
            """
            clock: sundial
            max_authors: many
            rate_limits:
              author: 5 per 10s
              colour: blue
            escalation:
              strikes: 0
              ban_duration: soon
            stopwords:
              categories: {profanity: obliterate, nonsense: flag}
            channels:
              general: {slow_mode: 10s, action: reject}
            mystery: 1
            """, categories: ["profanity"])
        #expect(
            found == [
                "1:8: clock: expected one of event, wall, not 'sundial'",
                "2:14: max_authors: expected a whole number from 8 to 1000000000, not 'many'",
                "4:11: rate_limits.author: expected a rate such as 5/10s or '20/1m burst 5', or off, not '5 per 10s'",
                "5:3: rate_limits.colour: unknown key (known here: author, author_channel, channel, action, dry_run)",
                "7:12: escalation.strikes: expected a whole number from 1 to 1000, not '0'",
                "8:17: escalation.ban_duration: expected a duration such as 500ms, 10s, 5m, 2h or 1d (at most 100 years), not 'soon'",
                "10:27: stopwords.categories.profanity: expected one of allow, annotate, flag, censor, hold, reject, not 'obliterate'",
                "10:49: stopwords.categories.nonsense: no wordlist has this category (categories: profanity)",
                "12:29: channels.general.action: unknown key (known here: rate_limits, slow_mode)",
                "13:1: mystery: unknown key (known here: clock, late_tolerance, max_authors, exempt_roles, dry_run, stopwords, rate_limits, slow_mode, repeat, flood, raid, known_spam, links, noise, classifier, escalation, queue, audit, channels)",
            ])
    }

    @Test("YAML syntax errors name the place")
    func syntax() {
        #expect(problems("rate_limits:\n  author: [5/10s\n") == ["3:1: : YAML: did not find expected ',' or ']'"])
        #expect(problems("- a list\n- at the top\n") == ["1:1: : expected a mapping of keys to values"])
    }

    @Test("a duplicate key was reported at 1:1; now at its own line and column")
    func duplicateKeyAtItsPlace() {
        #expect(
            problems("clock: event\nclock: wall\n") == [
                "2:1: clock: YAML: the key 'clock' appears twice in one mapping (first at line 1)"
            ])
        #expect(
            problems("# links\nlinks:\n  max_links: 3\n  # more\n  max_links: 4\n") == [
                "5:3: max_links: YAML: the key 'max_links' appears twice in one mapping (first at line 3)"
            ])
    }

    @Test("a policy file that cannot be read says why")
    func unreadableFileSaysWhy() {
        func problems(_ path: String) -> [String] {
            do {
                _ = try PolicyFile.load(path)
                return []
            } catch {
                return error.problems.map { "\($0.line):\($0.column): \($0.message)" }
            }
        }
        #expect(problems("/nonexistent/policy.yaml") == ["1:1: cannot read the file: no such file"])
        #expect(
            problems(FileManager.default.temporaryDirectory.path) == ["1:1: cannot read the file: it is a directory"])
    }
}

@Suite("Policy file: the classifier section")
struct ClassifierPolicyTests {
    func problems(_ yaml: String) -> [String] {
        do {
            _ = try PolicyFile.parse(yaml, file: "/etc/winnow/policy.yaml")
            return []
        } catch {
            return error.problems.map { "\($0.line):\($0.column): \($0.key): \($0.message)" }
        }
    }

    @Test("labels, thresholds, a model path relative to the policy file")
    func classifierSection() throws {
        let c = try PolicyFile.parse(
            """
            classifier:
              enabled: true
              model: models/ours.wnm
              labels:
                spam: {reject: 0.99, hold: 0.8}
              features: 3
              dry_run: true
            """, file: "/etc/winnow/policy.yaml"
        ).behavior.classifier
        #expect(c.enabled)
        #expect(c.modelPath == "/etc/winnow/models/ours.wnm")
        #expect(c.labels == ["spam": [.init(threshold: 0.8, action: .hold), .init(threshold: 0.99, action: .reject)]])
        #expect(c.explained == 3)
        #expect(c.dryRun)
        #expect(
            try PolicyFile.parse("classifier: {model: bundled}", file: "p.yaml").behavior.classifier.modelPath == nil)
    }

    @Test("a threshold out of range or an unknown action is a problem with its place")
    func classifierProblems() {
        #expect(
            problems("classifier:\n  labels:\n    spam: {hold: 1.5, delete: 0.9}\n") == [
                "3:18: classifier.labels.spam.hold: expected a score threshold between 0 and 1, such as 0.9, not '1.5'",
                "3:23: classifier.labels.spam.delete: unknown key (known here: flag, hold, reject)",
            ])
    }
}
