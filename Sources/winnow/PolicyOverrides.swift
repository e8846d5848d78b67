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

    /// Refuses a category no list has, as a usage error of `command` (the lists are only known
    /// once read, after the arguments were validated: thrown from `run`, ArgumentParser would
    /// show the usage of `winnow` itself).
    func check(against stopwords: StopwordSet, command: ParsableCommand.Type) throws {
        let knownCategories = Set(stopwords.lists.map(\.settings.category))
        for override in actions where !knownCategories.contains(override.category) {
            let known = knownCategories.sorted().joined(separator: ", ")
            let name = "winnow \(command._commandName)"
            printError("Error: --action: no list has category '\(override.category)' (categories: \(known))")
            printError("Usage: \(name) [<options>]\n  See '\(name) --help' for more information.")
            throw ExitCode.validationFailure
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
