import Foundation
import WinnowCore
import WinnowLimits
import WinnowPipeline
import WinnowPolicy
import WinnowRules
import WinnowSettings
import Yams

/// The policy file: YAML, so that people can comment their rules. Validated as a whole at
/// start-up: unknown keys, wrong types and impossible values are all reported with file,
/// line, column and key; nothing half-read is ever used. What each key means and how it is
/// checked is in `PolicyCatalog`; this reads the file through it.
public enum PolicyFile {
    /// Reads and validates the file at `path`.
    public static func load(_ path: String, knownCategories: Set<String>? = nil) throws(PolicyProblems) -> Configuration
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let why =
                !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                ? "no such file"
                : isDirectory.boolValue
                    ? "it is a directory"
                    : !FileManager.default.isReadableFile(atPath: path)
                        ? "permission denied"
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
            throw PolicyProblems(problems: [PolicyProblem(file: file, line: 1, column: 1, key: "", message: "\(error)")]
            )
        }
        var configuration = base
        guard let root else { return configuration }  // an empty file: the defaults
        let reader = NodeReader(file: file)
        let document = YAMLValue(reader: reader, node: root, path: "", knownCategories: knownCategories)
        let general = PolicyCatalog.general, sections = PolicyCatalog.sections
        var channels: (any SettingValue)?
        for (key, value) in document.entries(allowed: PolicyCatalog.topKeys) {
            if let setting = general.first(where: { $0.key == key }) {
                setting.read(value, &configuration)
            } else if let section = sections.first(where: { $0.key == key }) {
                section.read(value, &configuration)
            } else {
                channels = value  // read last: channels start from the defaults the file sets
            }
        }
        if let channels { readChannels(channels, sections, &configuration.behavior) }
        if !reader.problems.isEmpty {
            throw PolicyProblems(problems: reader.problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return configuration
    }

    /// Per channel, the sections' per-channel keys on top of the file's defaults (or of what
    /// `base` already had for that channel).
    private static func readChannels(
        _ value: any SettingValue, _ sections: [CatalogSection], _ behavior: inout BehaviorSettings
    ) {
        let perChannel = sections.filter { $0.readChannel != nil }
        for (channel, entry) in value.entries(allowed: nil) {
            var settings = behavior.channels[channel] ?? behavior.defaults
            for (key, sectionValue) in entry.entries(allowed: perChannel.map(\.key)) {
                perChannel.first { $0.key == key }?.readChannel?(sectionValue, &settings)
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
