import Foundation
import Testing

/// Golden end-to-end runs: each folder of Tests/Scenarios holds `args` (one argument per line;
/// `$FIXTURES` and `$REPO` are expanded), `input.ndjson` and `expected.ndjson`. The actual output
/// must equal the expected file byte for byte. To re-record after an intended change, run the
/// tests with WINNOW_RECORD=1: the files are rewritten and the test fails, so a recording can
/// never pass silently; review the diff, then run again without it.
@Suite("Scenarios (golden files)")
struct ScenarioTests {
    static let folder = WinnowProcess.repository.appendingPathComponent("Tests/Scenarios")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }
            .sorted()
    }

    @Test("scenario", arguments: names)
    func scenario(name: String) throws {
        let dir = Self.folder.appendingPathComponent(name)
        let fixtures = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures").path
        let arguments = try String(contentsOf: dir.appendingPathComponent("args"), encoding: .utf8)
            .split(separator: "\n").map {
                $0.replacingOccurrences(of: "$FIXTURES", with: fixtures)
                    .replacingOccurrences(of: "$REPO", with: WinnowProcess.repository.path)
            }
        let inputFile = try String(contentsOf: dir.appendingPathComponent("input"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let input = try Data(
            contentsOf: URL(
                fileURLWithPath: inputFile.replacingOccurrences(of: "$FIXTURES", with: fixtures)
                    .replacingOccurrences(of: "$SCENARIO", with: dir.path)))
        let result = try WinnowProcess.run(arguments, input: Array(input))
        #expect(result.status == 0, "stderr: \(result.stderr)")

        let expectedURL = dir.appendingPathComponent("expected.ndjson")
        if ProcessInfo.processInfo.environment["WINNOW_RECORD"] == "1" {
            try Data(result.stdout).write(to: expectedURL)
            Issue.record(
                "re-recorded \(expectedURL.path); review the diff and run the tests again without WINNOW_RECORD")
            return
        }
        let expected = try Data(contentsOf: expectedURL)
        let actualLines = result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = String(decoding: expected, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(actualLines.count == expectedLines.count)
        for (k, (actual, wanted)) in zip(actualLines, expectedLines).enumerated() where actual != wanted {
            Issue.record("\(name): output line \(k + 1) differs\n  expected: \(wanted)\n  actual:   \(actual)")
            break
        }
    }
}
