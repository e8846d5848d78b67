import Dispatch
import NIOConcurrencyHelpers
import WinnowCore
import WinnowLimits
import WinnowPipeline

/// With `--shared`, the window step of the sidecar's events runs here, on one thread of its
/// own, not on the event loops: it waits for Redis, and an event loop that waits answers no
/// one. Events queue up from every connection in the order they were analyzed; whatever is
/// waiting when the thread comes round is one batch — one round trip for its checks, one for
/// its strikes — so under load a round trip serves many events, and alone an event costs what it
/// did before. Answers go back through each request's `respond`, which writes them in order
/// on its connection.
final class SharedWindowStep: Sendable {
    /// An analyzed event waiting for its window step.
    struct Item: @unchecked Sendable {
        let engine: Engine
        let event: Event
        let verdict: Verdict
        let facts: WindowFacts
        let number: Int
        let peer: PeerCredentials?
        let started: ContinuousClock.Instant
        let respond: @Sendable ([UInt8]) -> Void
    }

    /// Waiting work: events, and the control ops that came between them (an op runs after the
    /// events before it, as it would without the shared store).
    enum Work: Sendable {
        case event(Item)
        case op(@Sendable () -> Void)
    }

    private let waiting = NIOLockedValueBox<[Work]>([])
    private let queue = DispatchQueue(label: "winnow.shared-window-step")
    /// The most events one batch takes.
    static let maxBatch = 1024

    init() {}

    /// Queues an event or an op; `service` runs the step.
    func enqueue(_ item: Work, for service: SidecarService) {
        let first = waiting.withLockedValue { items in
            items.append(item)
            return items.count == 1
        }
        // The first of a new batch schedules its step; the others join it.
        if first { queue.async { self.step(service) } }
    }

    /// Takes what is waiting until nothing is, a batch of at most `maxBatch` events at a time.
    private func step(_ service: SidecarService) {
        var work: [Work] = []
        while true {
            // Everything waiting, in one swap: no copying of a long queue.
            waiting.withLockedValue { swap(&work, &$0) }
            guard !work.isEmpty else { return }
            var batch: [Item] = []
            batch.reserveCapacity(min(work.count, Self.maxBatch))
            for entry in work {
                switch entry {
                case .event(let item):
                    batch.append(item)
                    if batch.count == Self.maxBatch {
                        service.applySharedWindows(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                case .op(let run):
                    if !batch.isEmpty { service.applySharedWindows(batch) }
                    batch.removeAll(keepingCapacity: true)
                    run()
                }
            }
            if !batch.isEmpty { service.applySharedWindows(batch) }
            work.removeAll(keepingCapacity: true)
        }
    }
}
