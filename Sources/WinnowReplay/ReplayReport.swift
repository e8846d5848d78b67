import Synchronization
import WinnowCore
import WinnowPipeline

/// Counts of a binary decision against labels.
public struct Confusion: Sendable, Equatable {
    public var truePositives = 0
    public var falsePositives = 0
    public var falseNegatives = 0
    public var trueNegatives = 0

    public init() {}

    mutating func add(predicted: Bool, actual: Bool) {
        switch (predicted, actual) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, true): falseNegatives += 1
        case (false, false): trueNegatives += 1
        }
    }

    /// Of what was caught, the share that should have been (nil when nothing was caught).
    public var precision: Double? {
        truePositives + falsePositives == 0 ? nil : Double(truePositives) / Double(truePositives + falsePositives)
    }

    /// Of what should have been caught, the share that was.
    public var recall: Double? {
        truePositives + falseNegatives == 0 ? nil : Double(truePositives) / Double(truePositives + falseNegatives)
    }

    public var f1: Double? {
        guard let p = precision, let r = recall, p + r > 0 else { return nil }
        return 2 * p * r / (p + r)
    }

    /// Share of the negatives caught.
    public var falsePositiveRate: Double? {
        falsePositives + trueNegatives == 0 ? nil : Double(falsePositives) / Double(falsePositives + trueNegatives)
    }
}

/// What replay found, built verdict by verdict as the pipeline releases them (it observes the
/// run in input order, so verdict k belongs to `input.events[k]`).
public final class ReplayReport: VerdictObserver, @unchecked Sendable {
    // Touched only by the pipeline's finishing thread during the run, read after it.
    public let input: ReplayInput
    public let label: LabelSpec?
    /// Events judged so far (read by the progress display from another thread).
    public let judged = Atomic<Int>(0)

    public private(set) var actions: [String: Int] = [:]
    public private(set) var rules: [String: Int] = [:]
    public private(set) var lists: [String: Int] = [:]
    /// Per author and per channel: events, and events not allowed.
    public private(set) var authors: [String: (events: Int, notAllowed: Int)] = [:]
    public private(set) var channels: [String: (events: Int, notAllowed: Int)] = [:]
    /// Per time bucket, verdicts per action.
    public private(set) var timeline: [[String: Int]]
    public let bucketSeconds: Double
    public let firstTime: Double?
    public let lastTime: Double?

    /// With labels: "not allowed" against the label, overall and per rule.
    public private(set) var overall = Confusion()
    public private(set) var perRule: [String: Confusion] = [:]
    public private(set) var labeled = 0
    public private(set) var errors = 0
    /// A labeled event the verdict got wrong, for review.
    public struct Miss: Sendable {
        /// Into `input.events`.
        public var index: Int
        public var action: String
        public var rules: [String]
        /// Why, reason by reason: what a reviewer needs to see at a glance.
        public var reasons: [MissReason] = []
    }

    /// One reason of a missed verdict: its rule and list, what it found (the term and the
    /// matched text, or its message), and where in the original text.
    public struct MissReason: Sendable, Equatable {
        public var rule: String
        public var list: String?
        public var what: String
        public var span: TextSpan?
    }

    public private(set) var falsePositives: [Miss] = []
    public private(set) var falseNegatives: [Miss] = []
    /// Per rule, the labeled events it fired on, positives and negatives; and all of them.
    private var firedOn: [String: (positives: Int, negatives: Int)] = [:]
    /// The same per list of the stop-word rule.
    private var firedOnList: [String: (positives: Int, negatives: Int)] = [:]
    /// Per list: its confusion against the labels, like `perRule` (computed by `finish`).
    public private(set) var perList: [String: Confusion] = [:]
    private var positives = 0
    private var negatives = 0
    private var next = 0

    public static let timelineBuckets = 60

    public init(input: ReplayInput, label: LabelSpec?) {
        self.input = input
        self.label = label
        let times = input.events.lazy.map(\.ts).filter(\.isFinite)
        firstTime = times.min()
        lastTime = times.max()
        let span = (lastTime ?? 0) - (firstTime ?? 0)
        bucketSeconds = max(1, (span / Double(Self.timelineBuckets)).rounded(.up))
        timeline = Array(repeating: [:], count: Self.timelineBuckets + 1)
    }

