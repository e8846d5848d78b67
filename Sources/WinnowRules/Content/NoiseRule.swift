import WinnowCore
import WinnowSettings
import WinnowText

/// **noise**: comments that smear the chat: walls of capitals (a long comment mostly in
/// capitals), of one character, or of emoji and symbols, and letters with stacked combining
/// marks ("zalgo"). Ordinary excitement is not noise: "ILOVETHISSONG", "sooooo good!!!!!" and
/// a row of emoji stay under the defaults. Stateless: one pass over the text's scalars.
public struct NoiseRule: Sendable, Equatable {
    public static let name = "noise"

    public var enabled: Bool
    /// Share of upper-case letters, counted once a comment has `minLetters` letters.
    public var capsRatio: Double
    public var minLetters: Int
    /// Longest run of one character (spaces aside).
    public var maxRun: Int
    /// Share of emoji and symbols among the visible characters, once there are `minCharacters`.
    public var symbolRatio: Double
    public var minCharacters: Int
    /// Most combining marks on one letter.
    public var maxMarks: Int
    public var action: RuleAction
    public var dryRun: Bool

    public init(
        enabled: Bool = true, capsRatio: Double = 0.7, minLetters: Int = 100, maxRun: Int = 50,
        symbolRatio: Double = 0.6,
        minCharacters: Int = 40, maxMarks: Int = 3, action: RuleAction = .flag, dryRun: Bool = false
    ) {
        self.enabled = enabled
        self.capsRatio = capsRatio
        self.minLetters = minLetters
        self.maxRun = maxRun
        self.symbolRatio = symbolRatio
        self.minCharacters = minCharacters
        self.maxMarks = maxMarks
        self.action = action
        self.dryRun = dryRun
    }

    public func evaluate(_ stats: TextStats, into reasons: inout [Reason]) {
        guard enabled else { return }
        let letters = stats.letters, upper = stats.uppercase, visible = stats.visible, symbols = stats.symbols
        let longestRun = stats.longestRun, mostMarks = stats.mostMarks
        if letters >= minLetters && Double(upper) >= capsRatio * Double(letters) {
            reasons.append(
                reason(
                    "mostly capitals: \(upper) of \(letters) letters", limit: "caps \(percent(capsRatio))", count: upper
                ))
        }
        if longestRun > maxRun {
            reasons.append(
                reason("one character \(longestRun) times in a row", limit: "run \(maxRun)", count: longestRun))
        }
        if visible >= minCharacters && Double(symbols) >= symbolRatio * Double(visible) {
            reasons.append(
                reason(
                    "mostly emoji and symbols: \(symbols) of \(visible) characters",
                    limit: "symbols \(percent(symbolRatio))",
                    count: symbols))
        }
        if mostMarks > maxMarks {
            reasons.append(
                reason(
                    "\(mostMarks) combining marks stacked on one letter", limit: "marks \(maxMarks)", count: mostMarks))
        }
    }

    private func reason(_ message: String, limit: String, count: Int) -> Reason {
        Reason(rule: Self.name, action: action, message: message, limit: limit, count: count, dryRun: dryRun)
    }

    private func percent(_ ratio: Double) -> String { "\(Int((ratio * 100).rounded()))%" }
}

extension NoiseRule: SettingsSection {
    public static let section = "noise"
    public static let about = [
        "noise: walls of capitals, of one character, or of emoji and symbols, and zalgo — not",
        "excitement (\"ILOVETHISSONG\", \"sooooo good!!!!!\", a row of emoji pass).",
    ]
    public static var settings: [RuleSetting<Self>] {
        [
            .enabled(\.enabled),
            .ratio("caps_ratio", \.capsRatio, "share of capitals among the letters that makes a wall of capitals"),
            .int("min_letters", \.minLetters, in: 1...10_000, "letters a comment needs before capitals count"),
            .int("max_run", \.maxRun, in: 1...10_000, "longest run of one character (spaces aside)"),
            .ratio(
                "symbol_ratio", \.symbolRatio,
                "share of emoji and symbols among the visible characters that makes a wall"),
            .int(
                "min_characters", \.minCharacters, in: 1...10_000,
                "visible characters a comment needs before symbols count"),
            .int("max_marks", \.maxMarks, in: 1...1000, "most combining marks on one letter (more is zalgo)"),
            .action(\.action), .dryRun(\.dryRun),
        ]
    }
    public var summary: String {
        Self.summaryLine(
            enabled: enabled, "caps \(capsRatio), run \(maxRun), symbols \(symbolRatio), marks \(maxMarks)",
            action: action.rawValue, dryRun: dryRun)
    }
}

extension NoiseRule: ContentRule {
    public var isActive: Bool { enabled }
    public var needsStats: Bool { true }
    @inlinable
    public func evaluate(_ comment: inout AnalyzedComment, into reasons: inout [Reason]) {
        if let stats = comment.stats { evaluate(stats, into: &reasons) }
    }
}
