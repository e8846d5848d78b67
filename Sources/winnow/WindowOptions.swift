import ArgumentParser
import WinnowLimits
import WinnowPipeline
import WinnowPolicy
import WinnowRules

/// Flags of the window rules, shared by `filter` (and later `serve` and `replay`).
struct WindowOptions: ParsableArguments {
    @Option(help: "Time the window rules run on: `wall` (when the event is judged) or `event` (its `ts`; deterministic).")
    var clock: ClockMode = .wall

    @Option(help: "On event time, how far behind the latest `ts` an event is still judged at its own (e.g. 5s).")
    var lateTolerance = DurationArgument(micros: 5 * Micros.perSecond)

    @Option(
        help: ArgumentHelp(
            "Per-author rate limit: N/DURATION, e.g. 5/10s (default 5/10s); `off` turns it off.",
            valueName: "n/duration"))
    var rateLimit: RateArgument?

    @Option(
        help: ArgumentHelp(
            "Slow-mode: SECONDS for every channel, or CHANNEL=SECONDS (repeatable).", valueName: "[channel=]seconds"))
    var slowMode: [SlowModeArgument] = []

    @Option(help: "Authors tracked at once; the idle ones are forgotten beyond it.")
    var maxAuthors = BehaviorState.defaultMaxAuthors

    @Flag(help: "Turn off strikes, timeouts and bans.")
    var noEscalation = false

    func validate() throws {
        guard (8...1_000_000_000).contains(maxAuthors) else {
            throw ValidationError("--max-authors must be between 8 and 1000000000")
        }
        var seen = Set<String>()
        for mode in slowMode {
            guard seen.insert(mode.channel ?? "").inserted else {
                throw ValidationError("--slow-mode given twice for \(mode.channel.map { "channel '\($0)'" } ?? "every channel")")
            }
        }
    }

    /// The built-in policy's window settings with these flags applied.
    func behaviorSettings() -> BehaviorSettings {
        var settings = BehaviorSettings.defaultPolicy
        if let rateLimit { settings.defaults.rateLimits.author = rateLimit.limit }
        for mode in slowMode where mode.channel == nil { settings.defaults.slowMode = mode.interval }
        for mode in slowMode {
            guard let channel = mode.channel else { continue }
            var channelSettings = settings.channels[channel] ?? settings.defaults
            channelSettings.slowMode = mode.interval
            settings.channels[channel] = channelSettings
        }
        if noEscalation { settings.escalation.enabled = false }
        settings.maxAuthors = maxAuthors
        return settings
    }
}

extension ClockMode: ExpressibleByArgument {}

/// A duration flag: `500ms`, `10s`, `5m`, `2h`, `1d` or seconds.
struct DurationArgument: ExpressibleByArgument {
    var micros: Micros

    init(micros: Micros) { self.micros = micros }

    init?(argument: String) {
        guard let micros = DurationText.parse(argument) else { return nil }
        self.micros = micros
    }

    var defaultValueDescription: String { DurationText.describe(micros) }
}

/// `--rate-limit N/DURATION` or `off`.
struct RateArgument: ExpressibleByArgument {
    var limit: RateLimit?

    init?(argument: String) {
        if argument == "off" {
            limit = nil
            return
        }
        guard let limit = RateLimit(parsing: argument) else { return nil }
        self.limit = limit
    }
}

/// `--slow-mode SECONDS` or `--slow-mode CHANNEL=SECONDS`.
struct SlowModeArgument: ExpressibleByArgument {
    var channel: String?
    var interval: Micros

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard !parts[0].isEmpty, let interval = DurationText.parse(String(parts[1])) else { return nil }
            channel = String(parts[0])
            self.interval = interval
        } else {
            guard let interval = DurationText.parse(argument) else { return nil }
            self.interval = interval
        }
    }
}
