import Foundation
import WinnowCore
import WinnowIO
import WinnowLimits
import WinnowMatch
import WinnowPipeline
import WinnowPolicy

/// The whole judging path on event time, windows and all: each input is up to 32 event lines
/// (decode → normalize → rules → windows → policy → encode) judged in order by one engine whose
/// state carries over from input to input. Every line must get exactly one verdict line, and
/// nothing may trap (times, durations and counts from input reach the window arithmetic here).
private let engine: Engine = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let (lists, _) = WordlistDirectory.load(root.appendingPathComponent("Wordlists").path)
    var behavior = BehaviorSettings.defaultPolicy
    behavior.maxAuthors = 4096
    return Engine(stopwords: try! StopwordSet(lists: lists), policy: Policy(), behavior: behavior)
}()
private let scratch = WorkerScratch()
nonisolated(unsafe) private var timeline = Timeline(mode: .event, lateTolerance: 5 * Micros.perSecond, clock: StoppedClock())

/// Events without `ts` are judged at the latest time seen, or this before any.
private struct StoppedClock: Clock {
    func now() -> Double { 1_700_000_000 }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let out = ByteBuffer(capacity: 4096)
    var number = 0
    for line in input.split(separator: 0x0A, maxSplits: 31, omittingEmptySubsequences: false) {
        number += 1
        let verdict: Verdict
        switch EventDecoder().decode(UnsafeBufferPointer(rebasing: line), lineNumber: number) {
        case .success(let event):
            let (now, late) = timeline.time(of: event.timestamp)
            var judged = engine.judge(event, scratch: scratch, at: now)
            if let late { judged.reasons.append(late) }
            verdict = judged
        case .failure(let error):
            verdict = .error(line: number, id: error.id, message: error.message)
        }
        let before = out.count
        VerdictEncoder().encode(verdict, into: out)
        let bytes = out.array[before...]
        precondition(bytes.last == 0x0A && bytes.dropLast().firstIndex(of: 0x0A) == nil, "a verdict is exactly one line")
    }
    return 0
}
