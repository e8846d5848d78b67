import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import Synchronization
import WinnowAudit
import WinnowCore
import WinnowIO
import WinnowLimits
import WinnowPipeline
import WinnowPolicy

/// The engine in force and how to build the next one: `reload` builds a new engine from the
/// files on a background thread and swaps it in; the per-author state carries over.
public final class EngineHolder: Sendable {
    /// Builds an engine from the files on disk on top of `state`, with the description of its
    /// configuration for the audit trail; throws a message when the files are broken.
    public typealias Builder = @Sendable (BehaviorState) throws -> (engine: Engine, configuration: AuditedConfiguration)

    private let current: NIOLockedValueBox<(engine: Engine, configuration: AuditedConfiguration)>
    private let builder: Builder
    private let reloading = NIOLockedValueBox(false)

    public init(engine: Engine, configuration: AuditedConfiguration, builder: @escaping Builder) {
        current = NIOLockedValueBox((engine, configuration))
        self.builder = builder
    }

    public var engine: Engine { current.withLockedValue { $0.engine } }
    public var configuration: AuditedConfiguration { current.withLockedValue { $0.configuration } }

    /// Rebuilds from the files and swaps; on failure the running engine stays. Returns the new
    /// configuration, or throws why it was refused.
    func reload() throws -> AuditedConfiguration {
        guard
            reloading.withLockedValue({ busy in
                if busy { return false }
                busy = true
                return true
            })
        else { throw ServeError("a reload is already running") }
        defer { reloading.withLockedValue { $0 = false } }
        let state = engine.state
        let next = try builder(state)
        current.withLockedValue { $0 = next }
        return next.configuration
    }
}

/// A problem the sidecar reports in words.
public struct ServeError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Judges the sidecar's requests: one event or control op per line, shared by every
/// connection (one engine, one state, one audit trail). Independent of the socket plumbing.
final class SidecarService: Sendable {
    let engines: EngineHolder
    let stats = ServeStats()
    let logger: Logger
    /// The window step every connection's events go through, one at a time.
    private let windowStep: NIOLockedValueBox<WindowStep>
    private let decoder = EventDecoder()
    private let encoder = VerdictEncoder()
    private let audit: AuditQueue?
    private let textMode: AuditTextMode
    private let scratch = ThreadSpecificVariable<LoopScratch>()
    /// Set by the server when it starts draining (for `health`).
    let draining = Atomic<Bool>(false)
    /// With `--shared`: the window step, off the event loops.
    private let sharedStep = SharedWindowStep()
    /// The review queue in the audit trail, for the `queue`, `case` and `decide` ops (nil
    /// without a trail).
    let review: ReviewAccess?
    /// Decisions pushed to the connections that subscribed.
    let decisions: DecisionFeed?
    /// The review queue's figures on `/metrics`.
    let queueMetrics: QueueMetrics?
    /// Decisions carried into the authors' state (nil without a trail, or when it cannot be read).
    let follower: DecisionFollower?
    /// With `--shared-windows global`: the logs read and added to on a timer.
    private let globalTimer: GlobalLogsTimer?

    /// Buffers of one event-loop thread (thread-local: never shared).
    final class LoopScratch: @unchecked Sendable {
        let worker = WorkerScratch()
        let output = WinnowIO.ByteBuffer(capacity: 4096)
    }

