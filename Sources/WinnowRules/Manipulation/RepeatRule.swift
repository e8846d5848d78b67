import WinnowCore
import WinnowSettings
import WinnowLimits
import WinnowText

/// **repeat**: the same author posting the same or nearly the same text again within a window.
/// The author's last three comments are kept in the author's slot with their number of words
/// and the second they were posted: a comment of at most four words as its words themselves
/// (`Fingerprint.wordValues`: all its words, common ones included), a longer one as its
/// word-set sketch (`Fingerprint.wordSet`: eight 6-bit MinHash values of its uncommon words);
/// and the last one also as its words (`LastWords`; of a comment of more than 15, the 15
/// smallest word hashes). A comment is a repeat of one of them in the window when
/// - both are kept as words: it has the same words, or all but one with two in common (one
///   word changed, added or left out) and as many words in all within one (`wordsMatch`;
///   "lol" then "lol nice" is not one);
/// - else, of about the same length (the longer at most a quarter longer, or one word), its
///   sketch has enough values equal (`needed(for:)`): all eight for a comment of fewer than five
///   uncommon words, or a generic one; `minMatches` + 1 for five to seven; `minMatches` for
///   longer ones.
/// Added emoji, punctuation, numbers, mentions or case change neither words nor sketch; one
/// changed word of eight or more leaves most values equal (see docs/policy.md, "repeat").
/// Sketches of two different comments agree on a value as often as their word sets overlap:
/// common words are left out so that "the" and "is" do not count.
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
        let now = UInt64(max(0, context.now / Micros.perSecond))
        let second = now & 0xFFF
        let words = min(fingerprint.words, 15)
        let windowSeconds = UInt64(window / Micros.perSecond)
        let sketch = fingerprint.wordSet & 0xFFFF_FFFF_FFFF
        let values = fingerprint.wordValues
        let kept = Self.kept(fingerprint)
        let needed = self.needed(for: fingerprint)
        // Times are kept modulo 4,096 s: after a pause of a window or more, what is kept is
        // older than the window whatever its remainder says (a comment 942,116 s old once read
        // as 35 s old). The author's previous comment tells.
        // (An event judged behind the latest is as recent as it.)
        let sinceLast = UInt64(max(0, context.now / Micros.perSecond - Int64(slot.lastSeen)))
        let idle = slot.lastSeen == 0 || sinceLast >= windowSeconds
        var copies = 0
        var most = Int.min
        var newest = UInt64.max
        func count(_ equal: Int, age: UInt64) {
            copies += 1
            most = max(most, equal)
            newest = min(newest, age)
        }
        // The last comment by its words, when both have few enough.
        var lastAge = UInt64.max
        if !idle, !values.isEmpty, let last = context.state.lastWords.load(author: context.authorKey),
            !last.set.isEmpty
        {
            let age = (now &- last.second) & LastWords.secondMask
            if age >= sinceLast && age < windowSeconds {
                lastAge = age
                if let equal = Self.wordsMatch(
                    values, allWords: fingerprint.allWords, last.set, otherAllWords: last.allWords)
                {
                    count(equal, age: age)
                }
            }
        }
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
            // Every comment kept is the previous one or older: a younger age is a remainder. The
            // last comment was compared by its words already.
            guard entry != 0, !idle, age >= sinceLast, age < windowSeconds, age != lastAge else { continue }
            // Kept: the words (with the marker) and the words in all, or the sketch and the
            // sketched words.
            let otherWords = Int(entry >> 12 & 0xF)
            let other = entry >> 16 & 0xFFFF_FFFF_FFFF
            if other & SmallWordSet.marker != 0 {
                // Kept as words (four at most): compared as words.
                if let equal = Self.wordsMatch(
                    values, allWords: min(fingerprint.allWords, 15),
                    SmallWordSet(first: other & (SmallWordSet.marker - 1)), otherAllWords: otherWords)
                {
                    count(equal, age: age)
                }
            } else {
                let longer = max(words, otherWords), shorter = min(words, otherWords)
                guard longer - shorter <= max(1, longer / 4) else { continue }
                let equal = WordSetSketch.matchingValues(other, sketch & ~SmallWordSet.marker)
                if equal >= needed { count(equal, age: age) }
            }
        }
        table.store(slot, oldestWord, (kept & 0xFFFF_FFFF_FFFF) << 16 | (kept >> 48 & 0xF) << 12 | second)
        context.state.lastWords.store(
            author: context.authorKey, values, allWords: fingerprint.allWords, second: now & LastWords.secondMask)
        guard copies > 0 else { return false }
        reasons.append(reason(copies: copies, most: most, newest: Int(newest)))
        return true
    }

    /// What is kept of a comment: its words (`SmallWordSet`, with `SmallWordSet.marker`) when
    /// `keepsWords`, else its sketch (bits 0...47), and in bits 48...51 how many words it has in
    /// all, or how many it sketched (at most 15).
    public static func kept(_ fingerprint: Fingerprint) -> UInt64 {
        let words = min(fingerprint.words, 15)
        if keepsWords(fingerprint.allWords) && !fingerprint.wordValues.isEmpty {
            return fingerprint.wordValues.parts.0 | SmallWordSet.marker | UInt64(min(fingerprint.allWords, 15)) << 48
        }
        return fingerprint.wordSet & 0xFFFF_FFFF_FFFF & ~SmallWordSet.marker | UInt64(words) << 48
    }

    /// Whether a comment of `words` words in all is kept as its words (`SmallWordSet`) in the
    /// author's slot, not as its sketch.
    @inline(__always)
    public static func keepsWords(_ words: Int) -> Bool { words <= SmallWordSet.storedCapacity }

    /// A comment with the words `values` (`allWords` in all) against an earlier one kept as its
    /// words: 8 for the same words; −k for all but k the same with two in common and as many
    /// words in all within k — k at most one, or two when either has eight words or more; nil
    /// otherwise (or when this comment has too many words to be compared so).
    @inline(__always)
    public static func wordsMatch(
        _ values: SmallWordSet, allWords: Int, _ other: SmallWordSet, otherAllWords: Int
    ) -> Int? {
        let allowed = max(allWords, otherAllWords) >= 8 ? 2 : 1
        guard !values.isEmpty, abs(allWords - otherAllWords) <= allowed,
            let missing = values.wordsMissing(from: other, allowed: allowed)
        else { return nil }
        return missing == 0 ? 8 : -missing
    }

    /// Equal sketch values of eight that make a comment a repeat of an earlier one: the same
    /// words for short and generic comments, whose sketches are too coarse to tell "nearly the
    /// same" from "shares a word".
    public func needed(for fingerprint: Fingerprint) -> Int {
        if fingerprint.isGeneric || fingerprint.words < 5 { return 8 }
        return fingerprint.words < 8 ? min(8, minMatches + 1) : minMatches
    }

    /// The reason for a comment with `copies` earlier copies in the window, the closest with
    /// `most` equal values (or −k: all but k words the same, `wordsMatch`), the newest `newest`
    /// seconds before (found here or in the shared store).
    public func reason(copies: Int, most: Int, newest: Int) -> Reason {
        let how =
            most == 8
            ? "the same as"
            : most == -1
                ? "all but one word the same as"
                : most < 0
                    ? "all but \(-most) words the same as" : "nearly the same as (\(most) of 8 sketch values equal)"
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
