import Foundation
import Testing

/// Comments punished for what they are not, and disguises let through: regression tests named
/// after what broke, on the real binary with the bundled lists and the built-in policy.
@Suite("Precision (end to end)")
struct PrecisionTests {
    let fixtures = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path

    func verdicts(_ events: [String], _ arguments: [String] = []) throws -> [[String: Any]] {
        let run = try WinnowProcess.run(
            ["filter", "--no-audit", "--clock", "event"] + arguments,
            input: Array((events.joined(separator: "\n") + "\n").utf8))
        #expect(run.status == 0, "stderr: \(run.stderr)")
        return run.stdoutText.split(separator: "\n").map {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:]
        }
    }

    func reasons(_ verdict: [String: Any]) -> [[String: Any]] { verdict["reasons"] as? [[String: Any]] ?? [] }

    @Test("links missed full-width URLs that the stop-word path sees through")
    func linksMissedFullWidthURLs() throws {
        let judged = try verdicts([
            #"{"author":"a","ts":1700000000,"text":"ｈｔｔｐ://ｗｗｗ.ｅｂａｙ.ｃｏｍ/x and ｅｂａｙ．ｃｏｍ and ａｍａｚｏｎ．ｃｏｍ"}"#,
            #"{"author":"b","ts":1700000001,"text":"get it at ｂｉｔ．ｌｙ/free"}"#,
        ])
        #expect(reasons(judged[0]).map { $0["message"] as? String } == ["3 links"])
        let shortener = reasons(judged[1]).first
        #expect(shortener?["message"] as? String == "a link shortener")
        #expect(shortener?["term"] as? String == "bit.ly")
        #expect(shortener?["match"] as? String == "ｂｉｔ．ｌｙ/free")
        #expect(shortener?["span"] as? [Int] == [10, 21])
    }

    @Test("replay judged an undated first row at the wall clock: every later event was late by years")
    func undatedFirstRowMadeEveryEventLate() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = """
            id,author,date,text
            1,a,,first words here
            2,b,2024-01-01T00:00:00,a comment in january
            3,c,2024-06-01T00:00:00,a comment in june
            4,a,2024-06-01T00:00:10,first words here

            """
        try csv.write(to: directory.appendingPathComponent("dump.csv"), atomically: true, encoding: .utf8)
        let run = try WinnowProcess.run(
            [
                "replay", "dump.csv", "--wordlists", fixtures, "--map", "text=text,author=author,ts=date,id=id",
                "--no-audit",
                "--verdicts", "verdicts.ndjson",
            ],
            in: directory)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let text = try String(contentsOf: directory.appendingPathComponent("verdicts.ndjson"), encoding: .utf8)
        #expect(!text.contains(#""rule":"late""#), "\(text)")
        // Months apart: the same words are not a repeat.
        #expect(!text.contains(#""rule":"repeat""#), "\(text)")
        #expect(run.stdoutText.contains("quirk empty_date: 1"))
    }
}