    init(
        engines: EngineHolder, clock: ClockMode, lateTolerance: Micros, audit: AuditTrail?,
        globalSync: (@Sendable (Engine, Micros) -> Void)? = nil, logger: Logger
    ) {
        self.engines = engines
        self.logger = logger
        windowStep = NIOLockedValueBox(
            WindowStep(timeline: Timeline(mode: clock, lateTolerance: lateTolerance, clock: WallClock())))
        globalTimer = globalSync == nil ? nil : GlobalLogsTimer()
        self.audit = audit.map { AuditQueue(trail: $0, logger: logger) }
        textMode = audit?.textMode ?? .full
        review = audit.map { ReviewAccess(path: $0.store.path) }
        decisions = audit.map { DecisionFeed(path: $0.store.path, logger: logger) }
        queueMetrics = review.map { review in
            QueueMetrics(review: review) { Double(engines.configuration.queue.sla) / 1e6 }
        }
        let step = windowStep
        do throws(AuditError) {
            follower = try audit.map { trail throws(AuditError) in
                try DecisionFollower(
                    path: trail.store.path, engine: { engines.engine },
                    now: { step.withLockedValue { $0.now.seconds } },
                    warn: { logger.warning("\($0)") })
            }
        } catch {
            logger.error("decisions will not reach the authors' state", metadata: ["error": "\(error.message)"])
            follower = nil
        }
        follower?.start()
        let stepBox = windowStep
        if let globalSync {
            // Under the window step's lock: what is taken up lands between two events, never
            // inside one's window step.
            globalTimer?.start(every: Self.globalLogsInterval) {
                stepBox.withLockedValue { step in globalSync(engines.engine, step.now) }
            }
        }
    }

    /// How often a sidecar with `--shared-windows global` reads and adds to the logs: the bound
    /// on how late a ban or a campaign's copies from another sidecar count here.
    static let globalLogsInterval = 0.1

    /// Commits what the audit trail still holds and stops its threads.
    func close() {
        globalTimer?.stop()
        follower?.stop()
        decisions?.stop()
        audit?.close()
    }

    private var loopScratch: LoopScratch {
        if let scratch = scratch.currentValue { return scratch }
        let made = LoopScratch()
        scratch.currentValue = made
        return made
    }

    /// Answers one request line, on the connection's judging queue (never on an event loop: a
    /// long comment there would stall every connection of the loop). `respond` gets the answer
    /// line (with its newline): at once, on the calling thread, or — for an audited event —
    /// later, from the audit thread. `rights`: what the peer may do beyond judging.
    /// `sink`: where the connection takes the decision feed, if it subscribes.
    func handle(
        _ line: UnsafeRawBufferPointer, number: Int, peer: PeerCredentials?, rights: AccessRights.Held,
        sink: FeedSink? = nil, respond: @escaping @Sendable ([UInt8]) -> Void
    ) {
        let started = ContinuousClock.now
        let bytes = line.bindMemory(to: UInt8.self)
        if ControlRequest.looksLikeOp(bytes) {
            stats.recordOp()
            if engines.engine.shared != nil {
                // After the events before it, which may still wait for their window step.
                let copy = Array(bytes)
                sharedStep.enqueue(
                    .op { [self] in
                        respond(
                            copy.withUnsafeBufferPointer {
                                ControlOp.handle($0, service: self, peer: peer, rights: rights, sink: sink)
                            })
                    }, for: self)
                return
            }
            respond(ControlOp.handle(bytes, service: self, peer: peer, rights: rights, sink: sink))
            return
        }
        let engine = engines.engine
        let scratch = loopScratch
        defer { scratch.worker.releaseIfLarge() }
        switch decoder.decode(bytes, lineNumber: number) {
        case .success(let event):
            if engine.shared != nil {
                // The window step asks Redis: on a thread of its own (see `SharedWindowStep`).
                let (verdict, facts) = engine.analyze(event, scratch: scratch.worker)
                sharedStep.enqueue(
                    .event(
                        SharedWindowStep.Item(
                            engine: engine, event: event, verdict: verdict, facts: facts, number: number, peer: peer,
                            started: started, respond: respond)), for: self)
                return
            }
            // Content first, outside the window step's lock: only the window step needs the order.
            var (verdict, facts) = engine.analyze(event, scratch: scratch.worker)
            let now = windowStep.withLockedValue { step in
                step.judge(facts, timestamp: event.timestamp, verdict: &verdict, engine: engine) { event }.now
            }
            finish(
                verdict, event: event, judgedAt: now, number: number, peer: peer, started: started,
                sketch: facts.sketch, escalation: engine.behavior.escalation, respond: respond)
        case .failure(let error):
            let verdict = Verdict.error(line: number, id: error.id, message: error.message)
            finish(verdict, event: nil, judgedAt: 0, number: number, peer: peer, started: started, respond: respond)
        }
    }

