import Metrics
import NIOConcurrencyHelpers
import Synchronization
import WinnowCore

/// What the sidecar counts: for the `stats` op (read back here) and for Prometheus (through
/// swift-metrics). Updated once per event under one short lock.
final class ServeStats: Sendable {
    private struct Counts {
        var events = 0
        var unreadable = 0
        var ops = 0
        var opsRefused = 0
        var actions: [String: Int] = [:]
        var rules: [String: Int] = [:]
        /// Request latencies in µs, in buckets of powers of two (bucket k holds [2^(k-1), 2^k)).
        var latency = [Int](repeating: 0, count: 40)
        var connectionsTotal = 0
        var refused = 0
        var ruleCounters: [String: Counter] = [:]
        var actionCounters: [String: Counter] = [:]
    }

    private let counts = NIOLockedValueBox(Counts())
    private let eventsCounter = Counter(label: "winnow_events_total")
    private let unreadableCounter = Counter(label: "winnow_unreadable_lines_total")
    private let opsCounter = Counter(label: "winnow_ops_total")
    private let opsRefusedCounter = Counter(label: "winnow_ops_refused_total")
    private let latencyTimer = Metrics.Timer(label: "winnow_request_duration_seconds")
    private let connectionsGauge = Gauge(label: "winnow_open_connections")
    private let openConnections = Atomic<Int>(0)
    let startedAt = ContinuousClock.now

    func record(action: Action, reasons: [Reason], latencyNanoseconds: Int64) {
        eventsCounter.increment()
        if action == .error { unreadableCounter.increment() }
        latencyTimer.recordNanoseconds(latencyNanoseconds)
        counts.withLockedValue { c in
            c.events += 1
            if action == .error { c.unreadable += 1 }
            c.actions[action.rawValue, default: 0] += 1
            Self.counter(in: &c.actionCounters, "winnow_verdicts_total", "action", action.rawValue).increment()
            for reason in reasons {
                c.rules[reason.rule, default: 0] += 1
                Self.counter(in: &c.ruleCounters, "winnow_reasons_total", "rule", reason.rule).increment()
            }
            let micros = max(1, latencyNanoseconds / 1000)
            c.latency[min(c.latency.count - 1, 64 - micros.leadingZeroBitCount)] += 1
        }
    }

    /// The counter of one label value, made on first use (swift-metrics counters are not free
    /// to look up by label on every event).
    private static func counter(
        in cache: inout [String: Counter], _ label: String, _ dimension: String, _ value: String
    ) -> Counter {
        if let counter = cache[value] { return counter }
        let counter = Counter(label: label, dimensions: [(dimension, value)])
        cache[value] = counter
        return counter
    }

    func recordOp() {
        opsCounter.increment()
        counts.withLockedValue { $0.ops += 1 }
    }

    /// An op refused: unreadable, not allowed, or not recorded.
    func recordOpRefused() {
        opsRefusedCounter.increment()
        counts.withLockedValue { $0.opsRefused += 1 }
    }

    func connectionOpened() {
        let open = openConnections.wrappingAdd(1, ordering: .relaxed).newValue
        connectionsGauge.record(open)
        counts.withLockedValue { $0.connectionsTotal += 1 }
    }

    func connectionClosed() {
        let open = openConnections.wrappingSubtract(1, ordering: .relaxed).newValue
        connectionsGauge.record(open)
    }

    func connectionRefused() { counts.withLockedValue { $0.refused += 1 } }

    var connections: Int { openConnections.load(ordering: .relaxed) }

    /// The `stats` op's answer (without the op's own fields), as JSON members.
    func jsonMembers() -> String {
        let c = counts.withLockedValue { $0 }
        func object(_ values: [String: Int]) -> String {
            "{"
                + values.sorted { $0.key < $1.key }.map { "\(JSONText.quoted($0.key)):\($0.value)" }.joined(
                    separator: ",") + "}"
        }
        func quantile(_ q: Double) -> Int? {
            let total = c.latency.reduce(0, +)
            guard total > 0 else { return nil }
            var seen = 0
            for (k, n) in c.latency.enumerated() {
                seen += n
                if Double(seen) >= q * Double(total) { return 1 << k }
            }
            return nil
        }
        let uptime = ContinuousClock.now - startedAt
        let latency = ["p50": quantile(0.5), "p99": quantile(0.99), "p999": quantile(0.999)]
            .sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value.map(String.init) ?? "null")" }.joined(
                separator: ",")
        return
            #""events":\#(c.events),"unreadable":\#(c.unreadable),"ops":\#(c.ops),"ops_refused":\#(c.opsRefused),"actions":\#(object(c.actions))"#
            + #","rules":\#(object(c.rules)),"connections":\#(connections),"connections_total":\#(c.connectionsTotal)"#
            + #","connections_refused":\#(c.refused),"latency_us_at_most":{\#(latency)},"uptime_s":\#(uptime.components.seconds)"#
    }
}
