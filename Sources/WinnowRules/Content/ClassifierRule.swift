import WinnowCore
import WinnowSettings
import WinnowLearn
import WinnowText

/// **classifier**: a learned score per label (`spam`, `toxic`) from a linear model over the
/// comment's hashed features (`WinnowLearn`), mapped to actions by thresholds — e.g. spam at
/// 0.9 or more asks for `hold`, at 0.99 for `reject`. Its reason says the label, the score, and
/// the features that pushed it most, with where they are in the original text.
public struct ClassifierRule: Sendable, Equatable {
    public static let name = "classifier"

    /// For one label: from which score on which action is asked (the highest threshold reached
    /// wins).
    public struct Step: Sendable, Equatable {
        public var threshold: Double
        public var action: RuleAction

        public init(threshold: Double, action: RuleAction) {
            self.threshold = threshold
            self.action = action
        }
    }

    public var enabled: Bool
    public var model: ModelBox? { didSet { resolve() } }
    /// Where the model is read from (nil: the model shipped with Winnow); read when the engine
    /// is built, into `model`.
    public var modelPath: String?
    /// Per label of the model, its steps (labels not named here are not scored).
    public var labels: [String: [Step]] { didSet { resolve() } }
    public var dryRun: Bool
    /// Features listed in a reason.
    public var explained = 5
    /// Per label of the model, in its order: its steps (empty: not scored) and whether it is
    /// `spam` — resolved when the model or the labels change, so that scoring a comment looks
    /// nothing up by name.
    private var scored: [(steps: [Step], isSpam: Bool)] = []

    public init(enabled: Bool = false, model: ModelBox? = nil, labels: [String: [Step]] = [:], dryRun: Bool = false) {
        self.enabled = enabled
        self.model = model
        self.labels = labels
        self.dryRun = dryRun
        resolve()
    }

    private mutating func resolve() {
        scored = model?.model.labels.map { (labels[$0.name] ?? [], $0.name == "spam") } ?? []
    }

    /// The built-in thresholds: spam from 0.8 held, from 0.99 rejected; toxic from 0.9 flagged.
    public static let defaultLabels: [String: [Step]] = [
        "spam": [Step(threshold: 0.8, action: .hold), Step(threshold: 0.99, action: .reject)],
        "toxic": [Step(threshold: 0.9, action: .flag)],
    ]

    /// Whether it has anything to score.
    public var isActive: Bool { enabled && model != nil && !labels.isEmpty }

    /// Scores a comment; appends one reason per label whose score reaches a step. `text` is the
    /// comment's UTF-8, `skeleton` its skeleton view.
    /// Returns the `spam` score (nil when not scored), which other rules weigh as a sign.
    @discardableResult
    public func evaluate(
        original text: UnsafeBufferPointer<UInt8>, skeleton: TextView,
        into reasons: inout [Reason]
    ) -> Double? {
        guard enabled, let model = model?.model else { return nil }
        var spamScore: Double?
        let shape = ShapeScan.shape(text)
        // Every label's margin from one walk over the skeleton (a model has a label or two).
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: scored.count) { margins in
            skeleton.withBytes { model.margins(skeleton: $0, shape: shape, into: margins) }
            for (index, (steps, isSpam)) in scored.enumerated() where !steps.isEmpty {
                let score = LinearModel.sigmoid(margins[index])
                if isSpam { spamScore = score }
                // The highest threshold reached (no array built: this runs for every comment).
                var reached: Step?
                for step in steps where score >= step.threshold && step.threshold > (reached?.threshold ?? -1) {
                    reached = step
                }
                guard let step = reached else { continue }
                let label = model.labels[index].name
                var reason = Reason(
                    rule: Self.name, action: step.action, category: label,
                    message:
                        "\(label) score \(Self.percent(score)) (from \(Self.percent(step.threshold)): \(step.action.rawValue))",
                    dryRun: dryRun)
                reason.score = score
                reason.features = explain(text: text, skeleton: skeleton, shape: shape, model: model, label: index)
                reasons.append(reason)
            }
            return spamScore
        }
    }

    /// A spam score from which a comment counts as looking like spam to other rules (a
    /// newcomer's link is then held, not only flagged): the built-in hold threshold. At 0.5 the
    /// whole policy removed 3.1% of YouTube ham leave one video out, at 0.8 2.4%, with the same
    /// F1 (0.925, 0.924; docs/classifier.md).
    public static let spamSign = 0.8

    /// A comment's features, as the rule scores them (for training and `winnow classify`).
    public static func vector(_ text: String, normalizer: Normalizer, hasher: FeatureHasher) -> SparseVector {
        var text = text
        return text.withUTF8 { bytes in
            var normalized = NormalizedText()
            normalizer.normalize(bytes, into: &normalized, folded: false)
            let shape = ShapeScan.shape(bytes)
            return normalized.skeleton.withBytes { hasher.vector(skeleton: $0, shape: shape) }
        }
    }

    /// The features of the comment that pushed label `index` most, as a person reads them.
    public func explain(
        text: UnsafeBufferPointer<UInt8>, skeleton: TextView, shape: Shape, model: LinearModel, label index: Int
    ) -> [ReasonFeature] {
        let strongest = skeleton.withBytes {
            model.strongest(skeleton: $0, shape: shape, label: index, count: explained)
        }
        return strongest.map { contribution in
            let (feature, weight) = (contribution.feature, contribution.weight)
            var span: TextSpan?
            var name = feature.name
            if let range = feature.skeletonRange, !range.isEmpty, range.upperBound <= skeleton.count {
                let original = skeleton.originalRange(of: range)
                if original.upperBound <= text.count {
                    span = TextSpan(utf8: original, in: text)
                    // Words and word pairs as the author wrote them (the skeleton spells
                    // `channel` as `chanei`); letter groups stay in the skeleton's spelling.
                    if feature.kind == .word || feature.kind == .bigram {
                        name = String(decoding: UnsafeBufferPointer(rebasing: text[original]), as: UTF8.self)
                            .lowercased()
                    }
                }
            }
            return ReasonFeature(name: name, weight: weight, span: span)
        }
    }

    static func percent(_ x: Double) -> String {
        let rounded = (x * 100).rounded(.down) / 100
        return String(format2: rounded)
    }

    /// A model shared by every copy of the rule, named by the SHA-256 of its file.
    public final class ModelBox: Sendable {
        public let model: LinearModel
        public let hash: String
        public let path: String

        public init(model: LinearModel, hash: String, path: String) {
            self.model = model
            self.hash = hash
            self.path = path
        }
    }

    public static func == (a: ClassifierRule, b: ClassifierRule) -> Bool {
        a.enabled == b.enabled && a.model?.hash == b.model?.hash && a.modelPath == b.modelPath && a.labels == b.labels
            && a.dryRun == b.dryRun
            && a.explained == b.explained
    }
}

