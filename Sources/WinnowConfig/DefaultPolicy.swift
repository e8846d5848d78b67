import WinnowSettings

extension PolicyFile {
    /// The built-in policy written out as a policy file: `winnow config default` prints it,
    /// and a test checks that it reads back as exactly `Configuration.default`.
    public static var defaultText: String { text(of: .default) }

    /// `configuration` as a policy file, every key written, with the catalog's comments.
    public static func text(of configuration: Configuration) -> String {
        var lines = [
            "# Winnow policy. Every key is optional: what is left out keeps the value shown here.",
            "# Durations: 500ms, 10s, 5m, 2h, 1d. Rates: N/DURATION, e.g. 5/10s, or '20/1m burst 5'; `off`.",
            "",
        ]
        for setting in PolicyCatalog.general {
            lines += wrapped(capitalized(setting.help) + ".").map { "# " + $0 }
            let value = setting.write(configuration)
            lines.append(
                value.isEmpty
                    ? "# \(setting.key): \(setting.type.split(separator: " ").first ?? "")"
                    : "\(setting.key): \(value)")
        }
        for section in PolicyCatalog.sections {
            lines.append("")
            lines += section.about.map { "# " + $0 }
            lines.append("\(section.key):")
            lines += section.values(configuration).map { "  \($0.key): \($0.value)" }
        }
        lines += ["", "# Per channel: rate_limits and slow_mode, on top of the defaults above."]
        let channels = configuration.behavior.channels
        if channels.isEmpty {
            lines.append("\(PolicyCatalog.channels): {}")
        } else {
            lines.append("\(PolicyCatalog.channels):")
            for name in channels.keys.sorted() {
                var defaults = configuration
                defaults.behavior.defaults = channels[name]!
                lines.append("  \(quoted(name)):")
                for section in PolicyCatalog.sections where section.readChannel != nil {
                    let perChannel = Set(section.entries.filter(\.perChannel).map(\.key))
                    let values = section.values(defaults).filter { perChannel.contains($0.key) }
                    lines.append(
                        "    \(section.key): {" + values.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` in lines of at most 94 characters (a comment line of 96), broken at spaces.
    private static func wrapped(_ text: String) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > 94 {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return lines + [line]
    }

    private static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    /// A channel name as a YAML key: quoted unless it is plain letters, digits, `_`, `-` and `#`.
    private static func quoted(_ name: String) -> String {
        let plain =
            !name.isEmpty
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                    || $0 == "-"
            }
        return plain ? name : "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
