import WinnowCore
import WinnowLimits
import WinnowText

/// **repeat**: the same author posting the same or nearly the same text again within a window.
/// The author's last three comments are kept as word-set sketches (`Fingerprint.wordSet`: eight
/// 6-bit MinHash values), with their number of words and the second they were posted; a comment
/// of about the same length (the longer at most a quarter longer, or one word) whose sketch has
/// at least `minMatches` of eight values equal to one of them in the window is a repeat. Added emoji,
/// punctuation, numbers, mentions or case do not change a sketch at all; one changed word of
/// three or more leaves most values equal (see README, "repeat"). Comments of one or two words
/// must have the same words: "lol" then "lol nice" is not a repeat, "lol" twice is.
public struct RepeatRule: Sendable, Equatable {
    public static let name = "repeat"

    public var enabled: Bool
    /// Whole seconds, at most an hour (times are kept modulo 4,096 s).
    public var window: Micros
    /// Equal values of eight for "nearly the same" (comments of three words or more).
    public var minMatches: Int
    public var action: RuleAction
    public var dryRun: Bool

    public init(
        enabled: Bool = true, window: Micros = 60 * Micros.perSecond, minMatches: Int = 4, action: RuleAction = .reject,
        dryRun: Bool = false
    ) {
        self.enabled = enabled
        self.window = window
        self.minMatches = minMatches
        self.action = action
        self.dryRun = dryRun
    }

    /// Reports a repeat and remembers the comment. Returns whether it was one.
    @discardableResult
    public func evaluate(_ context: WindowContext, fingerprint: Fingerprint, into reasons: inout [Reason]) -> Bool {
        guard enabled, fingerprint.words > 0, !context.isExempt, let slot = context.author else { return false }
        let table = context.state.authors
        let second = UInt64(max(0, context.now / Micros.perSecond)) & 0xFFF
        let words = min(fingerprint.words, 15)
        let windowSeconds = UInt64(window / Micros.perSecond)
        let sketch = fingerprint.wordSet & 0xFFFF_FFFF_FFFF
        let needed = fingerprint.words >= 3 ? minMatches : 8
        var copies = 0
        var most = 0
        var newest = UInt64.max
        var oldestWord = AuthorWord.recent
        var oldestAge: UInt64 = 0
        for k in 0..<AuthorWord.recentCount {
            let word = AuthorWord.recent + k
            let entry = table.load(slot, word)
            let age = entry == 0 ? UInt64.max : (second &- entry) & 0xFFF
            if age >= oldestAge {
                oldestAge = age
                oldestWord = word
            }
            guard entry != 0, age < windowSeconds else { continue }
            let otherWords = Int(entry >> 12 & 0xF)
            let longer = max(words, otherWords), shorter = min(words, otherWords)
            guard longer - shorter <= max(1, longer / 4) else { continue }
            let equal = WordSetSketch.matchingValues(entry >> 16, sketch)
            if equal >= needed {
                copies += 1
                most = max(most, equal)
                newest = min(newest, age)
            }
        }
        table.store(slot, oldestWord, sketch << 16 | UInt64(words) << 12 | second)
        guard copies > 0 else { return false }
        reasons.append(reason(copies: copies, most: most, newest: Int(newest)))
        return true
    }

    /// The reason for a comment with `copies` earlier copies in the window, the closest with
    /// `most` equal values, the newest `newest` seconds before (found here or in the shared store).
    public func reason(copies: Int, most: Int, newest: Int) -> Reason {
        let how = most == 8 ? "the same as" : "nearly the same as (\(most) of 8 sketch values equal)"
        return Reason(
            rule: Self.name, action: action,
            message: "\(how) a comment of the same author \(newest)s before", limit: DurationText.describe(window),
            count: copies + 1, dryRun: dryRun)
    }
}
