import ArgumentParser
import Foundation
import WinnowConfig

/// `winnow config`: check a policy file, or print the built-in one to start from.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a policy file, or print the built-in policy.",
        subcommands: [Check.self, Default.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a policy file against the wordlists; list every problem (status 2) or print a summary.")

        @Argument(help: "The policy file (YAML).")
        var file: String

        @OptionGroup var wordlists: WordlistOptions

        func run() throws {
            let stopwords = try wordlists.compile()
            let categories = Set(stopwords.lists.map(\.settings.category))
            let configuration: WinnowConfig.Configuration
            do {
                configuration = try PolicyFile.load(file, knownCategories: categories)
            } catch {
                for problem in error.problems { printError("winnow: \(problem)") }
                throw ExitCode(2)
            }
            print("\(file): ok")
            print(configuration.summary)
        }
    }

    struct Default: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "default",
            abstract: "Print the built-in policy as a commented policy file to start from.")

        func run() {
            print(PolicyFile.defaultText, terminator: "")
        }
    }
}
