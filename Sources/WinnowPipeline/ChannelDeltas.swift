import NIOConcurrencyHelpers
import Synchronization
import WinnowLimits

/// What the channel-wide windows counted, collected while someone listens — `winnow consume`
/// owning partitions of a stream split by author, which tells the other owners a batch's
/// deltas at once (`WindowFeed`) — and nothing otherwise. A channel's events reach every
/// owner, but each counts only its own authors' of them: the channel's rate limit and the
/// raid rule's newcomers need the others' counts too, and a raid's slow-mode, switched on by
/// one owner, holds on all.
///
/// Deltas are summed per channel, kind and interval while a batch is judged (a batch of a
/// thousand events in a few channels makes a few records, not a thousand).
public final class ChannelDeltas: Sendable {
    public enum Kind: UInt8, Sendable {
        /// Events the channel's rate limit let through; `value` is the limit's interval.
        case rate = 0x72  // r
        /// First-seen authors (the raid rule's newcomers); `value` 0.
        case newcomers = 0x6E  // n
        /// A raid switched slow-mode on in the channel until `value` (an instant).
        case raid = 0x73  // s
    }

    /// Events of one kind in one channel: `count` of them, judged from `first` to `last`
    /// (whole milliseconds: what the log keeps).
    public struct Delta: Sendable, Equatable {
        public var channel: UInt64
        public var kind: Kind
        public var count: Int
        public var first: Micros
        public var last: Micros
        public var value: Micros

        public init(channel: UInt64, kind: Kind, count: Int, first: Micros, last: Micros, value: Micros) {
            self.channel = channel
            self.kind = kind
            self.count = count
            self.first = first - first % 1000
            self.last = last - last % 1000
            self.value = value
        }
    }

    /// A count a record holds at most (4 hex digits); more make several records.
    public static let maxCount = 0xFFFF

    private struct Key: Hashable {
        var channel: UInt64
        var kind: Kind
        var value: Micros
    }

    private let recording = Atomic<Bool>(false)
    /// The deltas in the order each started, and where each key's open one is in the list.
    private let deltas = NIOLockedValueBox<(list: [Delta], open: [Key: Int])>(([], [:]))

    public init() {}

    public var isRecording: Bool { recording.load(ordering: .relaxed) }

    public func startRecording() { recording.store(true, ordering: .relaxed) }

    func record(channel: UInt64, kind: Kind, value: Micros, at time: Micros) {
        // A raid's records keep the latest end, not one record per end.
        let key = Key(channel: channel, kind: kind, value: kind == .raid ? 0 : value)
        deltas.withLockedValue { state in
            if let k = state.open[key], state.list[k].count < Self.maxCount {
                state.list[k].count += 1
                state.list[k].value = max(state.list[k].value, value)
                state.list[k].first = min(state.list[k].first, time - time % 1000)
                state.list[k].last = max(state.list[k].last, time - time % 1000)
                return
            }
            // The first of its kind in the batch, or the open record is full: a new one.
            state.open[key] = state.list.count
            state.list.append(Delta(channel: channel, kind: kind, count: 1, first: time, last: time, value: value))
        }
    }

    /// The deltas recorded since the last call, in the order each started.
    public func take() -> [Delta] {
        deltas.withLockedValue { state in
            defer {
                state.list.removeAll(keepingCapacity: true)
                state.open.removeAll(keepingCapacity: true)
            }
            return state.list
        }
    }
}
