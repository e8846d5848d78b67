import Testing
import WinnowLimits

@testable import WinnowPipeline

/// What `winnow consume --shared-windows global` tells other owners about channels: a batch's
/// events summed per channel, kind and interval.
struct ChannelDeltasTests {
    @Test("deltas sum per channel and interval, keep first and last times, and a raid's latest end")
    func sums() {
        let deltas = ChannelDeltas()
        deltas.record(channel: 1, kind: .rate, value: 10, at: 5_000_500)
        deltas.record(channel: 2, kind: .newcomers, value: 0, at: 5_100_000)
        deltas.record(channel: 1, kind: .rate, value: 10, at: 4_000_000)  // late: first moves back
        deltas.record(channel: 1, kind: .rate, value: 20, at: 6_000_000)  // another interval: its own
        deltas.record(channel: 1, kind: .rate, value: 10, at: 7_000_000)
        deltas.record(channel: 3, kind: .raid, value: 900, at: 7_000_000)
        deltas.record(channel: 3, kind: .raid, value: 950, at: 7_500_000)
        #expect(
            deltas.take() == [
                .init(channel: 1, kind: .rate, count: 3, first: 4_000_000, last: 7_000_000, value: 10),
                .init(channel: 2, kind: .newcomers, count: 1, first: 5_100_000, last: 5_100_000, value: 0),
                .init(channel: 1, kind: .rate, count: 1, first: 6_000_000, last: 6_000_000, value: 20),
                .init(channel: 3, kind: .raid, count: 2, first: 7_000_000, last: 7_500_000, value: 950),
            ])
        #expect(deltas.take() == [])
    }

    @Test("a full record (65,535 events) goes out as it is and the next event starts another")
    func fullRecord() {
        let deltas = ChannelDeltas()
        for k in 0...ChannelDeltas.maxCount { deltas.record(channel: 9, kind: .rate, value: 1, at: Micros(k) * 1000) }
        let taken = deltas.take()
        #expect(taken.map(\.count) == [ChannelDeltas.maxCount, 1])
        #expect(
            taken.map(\.last) == [Micros(ChannelDeltas.maxCount - 1) * 1000, Micros(ChannelDeltas.maxCount) * 1000])
    }
}
