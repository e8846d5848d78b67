import WinnowCore
import WinnowSettings
import WinnowLimits
import WinnowText

/// **repeat**: the same author posting the same or nearly the same text again within a window.
/// The author's last three comments are kept as word-set sketches (`Fingerprint.wordSet`: eight
/// 6-bit MinHash values of its uncommon words), with their number of words and the second they
/// were posted; a comment of about the same length (the longer at most a quarter longer, or one
/// word) whose sketch has enough values equal to one of them in the window is a repeat
/// (`needed(for:)`): all eight for a comment of fewer than five uncommon words, or a generic one
/// ("lol", "the best song ever"), which must have the same words; `minMatches` + 1 for five to
/// seven; `minMatches` for longer ones. Added emoji, punctuation, numbers, mentions or case do
/// not change a sketch at all; one changed word of eight or more leaves most values equal (see
/// docs/policy.md, "repeat"). Sketches of two different comments agree on a value as often as
/// their word sets overlap: common words are left out so that "the" and "is" do not count.
public struct RepeatRule: Sendable, Equatable {
    public static let name = "repeat"

    public var enabled: Bool
    /// Whole seconds, at most an hour (times are kept modulo 4,096 s).
    public var window: Micros
    /// Equal values of eight for "nearly the same" (comments of eight uncommon words or more).
    public var minMatches: Int
    public var action: RuleAction
    public var dryRun: Bool

    public init(
        enabled: Bool = true, window: Micros = 60 * Micros.perSecond, minMatches: Int = 5, action: RuleAction = .reject,
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
        let needed = self.needed(for: fingerprint)
        // Times are kept modulo 4,096 s: after a pause of a window or more, what is kept is
        // older than the window whatever its remainder says (a comment 942,116 s old once read
        // as 35 s old). The author's previous comment tells.
        // (An event judged behind the latest is as recent as it.)
        let sinceLast = UInt64(max(0, context.now / Micros.perSecond - Int64(slot.lastSeen)))
        let idle = slot.lastSeen == 0 || sinceLast >= windowSeconds
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
            // Every comment kept is the previous one or older: a younger age is a remainder.
            guard entry != 0, !idle, age >= sinceLast, age < windowSeconds else { continue }
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

    /// Equal sketch values of eight that make a comment a repeat of an earlier one: the same
    /// words for short and generic comments, whose sketches are too coarse to tell "nearly the
    /// same" from "shares a word".
    public func needed(for fingerprint: Fingerprint) -> Int {
        if fingerprint.isGeneric || fingerprint.words < 5 { return 8 }
        return fingerprint.words < 8 ? min(8, minMatches + 1) : minMatches
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

extension RepeatRule: SettingsSection {
    public static let section = "repeat"
    public static let about = [
        "repeat: the same author posting the same or nearly the same text again within the window.",
        "min_matches: equal values of 8 in the word-set sketch of the uncommon words for \"nearly",
        "the same\" (8 or more uncommon words; one more for 5 to 7; shorter and generic comments",
        "need the same words).",
    ]
    public static var settings: [RuleSetting<Self>] {
        [
            .enabled(\.enabled),
            .duration(
                "window", \.window, in: Micros.perSecond...3600 * Micros.perSecond,
                "how far back an author's comments are compared"),
            .int(
                "min_matches", \.minMatches, in: 1...8,
                "equal sketch values of 8 that make two long comments nearly the same"),
            .action(\.action), .dryRun(\.dryRun),
        ]
    }
    public var summary: String {
        Self.summaryLine(
            enabled: enabled, "within \(DurationText.describe(window)), \(minMatches) of 8 sketch values",
            action: action.rawValue, dryRun: dryRun)
    }
}

extension RepeatRule: WindowRule {
    public var isActive: Bool { enabled }

    /// Leaves `isOwnRepeat` for flood.
    @inlinable
    public func evaluate(_ event: inout WindowEvent, into reasons: inout [Reason]) {
        if let shared = event.sharedWindows {
            if let repeated = shared.repeated {
                reasons.append(reason(copies: repeated.copies, most: repeated.most, newest: repeated.newest))
            }
        } else {
            event.isOwnRepeat = evaluate(event.context, fingerprint: event.fingerprint, into: &reasons)
        }
    }
}