    public func observe(_ verdict: Verdict) {
        let index = next
        next += 1
        judged.store(next, ordering: .relaxed)
        guard index < input.events.count else { return }
        let event = input.events[index]
        let action = (verdict.would ?? verdict.action)
        actions[action.rawValue, default: 0] += 1
        var fired: [String] = []
        var firedLists: [String] = []
        for reason in verdict.reasons {
            rules[reason.rule, default: 0] += 1
            // Scored per rule only when it asks for something beyond allow: `late` and
            // `annotate` reasons inform, they do not predict.
            if let asked = reason.action, asked.verdictAction != .allow {
                if !fired.contains(reason.rule) { fired.append(reason.rule) }
                if let list = reason.list, !firedLists.contains(list) { firedLists.append(list) }
            }
            if let list = reason.list { lists[list, default: 0] += 1 }
        }
        if action == .error {
            errors += 1
            return
        }
        let notAllowed = action != .allow
        authors[event.author, default: (0, 0)].events += 1
        channels[event.channel, default: (0, 0)].events += 1
        if notAllowed {
            authors[event.author, default: (0, 0)].notAllowed += 1
            channels[event.channel, default: (0, 0)].notAllowed += 1
        }
        if let first = firstTime, event.ts.isFinite {
            let bucket = min(Self.timelineBuckets, Int((event.ts - first) / bucketSeconds))
            timeline[bucket][action.rawValue, default: 0] += 1
        }
        guard let actual = event.label else { return }
        labeled += 1
        overall.add(predicted: notAllowed, actual: actual)
        if notAllowed != actual {
            let reasons = verdict.reasons.map { reason in
                let found = [reason.term, reason.match.flatMap { $0 == reason.term ? nil : "“\($0)”" }].compactMap {
                    $0
                }
                return MissReason(
                    rule: reason.rule, list: reason.list,
                    what: found.isEmpty ? reason.message ?? reason.limit ?? "" : found.joined(separator: " "),
                    span: reason.span)
            }
            let miss = Miss(index: index, action: action.rawValue, rules: fired, reasons: reasons)
            if notAllowed { falsePositives.append(miss) } else { falseNegatives.append(miss) }
        }
        if actual { positives += 1 } else { negatives += 1 }
        for rule in fired {
            if actual {
                firedOn[rule, default: (0, 0)].positives += 1
            } else {
                firedOn[rule, default: (0, 0)].negatives += 1
            }
        }
        for list in firedLists {
            if actual {
                firedOnList[list, default: (0, 0)].positives += 1
            } else {
                firedOnList[list, default: (0, 0)].negatives += 1
            }
        }
    }

    /// Per rule: the events it fired on against the label (computed once the run is over).
    public func finish() {
        func confusion(_ fired: (positives: Int, negatives: Int)) -> Confusion {
            var confusion = Confusion()
            confusion.truePositives = fired.positives
            confusion.falsePositives = fired.negatives
            confusion.falseNegatives = positives - fired.positives
            confusion.trueNegatives = negatives - fired.negatives
            return confusion
        }
        for (rule, fired) in firedOn { perRule[rule] = confusion(fired) }
        for (list, fired) in firedOnList { perList[list] = confusion(fired) }
    }

    /// Most events first, then by name; `limit` of them.
    public static func top(_ counts: [String: (events: Int, notAllowed: Int)], by notAllowed: Bool, limit: Int)
        -> [(name: String, events: Int, notAllowed: Int)]
    {
        counts.map { (name: $0.key, events: $0.value.events, notAllowed: $0.value.notAllowed) }
            .sorted { a, b in
                let x = notAllowed ? a.notAllowed : a.events, y = notAllowed ? b.notAllowed : b.events
                return x != y ? x > y : a.name < b.name
            }
            .prefix(limit).map { $0 }
    }

    public static func sorted(_ counts: [String: Int]) -> [(name: String, count: Int)] {
        counts.map { (name: $0.key, count: $0.value) }.sorted {
            $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name
        }
    }
}
