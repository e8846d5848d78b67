extension PolicyCatalog {
    /// `docs/policy-reference.md`: every key of the policy file, generated from the catalog
    /// (a test keeps the page equal to this; `WINNOW_RECORD=1` rewrites it).
    public static var reference: String {
        var lines = [
            "# Policy file reference",
            "",
            "<!-- Generated from the rule catalog (`PolicyCatalog`); edit the rules' settings, then run",
            "     `WINNOW_RECORD=1 swift test --filter PolicyCatalogTests` to rewrite this page. -->",
            "",
            "Every key of the policy file, with its built-in value. `winnow config default` prints the",
            "same as a file; [policy.md](policy.md) explains how the rules decide.",
            "",
            "## Top level",
            "",
            "| key | value | built in | what it does |",
            "|---|---|---|---|",
        ]
        let built = Configuration.default
        lines += general.map { row($0.key, $0.type, $0.write(built).isEmpty ? "—" : $0.write(built), $0.help) }
        for section in sections {
            lines += ["", "## `\(section.key)`", ""]
            if !section.about.isEmpty { lines += [section.about.joined(separator: " "), ""] }
            lines += ["| key | value | built in | what it does |", "|---|---|---|---|"]
            let values = Dictionary(section.values(built), uniquingKeysWith: { first, _ in first })
            for entry in section.entries {
                lines.append(
                    row(
                        entry.key, entry.type, values[entry.key] ?? "",
                        entry.help + (entry.perChannel ? " (per channel)" : "")))
            }
        }
        lines += [
            "", "## `channels`", "",
            "Per channel name, the keys marked *per channel* above, under their section "
                + "(`channels: {quiet: {slow_mode: 1m}}`); what a channel does not set comes from the top level.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    private static func row(_ key: String, _ type: String, _ value: String, _ help: String) -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        return "| `\(key)` | \(cell(type)) | `\(cell(value))` | \(cell(help)) |"
    }
}
