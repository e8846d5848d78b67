import ArgumentParser
import Foundation
import WinnowAudit
import WinnowLearn
import WinnowLimits
import WinnowReplay
import WinnowRules
import WinnowText

/// `winnow train`: a classifier label learned from labelled dumps, evaluated on the newest
/// comments it did not learn from, and written only if it is not worse than the model there.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a classifier label (spam, toxic, ...) from labelled comment dumps or moderators' decisions.",
        discussion: """
            Reads the dumps as `winnow replay` does (NDJSON or CSV, --map, --label, --positive), and \
            with --from-audit the comments of an audit trail labelled by moderators' ops (a ban or \
            timeout marks the author's comments of the --decision-window before it; an unban takes it \
            back; comments of authors never sanctioned are the other class). The \
            newest --holdout share of the comments (by time, not at random: copies of one spam land on \
            both sides of a random split) is held back and scored; the rest trains. --out is not \
            replaced by a model that scores worse on the same held-back comments, unless --force. \
            Bad input (no label column, an unknown label value, one class only, too few examples) \
            stops with exit status 2 and writes nothing. See docs/classifier.md.
            """)

    @Argument(help: "Labelled dump files: NDJSON events, or CSV (by the .csv extension, or --format).")
    var files: [String] = []

    @Option(
        help: ArgumentHelp(
            "An audit trail whose moderators' ops label its comments (it needs their text: --audit-text full).",
            valueName: "path"))
    var fromAudit: String?

    @Option(help: "With --from-audit: how long before a ban or timeout the author's comments count as what it was for.")
    var decisionWindow = "1h"

    @Option(help: ArgumentHelp("The model file to write.", valueName: "path"))
    var out: String

    @Option(help: "Read every file as `ndjson` or `csv` (default: by extension).")
    var format: DumpFormat?

    @Option(
        help: ArgumentHelp(
            "CSV columns or NDJSON fields for text, author, ts, id, channel: text=CONTENT,author=AUTHOR,...",
            valueName: "mapping"))
    var map: String?

    @Option(
        help: ArgumentHelp(
            "The label of the dumps: a CSV column, or an NDJSON field (meta.NAME inside meta).", valueName: "field"))
    var label: String?

    @Option(
        help: ArgumentHelp(
            "A label value that means the comment has the label (repeatable; default 1).", valueName: "value"))
    var positive: [String] = []

    @Option(
        help: ArgumentHelp(
            "A label value that means it does not (repeatable; default: every other value). With it, any other value is an error.",
            valueName: "value"))
    var negative: [String] = []

    @Option(help: ArgumentHelp("The label's name in the model.", valueName: "name"))
    var labelName = "spam"

    @Option(help: "Share of the newest comments held back for the evaluation.")
    var holdout = 0.2

    @Option(help: "Fewest comments of each class (with and without the label) to train from.")
    var minExamples = 100

    @Option(help: "The threshold the evaluation and the quality gate compare at.")
    var threshold = 0.9

    @Option(help: "Feature buckets: 2^bits (8 to 24).")
    var bits = 16

    @Option(
        help: ArgumentHelp(
            "Kinds of feature, by letter: w (words), b (word bigrams), c (character grams, --grams), s (shape).",
            valueName: "w,b,c,s"))
    var features = "w,b,c,s"

    @Option(
        help: ArgumentHelp(
            "Lengths of the character grams (c), in bytes of the padded word: from-to or one length.",
            valueName: "3"))
    var grams = "3"

    @Option(help: "Passes over the training comments.")
    var epochs = 5

    @Option(help: "Seed of the training order.")
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("Keep this model file's other labels in the new model (same bits).", valueName: "path"))
    var merge: String?

    @Flag(help: "Replace --out even if its model scores better on the held-back comments.")
    var force = false

    /// `--features` read: nil when a letter is unknown or none is given.
    var featureKinds: [FeatureHasher.Kind]? {
        let letters = features.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let kinds = letters.compactMap { FeatureHasher.Kind(letter: $0) }
        return kinds.count == letters.count && !kinds.isEmpty ? kinds : nil
    }

    /// `--grams` read: nil when it is not a length or range within the limits.
    var gramLengths: ClosedRange<Int>? {
        let parts = grams.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(parts.count), let low = parts[0], let high = parts.last!, low <= high,
            FeatureHasher.gramLengthLimits.contains(low), FeatureHasher.gramLengthLimits.contains(high)
        else { return nil }
        return low...high
    }

    func validate() throws {
        guard !files.isEmpty || fromAudit != nil else {
            throw ValidationError("give labelled dump files, --from-audit PATH, or both")
        }
        guard files.isEmpty || label != nil else {
            throw ValidationError("--label is needed with dump files: the column or field that labels them")
        }
        guard let window = DurationText.parse(decisionWindow), window > 0 else {
            throw ValidationError("--decision-window must be a duration such as 10m or 1h, not '\(decisionWindow)'")
        }
        guard holdout > 0, holdout < 1 else { throw ValidationError("--holdout must be between 0 and 1, e.g. 0.2") }
        guard (8...24).contains(bits) else { throw ValidationError("--bits must be from 8 to 24") }
        guard featureKinds != nil else {
            throw ValidationError("--features must be letters among w, b, c, s, e.g. w,b,s")
        }
        guard gramLengths != nil else {
            throw ValidationError("--grams must be a length or a range of lengths from 2 to 6, such as 3-5 or 4")
        }
        guard (1...100).contains(epochs) else { throw ValidationError("--epochs must be from 1 to 100") }
        guard minExamples >= 1 else { throw ValidationError("--min-examples must be at least 1") }
        guard threshold > 0, threshold < 1 else { throw ValidationError("--threshold must be between 0 and 1") }
        guard !labelName.isEmpty, !labelName.contains(where: { $0 == " " || $0 == "\"" }) else {
            throw ValidationError("--label-name must be a word, e.g. spam")
        }
    }

    func run() throws {
        func fail(_ message: String) -> ExitCode {
            printError("winnow: train: \(message)")
            printError("winnow: train: nothing was written")
            return ExitCode(2)
        }
        // Labelled comments in time order; the rest counted.
        var examples: [(text: String, positive: Bool, ts: Double)] = []
        var unlabeled = 0
        let positives = Set(positive.isEmpty ? ["1"] : positive)
        if let label, !files.isEmpty {
            let input: ReplayInput
            do throws(ReplayError) {
                input = try ReplayInput(
                    paths: files, format: format, map: map, label: LabelSpec(field: label, values: positive))
            } catch {
                throw fail(error.message)
            }
            for event in input.events {
                guard let value = event.labelValue, !value.isEmpty, !event.text.isEmpty else {
                    unlabeled += 1
                    continue
                }
                if !negative.isEmpty, !positives.contains(value), !negative.contains(value) {
                    throw fail(
                        "\(input.files[event.file].path):\(event.line): label value '\(value)' is neither --positive (\(positives.sorted().joined(separator: ", "))) nor --negative (\(negative.joined(separator: ", ")))"
                    )
                }
                examples.append((event.text, positives.contains(value), event.ts))
            }
            guard !examples.isEmpty else {
                throw fail("no labelled comment in \(files.joined(separator: ", ")) (is --label \(label) right?)")
            }
        }
        if let fromAudit {
            let decisions: ModeratorDecisions
            do throws(AuditError) {
                decisions = try ModeratorDecisions(
                    path: fromAudit, window: Double(DurationText.parse(decisionWindow)!) / 1e6)
            } catch {
                throw fail(error.message)
            }
            print(
                """
                from \(fromAudit): \(decisions.examples.count) comments labelled by moderators' ops \
                (\(decisions.sanctionedAuthors) authors banned or timed out; \(decisions.undone) taken back by an unban); \
                \(decisions.unlabelled) not labelled, \(decisions.withoutText) without their text
                """)
            examples += decisions.examples.map { ($0.text, $0.positive, $0.at) }
            // Dumps and the trail together, oldest first: the held-back share is the newest.
            examples.sort { ($0.ts.isFinite ? $0.ts : -.infinity) < ($1.ts.isFinite ? $1.ts : -.infinity) }
        }
        let positiveCount = examples.filter(\.positive).count, negativeCount = examples.count - positiveCount
        guard positiveCount >= minExamples, negativeCount >= minExamples else {
            throw fail(
                "too few examples: \(positiveCount) with the label and \(negativeCount) without; each class needs at least \(minExamples) (--min-examples)"
            )
        }
        let held = max(1, Int((Double(examples.count) * holdout).rounded()))
        let training = examples.prefix(examples.count - held), evaluation = examples.suffix(held)
        guard training.contains(where: \.positive), training.contains(where: { !$0.positive }) else {
            throw fail(
                "the training part (the oldest \(training.count) comments) holds one class only; give more data or a smaller --holdout"
            )
        }

        let hasher = FeatureHasher(bits: bits, kinds: featureKinds!, gramLengths: gramLengths!)
        let normalizer = Normalizer()
        let vectors = examples.map { ClassifierRule.vector($0.text, normalizer: normalizer, hasher: hasher) }
        var trainer = FTRLTrainer()
        trainer.epochs = epochs
        trainer.seed = seed
        let started = Date()
        let (weights, bias) = trainer.train(
            Array(vectors.prefix(training.count)), positive: training.map(\.positive), bits: bits)
        let seconds = Date().timeIntervalSince(started)

        func scores(_ model: LinearModel, _ index: Int) -> [Double] {
            vectors.suffix(held).map { model.score($0, label: index) }
        }
        var summary: [String: JSONValueBox] = [:]
        let truth = evaluation.map(\.positive)
        var trained = LinearModel.Label(name: labelName, bias: bias, weights: weights)
        let newScores = scores(LinearModel(hasher: hasher, labels: [trained]), 0)
        let table = Evaluation.thresholds.map { t in (t, Evaluation(scores: newScores, positive: truth, threshold: t)) }
        let atThreshold = Evaluation(scores: newScores, positive: truth, threshold: threshold)
        let times = examples.map(\.ts).filter(\.isFinite)
        summary["training"] = JSONValueBox(
            [
                "rows": training.count, "positive": training.filter(\.positive).count,
                "negative": training.filter { !$0.positive }.count,
                "from": TimeText.iso(training.map(\.ts).filter(\.isFinite).min()),
                "to": TimeText.iso(training.map(\.ts).filter(\.isFinite).max()),
                "sources": (files + (fromAudit.map { [$0] } ?? [])).map { ($0 as NSString).lastPathComponent },
                "epochs": epochs, "seed": Int(seed), "label": label ?? "moderators' ops",
                "positive_values": positives.sorted(),
            ] as [String: Any])
        summary["evaluation"] = JSONValueBox(
            [
                "rows": held, "positive": truth.filter { $0 }.count, "negative": truth.filter { !$0 }.count,
                "from": TimeText.iso(evaluation.map(\.ts).filter(\.isFinite).min()), "to": TimeText.iso(times.max()),
                "split": "newest \(Int((holdout * 100).rounded()))% by time", "threshold": threshold,
                "at_threshold": atThreshold.summary,
                "thresholds": table.map { ["threshold": $0.0, "metrics": $0.1.summary] as [String: Any] },
            ] as [String: Any])
        trained.summary = summary
        var labels = [trained]

        // The quality gate: the model there, scored on the same held-back comments.
        if FileManager.default.fileExists(atPath: out), !force {
            let existing: LinearModel
            do throws(LinearModel.FileError) {
                existing = try LinearModel(contentsOf: out)
            } catch {
                throw fail("\(out): \(error.message) (--force replaces it)")
            }
            if let index = existing.labelIndex(labelName) {
                let old = Evaluation(
                    scores: evaluation.map {
                        existing.score(
                            ClassifierRule.vector($0.text, normalizer: normalizer, hasher: existing.hasher),
                            label: index)
                    },
                    positive: truth, threshold: threshold)
                if (old.f1 ?? 0) > (atThreshold.f1 ?? 0) {
                    throw fail(
                        "the model in \(out) scores better on the same held-back comments at \(threshold): F1 \(Self.format(old.f1)) against \(Self.format(atThreshold.f1)) (--force replaces it anyway)"
                    )
                }
            }
        }
        if let merge {
            do throws(LinearModel.FileError) {
                let other = try LinearModel(contentsOf: merge)
                guard other.hasher == hasher else {
                    let describe = { (h: FeatureHasher) in
                        "\(h.bits) bits, kinds \(h.kinds.map(\.letter).joined(separator: ",")), grams \(h.gramLengths)"
                    }
                    throw LinearModel.FileError(
                        "its features have \(describe(other.hasher)), these \(describe(hasher))")
                }
                labels += other.labels.filter { $0.name != labelName }
            } catch {
                throw fail("--merge \(merge): \(error.message)")
            }
        }
        let bytes = LinearModel(hasher: hasher, labels: labels).fileBytes()
        guard FileManager.default.createFile(atPath: out + ".tmp", contents: Data(bytes)),
            rename(out + ".tmp", out) == 0
        else {
            throw fail("cannot write \(out): \(String(cString: strerror(errno)))")
        }

        print(
            "trained \(labelName) on \(training.count) comments (\(training.filter(\.positive).count) with the label) in \(String(format: "%.2f", seconds)) s; \(unlabeled) unlabelled skipped"
        )
        print("held back the newest \(held) (\(truth.filter { $0 }.count) with the label), scored at thresholds:")
        print("  threshold  precision  recall     F1  false positives")
        for (t, e) in table {
            print(
                "  \(String(format: "%9.2f", t))  \(Self.format(e.precision, width: 9))  \(Self.format(e.recall, width: 6))  \(Self.format(e.f1, width: 5))  \(Self.format(e.falsePositiveRate, width: 15))"
            )
        }
        print("wrote \(out) (\(bytes.count) bytes, sha256 \(ContentHash.sha256(bytes)))")
    }

    static func format(_ x: Double?, width: Int = 0) -> String {
        let text = x.map { String(format: "%.3f", $0) } ?? "-"
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
