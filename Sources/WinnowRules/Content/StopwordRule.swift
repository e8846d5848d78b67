import WinnowCore
import WinnowMatch
import WinnowText

/// Reports every wordlist entry found in a comment, with the list's settings and the exact place
/// in the original text. It only reports; the policy decides what the findings amount to.
public struct StopwordRule: Sendable {
    public static let name = "stopword"

    public let stopwords: StopwordSet
    /// What a reason needs of each list, gathered once: copying a whole `Wordlist` per hit
    /// would retain every string and array in it.
    private let lists: [ListFacts]

    public init(stopwords: StopwordSet) {
        self.stopwords = stopwords
        lists = stopwords.lists.map(ListFacts.init)
    }

    private final class ListFacts: Sendable {
        let name: String
        let action: RuleAction
        let category: String
        let severity: Int
        let note: String?
        let terms: [String]

        init(_ list: Wordlist) {
            name = list.name
            action = list.settings.action.ruleAction
            category = list.settings.category
            severity = list.settings.severity
            note = list.settings.note
            terms = list.entries.map(\.term)
        }
    }

    /// Matches of one list listed one by one in a verdict; past these, one reason counts the
    /// rest (a comment of a million matches gets a verdict of a few kilobytes, with the same
    /// action and the same masked text).
    public static let maxListed = 50

    /// Appends one reason per match (in text order; at most `maxListed` per list, then one that
    /// counts the rest) and one per pattern that gave up.
    /// `original` is the comment's UTF-8.
    public func evaluate(
        original text: UnsafeBufferPointer<UInt8>, normalized: NormalizedText, scratch: MatchScratch,
        matches: inout StopwordMatches, into reasons: inout [Reason]
    ) {
        stopwords.match(normalized, scratch: scratch, into: &matches)
        if matches.hits.isEmpty && matches.failures.isEmpty { return }
        matches.hits.sort {
            ($0.original.lowerBound, $0.list, $0.entry) < ($1.original.lowerBound, $1.list, $1.entry)
        }
        var previous: StopwordHit?
        var scalarsBefore = 0
        var counted = 0
        // Past `maxListed` hits of one list, the rest are counted in one reason per list.
        var listed: [Int: Int] = [:]
        var unlisted: [Int: (count: Int, ranges: [Range<Int>])] = [:]
        for hit in matches.hits where hit != previous {
            previous = hit
            if listed[hit.list, default: 0] >= Self.maxListed {
                unlisted[hit.list, default: (0, [])].count += 1
                unlisted[hit.list]!.ranges.append(hit.original)
                continue
            }
            listed[hit.list, default: 0] += 1
            // Hits are sorted by start, so scalar offsets are counted incrementally.
            scalarsBefore += UTF8Scalars.count(text, counted..<hit.original.lowerBound)
            counted = hit.original.lowerBound
            let length = UTF8Scalars.count(text, hit.original)
            let list = lists[hit.list]
            reasons.append(
                Reason(
                    rule: Self.name, action: list.action, list: list.name, category: list.category,
                    severity: list.severity, term: list.terms[hit.entry],
                    match: String(decoding: UnsafeBufferPointer(rebasing: text[hit.original]), as: UTF8.self),
                    span: TextSpan(start: scalarsBefore, end: scalarsBefore + length), utf8Range: hit.original,
                    note: list.note))
        }
        for (index, more) in unlisted.sorted(by: { $0.key < $1.key }) {
            let list = lists[index]
            var summary = Reason(
                rule: Self.name, action: list.action, list: list.name, category: list.category, severity: list.severity,
                message: "and \(more.count) more matches of this list", count: more.count)
            summary.moreRanges = more.ranges
            reasons.append(summary)
        }
        for failure in matches.failures {
            let list = failure.list.map { stopwords.lists[$0] }
            reasons.append(
                Reason(
                    rule: Self.name, list: list?.name, category: list?.settings.category,
                    term: failure.entry.flatMap { entry in list?.entries[entry].term }, message: failure.message))
        }
    }
}

extension StopwordRule: ContentRule {
    public var isActive: Bool { true }
    @inlinable
    public func evaluate(_ comment: inout AnalyzedComment, into reasons: inout [Reason]) {
        evaluate(
            original: comment.original, normalized: comment.normalized, scratch: comment.match,
            matches: &comment.matches, into: &reasons)
    }
}
