import WinnowLimits
import WinnowSettings

/// `audit:` in the policy file: how long the trail keeps events. A live run (`filter`, `serve`,
/// `consume`) with `retain` set prunes its own trail on its writer's thread — at its first
/// commit, then every `prune_every` — so the prune never waits for a lock the run itself holds.
/// `replay` never prunes: a dump's events carry their old times.
public struct AuditRetention: Sendable, Equatable {
    /// How old an event may get before it is deleted; 0: kept for ever.
    public var retain: Micros
    /// How often a live run prunes.
    public var pruneEvery: Micros

    /// The shortest `retain`: a trail is for answering "why" about recent decisions.
    public static let shortestRetain: Micros = 3600 * Micros.perSecond

    public init(retain: Micros = 0, pruneEvery: Micros = 3600 * Micros.perSecond) {
        self.retain = retain
        self.pruneEvery = pruneEvery
    }

    public var isOn: Bool { retain > 0 }
}

extension AuditRetention: SettingsSection {
    public static let section = "audit"
    public static let about = [
        "audit: how long the audit trail keeps events. A live run (filter, serve, consume) deletes",
        "older ones as `winnow audit prune` does, keeping penalties in force; replay never does.",
    ]
    public static let shorthand: String? = "retain"
    public static var settings: [RuleSetting<Self>] {
        [
            .durationOrOff(
                "retain", \.retain, atLeast: shortestRetain,
                "how old an event gets before a live run deletes it (by its `ts`, else when recorded)"),
            .duration(
                "prune_every", \.pruneEvery, in: 60 * Micros.perSecond...Micros.longestDuration,
                "how often a live run prunes its trail"),
        ]
    }
    public var summary: String {
        isOn
            ? "audit: live runs delete events older than \(DurationText.describe(retain)), "
                + "every \(DurationText.describe(pruneEvery))"
            : "audit: events kept for ever"
    }
}