extension String {
    /// Two decimals, without Foundation.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let whole = hundredths / 100, fraction = abs(hundredths % 100)
        self = "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

extension ClassifierRule: SettingsSection {
    public static let section = "classifier"
    public static let about = [
        "classifier: a learned score per label (model: bundled, or a path relative to this file),",
        "each label's actions from a score threshold on (the highest reached wins). Off until",
        "its thresholds are measured on your own comments (docs/classifier.md).",
    ]
    public static var settings: [RuleSetting<Self>] {
        [
            .enabled(\.enabled),
            RuleSetting(
                "model", type: "bundled, or a path relative to the policy file",
                help: "the model file, read when the engine is built",
                read: { value, rule in
                    guard let text = value.string(), !text.isEmpty else { return }
                    rule.modelPath = text == "bundled" ? nil : value.filePath()
                }, write: { $0.modelPath ?? "bundled" }),
            RuleSetting(
                "labels", type: "per label, a mapping of actions to score thresholds",
                help: "e.g. spam: {hold: 0.8, reject: 0.99}; labels left out are not scored",
                read: { value, rule in rule.labels = readLabels(value) },
                write: { rule in
                    "{"
                        + rule.labels.keys.sorted().map { label in
                            "\(label): {"
                                + (rule.labels[label] ?? []).map { "\($0.action.rawValue): \($0.threshold)" }
                                .joined(separator: ", ") + "}"
                        }.joined(separator: ", ") + "}"
                }),
            .int("features", \.explained, in: 0...50, "features a reason lists"),
            .dryRun(\.dryRun),
        ]
    }

    private static func readLabels(_ value: any SettingValue) -> [String: [Step]] {
        var labels: [String: [Step]] = [:]
        for (label, steps) in value.entries(allowed: nil) {
            var list: [Step] = []
            for (actionName, threshold) in steps.entries(allowed: RuleAction.ruleChoices.map(\.rawValue)) {
                guard let action = RuleAction(rawValue: actionName), let text = threshold.string() else { continue }
                guard let at = Double(text), at > 0, at < 1 else {
                    threshold.problem("expected a score threshold between 0 and 1, such as 0.9, not '\(text)'")
                    continue
                }
                list.append(Step(threshold: at, action: action))
            }
            labels[label] = list.sorted { $0.threshold < $1.threshold }
        }
        return labels
    }

    public var summary: String {
        guard enabled else { return "classifier: off" }
        let steps = labels.keys.sorted().map { label in
            "\(label) "
                + (labels[label] ?? []).map { "\($0.action.rawValue) from \($0.threshold)" }.joined(separator: ", ")
        }.joined(separator: "; ")
        let source = model.map { "\($0.path) sha256 \($0.hash)" } ?? modelPath ?? "bundled"
        return "classifier: \(steps); model \(source)\(dryRun ? " (dry run)" : "")"
    }
}

extension ClassifierRule: ContentRule {
    /// Leaves the `spam` score for the newcomer check (`WindowFacts.looksLikeSpam`).
    @inlinable
    public func evaluate(_ comment: inout AnalyzedComment, into reasons: inout [Reason]) {
        comment.spamScore = evaluate(
            original: comment.original, skeleton: comment.normalized.skeleton,
            into: &reasons)
    }
}
