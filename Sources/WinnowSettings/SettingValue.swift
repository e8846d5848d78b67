import WinnowCore
import WinnowLimits

/// One value of a policy file at its place in the file. Each reader checks the value's type
/// and range; when it is wrong it records a problem at the value's line and column (with its
/// key path) and returns `nil`, so that one `winnow config check` lists every mistake.
///
/// The YAML reader in `WinnowConfig` implements it; rules read their settings through it
/// without knowing the file format.
public protocol SettingValue {
    /// The key path of the value, `links.max_links`, as messages name it.
    var path: String { get }
    /// A single value (`30s`), not a mapping or a list.
    var isScalar: Bool { get }
    /// The categories of the loaded wordlists, when they are known.
    var knownCategories: Set<String>? { get }

    func string() -> String?
    func bool() -> Bool?
    func int(in range: ClosedRange<Int>) -> Int?
    /// A share from 0 to 1 (`0.7`) or a percentage (`70%`).
    func ratio() -> Double?
    /// A duration (`500ms`, `10s`, `5m`), within `range` when one is given.
    func duration(in range: ClosedRange<Micros>?) -> Micros?
    /// A rate such as `5/10s` (optionally `burst N`), or `off`: `.some(nil)` for off.
    func rate() -> RateLimit??
    /// One of `choices`, by raw value.
    func choice<T: RawRepresentable>(of choices: [T]) -> T? where T.RawValue == String
    /// A list of plain strings.
    func strings() -> [String]?
    /// A path as written, made absolute relative to the policy file's folder.
    func filePath() -> String?
    /// The entries of a mapping in file order; keys not in `allowed` (when given) are reported
    /// and skipped, and so is a key given twice.
    func entries(allowed: [String]?) -> [(key: String, value: any SettingValue)]
    /// Records a problem at this value, under `path` or, given `key`, under `path.key`.
    func problem(_ message: String, key: String?)
}

extension SettingValue {
    public func problem(_ message: String) { problem(message, key: nil) }
    public func duration() -> Micros? { duration(in: nil) }
}
