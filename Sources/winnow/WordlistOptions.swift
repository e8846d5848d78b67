import ArgumentParser
import Foundation
import WinnowMatch

/// `--wordlists DIR`, shared by the commands that match stop words.
struct WordlistOptions: ParsableArguments {
    @Option(
        name: .customLong("wordlists"),
        help: ArgumentHelp(
            "Wordlist directory (default: $WINNOW_WORDLISTS, else the Wordlists/ shipped with Winnow).",
            valueName: "dir"))
    var directory: String?

    /// The directory to use: the option, the environment, or the bundled lists.
    var resolvedDirectory: String { directory ?? Self.defaultDirectory }

    /// `$WINNOW_WORDLISTS`, else the bundled lists.
    static var defaultDirectory: String {
        if let fromEnvironment = ProcessInfo.processInfo.environment["WINNOW_WORDLISTS"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return BundledData.wordlists
    }

    /// Loads and compiles the lists, or stops with every problem listed and exit status 2.
    func compile() throws -> StopwordSet {
        if directory == nil, ProcessInfo.processInfo.environment["WINNOW_WORDLISTS"]?.isEmpty ?? true,
            let message = BundledData.notFound(
                "Wordlists", what: "the wordlists shipped with Winnow",
                how: "give --wordlists DIR or set WINNOW_WORDLISTS")
        {
            printError(message)
            throw ExitCode(2)
        }
        let path = resolvedDirectory
        // Every problem at once, as `winnow wordlists check` finds them: the lists that read
        // are compiled too, so that a pattern PCRE2 refuses is reported with the rest.
        let (lists, errors) = WordlistDirectory.load(path)
        var problems: [String] = errors.map { "\($0)" }
        do throws(WordlistCompileErrors) {
            let set = try StopwordSet(lists: lists)
            if problems.isEmpty { return set }
        } catch {
            problems += error.errors.map { "\($0)" }
        }
        for problem in problems { printError("winnow: \(problem)") }
        printError("winnow: the wordlists in \(path) have \(problems.count) problem(s)")
        throw ExitCode(2)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
