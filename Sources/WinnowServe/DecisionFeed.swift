import Foundation
import Logging
import NIOConcurrencyHelpers
import WinnowAudit

/// The review queue's decisions as they are recorded — by the `decide` op, by
/// `winnow queue decide` in another process, by expiry — pushed to the connections that
/// subscribed (`{"op":"subscribe","to":"decisions"}`). The trail is the one source: a thread
/// reads its `decisions` table every `interval` while anyone listens, and stops when no one does.
final class DecisionFeed: Sendable {
    private struct Subscriber {
        let sink: FeedSink
        /// The last decision it was sent.
        var position: Int
    }

    private struct State {
        var subscribers: [Subscriber] = []
        var running = false
        var stopped = false
    }

    private let path: String
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    static let interval: useconds_t = 200_000

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    /// Adds a subscriber that gets every decision after `after`.
    func add(_ sink: FeedSink, after: Int) {
        let start = state.withLockedValue { state -> Bool in
            state.subscribers.append(Subscriber(sink: sink, position: after))
            guard !state.running, !state.stopped else { return false }
            state.running = true
            return true
        }
        if start {
            let thread = Thread { [self] in run() }
            thread.name = "winnow.decision-feed"
            thread.start()
        }
    }

    /// Ends the feed (the server is stopping).
    func stop() { state.withLockedValue { $0.stopped = true } }

    private func run() {
        var queue: ReviewQueue?
        while true {
            usleep(Self.interval)
            let subscribers: [Subscriber]? = state.withLockedValue { state in
                state.subscribers.removeAll { !$0.sink.isOpen.load(ordering: .relaxed) }
                if state.stopped || state.subscribers.isEmpty {
                    state.running = false
                    return nil
                }
                return state.subscribers
            }
            guard let subscribers else { return }
            do throws(AuditError) {
                if queue == nil { queue = try ReviewQueue(path: path, checkpoints: false) }
                let from = subscribers.map(\.position).min() ?? 0
                let decisions = try queue!.decisions(after: from)
                guard !decisions.isEmpty else { continue }
                var lines: [(id: Int, line: [UInt8])] = []
                for (id, decision) in decisions {
                    let comments = try queue!.commentIDs(of: decision.caseID)
                    lines.append((id, Array((decision.json(id: id, comments: comments) + "\n").utf8)))
                }
                state.withLockedValue { state in
                    // One that joined behind what was read catches up on the next round.
                    for k in state.subscribers.indices where state.subscribers[k].position >= from {
                        for (id, line) in lines where id > state.subscribers[k].position {
                            state.subscribers[k].sink.push(line)
                        }
                        state.subscribers[k].position = max(state.subscribers[k].position, lines.last!.id)
                    }
                }
            } catch {
                logger.warning("decision feed: cannot read the trail", metadata: ["error": "\(error.message)"])
                queue = nil
            }
        }
    }
}
