import WinnowLimits
import WinnowSettings

/// `queue:` in the policy file: which verdicts open review cases, when an undecided case
/// expires and what it then becomes, and the response time moderators aim for.
public struct QueueSettings: Sendable, Equatable {
    /// Whether held comments open cases at all.
    public var enabled: Bool
    /// The rules whose `flag` verdicts open cases too (`all`: every flag); empty: holds only.
    public var flagRules: Set<String>
    /// How long a case waits for a decision before it takes `onExpiry` (0: it waits for ever).
    public var expireAfter: Micros
    public var onExpiry: CaseOutcome
    /// The response time a decision should come within; later ones, and expiries, are misses.
    public var sla: Micros
    /// Channels with a response time of their own (a support channel answered within 30m).
    public var channelSLA: [String: Micros]

    public init(
        enabled: Bool = true, flagRules: Set<String> = [], expireAfter: Micros = 0, onExpiry: CaseOutcome = .approve,
        sla: Micros = 2 * 3600 * Micros.perSecond, channelSLA: [String: Micros] = [:]
    ) {
        self.enabled = enabled
        self.flagRules = flagRules
        self.expireAfter = expireAfter
        self.onExpiry = onExpiry
        self.sla = sla
        self.channelSLA = channelSLA
    }

    /// The response time aimed for in `channel`: its own, else `sla`. Each case keeps the one
    /// in force when it opened.
    public func sla(for channel: String?) -> Micros { channel.flatMap { channelSLA[$0] } ?? sla }

    /// Whether some flags are queued (their reasons are then read).
    public var queuesFlags: Bool { enabled && !flagRules.isEmpty }
}

extension QueueSettings: SettingsSection {
    public static let section = "queue"
    public static let about = [
        "queue: the review queue. Every held comment opens a case (near-copies join one case), which",
        "a moderator decides with `winnow queue decide`; `flags` names rules whose flags go there too.",
    ]
    public static var settings: [RuleSetting<Self>] {
        [
            .enabled(\.enabled),
            .words("flags", \.flagRules, "rules whose flags open cases too (`all`: every flag; empty: holds only)"),
            .durationOrOff(
                "expire_after", \.expireAfter, atLeast: 60 * Micros.perSecond,
                "how long a case waits for a decision before it takes `on_expiry` (an SLA miss)"),
            .choice("on_expiry", \.onExpiry, of: [.approve, .remove], "what an expired case becomes"),
            .duration(
                "sla", \.sla, in: 60 * Micros.perSecond...Micros.longestDuration,
                "the response time a decision should come within (`winnow queue stats`)"),
            RuleSetting(
                "sla_channels", type: "a mapping of channels to durations",
                help: "channels with a response time of their own, e.g. {support: 30m}",
                read: { value, settings in
                    var map: [String: Micros] = [:]
                    for (channel, duration) in value.entries(allowed: nil) {
                        if let micros = duration.duration(in: 60 * Micros.perSecond...Micros.longestDuration) {
                            map[channel] = micros
                        }
                    }
                    settings.channelSLA = map
                },
                write: { settings in
                    "{"
                        + settings.channelSLA.keys.sorted().map {
                            "\($0): \(DurationText.describe(settings.channelSLA[$0]!))"
                        }.joined(separator: ", ") + "}"
                }),
        ]
    }
    public var summary: String {
        guard enabled else { return "queue: off" }
        let what = flagRules.isEmpty ? "holds" : "holds and flags of " + flagRules.sorted().joined(separator: ", ")
        let expiry =
            expireAfter == 0
            ? "never expire" : "expire after \(DurationText.describe(expireAfter)) as \(onExpiry.rawValue)"
        let channels = channelSLA.keys.sorted().map { "\($0) \(DurationText.describe(channelSLA[$0]!))" }
        return "queue: \(what) open cases; they \(expiry); sla \(DurationText.describe(sla))"
            + (channels.isEmpty ? "" : " (\(channels.joined(separator: ", ")))")
    }
}
