import WinnowCore
import WinnowLimits

/// One key of a policy-file section: how it is read (with its checks), how its value is
/// written back (`winnow config default`), and what the reference says about it. A section
/// lists its settings once; the reader, the default text, and `docs/policy-reference.md`
/// all come from that list.
public struct RuleSetting<Settings> {
    public let key: String
    /// What the value is, for the reference: `duration, 1s to 1h`.
    public let type: String
    /// What the setting does, one sentence for the reference.
    public let help: String
    /// Reads the value into the settings; a wrong value is reported and leaves them as they are.
    public let read: (any SettingValue, inout Settings) -> Void
    /// The value as the policy file writes it.
    public let write: (Settings) -> String

    public init(
        _ key: String, type: String, help: String, read: @escaping (any SettingValue, inout Settings) -> Void,
        write: @escaping (Settings) -> String
    ) {
        self.key = key
        self.type = type
        self.help = help
        self.read = read
        self.write = write
    }
}

extension RuleSetting {
    /// `true` or `false`.
    public static func bool(_ key: String, _ field: WritableKeyPath<Settings, Bool>, _ help: String) -> Self {
        Self(
            key, type: "true or false", help: help,
            read: { value, settings in
                if let v = value.bool() { settings[keyPath: field] = v }
            }, write: { $0[keyPath: field] ? "true" : "false" })
    }

    /// A whole number within `range`.
    public static func int(
        _ key: String, _ field: WritableKeyPath<Settings, Int>, in range: ClosedRange<Int>, _ help: String
    ) -> Self {
        Self(
            key, type: "whole number, \(range.lowerBound) to \(range.upperBound)", help: help,
            read: { value, settings in
                if let v = value.int(in: range) { settings[keyPath: field] = v }
            }, write: { "\($0[keyPath: field])" })
    }

    /// A share: `0.7` or `70%`.
    public static func ratio(_ key: String, _ field: WritableKeyPath<Settings, Double>, _ help: String) -> Self {
        Self(
            key, type: "share, 0.7 or 70%", help: help,
            read: { value, settings in
                if let v = value.ratio() { settings[keyPath: field] = v }
            }, write: { "\($0[keyPath: field])" })
    }

    /// A duration, within `range` when one is given (e.g. what the packed window state holds).
    public static func duration(
        _ key: String, _ field: WritableKeyPath<Settings, Micros>, in range: ClosedRange<Micros>? = nil, _ help: String
    ) -> Self {
        let type =
            range.map { "duration, \(DurationText.describe($0.lowerBound)) to \(DurationText.describe($0.upperBound))" }
            ?? "duration"
        return Self(
            key, type: type, help: help,
            read: { value, settings in
                if let v = value.duration(in: range) { settings[keyPath: field] = v }
            }, write: { DurationText.describe($0[keyPath: field]) })
    }

    /// A duration of at least `shortest`, or `off` (kept as 0).
    public static func durationOrOff(
        _ key: String, _ field: WritableKeyPath<Settings, Micros>, atLeast shortest: Micros, _ help: String
    ) -> Self {
        Self(
            key, type: "duration of at least \(DurationText.describe(shortest)), or off", help: help,
            read: { value, settings in
                if value.string() == "off" {
                    settings[keyPath: field] = 0
                } else if let v = value.duration(in: shortest...Micros.longestDuration) {
                    settings[keyPath: field] = v
                }
            }, write: { $0[keyPath: field] == 0 ? "off" : DurationText.describe($0[keyPath: field]) })
    }

    /// A rate (`5/10s`, `20/1m burst 5`) or `off`.
    public static func rate(_ key: String, _ field: WritableKeyPath<Settings, RateLimit?>, _ help: String) -> Self {
        Self(
            key, type: "rate such as 5/10s or '20/1m burst 5', or off", help: help,
            read: { value, settings in
                if let v = value.rate() { settings[keyPath: field] = v }
            }, write: { $0[keyPath: field]?.description ?? "off" })
    }

    /// One of `choices`.
    public static func choice<T: RawRepresentable>(
        _ key: String, _ field: WritableKeyPath<Settings, T>, of choices: [T], _ help: String
    ) -> Self where T.RawValue == String {
        Self(
            key, type: "one of " + choices.map(\.rawValue).joined(separator: ", "), help: help,
            read: { value, settings in
                if let v = value.choice(of: choices) { settings[keyPath: field] = v }
            }, write: { $0[keyPath: field].rawValue })
    }

    /// A list of words, kept as a set (written sorted); `lowercased` folds them on reading.
    public static func words(
        _ key: String, _ field: WritableKeyPath<Settings, Set<String>>, lowercased: Bool = false, _ help: String
    ) -> Self {
        Self(
            key, type: "list", help: help,
            read: { value, settings in
                if let v = value.strings() {
                    settings[keyPath: field] = Set(lowercased ? v.map { $0.lowercased() } : v)
                }
            }, write: { "[" + $0[keyPath: field].sorted().joined(separator: ", ") + "]" })
    }

    /// `action`: what the rule's reasons ask for.
    public static func action(
        _ field: WritableKeyPath<Settings, RuleAction>, of choices: [RuleAction] = RuleAction.ruleChoices
    ) -> Self {
        choice("action", field, of: choices, "what the rule's reasons ask for")
    }

    /// `dry_run`: the rule's reasons are reported (`dry_run: true` in the verdict) but not acted on.
    public static func dryRun(_ field: WritableKeyPath<Settings, Bool>) -> Self {
        bool("dry_run", field, "report the rule's reasons without acting on them")
    }

    /// `enabled`: the rule runs at all.
    public static func enabled(_ field: WritableKeyPath<Settings, Bool>) -> Self {
        bool("enabled", field, "whether the rule runs")
    }
}

extension RuleAction {
    /// The actions a rule's own `action` can take: what it asks of the comment in front of it.
    public static let ruleChoices: [RuleAction] = [.flag, .hold, .reject]
}