    /// The window step of events waiting for the shared store, in the order they came: their
    /// times, one round trip for their checks, the window rules, one round trip for their strikes.
    func applySharedWindows(_ items: [SharedWindowStep.Item]) {
        var start = 0
        while start < items.count {
            // A reload may have swapped the engine: each run of one engine is one batch.
            let engine = items[start].engine
            var end = start + 1
            while end < items.count, items[end].engine === engine { end += 1 }
            let batch = items[start..<end]
            var verdicts = batch.map(\.verdict)
            var times = [Micros](repeating: 0, count: batch.count)
            // The strikes are counted in Redis after the answers: one round trip before an answer.
            let strikes = DeferredStrikes()
            let pending = batch.indices.map {
                PendingEvent(facts: items[$0].facts, index: $0 - start, timestamp: items[$0].event.timestamp)
            }
            windowStep.withLockedValue { step in
                step.judge(
                    pending, verdicts: &verdicts, engine: engine, strikesLater: strikes,
                    skippedEvent: { k in preconditionFailure("the sidecar analyzes every comment (event \(k))") },
                    judgedAt: { times[$0] = $1 }, changed: { _ in })
            }
            for k in verdicts.indices {
                let item = batch[start + k]
                finish(
                    verdicts[k], event: item.event, judgedAt: times[k], number: item.number, peer: item.peer,
                    started: item.started, sketch: item.facts.sketch, escalation: engine.behavior.escalation,
                    respond: item.respond)
            }
            // Penalties the store finds from them hold for the authors' next events.
            if !strikes.isEmpty, let runs = SharedRuns(engine: engine) {
                _ = runs.settleStrikes(strikes, in: &verdicts) { _ in }
            }
            start = end
        }
    }

    /// Encodes a final verdict, counts it, and answers — after its audit row is committed when
    /// there is an audit trail.
    private func finish(
        _ verdict: Verdict, event: Event?, judgedAt now: Micros, number: Int, peer: PeerCredentials?,
        started: ContinuousClock.Instant, sketch: UInt64 = 0, escalation: Escalation = Escalation(enabled: false),
        respond: @escaping @Sendable ([UInt8]) -> Void
    ) {
        let output = loopScratch.output
        output.removeAll()
        encoder.encode(verdict, into: output)
        let answer = output.array
        let elapsed = ContinuousClock.now - started
        stats.record(
            action: verdict.action, reasons: verdict.reasons,
            latencyNanoseconds: elapsed.components.attoseconds / 1_000_000_000 + elapsed.components.seconds
                * 1_000_000_000)
        guard let audit else {
            respond(answer)
            return
        }
        var record =
            event.map { AuditRecord($0, timestamp: $0.timestamp ?? now.seconds, textMode: textMode) }
            ?? AuditRecord(eventID: verdict.id?.text ?? String(number), line: number)
        record.settle(verdict, escalation: escalation)
        record.peerUID = peer?.uid
        record.peerPID = peer?.pid
        record.sketch = sketch
        let id = verdict.id
        audit.enqueue(
            AuditQueue.Entry(record: record, verdict: answer) { failure in
                guard let failure else { return respond(answer) }
                // Never a verdict without its audit row: the client learns why it has none.
                let line = Verdict.error(
                    line: number, id: id, message: "the audit trail could not record this event: \(failure.message)")
                let out = WinnowIO.ByteBuffer(capacity: 256)
                VerdictEncoder().encode(line, into: out)
                respond(out.array)
            })
    }

    /// Records a moderator's op and waits for its row to commit: `nil` once it has (or when
    /// there is no audit trail), else why it could not be recorded.
    func recordOp(_ record: AuditRecord, answer: [UInt8]) -> String? {
        guard let audit else { return nil }
        let committed = DispatchSemaphore(value: 0)
        let failure = NIOLockedValueBox<String?>(nil)
        audit.enqueue(
            AuditQueue.Entry(record: record, verdict: answer) { error in
                failure.withLockedValue { $0 = error?.message }
                committed.signal()
            })
        committed.wait()
        return failure.withLockedValue { $0 }
    }

    /// A new configuration is in force (after a reload): later rows name it.
    func configurationChanged(_ configuration: AuditedConfiguration) { audit?.startRun(configuration) }

    var auditEnabled: Bool { audit != nil }
}
