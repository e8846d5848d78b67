/// A section of the policy file (`noise:`, `escalation:`): the settings type of one rule owns
/// its key, its settings, the comment above it in `winnow config default`, and its line in
/// `winnow config check`. The policy reader, the default text, the summary and the reference
/// page iterate over these; adding a rule adds no code to any of them.
public protocol SettingsSection {
    /// The section's key in the policy file.
    static var section: String { get }
    /// The comment written above the section by `winnow config default` (without `# `).
    static var about: [String] { get }
    /// Every key of the section, in the order they are written.
    static var settings: [RuleSetting<Self>] { get }
    /// The setting a single value stands for (`slow_mode: 30s`), if the section has one.
    static var shorthand: String? { get }
    /// What is in force, one line for `winnow config check`.
    var summary: String { get }
    /// Problems that involve more than one key, as (key, message); checked after reading.
    var problems: [(key: String, message: String)] { get }
}

extension SettingsSection {
    public static var shorthand: String? { nil }
    public var problems: [(key: String, message: String)] { [] }

    /// Reads a section's mapping (or its shorthand value) on top of `self`.
    public mutating func read(_ value: any SettingValue) {
        let settings = Self.settings
        if value.isScalar, let shorthand = Self.shorthand, let setting = settings.first(where: { $0.key == shorthand })
        {
            setting.read(value, &self)
            return
        }
        for (key, entry) in value.entries(allowed: settings.map(\.key)) {
            settings.first { $0.key == key }?.read(entry, &self)
        }
        for (key, message) in problems { value.problem(message, key: key) }
    }

    /// The `enabled … -> action (dry run)` form most rules' summary lines take.
    public static func summaryLine(enabled: Bool, _ what: @autoclosure () -> String, action: String, dryRun: Bool)
        -> String
    {
        enabled ? "\(section): \(what()) -> \(action)\(dryRun ? " (dry run)" : "")" : "\(section): off"
    }
}
