import NIOConcurrencyHelpers
import Synchronization

/// Values the engine collects while someone listens — `--shared-windows global`, which tells
/// the other instances what a batch gave — and nothing otherwise: the engine asks
/// `isRecording` (one relaxed load) before it builds a value. The campaigns' copies and the
/// authors whose penalty changed (`Engine.campaignCopies`, `Engine.penaltyChanges`).
public final class Recorder<Element: Sendable>: Sendable {
    private let recording = Atomic<Bool>(false)
    private let values = NIOLockedValueBox<[Element]>([])

    public init() {}

    public var isRecording: Bool { recording.load(ordering: .relaxed) }

    public func startRecording() { recording.store(true, ordering: .relaxed) }

    func record(_ value: Element) {
        values.withLockedValue { $0.append(value) }
    }

    /// The values recorded since the last call, in order.
    public func take() -> [Element] {
        values.withLockedValue { list in
            defer { list.removeAll(keepingCapacity: true) }
            return list
        }
    }
}
