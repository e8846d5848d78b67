import Benchmark
import Foundation
import Dispatch
import WinnowCore
import WinnowIO
import WinnowLimits
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
    let engine = Engine(stopwords: stopwords, policy: Policy(), behavior: .off)
    let everyRule = Engine(stopwords: stopwords, policy: Policy(), behavior: .defaultPolicy)
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
        benchmark.startMeasurement()
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
            for event in events { blackHole(engine.judge(event, scratch: scratch, at: 1_700_000_000 * Micros.perSecond)) }
        }
    }

    Benchmark("judge event, every rule on (windows on event time)", configuration: configuration) { benchmark in
        let scratch = WorkerScratch()
        var now: Micros = 1_700_000_000 * Micros.perSecond
        for _ in benchmark.scaledIterations {
            for event in events {
                now += 10_000
                blackHole(everyRule.judge(event, scratch: scratch, at: now))
            }
        }
    }

    Benchmark("text statistics (noise, links)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            for event in events {
                var text = event.text
                blackHole(text.withUTF8 { TextStats($0) })
            }
        }
    }

    Benchmark("fingerprint (repeat, flood)", configuration: configuration) { benchmark in
        let normalized: [NormalizedText] = events.map { normalizer.normalize($0.text, folded: false) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for text in normalized { blackHole(Fingerprint(text.skeleton)) }
        }
    }

    // Limiter: one GCRA check per operation on a table of 1M authors, the keys spread over it.
    let limiterConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .instructions], scalingFactor: .mega, maxDuration: .seconds(3))
    let limit = RateLimit(events: 5, period: 10 * Micros.perSecond)
    let keys = (0..<1_000_000).map { StableHash.hash("author-\($0)") }

    @Sendable func limiterOps(_ table: WindowTable, range: Range<Int>, now: Micros) -> Int {
        var admitted = 0
        for k in range {
            guard let slot = table.slot(for: keys[k % keys.count], at: now) else { continue }
            var passed = false
            _ = table.update(slot, 0) { tat in
                guard case .conforms(let next) = limit.check(tat: Micros(bitPattern: tat), now: now) else { return nil }
                passed = true
                return UInt64(bitPattern: next)
            }
            if passed { admitted += 1 }
        }
        return admitted
    }

    Benchmark("limiter check, 1 thread", configuration: limiterConfiguration) { benchmark in
        let memory = WindowTable.Memory(capacity: 1_000_000, wordsPerSlot: 1)
        let table = memory.table
        defer { withExtendedLifetime(memory) {} }
        _ = limiterOps(table, range: 0..<1_000_000, now: 1_700_000_000 * Micros.perSecond)  // every page touched
        benchmark.startMeasurement()
        blackHole(limiterOps(table, range: 0..<benchmark.scaledIterations.count, now: 1_700_000_000 * Micros.perSecond))
    }

    Benchmark("limiter check, 2 threads on the same authors", configuration: limiterConfiguration) { benchmark in
        let memory = WindowTable.Memory(capacity: 1_000_000, wordsPerSlot: 1)
        let table = memory.table
        defer { withExtendedLifetime(memory) {} }
        _ = limiterOps(table, range: 0..<1_000_000, now: 1_700_000_000 * Micros.perSecond)  // every page touched
        let total = benchmark.scaledIterations.count
        benchmark.startMeasurement()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            blackHole(limiterOps(table, range: 0..<(total / 2), now: 1_700_000_000 * Micros.perSecond))
        }
    }

    Benchmark("encode verdict", configuration: configuration) { benchmark in
        let scratch = WorkerScratch()
        let verdicts = events.map { engine.judge($0, scratch: scratch, at: 0) }
        let encoder = VerdictEncoder()
        var out: [UInt8] = []
        benchmark.startMeasurement()
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
