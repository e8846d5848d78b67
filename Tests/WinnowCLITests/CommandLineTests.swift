import Foundation
import Testing
import WinnowTestSupport

@Suite("Command line")
struct CommandLineTests {
    let fixtures = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path

    @Test("a closed stdout ends the run quietly with status 0")
    func closedStdout() throws {
        // `winnow filter … | head -n 1`, through a shell so that head really closes the pipe.
        let lines = String(repeating: #"{"author":"a","text":"hello there"}"# + "\n", count: 200_000)
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-head-\(getpid()).ndjson")
        try lines.write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        process.currentDirectoryURL = directory
        process.arguments = [
            "-c",
            "set -o pipefail; '\(WinnowProcess.executable.path)' filter --wordlists '\(fixtures)' < '\(input.path)' | head -n 1; echo \"status=$?\"",
        ]
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let errors = Collector(stderr.fileHandleForReading)
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(output == #"{"id":1,"action":"allow","reasons":[]}"# + "\nstatus=0\n")
        #expect(String(decoding: errors.wait(), as: UTF8.self) == "")
    }

    @Test("an installed binary reads the wordlists installed next to it, not the checkout it was built from")
    func installedDataFirst() throws {
        let prefix = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: prefix) }
        let bin = prefix.appendingPathComponent("bin"),
            lists = prefix.appendingPathComponent("share/winnow/Wordlists/en")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: lists, withIntermediateDirectories: true)
        let binary = bin.appendingPathComponent("winnow")
        try FileManager.default.copyItem(at: WinnowProcess.executable, to: binary)
        try "@action: reject\nzorblax\n".write(
            to: lists.appendingPathComponent("installed.txt"), atomically: true, encoding: .utf8)
        let run = try WinnowProcess.run(
            ["filter", "--no-audit"], input: Array(#"{"author":"a","text":"a zorblax here"}"#.utf8) + [10],
            environment: [:], executable: binary)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stdoutText.contains(#""action":"reject""#) && run.stdoutText.contains(#""list":"en/installed""#),
            "\(run.stdoutText)")
    }

    @Test("an unreadable wordlist directory stops with a clear message and status 2")
    func missingWordlists() throws {
        let result = try WinnowProcess.run(["filter", "--wordlists", "/nonexistent/lists"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("winnow: /nonexistent/lists: no such wordlist directory"))
        #expect(result.stdout.isEmpty)
    }

    @Test("a broken wordlist is reported with file and line, status 2")
    func brokenWordlist() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-broken-\(getpid())/en")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        try "@action: censor\nok\n/(a/\n".write(
            to: dir.appendingPathComponent("x.txt"), atomically: true, encoding: .utf8)
        let result = try WinnowProcess.run(["filter", "--wordlists", dir.deletingLastPathComponent().path])
        #expect(result.status == 2)
        #expect(
            result.stderr.contains("en/x.txt:3: PCRE2 cannot compile /(a/: missing closing parenthesis at offset 2"))

