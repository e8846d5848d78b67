import Foundation
import WinnowCore
import WinnowMatch
import WinnowPipeline
import WinnowPolicy

#if canImport(Glibc)
import Glibc
#endif

/// The cost of one comment must grow linearly with its length. Each input is repeated into a
/// comment of 64 KiB — a short pattern becomes the long repetitive text an attacker sends
/// (`a.b.` × 16,384, `fuck` × 16,384 as one word) — and judged with every content rule on the
/// bundled lists. The target fails when the thread's CPU time for it passes a budget of 40 times
/// what a plain 64 KiB comment costs plus 50 ms: a quadratic stage costs seconds at this length.
private let engine: Engine = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let (lists, _) = WordlistDirectory.load(root.appendingPathComponent("Wordlists").path)
    return Engine(stopwords: try! StopwordSet(lists: lists), policy: Policy(), behavior: .defaultPolicy)
}()
private let scratch = WorkerScratch()
private let length = 65_536

private func threadCPUNanoseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
}

private func cost(of text: String) -> Int64 {
    let event = Event(id: .line(1), author: "a", text: text, line: 1)
    let start = threadCPUNanoseconds()
    _ = engine.analyze(event, scratch: scratch)
    return threadCPUNanoseconds() - start
}

/// What a plain comment of the same length costs (the best of five).
private let baseline: Int64 = (0..<5).map { _ in
    cost(of: String(repeating: "the weather is lovely here today ", count: length / 33 + 1))
}.min()!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let unit = String(decoding: UnsafeBufferPointer(start: data, count: min(size, 256)), as: UTF8.self)
    guard !unit.isEmpty else { return 0 }
    var text = ""
    text.reserveCapacity(length + 256)
    while text.utf8.count < length { text += unit }
    let spent = cost(of: text)
    let budget = 40 * baseline + 50_000_000
    precondition(spent <= budget, "one comment of \(text.utf8.count) bytes cost \(spent / 1_000_000) ms (budget \(budget / 1_000_000) ms): \(unit.debugDescription)")
    scratch.releaseIfLarge()
    return 0
}
