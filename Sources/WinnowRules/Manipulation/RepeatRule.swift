import WinnowCore
import WinnowLimits
import WinnowText

/// **repeat**: the same author posting the same or nearly the same text again within a window.
/// The author's last three comments are kept as fingerprints (48 bits of the SimHash and the
/// second they were posted); a comment within `maxDistance` bits (scaled to 48) of one of them
/// in the window is a repeat. Added emoji, punctuation, numbers, mentions or case do not change
/// a fingerprint at all; one changed word moves it by a few bits (see README, "repeat"). Short
/// comments must match more closely: the allowance shrinks in proportion below eight words, so
/// "lol" then "lol nice" is not a repeat, while "lol" twice is.
public struct RepeatRule: Sendable, Equatable {
    public static let name = "repeat"

    public var enabled: Bool
    /// Whole seconds, at most 12 hours (times are kept modulo 18 hours).
    public var window: Micros
    /// Most differing bits of 64 for "nearly the same".
    public var maxDistance: Int
    public var action: RuleAction
    public var dryRun: Bool

    public init(
        enabled: Bool = true, window: Micros = 60 * Micros.perSecond, maxDistance: Int = 16, action: RuleAction = .reject,
        dryRun: Bool = false
    ) {
        self.enabled = enabled
        self.window = window
        self.maxDistance = maxDistance
        self.action = action
        self.dryRun = dryRun
    }

    /// Reports a repeat and remembers the comment. Returns whether it was one.
    @discardableResult
    public func evaluate(_ context: WindowContext, fingerprint: Fingerprint, into reasons: inout [Reason]) -> Bool {
        guard enabled, fingerprint.bits != 0, !context.isExempt, let slot = context.author else { return false }
        let table = context.state.authors
        let second = UInt64(max(0, context.now / Micros.perSecond)) & 0xFFFF
        let windowSeconds = UInt64(window / Micros.perSecond)
        let print48 = fingerprint.bits >> 16
        let limit = maxDistance * 3 * min(fingerprint.words, 8) / 32
        var copies = 0
        var nearest = 64
        var newest = UInt64.max
        var oldestWord = AuthorWord.recent
        var oldestAge: UInt64 = 0
        for k in 0..<AuthorWord.recentCount {
            let word = AuthorWord.recent + k
            let entry = table.load(slot, word)
            let age = entry == 0 ? UInt64.max : (second &- entry) & 0xFFFF
            if age >= oldestAge {
                oldestAge = age
                oldestWord = word
            }
            guard entry != 0, age < windowSeconds else { continue }
            let distance = Fingerprint48.distance(entry >> 16, print48)
            if distance <= limit {
                copies += 1
                nearest = min(nearest, distance)
                newest = min(newest, age)
            }
        }
        table.store(slot, oldestWord, print48 << 16 | second)
        guard copies > 0 else { return false }
        let how = nearest == 0 ? "the same as" : "nearly the same as (\(nearest) of 48 bits differ)"
        reasons.append(
            Reason(
                rule: Self.name, action: action,
                message: "\(how) a comment of the same author \(newest)s before", limit: DurationText.describe(window),
                count: copies + 1, dryRun: dryRun))
        return true
    }
}

enum Fingerprint48 {
    @inline(__always)
    static func distance(_ a: UInt64, _ b: UInt64) -> Int { ((a ^ b) & 0xFFFF_FFFF_FFFF).nonzeroBitCount }
}
