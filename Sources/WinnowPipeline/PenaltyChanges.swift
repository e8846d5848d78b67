import NIOConcurrencyHelpers
import Synchronization

/// The authors whose timeout or ban changed — given by escalation, or by a moderator (an op,
/// a decision taken back) — collected while someone listens (`--shared-windows global`, which
/// tells the other instances through the penalty log) and nothing otherwise. Keys, not
/// penalties: what goes out is the author's standing when it is published.
public final class PenaltyChanges: Sendable {
    private let recording = Atomic<Bool>(false)
    private let authors = NIOLockedValueBox<[UInt64]>([])

    public init() {}

    public var isRecording: Bool { recording.load(ordering: .relaxed) }

    public func startRecording() { recording.store(true, ordering: .relaxed) }

    func record(_ author: UInt64) {
        authors.withLockedValue { $0.append(author) }
    }

    /// The authors recorded since the last call, in order (an author may come more than once).
    public func take() -> [UInt64] {
        authors.withLockedValue { list in
            defer { list.removeAll(keepingCapacity: true) }
            return list
        }
    }
}
