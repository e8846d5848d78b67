import NIOConcurrencyHelpers
import Synchronization
import WinnowLimits
import WinnowText

/// The copies the flood rule counted in campaigns (`WindowEvent.countedCopy`), collected while
/// someone listens — `winnow consume` sharing campaigns with other instances, which tells them
/// a batch's copies at once — and nothing otherwise.
public final class CampaignCopies: Sendable {
    /// One copy: its fingerprint (`Fingerprint.packed`), whether it carried a spam signal, and
    /// the time it was judged at (whole milliseconds: that is what the log keeps).
    public struct Copy: Sendable, Equatable {
        public var fingerprint: UInt64
        public var spamSignal: Bool
        public var time: Micros

        public init(fingerprint: UInt64, spamSignal: Bool, time: Micros) {
            self.fingerprint = fingerprint
            self.spamSignal = spamSignal
            self.time = time - time % 1000
        }
    }

    private let recording = Atomic<Bool>(false)
    private let copies = NIOLockedValueBox<[Copy]>([])

    public init() {}

    public var isRecording: Bool { recording.load(ordering: .relaxed) }

    public func startRecording() { recording.store(true, ordering: .relaxed) }

    func record(_ fingerprint: Fingerprint, spamSignal: Bool, at time: Micros) {
        copies.withLockedValue {
            $0.append(Copy(fingerprint: fingerprint.packed, spamSignal: spamSignal, time: time))
        }
    }

    /// The copies recorded since the last call.
    public func take() -> [Copy] {
        copies.withLockedValue { list in
            defer { list.removeAll(keepingCapacity: true) }
            return list
        }
    }
}
