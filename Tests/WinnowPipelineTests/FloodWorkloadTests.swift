import Foundation
import Testing
import WinnowCore
import WinnowIO
import WinnowLimits
import WinnowRules
import WinnowPipeline
import WinnowPolicy
import WinnowText

/// The flood rule on a workload of real comments with injected coordinated floods (mutated
/// copies from fresh accounts; Tests/Fixtures/comments/README.md), judged in order on event time.
@Suite("Floods in a realistic workload")
struct FloodWorkloadTests {
    @Test("every campaign of an unusual text is caught from its fifth copy on")
    func injectedFloods() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/comments")
        let truth = try String(contentsOf: folder.appendingPathComponent("flood-workload.truth.tsv"), encoding: .utf8)
        var campaignOf: [String: String] = [:]
        for line in truth.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            campaignOf[String(fields[0])] = String(fields[2])
        }
        let lines = try Data(contentsOf: folder.appendingPathComponent("flood-workload.ndjson")).split(separator: 0x0A)
        let engine = Engine(stopwords: try fixtureStopwords(), policy: Policy(), behavior: .defaultPolicy)
        let scratch = WorkerScratch()
        let decoder = EventDecoder()
        var copiesSeen: [String: Int] = [:]
        var caught = 0, catchable = 0, missedCatchable = 0
        for (k, line) in lines.enumerated() {
            let event = try Array(line).withUnsafeBufferPointer { try decoder.decode($0, lineNumber: k + 1).get() }
            var (verdict, facts) = engine.analyze(event, scratch: scratch)
            engine.applyWindows(facts, to: &verdict, at: Micros(seconds: event.timestamp ?? 0))
            guard case .string(let id) = event.id, let campaign = campaignOf[id] else { continue }
            copiesSeen[campaign, default: 0] += 1
            let flagged = verdict.reasons.contains { ["flood", "repeat", "raid", "timeout", "ban"].contains($0.rule) }
            if flagged { caught += 1 }
            // From the fifth copy of a campaign on, a copy must not get through — unless the
            // text is what a crowd writes ("Shuffle", "I love your music", "Great. This is a
            // song": fewer than three uncommon words), which no text rule can tell from a crowd
            // reacting (the workload generator injects those too).
            if copiesSeen[campaign]! >= 5 && FloodRule().counts(facts.fingerprint, spamSignal: facts.hasSpamSignal) {
                catchable += 1
                if !flagged { missedCatchable += 1 }
            }
        }
        #expect(campaignOf.count == 449)
        #expect(copiesSeen.count == 42)
        // 141 copies from the fifth on of campaigns of unusual texts (three uncommon words, or two
        // with a link or a mention; 135 with three for every text).
        #expect(catchable == 141, "\(catchable)")
        #expect(
            Double(catchable - missedCatchable) / Double(catchable) >= 0.95, "\(missedCatchable) of \(catchable) missed"
        )
        #expect(caught >= catchable - missedCatchable)
    }
}
