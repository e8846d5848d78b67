import WinnowRules
import WinnowSettings

/// One section of the policy file as the catalog holds it: a `SettingsSection` type, where its
/// settings live in a `Configuration`, and which of its keys are set per channel (those live
/// on `ChannelSettings`: the defaults at the top level, each channel's under `channels:`).
public struct CatalogSection {
    /// What the reference says about one key.
    public struct Entry: Equatable {
        public let key: String
        public let type: String
        public let help: String
        public let perChannel: Bool
    }

    public let key: String
    /// The comment above the section in `winnow config default`.
    public let about: [String]
    /// Every key, in the order they are written.
    public let entries: [Entry]
    let shorthand: String?
    let read: (any SettingValue, inout Configuration) -> Void
    /// Reads the section's per-channel keys within one channel's entry; `nil`: none.
    let readChannel: ((any SettingValue, inout ChannelSettings) -> Void)?
    /// Every key's value in `configuration`, as the policy file writes it.
    public let values: (Configuration) -> [(key: String, value: String)]
    let summary: (Configuration) -> String

    init<Section: SettingsSection>(
        _ field: WritableKeyPath<Configuration, Section>, perChannel: [RuleSetting<ChannelSettings>] = []
    ) {
        let own = Section.settings
        let keys = perChannel.map(\.key) + own.map(\.key)
        let shorthand = Section.shorthand
        key = Section.section
        about = Section.about
        self.shorthand = shorthand
        entries =
            perChannel.map { Entry(key: $0.key, type: $0.type, help: $0.help, perChannel: true) }
            + own.map { Entry(key: $0.key, type: $0.type, help: $0.help, perChannel: false) }

        /// Reads one key: into the default channel settings or into the section.
        func apply(_ key: String, _ value: any SettingValue, _ configuration: inout Configuration) {
            if let setting = perChannel.first(where: { $0.key == key }) {
                setting.read(value, &configuration.behavior.defaults)
            } else if let setting = own.first(where: { $0.key == key }) {
                setting.read(value, &configuration[keyPath: field])
            }
        }
        read = { value, configuration in
            if value.isScalar, let shorthand {
                apply(shorthand, value, &configuration)
                return
            }
            for (key, entry) in value.entries(allowed: keys) { apply(key, entry, &configuration) }
            for (key, message) in configuration[keyPath: field].problems { value.problem(message, key: key) }
        }
        readChannel =
            perChannel.isEmpty
            ? nil
            : { value, channel in
                if value.isScalar, let shorthand, let setting = perChannel.first(where: { $0.key == shorthand }) {
                    setting.read(value, &channel)
                    return
                }
                for (key, entry) in value.entries(allowed: keys) {
                    if let setting = perChannel.first(where: { $0.key == key }) {
                        setting.read(entry, &channel)
                    } else {
                        entry.problem("\(key) is set for the whole policy, not per channel")
                    }
                }
            }
        values = { configuration in
            perChannel.map { ($0.key, $0.write(configuration.behavior.defaults)) }
                + own.map { ($0.key, $0.write(configuration[keyPath: field])) }
        }
        summary = { $0[keyPath: field].summary }
    }
}
