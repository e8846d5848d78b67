import Foundation
import WinnowCore
import WinnowLimits
import WinnowPipeline
import WinnowPolicy
import WinnowRules
import Yams

/// The policy file: YAML, so that people can comment their rules. Validated as a whole at
/// start-up: unknown keys, wrong types and impossible values are all reported with file,
/// line, column and key; nothing half-read is ever used.
public enum PolicyFile {
    /// The top-level keys, in the order the README documents them.
    static let topKeys = [
        "clock", "late_tolerance", "max_authors", "exempt_roles", "dry_run", "stopwords", "rate_limits", "slow_mode",
        "repeat", "flood", "raid", "links", "noise", "classifier", "escalation", "channels",
    ]

    /// Reads and validates the file at `path`.
    public static func load(_ path: String, knownCategories: Set<String>? = nil) throws(PolicyProblems) -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let why = !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) ? "no such file"
                : isDirectory.boolValue ? "it is a directory" : !FileManager.default.isReadableFile(atPath: path) ? "permission denied"
                : "a read error"
            throw PolicyProblems(problems: [
                PolicyProblem(file: path, line: 1, column: 1, key: "", message: "cannot read the file: \(why)")
            ])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyProblems(problems: [
                PolicyProblem(file: path, line: 1, column: 1, key: "", message: "the file is not UTF-8 text")
            ])
        }
        return try parse(text, file: path, knownCategories: knownCategories)
    }

    /// Validates `yaml` on top of `base`. `knownCategories`, when given, are the categories
    /// of the loaded wordlists: an override for another category is an error.
    public static func parse(
        _ yaml: String, file: String, base: Configuration = .default, knownCategories: Set<String>? = nil
    ) throws(PolicyProblems) -> Configuration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw PolicyProblems(problems: [syntaxProblem(error, file: file)])
        } catch {
            throw PolicyProblems(problems: [PolicyProblem(file: file, line: 1, column: 1, key: "", message: "\(error)")])
        }
        var configuration = base
        guard let root else { return configuration }  // an empty file: the defaults
        let reader = NodeReader(file: file)
        var channels: (path: String, node: Node)?
        for (key, path, node) in reader.mapping(root, "", allowed: topKeys) {
            switch key {
            case "clock":
                if let clock = reader.choice(node, path, of: ClockMode.allCases) { configuration.clock = clock }
            case "late_tolerance":
                if let tolerance = reader.duration(node, path) { configuration.lateTolerance = tolerance }
            case "max_authors":
                if let max = reader.int(node, path, in: 8...1_000_000_000) { configuration.behavior.maxAuthors = max }
            case "exempt_roles":
                if let roles = reader.strings(node, path) { configuration.behavior.exemptRoles = Set(roles) }
            case "dry_run":
                if let dryRun = reader.bool(node, path) { configuration.policy.dryRun = dryRun }
            case "stopwords":
                readStopwords(node, path, reader, &configuration.policy, knownCategories: knownCategories)
            case "rate_limits":
                readRateLimits(node, path, reader, &configuration.behavior.defaults.rateLimits, rule: &configuration.behavior.rateLimit)
            case "slow_mode":
                readSlowMode(node, path, reader, &configuration.behavior.defaults.slowMode, rule: &configuration.behavior.slowMode)
            case "repeat":
                readRepeat(node, path, reader, &configuration.behavior.repeatRule)
            case "flood":
                readFlood(node, path, reader, &configuration.behavior.flood)
            case "raid":
                readRaid(node, path, reader, &configuration.behavior.raid)
            case "links":
                readLinks(node, path, reader, &configuration.behavior.links)
            case "noise":
                readNoise(node, path, reader, &configuration.behavior.noise)
            case "classifier":
                readClassifier(node, path, reader, &configuration.behavior.classifier, file: file)
            case "escalation":
                readEscalation(node, path, reader, &configuration.behavior.escalation)
            case "channels":
                channels = (path, node)  // read last: channels start from the defaults the file sets
            default:
                break
            }
        }
        if let channels { readChannels(channels.node, channels.path, reader, &configuration.behavior) }
        if !reader.problems.isEmpty {
            throw PolicyProblems(problems: reader.problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return configuration
    }

    private static let ruleActions: [RuleAction] = [.flag, .hold, .reject]

    /// Reads `action` and `dry_run`, which every rule section has; returns whether `name` was one.
    private static func readShared<R: RuleSettings>(
        _ name: String, _ value: Node, _ path: String, _ reader: NodeReader, _ rule: inout R
    ) -> Bool {
        switch name {
        case "action": if let v = reader.choice(value, path, of: ruleActions) { rule.action = v }
        case "dry_run": if let v = reader.bool(value, path) { rule.dryRun = v }
        default: return false
        }
        return true
    }

    /// `enabled` as well, for rules that can be switched off.
    private static func readShared<R: SwitchableRule>(
        _ name: String, _ value: Node, _ path: String, _ reader: NodeReader, switchable rule: inout R
    ) -> Bool {
        if name == "enabled" {
            if let v = reader.bool(value, path) { rule.enabled = v }
            return true
        }
        return readShared(name, value, path, reader, &rule)
    }

    private static func readStopwords(
        _ node: Node, _ key: String, _ reader: NodeReader, _ policy: inout Policy, knownCategories: Set<String>?
    ) {
        for (name, path, value) in reader.mapping(node, key, allowed: ["dry_run", "categories"]) {
            switch name {
            case "dry_run":
                if let dryRun = reader.bool(value, path) {
                    if dryRun { policy.dryRunRules.insert(StopwordRule.name) } else { policy.dryRunRules.remove(StopwordRule.name) }
                }
            default:
                for (category, categoryPath, actionNode) in reader.mapping(value, path) {
                    if let knownCategories, !knownCategories.contains(category) {
                        reader.problem(
                            actionNode, categoryPath,
                            "no wordlist has this category (categories: \(knownCategories.sorted().joined(separator: ", ")))")
                        continue
                    }
                    guard let text = reader.string(actionNode, categoryPath) else { continue }
                    if text == "allow" {
                        policy.categoryActions[category] = .some(nil)
                    } else if let action = RuleAction(rawValue: text), action != .timeout, action != .ban {
                        policy.categoryActions[category] = .some(action)
                    } else {
                        reader.problem(
                            actionNode, categoryPath,
                            "expected one of allow, annotate, flag, censor, hold, reject, not '\(text)'")
                    }
                }
            }
        }
    }

    private static func readRateLimits(
        _ node: Node, _ key: String, _ reader: NodeReader, _ limits: inout RateLimitRule.Limits, rule: inout RateLimitRule
    ) {
        for (name, path, value) in reader.mapping(
            node, key, allowed: ["author", "author_channel", "channel", "action", "dry_run"])
        {
            switch name {
            case "author": if let limit = reader.rate(value, path) { limits.author = limit }
            case "author_channel": if let limit = reader.rate(value, path) { limits.authorInChannel = limit }
            case "channel": if let limit = reader.rate(value, path) { limits.channel = limit }
            default: _ = readShared(name, value, path, reader, &rule)
            }
        }
    }

    private static func readSlowMode(
        _ node: Node, _ key: String, _ reader: NodeReader, _ interval: inout Micros, rule: inout SlowModeRule
    ) {
        if node.scalar != nil {  // `slow_mode: 30s`
            if let value = reader.duration(node, key) { interval = value }
            return
        }
        for (name, path, value) in reader.mapping(node, key, allowed: ["interval", "action", "dry_run"]) {
            switch name {
            case "interval": if let value = reader.duration(value, path) { interval = value }
            default: _ = readShared(name, value, path, reader, &rule)
            }
        }
    }

    private static func readRepeat(_ node: Node, _ key: String, _ reader: NodeReader, _ rule: inout RepeatRule) {
        for (name, path, value) in reader.mapping(
            node, key, allowed: ["enabled", "window", "min_matches", "action", "dry_run"])
        {
            switch name {
            case "window":
                if let v = reader.duration(value, path, in: Micros.perSecond...3600 * Micros.perSecond) { rule.window = v }
            case "min_matches": if let v = reader.int(value, path, in: 1...8) { rule.minMatches = v }
            default: _ = readShared(name, value, path, reader, switchable: &rule)
            }
        }
    }

    private static func readFlood(_ node: Node, _ key: String, _ reader: NodeReader, _ rule: inout FloodRule) {
        for (name, path, value) in reader.mapping(
            node, key,
            allowed: [
                "enabled", "window", "authors", "authors_with_links", "min_words", "min_matches", "action",
                "participant_action", "dry_run",
            ])
        {
            switch name {
            case "window":
                if let v = reader.duration(value, path, in: Micros.perSecond...12 * 3600 * Micros.perSecond) { rule.window = v }
            case "authors": if let v = reader.int(value, path, in: 2...65_535) { rule.authors = v }
            case "authors_with_links": if let v = reader.int(value, path, in: 2...65_535) { rule.authorsWithLinks = v }
            case "min_words": if let v = reader.int(value, path, in: 1...64) { rule.minWords = v }
            case "min_matches": if let v = reader.int(value, path, in: 1...8) { rule.minMatches = v }
            case "participant_action": if let v = reader.choice(value, path, of: ruleActions) { rule.participantAction = v }
            default: _ = readShared(name, value, path, reader, switchable: &rule)
            }
        }
    }

    private static func readRaid(_ node: Node, _ key: String, _ reader: NodeReader, _ rule: inout RaidRule) {
        for (name, path, value) in reader.mapping(
            node, key,
            allowed: [
                "enabled", "window", "min_newcomers", "factor", "warm_up_windows", "slow_mode", "cool_down", "action",
                "dry_run",
            ])
        {
            switch name {
            case "window":
                if let v = reader.duration(value, path, in: Micros.perSecond...30 * 86_400 * Micros.perSecond) { rule.window = v }
            case "min_newcomers": if let v = reader.int(value, path, in: 1...65_535) { rule.minNewcomers = v }
            case "factor": if let v = reader.int(value, path, in: 1...1000) { rule.factor = v }
            case "warm_up_windows": if let v = reader.int(value, path, in: 0...1000) { rule.warmUpWindows = v }
            case "slow_mode": if let v = reader.duration(value, path) { rule.slowMode = v }
            case "cool_down": if let v = reader.duration(value, path) { rule.coolDown = v }
            default: _ = readShared(name, value, path, reader, switchable: &rule)
            }
        }
    }

    private static func readLinks(_ node: Node, _ key: String, _ reader: NodeReader, _ rule: inout LinkRule) {
        for (name, path, value) in reader.mapping(
            node, key,
            allowed: [
                "enabled", "max_links", "max_mentions", "new_author_window", "new_author_alone", "shorteners", "action",
                "dry_run",
            ])
        {
            switch name {
            case "max_links": if let v = reader.int(value, path, in: 0...1000) { rule.maxLinks = v }
            case "max_mentions": if let v = reader.int(value, path, in: 0...1000) { rule.maxMentions = v }
            case "new_author_window": if let v = reader.duration(value, path) { rule.newAuthorWindow = v }
            case "new_author_alone":
                // `annotate`: a newcomer's link alone is allowed, with the reason noted.
                if let v = reader.choice(value, path, of: [.annotate] + ruleActions) { rule.newAuthorAloneAction = v }
            case "shorteners": if let v = reader.strings(value, path) { rule.shorteners = Set(v.map { $0.lowercased() }) }
            default: _ = readShared(name, value, path, reader, switchable: &rule)
            }
        }
    }

    /// `model` is a path (relative to the policy file) or `bundled`; `labels` maps each label
    /// to its actions and thresholds: `spam: {hold: 0.9, reject: 0.99}`. The model is read and
    /// checked against the labels when the engine is built.
    private static func readClassifier(
        _ node: Node, _ key: String, _ reader: NodeReader, _ rule: inout ClassifierRule, file: String
    ) {
        for (name, path, value) in reader.mapping(node, key, allowed: ["enabled", "model", "labels", "features", "dry_run"]) {
            switch name {
            case "enabled": if let v = reader.bool(value, path) { rule.enabled = v }
            case "dry_run": if let v = reader.bool(value, path) { rule.dryRun = v }
            case "features": if let v = reader.int(value, path, in: 0...50) { rule.explained = v }
            case "model":
                guard let text = reader.string(value, path), !text.isEmpty else { continue }
                if text == "bundled" {
                    rule.modelPath = nil
                } else if text.hasPrefix("/") {
                    rule.modelPath = text
                } else {
                    rule.modelPath = ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(text)
                }
            case "labels":
                var labels: [String: [ClassifierRule.Step]] = [:]
                for (label, labelPath, steps) in reader.mapping(value, path) {
                    var list: [ClassifierRule.Step] = []
                    for (actionName, stepPath, threshold) in reader.mapping(steps, labelPath, allowed: ruleActions.map(\.rawValue)) {
                        guard let action = RuleAction(rawValue: actionName), let text = reader.string(threshold, stepPath) else { continue }
                        guard let at = Double(text), at > 0, at < 1 else {
                            reader.problem(threshold, stepPath, "expected a score threshold between 0 and 1, such as 0.9, not '\(text)'")
                            continue
                        }
                        list.append(ClassifierRule.Step(threshold: at, action: action))
                    }
                    labels[label] = list.sorted { $0.threshold < $1.threshold }
                }
                rule.labels = labels
            default: break
            }
        }
    }

    private static func readNoise(_ node: Node, _ key: String, _ reader: NodeReader, _ rule: inout NoiseRule) {
        for (name, path, value) in reader.mapping(
            node, key,
            allowed: [
                "enabled", "caps_ratio", "min_letters", "max_run", "symbol_ratio", "min_characters", "max_marks", "action",
                "dry_run",
            ])
        {
            switch name {
            case "caps_ratio": if let v = reader.ratio(value, path) { rule.capsRatio = v }
            case "min_letters": if let v = reader.int(value, path, in: 1...10_000) { rule.minLetters = v }
            case "max_run": if let v = reader.int(value, path, in: 1...10_000) { rule.maxRun = v }
            case "symbol_ratio": if let v = reader.ratio(value, path) { rule.symbolRatio = v }
            case "min_characters": if let v = reader.int(value, path, in: 1...10_000) { rule.minCharacters = v }
            case "max_marks": if let v = reader.int(value, path, in: 1...1000) { rule.maxMarks = v }
            default: _ = readShared(name, value, path, reader, switchable: &rule)
            }
        }
    }

    private static func readEscalation(_ node: Node, _ key: String, _ reader: NodeReader, _ escalation: inout Escalation) {
        let keys = ["enabled", "dry_run", "strike_action", "strike_rules", "strikes", "window", "timeout", "ban_after_timeouts", "ban_duration"]
        for (name, path, value) in reader.mapping(node, key, allowed: keys) {
            switch name {
            case "enabled": if let enabled = reader.bool(value, path) { escalation.enabled = enabled }
            case "dry_run": if let dryRun = reader.bool(value, path) { escalation.dryRun = dryRun }
            case "strike_action":
                if let action = reader.choice(value, path, of: [Action.flag, .hold, .reject]) { escalation.strikeAction = action }
            case "strike_rules": if let rules = reader.strings(value, path) { escalation.strikeRules = Set(rules) }
            case "strikes": if let strikes = reader.int(value, path, in: 1...1000) { escalation.strikes = strikes }
            case "window": if let window = reader.duration(value, path) { escalation.window = window }
            case "timeout": if let timeout = reader.duration(value, path) { escalation.timeout = timeout }
            case "ban_after_timeouts":
                if let count = reader.int(value, path, in: 0...10_000) { escalation.banAfterTimeouts = count }
            default:
                if reader.string(value, path) == "forever" {
                    escalation.banDuration = nil
                } else if let duration = reader.duration(value, path) {
                    escalation.banDuration = duration
                }
            }
        }
        if escalation.window <= 0 { reader.problem(node, "\(key).window", "must be longer than 0s") }
    }

    private static func readChannels(_ node: Node, _ key: String, _ reader: NodeReader, _ behavior: inout BehaviorSettings) {
        for (channel, path, value) in reader.mapping(node, key) {
            var settings = behavior.channels[channel] ?? behavior.defaults
            var rateRule = behavior.rateLimit
            var slowRule = behavior.slowMode
            for (name, innerPath, inner) in reader.mapping(value, path, allowed: ["rate_limits", "slow_mode"]) {
                if name == "rate_limits" {
                    readRateLimits(inner, innerPath, reader, &settings.rateLimits, rule: &rateRule)
                } else {
                    readSlowMode(inner, innerPath, reader, &settings.slowMode, rule: &slowRule)
                }
            }
            if rateRule != behavior.rateLimit || slowRule != behavior.slowMode {
                reader.problem(value, path, "action and dry_run are set for the whole policy, not per channel")
            }
            behavior.channels[channel] = settings
        }
    }

    private static func syntaxProblem(_ error: YamlError, file: String) -> PolicyProblem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return PolicyProblem(file: file, line: mark.line, column: mark.column, key: "", message: "YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams marks the first of the equal keys; the mistake is the later one: the next
            // line with the same key at the same column.
            let key = duplicates.first ?? ""
            let first = context.mark
            let lines = context.text.split(separator: "\n", omittingEmptySubsequences: false)
            let again = lines.indices.first { k in
                guard k + 1 > first.line else { return false }
                let line = lines[k].dropFirst(max(0, first.column - 1))
                return lines[k].prefix(max(0, first.column - 1)).allSatisfy { $0 == " " || $0 == "-" }
                    && line.hasPrefix(key) && line.dropFirst(key.count).drop { $0 == " " }.hasPrefix(":")
            }
            return PolicyProblem(
                file: file, line: again.map { $0 + 1 } ?? first.line, column: first.column, key: key,
                message: "YAML: the key '\(key)' appears twice in one mapping (first at line \(first.line))")
        default:
            // Yams appends the offending text after a newline; the first line says it all.
            let message = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            return PolicyProblem(file: file, line: 1, column: 1, key: "", message: "YAML: \(message)")
        }
    }
}
