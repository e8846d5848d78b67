import ArgumentParser
import Foundation
import WinnowAudit
import WinnowConfig
import WinnowLearn
import WinnowRules

/// Reads the classifier's model into a configuration (the policy names a path, or the model
/// shipped with Winnow), checking that it holds the labels the policy scores. Problems end the
/// run with status 2 before any input is read; `ServeError`-style messages for a reload.
enum ClassifierModel {
    /// The message of why the model cannot be used, or nil when it is loaded (or not needed).
    static func load(into configuration: inout Configuration) -> String? {
        var rule = configuration.behavior.classifier
        guard rule.enabled, !rule.labels.isEmpty else { return nil }
        if rule.modelPath == nil,
            let message = BundledData.notFound(
                "Models/winnow.wnm", what: "the classifier model shipped with Winnow",
                how: "give --model PATH, or --no-classifier")
        {
            return String(message.dropFirst("winnow: ".count))
        }
        let path = rule.modelPath ?? BundledData.model
        guard let data = FileManager.default.contents(atPath: path) else {
            return
                "cannot read the classifier model \(path)\(rule.modelPath == nil ? " (the model shipped with Winnow)" : ""); give --model PATH, or --no-classifier"
        }
        let bytes = [UInt8](data)
        let model: LinearModel
        do throws(LinearModel.FileError) {
            model = try LinearModel(fileBytes: bytes)
        } catch {
            return "classifier model \(path): \(error.message)"
        }
        let missing = rule.labels.keys.filter { model.labelIndex($0) == nil }.sorted()
        guard missing.isEmpty else {
            return
                "classifier model \(path) has no label \(missing.joined(separator: ", ")) (labels: \(model.labels.map(\.name).joined(separator: ", ")))"
        }
        rule.model = ClassifierRule.ModelBox(model: model, hash: ContentHash.sha256(bytes), path: path)
        configuration.behavior.classifier = rule
        return nil
    }

    /// `load`, ending the run with status 2 on a problem.
    static func loadOrExit(into configuration: inout Configuration) throws {
        if let problem = load(into: &configuration) {
            printError("winnow: \(problem)")
            throw ExitCode(2)
        }
    }
}
