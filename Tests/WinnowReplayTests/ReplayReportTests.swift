import Foundation
import Testing
import WinnowCore

@testable import WinnowReplay

@Suite("Replay report scoring")
struct ReplayReportTests {
    @Test("replay scored late (informational) as a rule with precision and recall; annotate neither")
    func lateWasScoredAsARule() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("set.csv").path
        try "text,class\nspam one,1\nham one,0\nham two,0\nspam two,1\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        let input = try ReplayInput(
            paths: [path], mapping: try ColumnMapping(parsing: "text=text"),
            label: LabelSpec(field: "class", positive: ["1"]))
        let report = ReplayReport(input: input, label: LabelSpec(field: "class", positive: ["1"]))
        let late = Reason(rule: "late", message: "12 s behind")
        let note = Reason(rule: "stopword", action: .annotate, list: "en/help", term: "help")
        let links = Reason(rule: "links", action: .hold, message: "a link shortener")
        report.observe(Verdict(id: nil, action: .hold, reasons: [links, late]))  // spam one
        report.observe(Verdict(id: nil, action: .allow, reasons: [late, note]))  // ham one
        report.observe(Verdict(id: nil, action: .hold, reasons: [links]))  // ham two
        report.observe(Verdict(id: nil, action: .allow, reasons: [late]))  // spam two
        report.finish()
        // Counted as hits, never scored: they predict nothing.
        #expect(report.rules["late"] == 3 && report.rules["stopword"] == 1)
        #expect(Set(report.perRule.keys) == ["links"])
        let scored = try #require(report.perRule["links"])
        #expect(scored.truePositives == 1 && scored.falsePositives == 1)
        #expect(scored.falseNegatives == 1 && scored.trueNegatives == 1)
    }
}
