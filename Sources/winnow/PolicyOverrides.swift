import ArgumentParser
import WinnowConfig
import WinnowCore
import WinnowMatch
import WinnowPolicy

/// `--action CATEGORY=ACTION` and `--dry-run`, shared by the commands that judge events.
struct PolicyOverrides: ParsableArguments {
    @Option(
        name: .customLong("action"),
        help: ArgumentHelp(
            "Override the action of every list of a category: CATEGORY=ACTION, ACTION one of allow, annotate, flag, censor, hold, reject (repeatable).",
            valueName: "category=action"))
    var actions: [CategoryAction] = []

    @Flag(help: "Compute everything but answer `allow`, with the would-be action in `would`.")
    var dryRun = false

    /// Refuses a category no list has.
    func check(against stopwords: StopwordSet) throws {
        let knownCategories = Set(stopwords.lists.map(\.settings.category))
        for override in actions where !knownCategories.contains(override.category) {
            let known = knownCategories.sorted().joined(separator: ", ")
            throw ValidationError("--action: no list has category '\(override.category)' (categories: \(known))")
        }
    }

    func apply(to configuration: inout Configuration) {
        for override in actions { configuration.policy.categoryActions[override.category] = override.action }
        if dryRun { configuration.policy.dryRun = true }
    }
}

/// `--action CATEGORY=ACTION`.
struct CategoryAction: ExpressibleByArgument {
    var category: String
    /// `nil` for `allow`.
    var action: RuleAction?

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        category = parts[0]
        if parts[1] == "allow" {
            action = nil
        } else if let action = RuleAction(rawValue: parts[1]), action != .timeout, action != .ban {
            self.action = action
        } else {
            return nil
        }
    }
}
