import Foundation

/// How a label's scores on held-back comments compare with their labels, at a threshold and
/// over a table of thresholds to choose from.
public struct Evaluation: Sendable, Equatable {
    public var truePositives = 0, falsePositives = 0, falseNegatives = 0, trueNegatives = 0

    public init() {}

    /// Counts of `scores` against `positive` at `threshold` (a score at or above it is positive).
    public init(scores: [Double], positive: [Bool], threshold: Double) {
        for (score, actual) in zip(scores, positive) {
            switch (score >= threshold, actual) {
            case (true, true): truePositives += 1
            case (true, false): falsePositives += 1
            case (false, true): falseNegatives += 1
            case (false, false): trueNegatives += 1
            }
        }
    }

    public var precision: Double? { ratio(truePositives, truePositives + falsePositives) }
    public var recall: Double? { ratio(truePositives, truePositives + falseNegatives) }
    /// Share of the negatives (good comments) scored positive.
    public var falsePositiveRate: Double? { ratio(falsePositives, falsePositives + trueNegatives) }
    public var f1: Double? {
        guard let p = precision, let r = recall, p + r > 0 else { return nil }
        return 2 * p * r / (p + r)
    }

    private func ratio(_ a: Int, _ b: Int) -> Double? { b == 0 ? nil : Double(a) / Double(b) }

    /// The thresholds of every evaluation table.
    public static let thresholds = [0.5, 0.7, 0.8, 0.9, 0.95, 0.99]

    /// As JSON-compatible values, for the model file and `--json` output.
    public var summary: [String: Any] {
        var out: [String: Any] = ["tp": truePositives, "fp": falsePositives, "fn": falseNegatives, "tn": trueNegatives]
        func round(_ x: Double?) -> Any { x.map { ($0 * 10_000).rounded() / 10_000 } ?? NSNull() }
        out["precision"] = round(precision)
        out["recall"] = round(recall)
        out["f1"] = round(f1)
        out["false_positive_rate"] = round(falsePositiveRate)
        return out
    }
}
