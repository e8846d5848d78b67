import Benchmark
import Foundation
import WinnowCore
import WinnowIO
import WinnowMatch
import WinnowPipeline
import WinnowPolicy
import WinnowText

/// Per-event costs of each stage, on the real comments bundled with the tests
/// (Tests/Fixtures/comments, 1,138 YouTube comments) and the bundled wordlists.
/// Each iteration processes every comment once; throughput is reported per comment.
let benchmarks: @Sendable () -> Void = {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let sample = repository.appendingPathComponent("Tests/Fixtures/comments/youtube-spam-collection.ndjson")
    let lines: [[UInt8]] = (try? Data(contentsOf: sample)).map { data in
        data.split(separator: 0x0A).map { Array($0) }
    } ?? []
    let decoder = EventDecoder()
    let events: [Event] = lines.enumerated().compactMap { index, line in
        line.withUnsafeBufferPointer { try? decoder.decode($0, lineNumber: index + 1).get() }
    }
    let (lists, _) = WordlistDirectory.load(repository.appendingPathComponent("Wordlists").path)
    guard let stopwords = try? StopwordSet(lists: lists) else { fatalError("bundled wordlists do not compile") }
    let normalizer = Normalizer()
    let engine = Engine(stopwords: stopwords, policy: Policy())
    let count = events.count

    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions],
        scalingFactor: .one,
        maxDuration: .seconds(3)
    )

    Benchmark("decode NDJSON event", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            for (index, line) in lines.enumerated() {
                blackHole(line.withUnsafeBufferPointer { decoder.decode($0, lineNumber: index) })
            }
        }
    }

    Benchmark("normalize comment", configuration: configuration) { benchmark in
        var normalized = NormalizedText()
        for _ in benchmark.scaledIterations {
            for event in events {
                var text = event.text
                text.withUTF8 { normalizer.normalize($0, into: &normalized, folded: stopwords.needsFoldedView) }
                blackHole(normalized.skeleton.count)
            }
        }
    }

    Benchmark("match normalized comment (all lists)", configuration: configuration) { benchmark in
        let normalized: [NormalizedText] = events.map { normalizer.normalize($0.text, folded: stopwords.needsFoldedView) }
        let scratch = MatchScratch()
        var matches = StopwordMatches()
        for _ in benchmark.scaledIterations {
            for text in normalized {
                stopwords.match(text, scratch: scratch, into: &matches)
                blackHole(matches.hits.count)
            }
        }
    }

    Benchmark("judge event (normalize, match, policy)", configuration: configuration) { benchmark in
        let scratch = WorkerScratch()
        for _ in benchmark.scaledIterations {
            for event in events { blackHole(engine.judge(event, scratch: scratch)) }
        }
    }

    Benchmark("encode verdict", configuration: configuration) { benchmark in
        let scratch = WorkerScratch()
        let verdicts = events.map { engine.judge($0, scratch: scratch) }
        let encoder = VerdictEncoder()
        var out: [UInt8] = []
        for _ in benchmark.scaledIterations {
            for verdict in verdicts {
                encoder.encode(verdict, into: &out)
            }
            blackHole(out.count)
            out.removeAll(keepingCapacity: true)
        }
    }
    _ = count
}
