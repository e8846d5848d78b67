import WinnowIO
import WinnowShared

/// The fresh entries an owner of several partitions read and has not judged yet, and which of
/// them to judge now, so that on event time it judges its partitions' events in the order of
/// their `ts` rather than a batch of one partition, then a batch of the next: read in turn, a
/// backlog's partitions each go back in time at every switch, and the windows that several
/// partitions feed (a flood campaign's, a channel's) start afresh when time goes back.
///
/// The watermark: each round (one read of every partition), the partitions holding entries say
/// how far their events reach (the latest `ts` read); every held entry whose events are all at
/// or before the earliest of those is judged, the rest wait for the next round. A partition
/// holding nothing (caught up, or idle) holds nobody back; one already holding a batch's worth
/// is not read again until it is judged (`isFull`), so memory stays bounded when one partition
/// is far behind the others.
struct EventTimeMerge {
    private struct Held {
        let stream: RedisStream
        var entries: [StreamEntry]
        /// Per entry, the `ts` of each of its events (−∞ when it has none).
        var times: [[Double]]
        /// Per entry, the latest of them.
        var latest: [Double]
    }

    private var held: [Held] = []
    /// Events held per stream at most before it is read no more (a batch's worth).
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    var isEmpty: Bool { held.allSatisfy { $0.entries.isEmpty } }

    /// Whether `stream` already holds a batch's worth of entries (about: counted in entries
    /// of `eventsPerEntry` events).
    func isFull(_ stream: RedisStream, eventsPerEntry: Int) -> Bool {
        guard let h = held.first(where: { $0.stream === stream }) else { return false }
        return h.entries.count * eventsPerEntry >= limit
    }

    /// Holds `entries` of `stream`; returns how many events they hold.
    mutating func add(_ entries: [StreamEntry], of stream: RedisStream) -> Int {
        guard !entries.isEmpty else { return 0 }
        let times = entries.map(Self.times(of:))
        let latest = times.map { $0.max() ?? -.infinity }
        if let k = held.firstIndex(where: { $0.stream === stream }) {
            held[k].entries += entries
            held[k].times += times
            held[k].latest += latest
        } else {
            held.append(Held(stream: stream, entries: entries, times: times, latest: latest))
        }
        return times.reduce(0) { $0 + $1.count }
    }

    /// The entries to judge now, per stream in stream order: those at or before the watermark,
    /// or all of them (`everything`: the run is ending, or nothing is left to read).
    /// Each entry's events' `ts`, to order them by (`inTimeOrder`).
    mutating func take(everything: Bool = false) -> [(stream: RedisStream, entries: [StreamEntry], times: [[Double]])] {
        // Every partition holding entries bounds the watermark — one not read this round for
        // holding a batch's worth too: its unread entries come after the held ones.
        let reaches = held.compactMap { $0.latest.max() }
        let watermark = everything || reaches.isEmpty ? Double.infinity : reaches.min()!
        var ready: [(stream: RedisStream, entries: [StreamEntry], times: [[Double]])] = []
        for k in held.indices {
            let count = held[k].latest.prefix { $0 <= watermark }.count
            guard count > 0 else { continue }
            ready.append((held[k].stream, Array(held[k].entries.prefix(count)), Array(held[k].times.prefix(count))))
            held[k].entries.removeFirst(count)
            held[k].times.removeFirst(count)
            held[k].latest.removeFirst(count)
        }
        held.removeAll { $0.entries.isEmpty }
        return ready
    }

    /// The `ts` of each event an entry holds, in order (−∞ for one without; one −∞ for an entry
    /// without events: it is answered with an error, as early as may be).
    static func times(of entry: StreamEntry) -> [Double] {
        switch entry.content {
        case .event(let line): return [time(of: line[...]) ?? -.infinity]
        case .events(let field):
            let times = StreamEntry.lines(of: field).map { time(of: $0) ?? -.infinity }
            return times.isEmpty ? [-.infinity] : times
        case .skipped, .noEventField, .deleted: return [-.infinity]
        }
    }

    static func time(of line: ArraySlice<UInt8>) -> Double? {
        line.withUnsafeBufferPointer { EventDecoder.timestamp(in: $0) }
    }

    /// The order to judge events of several streams in: each stream's events in their own
    /// order, and between streams the one whose next event is earliest first (ties: the
    /// stream given first). An event without a `ts` goes as early as its stream's order allows.
    /// `units`: per event, its index, its stream's place, and its `ts` (−∞: none); returns the
    /// indices.
    static func inTimeOrder(_ units: [(index: Int, part: Int, time: Double)]) -> [Int] {
        var queues: [[(index: Int, time: Double)]] = []
        var queueOfPart: [Int: Int] = [:]
        for unit in units {
            let q =
                queueOfPart[unit.part]
                ?? {
                    queues.append([])
                    queueOfPart[unit.part] = queues.count - 1
                    return queues.count - 1
                }()
            queues[q].append((unit.index, unit.time))
        }
        var next = [Int](repeating: 0, count: queues.count)
        var order: [Int] = []
        order.reserveCapacity(units.count)
        while order.count < units.count {
            var best = -1
            var bestTime = Double.infinity
            for q in queues.indices where next[q] < queues[q].count {
                let time = queues[q][next[q]].time
                if best < 0 || time < bestTime {
                    best = q
                    bestTime = time
                }
            }
            order.append(queues[best][next[best]].index)
            next[best] += 1
        }
        return order
    }
}
