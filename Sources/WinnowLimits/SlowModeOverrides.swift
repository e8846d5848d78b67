import Synchronization

/// Slow-mode set by a moderator at run time (the sidecar's `slow_mode` op), per channel, over
/// what the policy says: on with an interval, or off. Kept with the rest of the state, so it
/// survives a reload. Costs one atomic load per event while no channel has an override.
public final class SlowModeOverrides: Sendable {
    /// What a moderator asked for a channel.
    public enum Setting: Sendable, Equatable {
        /// Slow-mode on with this interval, whatever the policy says.
        case on(Micros)
        /// Slow-mode off, also when the policy or a raid would switch it on.
        case off
    }

    private let any = Atomic<Bool>(false)
    private let settings = Mutex<[UInt64: Setting]>([:])

    public init() {}

    /// The override of a channel (by `BehaviorState.channelKey`), if any.
    @inline(__always)
    public func setting(for channel: UInt64) -> Setting? {
        guard any.load(ordering: .acquiring) else { return nil }
        return settings.withLock { $0[channel] }
    }

    /// Sets (or with `nil` removes) the override of a channel: through
    /// `BehaviorState.overrideSlowMode`, which the window step relies on.
    func set(_ setting: Setting?, for channel: UInt64) {
        settings.withLock { table in
            table[channel] = setting
            any.store(!table.isEmpty, ordering: .releasing)
        }
    }

    /// Channels with an override now.
    public var count: Int { settings.withLock { $0.count } }
}
