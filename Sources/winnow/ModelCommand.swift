import ArgumentParser
import Foundation
import WinnowAudit
import WinnowCore
import WinnowLearn
import WinnowReplay
import WinnowRules
import WinnowText

/// `winnow model info|evaluate`: what a model file is, and how it scores a labelled dump.
struct Model: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect a classifier model file, or score labelled dumps with it.",
        subcommands: [Info.self, Evaluate.self])

    /// `--model PATH`, shared by the commands that read a model.
    struct ModelOption: ParsableArguments {
        @Option(help: ArgumentHelp("The model file (default: the model shipped with Winnow).", valueName: "path"))
        var model: String?

        var path: String { model ?? BundledData.model }

        func load() throws -> (model: LinearModel, hash: String) { try Self.load(model) }

        static func load(_ model: String?) throws -> (model: LinearModel, hash: String) {
            if model == nil,
                let message = BundledData.notFound(
                    "Models/winnow.wnm", what: "the model shipped with Winnow", how: "give --model PATH")
            {
                printError(message)
                throw ExitCode(2)
            }
            let path = model ?? BundledData.model
            guard let data = FileManager.default.contents(atPath: path) else {
                printError(
                    "winnow: cannot read the model file \(path)\(model == nil ? " (the model shipped with Winnow; give --model)" : "")"
                )
                throw ExitCode(2)
            }
            do throws(LinearModel.FileError) {
                return (try LinearModel(fileBytes: [UInt8](data)), ContentHash.sha256([UInt8](data)))
            } catch {
                printError("winnow: \(path): \(error.message)")
                throw ExitCode(2)
            }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "info",
            abstract: "Print what a model file holds: labels, features, training, evaluation, hash.")

        @Argument(help: "The model file (default: the one shipped with Winnow).")
        var path: String?

        @Flag(help: "As JSON.")
        var json = false

        func run() throws {
            let (model, hash) = try ModelOption.load(path)
            let file = path ?? BundledData.model
            if json {
                let object: [String: Any] = [
                    "path": file, "sha256": hash, "bits": model.hasher.bits,
                    "grams": [model.hasher.gramLengths.lowerBound, model.hasher.gramLengths.upperBound],
                    "labels": model.labels.map { label -> [String: Any] in
                        var entry: [String: Any] = [
                            "name": label.name, "bias": label.bias,
                            "nonzero_weights": label.weights.filter { $0 != 0 }.count,
                        ]
                        for (key, value) in label.summary { entry[key] = value.value }
                        return entry
                    },
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("\(file)")
            print("  sha256 \(hash)")
            print(
                "  features of the skeleton view: \(model.hasher.kinds.map { $0 == .chars ? model.hasher.gramSummary : $0.summary }.joined(separator: ", ")); 2^\(model.hasher.bits) buckets"
            )
            for label in model.labels {
                print(
                    "  label \(label.name): \(label.weights.filter { $0 != 0 }.count) non-zero weights, bias \(String(format: "%.3f", label.bias))"
                )
                if let training = label.summary["training"]?.value as? [String: Any] {
                    print(
                        "    trained on \(training["rows"] ?? "?") comments (\(training["positive"] ?? "?") with the label) from \(training["from"] ?? "?") to \(training["to"] ?? "?"); sources: \((training["sources"] as? [String])?.joined(separator: ", ") ?? "?")"
                    )
                }
                if let evaluation = label.summary["evaluation"]?.value as? [String: Any],
                    let at = evaluation["at_threshold"] as? [String: Any]
                {
                    print(
                        "    held back \(evaluation["rows"] ?? "?") (\(evaluation["split"] ?? "?")): at \(evaluation["threshold"] ?? "?") precision \(at["precision"] ?? "-"), recall \(at["recall"] ?? "-"), F1 \(at["f1"] ?? "-"), false positives \(at["false_positive_rate"] ?? "-")"
                    )
                }
            }
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evaluate",
            abstract: "Score labelled dumps with a model: precision, recall, F1 and false positives per threshold.")

        @Argument(help: "Labelled dump files (NDJSON, or CSV).")
        var files: [String]

        @OptionGroup var modelOption: ModelOption

        @Option(help: "Read every file as `ndjson` or `csv` (default: by extension).")
        var format: DumpFormat?

        @Option(
            help: ArgumentHelp("CSV columns or NDJSON fields: text=CONTENT,author=AUTHOR,...", valueName: "mapping"))
        var map: String?

        @Option(help: ArgumentHelp("The label column or field.", valueName: "field"))
        var label: String

        @Option(
            help: ArgumentHelp(
                "A label value that means the comment has the label (repeatable; default 1).", valueName: "value"))
        var positive: [String] = []

        @Option(help: ArgumentHelp("The model's label to score.", valueName: "name"))
        var labelName = "spam"

        @Flag(help: "As JSON.")
        var json = false

        func run() throws {
            let (model, _) = try modelOption.load()
            guard let index = model.labelIndex(labelName) else {
                printError(
                    "winnow: the model has no label \(labelName) (labels: \(model.labels.map(\.name).joined(separator: ", ")))"
                )
                throw ExitCode(2)
            }
            let labelSpec = LabelSpec(field: label, values: positive)
            let positives = labelSpec.positive
            let input: ReplayInput
            do throws(ReplayError) {
                input = try ReplayInput(paths: files, format: format, map: map, label: labelSpec)
            } catch {
                printError("winnow: \(error.message)")
                throw ExitCode(2)
            }
            let normalizer = Normalizer()
            var scores: [Double] = [], truth: [Bool] = []
            for event in input.events where event.labelValue.map({ !$0.isEmpty }) ?? false {
                scores.append(
                    model.score(
                        ClassifierRule.vector(event.text, normalizer: normalizer, hasher: model.hasher), label: index))
                truth.append(positives.contains(event.labelValue!))
            }
            let table = Evaluation.thresholds.map { ($0, Evaluation(scores: scores, positive: truth, threshold: $0)) }
            if json {
                let object: [String: Any] = [
                    "rows": scores.count, "positive": truth.filter { $0 }.count,
                    "thresholds": table.map { ["threshold": $0.0, "metrics": $0.1.summary] as [String: Any] },
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("\(scores.count) labelled comments (\(truth.filter { $0 }.count) with the label \(labelName))")
            print("  threshold  precision  recall     F1  false positives")
            for (t, e) in table {
                print(
                    "  \(String(format: "%9.2f", t))  \(Train.format(e.precision, width: 9))  \(Train.format(e.recall, width: 6))  \(Train.format(e.f1, width: 5))  \(Train.format(e.falsePositiveRate, width: 15))"
                )
            }
        }
    }
}

/// `winnow classify`: a model's scores for texts, with the features that pushed them.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract:
            "Score texts with a classifier model and say why: each label's score and the features that pushed it most.")

    @Argument(help: "Texts to score (one each); with none, one per line on stdin.")
    var texts: [String] = []

    @OptionGroup var modelOption: Model.ModelOption

    @Option(help: "Features listed per label.")
    var features = 5

    @Flag(help: "One JSON object per text.")
    var json = false

    func run() throws {
        let (model, _) = try modelOption.load()
        var inputs = texts
        if inputs.isEmpty {
            while let line = readLine() { inputs.append(line) }
        }
        var rule = ClassifierRule(
            enabled: true,
            labels: Dictionary(
                uniqueKeysWithValues: model.labels.map {
                    ($0.name, [ClassifierRule.Step(threshold: 0, action: .annotate)])
                }))
        rule.explained = features
        rule.model = ClassifierRule.ModelBox(model: model, hash: "", path: modelOption.path)
        let normalizer = Normalizer()
        for text in inputs {
            var text = text
            let reasons: [Reason] = text.withUTF8 { bytes in
                var normalized = NormalizedText()
                normalizer.normalize(bytes, into: &normalized, folded: false)
                var reasons: [Reason] = []
                rule.evaluate(
                    original: bytes, skeleton: normalized.skeleton, into: &reasons)
                return reasons
            }
            if json {
                let labels = reasons.map { reason -> [String: Any] in
                    [
                        "label": reason.category ?? "", "score": ((reason.score ?? 0) * 10_000).rounded() / 10_000,
                        "features": (reason.features ?? []).map { feature -> [Any] in
                            var entry: [Any] = [feature.name, (feature.weight * 1000).rounded() / 1000]
                            if let span = feature.span { entry.append([span.start, span.end]) }
                            return entry
                        },
                    ]
                }
                let data = try JSONSerialization.data(
                    withJSONObject: ["text": text, "labels": labels], options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                continue
            }
            print(text)
            for reason in reasons {
                let why = (reason.features ?? []).map { feature in
                    "\(feature.name) +\(String(format: "%.2f", feature.weight))"
                        + (feature.span.map { " [\($0.start),\($0.end)]" } ?? "")
                }.joined(separator: ", ")
                print("  \(reason.category ?? "?") \(String(format: "%.4f", reason.score ?? 0)): \(why)")
            }
        }
    }
}