        let check = try WinnowProcess.run(["wordlists", "check", dir.deletingLastPathComponent().path])
        #expect(check.status == 1)
        #expect(check.stdoutText.contains("en/x.txt:3: PCRE2 cannot compile"))
    }

    @Test("filter left out the PCRE2 error when another list was broken, then sent the user to wordlists check")
    func everyWordlistProblemAtOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-broken2-\(getpid())/en")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        try "@action: censor\nok\n/(a/\n".write(
            to: dir.appendingPathComponent("x.txt"), atomically: true, encoding: .utf8)
        try "@action: nonsense\nword\n".write(
            to: dir.appendingPathComponent("y.txt"), atomically: true, encoding: .utf8)
        let result = try WinnowProcess.run(["filter", "--wordlists", dir.deletingLastPathComponent().path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("en/x.txt:3: PCRE2 cannot compile /(a/"), "\(result.stderr)")
        #expect(result.stderr.contains("en/y.txt:1:"), "\(result.stderr)")
        #expect(result.stderr.contains("have 2 problem(s)"), "\(result.stderr)")
        #expect(!result.stderr.contains("wordlists check"), "\(result.stderr)")
    }

    @Test("a shared Redis that cannot be reached at start-up stops the run, naming it")
    func sharedUnreachable() throws {
        let result = try WinnowProcess.run(
            ["filter", "--wordlists", fixtures, "--no-audit", "--shared", "unix:///nonexistent/redis.sock"],
            input: Array(#"{"author":"a","text":"hi"}"#.utf8) + [0x0A])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("winnow: --shared: unix:///nonexistent/redis.sock: "), "\(result.stderr)")
    }

    @Test(
        "unusable arguments are refused before reading anything",
        arguments: [
            ["filter", "--action", "profanity"],
            ["filter", "--action", "profanity=delete"],
            ["filter", "--workers", "0"],
            ["filter", "--max-line-bytes", "10"],
            ["filter", "--bogus"],
            ["filter", "--rate-limit", "5 per second"],
            ["filter", "--slow-mode", "general=soon"],
            ["filter", "--slow-mode", "10s", "--slow-mode", "20s"],
            ["filter", "--clock", "sundial"],
            ["filter", "--max-authors", "3"],
            ["filter", "--shared", "localhost:6379"],
            ["filter", "--shared", "redis://localhost:0"],
            ["filter", "--shared", "unix:///tmp/x.sock", "--shared-failure", "maybe"],
        ])
    func badArguments(arguments: [String]) throws {
        let result = try WinnowProcess.run(arguments + ["--wordlists", fixtures])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Error:"))
    }

    @Test("an --action for an unknown category is refused")
    func unknownCategory() throws {
        let result = try WinnowProcess.run(["filter", "--wordlists", fixtures, "--action", "nonsense=flag"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("no list has category 'nonsense'"))
        // It printed the usage of `winnow`, not of the command given.
        #expect(result.stderr.contains("Usage: winnow filter [<options>]"), "\(result.stderr)")
    }

    @Test("replay --help called wall the default clock, while replay runs on event time")
    func replayClockDefaultInHelp() throws {
        let help = try WinnowProcess.run(["replay", "--help"]).stdoutText.split(separator: "\n").joined(separator: " ")
            .split(separator: " ").joined(separator: " ")
        #expect(help.contains("else `event` for replay and `wall` for filter, serve and consume"), "\(help)")
        #expect(!help.contains("is judged; default)"))
    }

    @Test("--workers printed its default twice in --help")
    func workersDefaultOnce() throws {
        for command in ["filter", "replay", "consume"] {
            let help = try WinnowProcess.run([command, "--help"]).stdoutText
            let line = help.split(separator: "\n").first { $0.contains("--workers") } ?? ""
            #expect(line.contains("(default: one per core)"), "\(command): \(line)")
            #expect(line.components(separatedBy: "(default:").count == 2, "\(command): \(line)")
        }
    }

    @Test("wordlists check prints per-list counts")
    func check() throws {
        let result = try WinnowProcess.run(["wordlists", "check", fixtures])
        #expect(result.status == 0)
        let lines = result.stdoutText.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("en/profanity") && $0.contains("censor") })
        #expect(lines.last?.hasPrefix("5 lists, 19 entries, compiled into") == true)
    }

    @Test(
        "a catastrophic pattern: wordlists check warns; at run time that event gets an error reason, the other lists still run"
    )
    func catastrophicPattern() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lists = directory.appendingPathComponent("lists/en")
        try FileManager.default.createDirectory(at: lists, withIntermediateDirectories: true)
        try "@action: reject\n/(a+)+$/\n/(x|xx)+y/\n/\\bbuy now\\b/\n".write(
            to: lists.appendingPathComponent("evil.txt"), atomically: true, encoding: .utf8)
        try "@action: censor\nshit\n".write(
            to: lists.appendingPathComponent("profanity.txt"), atomically: true, encoding: .utf8)
        let check = try WinnowProcess.run(
            ["wordlists", "check", directory.appendingPathComponent("lists").path], in: directory)
        #expect(check.status == 0)
        let warnings = check.stdoutText.split(separator: "\n").filter { $0.contains("backtracks catastrophically") }
        #expect(warnings.count == 2)
        #expect(warnings.first?.contains("evil.txt:2: warning: /(a+)+$/ backtracks catastrophically") == true)
        #expect(warnings.last?.contains("evil.txt:3: warning: /(x|xx)+y/") == true)

        let text = String(repeating: "a", count: 5000) + "! shit"
        let run = try WinnowProcess.run(
            ["filter", "--no-audit", "--wordlists", directory.appendingPathComponent("lists").path],
            input: Array(#"{"author":"a","text":"\#(text)"}"#.utf8) + [10], in: directory)
        let verdict = try JSONSerialization.jsonObject(with: Data(run.stdout)) as! [String: Any]
        let reasons = verdict["reasons"] as! [[String: Any]]
        #expect(verdict["action"] as? String == "censor")
        #expect(reasons.contains { ($0["message"] as? String)?.hasPrefix("match limit exceeded") == true })
        #expect(reasons.contains { $0["list"] as? String == "en/profanity" && $0["match"] as? String == "shit" })
    }

    @Test("config check lists every problem of a policy file with line and key, status 2")
    func configCheckProblems() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-policy-\(getpid()).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "rate_limits:\n  author: lots\nstopwords:\n  categories: {nonsense: flag}\n".write(
            to: file, atomically: true, encoding: .utf8)
        let result = try WinnowProcess.run(["config", "check", file.path, "--wordlists", fixtures])
        #expect(result.status == 2)
        #expect(
            result.stderr.split(separator: "\n") == [
                "winnow: \(file.path):2:11: rate_limits.author: expected a rate such as 5/10s or '20/1m burst 5', or off, not 'lots'",
                "winnow: \(file.path):4:26: stopwords.categories.nonsense: no wordlist has this category (categories: insult, profanity, self-harm, slur)",
            ])
        // `filter` refuses to start on it the same way.
        let filter = try WinnowProcess.run(["filter", "--policy", file.path, "--wordlists", fixtures])
        #expect(filter.status == 2)
        #expect(filter.stderr.contains("rate_limits.author"))
    }

    @Test("config default prints a policy that config check accepts")
    func configDefault() throws {
        let printed = try WinnowProcess.run(["config", "default"])
        #expect(printed.status == 0)
        #expect(printed.stdoutText.contains("rate_limits:\n  author: 5/10s"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-default-\(getpid()).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(printed.stdout).write(to: file)
        let check = try WinnowProcess.run(["config", "check", file.path, "--wordlists", fixtures])
        #expect(check.status == 0)
        #expect(
            check.stdoutText.contains(
                "escalation: 3 strikes (reject or stronger, from flood, known_spam, links, repeat, stopword) in 10m "
                    + "-> timeout 10m; "
                    + "ban after 3 timeouts for 1d"))
    }
}
