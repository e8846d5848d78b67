import WinnowCore
import WinnowLimits
import Yams

/// Reads typed values out of a YAML tree and collects every problem with its line, column
/// and key path, so that one run of `winnow config check` lists them all.
final class NodeReader {
    let file: String
    private(set) var problems: [PolicyProblem] = []

    init(file: String) { self.file = file }

    func problem(_ node: Node?, _ key: String, _ message: String) {
        let mark = node?.mark
        problems.append(
            PolicyProblem(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, key: key, message: message))
    }

    /// The entries of a mapping, in file order; keys not in `allowed` are reported (when
    /// `allowed` is given) and skipped.
    func mapping(_ node: Node, _ key: String, allowed: [String]? = nil) -> [(key: String, path: String, node: Node)] {
        guard let mapping = node.mapping else {
            problem(node, key, "expected a mapping of keys to values")
            return []
        }
        var entries: [(String, String, Node)] = []
        var seen = Set<String>()
        for (keyNode, value) in mapping {
            guard let name = keyNode.scalar?.string else {
                problem(keyNode, key, "keys must be plain strings")
                continue
            }
            let path = key.isEmpty ? name : "\(key).\(name)"
            if let allowed, !allowed.contains(name) {
                problem(keyNode, path, "unknown key (known here: \(allowed.joined(separator: ", ")))")
                continue
            }
            guard seen.insert(name).inserted else {
                problem(keyNode, path, "given twice")
                continue
            }
            entries.append((name, path, value))
        }
        return entries
    }

    func string(_ node: Node, _ key: String) -> String? {
        guard let scalar = node.scalar else {
            problem(node, key, "expected a single value")
            return nil
        }
        return scalar.string
    }

    func bool(_ node: Node, _ key: String) -> Bool? {
        guard let text = string(node, key) else { return nil }
        switch text {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problem(node, key, "expected true or false, not '\(text)'")
            return nil
        }
    }

    func int(_ node: Node, _ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, key) else { return nil }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), range.contains(value) else {
            problem(node, key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            return nil
        }
        return value
    }

    /// A share from 0 to 1 (`0.7`) or a percentage (`70%`).
    func ratio(_ node: Node, _ key: String) -> Double? {
        guard let text = string(node, key) else { return nil }
        let value = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
        guard let value, value > 0, value <= 1 else {
            problem(node, key, "expected a share such as 0.7 or 70%, not '\(text)'")
            return nil
        }
        return value
    }

    func duration(_ node: Node, _ key: String) -> Micros? {
        guard let text = string(node, key) else { return nil }
        guard let micros = DurationText.parse(text) else {
            problem(
                node, key, "expected a duration such as 500ms, 10s, 5m, 2h or 1d (at most 100 years), not '\(text)'")
            return nil
        }
        return micros
    }

    /// A duration within `range`, e.g. a window the packed state can represent.
    func duration(_ node: Node, _ key: String, in range: ClosedRange<Micros>) -> Micros? {
        guard let value = duration(node, key) else { return nil }
        guard range.contains(value) else {
            problem(
                node, key,
                "must be from \(DurationText.describe(range.lowerBound)) to \(DurationText.describe(range.upperBound))")
            return nil
        }
        return value
    }

    /// A rate such as `5/10s` (optionally `burst N`), or `off`: `.some(nil)` for off.
    func rate(_ node: Node, _ key: String) -> RateLimit?? {
        guard let text = string(node, key) else { return nil }
        if text == "off" { return .some(nil) }
        guard let limit = RateLimit(parsing: text) else {
            problem(node, key, "expected a rate such as 5/10s or '20/1m burst 5', or off, not '\(text)'")
            return nil
        }
        return .some(limit)
    }

    func choice<T: RawRepresentable>(_ node: Node, _ key: String, of choices: [T]) -> T? where T.RawValue == String {
        guard let text = string(node, key) else { return nil }
        guard let value = choices.first(where: { $0.rawValue == text }) else {
            problem(node, key, "expected one of \(choices.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
            return nil
        }
        return value
    }

    func strings(_ node: Node, _ key: String) -> [String]? {
        guard let sequence = node.sequence else {
            problem(node, key, "expected a list, e.g. [moderator, admin]")
            return nil
        }
        return sequence.compactMap { string($0, key) }
    }
}
