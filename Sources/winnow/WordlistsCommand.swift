import ArgumentParser
import Foundation
import WinnowMatch

struct Wordlists: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wordlists",
        abstract: "Inspect wordlists.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract:
                "Validate a wordlist directory: per-list counts, compile time, patterns that backtrack catastrophically; exit 1 on any error."
        )

        @Argument(help: "Wordlist directory (default: the bundled Wordlists/).")
        var directory: String?

        @Flag(help: "Also print the compiled PCRE2 patterns.")
        var patterns = false

        func run() throws {
            let path = directory ?? WordlistOptions.defaultDirectory
            let started = DispatchTime.now()
            let (lists, errors) = WordlistDirectory.load(path)
            var problems = errors
            var compiled: StopwordSet?
            do throws(WordlistCompileErrors) {
                compiled = try StopwordSet(lists: lists)
            } catch {
                problems += error.errors
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6

            print("list                      action    sev category        words prefix suffix infix regex allow")
            for list in lists {
                var counts = [Int](repeating: 0, count: 6)
                for entry in list.entries {
                    switch (entry.isAllow, entry.kind) {
                    case (true, _): counts[5] += 1
                    case (false, .word): counts[0] += 1
                    case (false, .prefix): counts[1] += 1
                    case (false, .suffix): counts[2] += 1
                    case (false, .infix): counts[3] += 1
                    case (false, .pattern): counts[4] += 1
                    }
                }
                let s = list.settings
                print(
                    pad(list.name, 26) + pad(s.action.rawValue, 10) + pad(String(s.severity), 4) + pad(s.category, 14)
                        + counts.map { lpad(String($0), 7) }.joined())
            }
            let total = lists.reduce(0) { $0 + $1.entries.count }
            if let compiled {
                print(
                    "\(lists.count) lists, \(total) entries, compiled into \(compiled.patternCount) PCRE2 patterns "
                        + "(\(compiled.memorySize / 1024) KiB with JIT code) in \(String(format: "%.1f", elapsed)) ms")
            }
            if patterns, let compiled {
                for (role, source) in compiled.patternSources { print("\n# \(role)\n\(source)") }
            }
            // Catastrophic backtracking is a warning: such a pattern still works, within its limit.
            for warning in BacktrackingProbe.warnings(for: lists) { print(warning) }
            for problem in problems { print("error: \(problem)") }
            if !problems.isEmpty {
                print("\(problems.count) error(s)")
                throw ExitCode(1)
            }
        }

        private func pad(_ s: String, _ width: Int) -> String {
            s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
        }

        private func lpad(_ s: String, _ width: Int) -> String {
            s.count >= width ? " " + s : String(repeating: " ", count: width - s.count) + s
        }
    }
}
