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

    public func evaluate(_ context: WindowContext, into reasons: inout [Reason]) {
        guard enabled, context.isFirstSeen, let channel = context.channelSlot else { return }
        let table = context.state.channels
        let now = context.now
        var closed: WindowCount?
        let window = self.window
        let count = WindowCount(
            packed: table.update(channel, ChannelWord.newcomers) { word in
                let current = WindowCount(packed: word)
                let next = current.adding(at: now, window: window)
                closed = next.count == 1 && current.count > 0 ? current : nil
                return next.packed
            }.new)
        if let closed {
            // Fold the window that just closed into the usual (an average over about 8 windows).
            _ = table.update(channel, ChannelWord.newcomerBaseline) { word in
                let average = word >> 16
                let windows = min(word & 0xFFFF + 1, 0xFFFF)
                let next = windows == 1 ? UInt64(closed.count) * 16 : (average * 7 + UInt64(closed.count) * 16) / 8
                return next << 16 | windows
            }
        }
        let baseline = table.load(channel, ChannelWord.newcomerBaseline)
        let windows = Int(baseline & 0xFFFF)
        let usual = Double(baseline >> 16) / 16
        guard windows >= warmUpWindows, count.count >= minNewcomers,
            Double(count.count) >= Double(factor) * max(usual, 1)
        else { return }
        if !dryRun && slowMode > 0 {
            table.store(channel, ChannelWord.raidSlowModeUntil, UInt64(bitPattern: now + coolDown))
        }
        let usualText = usual < 10 ? String(format1: usual) : String(Int(usual.rounded()))
        reasons.append(
            Reason(
                rule: Self.name, action: action,
                message:
                    "\(count.count) first-seen authors in this channel within \(DurationText.describe(window)) (usually \(usualText))",
                limit: "\(factor)x usual, at least \(minNewcomers)", count: count.count, dryRun: dryRun))
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
        evaluate(event.context, into: &reasons)
    }
}
