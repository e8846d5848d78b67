import WinnowCore
import WinnowSettings
import WinnowLimits

/// **raid**: a burst of first-seen authors in one channel. Each channel keeps the usual
/// number of newcomers per window (an average over past windows); a window with at least
/// `minNewcomers` and `factor` times the usual is a raid. During a raid the newcomers'
/// comments get a `raid` reason, and slow-mode switches on in the channel for `slowMode` per
/// author until `coolDown` after the last newcomer of the raid.
public struct RaidRule: Sendable, Equatable {
    public static let name = "raid"

    public var enabled: Bool
    public var window: Micros
    public var minNewcomers: Int
    public var factor: Int
    /// Windows to watch before judging: the usual needs some history.
    public var warmUpWindows: Int
    /// Slow-mode interval while raided (0: none).
    public var slowMode: Micros
    public var coolDown: Micros
    public var action: RuleAction
    public var dryRun: Bool

    public init(
        enabled: Bool = true, window: Micros = 60 * Micros.perSecond, minNewcomers: Int = 20, factor: Int = 5,
        warmUpWindows: Int = 3, slowMode: Micros = 10 * Micros.perSecond, coolDown: Micros = 300 * Micros.perSecond,
        action: RuleAction = .flag, dryRun: Bool = false
    ) {
        self.enabled = enabled
        self.window = window
        self.minNewcomers = minNewcomers
        self.factor = factor
        self.warmUpWindows = warmUpWindows
        self.slowMode = slowMode
        self.coolDown = coolDown
        self.action = action
        self.dryRun = dryRun
    }

    /// Counts a first-seen author's comment; returns the instant a raid's slow-mode now lasts
    /// until when this comment switched it on or prolonged it (0: it did not) — what the
    /// channel's other owners are told (`observeNewcomers`, `observeRaid`).
    @discardableResult
    public func evaluate(_ context: WindowContext, into reasons: inout [Reason]) -> Micros {
        guard enabled, context.isFirstSeen, let channel = context.channelSlot else { return 0 }
        let table = context.state.channels
        let now = context.now
        let count = countNewcomers(1, table: table, channel: channel, at: now)
        let baseline = table.load(channel, ChannelWord.newcomerBaseline)
        let windows = Int(baseline & 0xFFFF)
        let usual = Double(baseline >> 16) / 16
        guard windows >= warmUpWindows, count.count >= minNewcomers,
            Double(count.count) >= Double(factor) * max(usual, 1)
        else { return 0 }
        var until: Micros = 0
        if !dryRun && slowMode > 0 {
            until = now + coolDown
            table.store(channel, ChannelWord.raidSlowModeUntil, UInt64(bitPattern: until))
        }
        let usualText = usual < 10 ? String(format1: usual) : String(Int(usual.rounded()))
        reasons.append(
            Reason(
                rule: Self.name, action: action,
                message:
                    "\(count.count) first-seen authors in this channel within \(DurationText.describe(window)) (usually \(usualText))",
                limit: "\(factor)x usual, at least \(minNewcomers)", count: count.count, dryRun: dryRun))
        return until
    }

    /// Adds `added` newcomers at `now` to the channel's window, folding a window that closes
    /// into the usual (an average over about 8 windows); returns the window's count.
    private func countNewcomers(_ added: Int, table: WindowTable, channel: WindowTable.Slot, at now: Micros)
        -> WindowCount
    {
        var closed: WindowCount?
        let window = self.window
        let count = WindowCount(
            packed: table.update(channel, ChannelWord.newcomers) { word in
                let current = WindowCount(packed: word)
                let next = current.adding(added, at: now, window: window)
                closed = next.start != current.start && current.count > 0 ? current : nil
                return next.packed
            }.new)
        if let closed {
            _ = table.update(channel, ChannelWord.newcomerBaseline) { word in
                let average = word >> 16
                let windows = min(word & 0xFFFF + 1, 0xFFFF)
                let next = windows == 1 ? UInt64(closed.count) * 16 : (average * 7 + UInt64(closed.count) * 16) / 8
                return next << 16 | windows
            }
        }
        return count
    }

    /// Newcomers another owner of the channel's authors counted (`ChannelDeltas`), added at
    /// the time of the last of them; none when that time is before the channel's window (they
    /// belong to a window that is over here).
    public func observeNewcomers(_ added: Int, _ state: BehaviorState, channel key: UInt64, at time: Micros) {
        guard enabled, added > 0, let channel = state.channels.slot(for: key, at: time) else { return }
        let current = WindowCount(packed: state.channels.load(channel, ChannelWord.newcomers))
        guard current.count == 0 || time >= current.start else { return }
        _ = countNewcomers(added, table: state.channels, channel: channel, at: time)
    }

    /// A raid another owner found: slow-mode in the channel until `until` here too.
    public func observeRaid(until: Micros, _ state: BehaviorState, channel key: UInt64, at time: Micros) {
        guard enabled, !dryRun, slowMode > 0, let channel = state.channels.slot(for: key, at: time) else { return }
        _ = state.channels.update(channel, ChannelWord.raidSlowModeUntil) { word in
            Micros(bitPattern: word) >= until ? nil : UInt64(bitPattern: until)
        }
    }
}

extension String {
    /// One decimal: `2.5`.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}

extension RaidRule: SettingsSection {
    public static let section = "raid"
    public static let about = [
        "raid: a burst of first-seen authors in one channel (factor times the usual, at least",
        "min_newcomers); switches slow-mode on in the channel until cool_down after the burst.",
    ]
    public static var settings: [RuleSetting<Self>] {
        [
            .enabled(\.enabled),
            .duration(
                "window", \.window, in: Micros.perSecond...30 * 86_400 * Micros.perSecond,
                "the window newcomers are counted in"),
            .int("min_newcomers", \.minNewcomers, in: 1...65_535, "newcomers a window needs to be a raid"),
            .int("factor", \.factor, in: 1...1000, "times the channel's usual number of newcomers"),
            .int(
                "warm_up_windows", \.warmUpWindows, in: 0...1000, "windows watched before the usual number is trusted"),
            .duration("slow_mode", \.slowMode, "slow-mode switched on in the channel during a raid (0s: none)"),
            .duration("cool_down", \.coolDown, "how long slow-mode stays on after the last newcomer"),
            .action(\.action), .dryRun(\.dryRun),
        ]
    }
    public var summary: String {
        Self.summaryLine(
            enabled: enabled,
            "\(factor)x usual newcomers (at least \(minNewcomers)) in \(DurationText.describe(window)), slow-mode "
                + (slowMode == 0 ? "off" : DurationText.describe(slowMode)),
            action: action.rawValue, dryRun: dryRun)
    }
}

extension RaidRule: WindowRule {
    public var isActive: Bool { enabled }
    @inlinable
    public func evaluate(_ event: inout WindowEvent, into reasons: inout [Reason]) {
        event.countedNewcomer = enabled && event.context.isFirstSeen && event.context.channelSlot != nil
        event.raidSlowModeUntil = evaluate(event.context, into: &reasons)
    }
}
