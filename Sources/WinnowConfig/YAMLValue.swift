import Foundation
import WinnowCore
import WinnowLimits
import WinnowSettings
import Yams

/// A value of the YAML tree at its key path: what the sections read their settings from.
/// Every problem goes to the shared `NodeReader` with the value's line and column.
struct YAMLValue: SettingValue {
    let reader: NodeReader
    let node: Node
    let path: String
    let knownCategories: Set<String>?

    var isScalar: Bool { node.scalar != nil }

    func string() -> String? { reader.string(node, path) }
    func bool() -> Bool? { reader.bool(node, path) }
    func int(in range: ClosedRange<Int>) -> Int? { reader.int(node, path, in: range) }
    func ratio() -> Double? { reader.ratio(node, path) }
    func rate() -> RateLimit?? { reader.rate(node, path) }
    func strings() -> [String]? { reader.strings(node, path) }

    func duration(in range: ClosedRange<Micros>?) -> Micros? {
        range.map { reader.duration(node, path, in: $0) } ?? reader.duration(node, path)
    }

    func choice<T: RawRepresentable>(of choices: [T]) -> T? where T.RawValue == String {
        reader.choice(node, path, of: choices)
    }

    func filePath() -> String? {
        guard let text = string(), !text.isEmpty else { return nil }
        if text.hasPrefix("/") { return text }
        return ((reader.file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(text)
    }

    func entries(allowed: [String]?) -> [(key: String, value: any SettingValue)] {
        reader.mapping(node, path, allowed: allowed).map { entry in
            (entry.key, YAMLValue(reader: reader, node: entry.node, path: entry.path, knownCategories: knownCategories))
        }
    }

    func problem(_ message: String, key: String?) {
        reader.problem(node, key.map { path.isEmpty ? $0 : "\(path).\($0)" } ?? path, message)
    }
}
