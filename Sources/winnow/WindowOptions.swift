import ArgumentParser
import Foundation
import WinnowConfig
import WinnowLimits
import WinnowPipeline
import WinnowPolicy
import WinnowRules

/// The policy file and the flags that override it, shared by `filter` (and later `serve` and
/// `replay`). Precedence: built-in policy < policy file < flags.
struct WindowOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Policy file (YAML); see `winnow config default`.", valueName: "file"))
    var policy: String?

    @Option(
        help: """
            Time the window rules run on: `wall` (when the event is judged) or `event` (its `ts`; deterministic). \
            Default: the policy file's, else `event` for replay and `wall` for filter, serve and consume.
            """)
    var clock: ClockMode?

    @Option(help: "On event time, how far behind the latest `ts` an event is still judged at its own (default 5s).")
    var lateTolerance: DurationArgument?

    @Option(
        help: ArgumentHelp(
            "Per-author rate limit: N/DURATION, e.g. 5/10s (default 5/10s); `off` turns it off.",
            valueName: "n/duration"))
    var rateLimit: RateArgument?

    @Option(
        help: ArgumentHelp(
            "Slow-mode: SECONDS for every channel, or CHANNEL=SECONDS (repeatable).", valueName: "[channel=]seconds"))
    var slowMode: [SlowModeArgument] = []

    @Option(help: "Authors tracked at once; the idle ones are forgotten beyond it (default 1000000).")
    var maxAuthors: Int?

    @Flag(help: "Turn off strikes, timeouts and bans.")
    var noEscalation = false

    @Option(
        help: ArgumentHelp(
            "The classifier model file (default: the policy's, else the model shipped with Winnow).", valueName: "path")
    )
    var model: String?

    @Flag(help: "Turn off the classifier.")
    var noClassifier = false

    func validate() throws {
        if let maxAuthors, !(8...1_000_000_000).contains(maxAuthors) {
            throw ValidationError("--max-authors must be between 8 and 1000000000")
        }
        var seen = Set<String>()
        for mode in slowMode {
            guard seen.insert(mode.channel ?? "").inserted else {
                throw ValidationError(
                    "--slow-mode given twice for \(mode.channel.map { "channel '\($0)'" } ?? "every channel")")
            }
        }
    }

    /// The configuration in force: the policy file (or the built-in policy) with these flags
    /// on top. Policy file problems are printed and end the run with status 2.
    func configuration(categories: Set<String>) throws -> Configuration {
        var configuration = Configuration.default
        if let policy {
            do {
                configuration = try PolicyFile.load(policy, knownCategories: categories)
            } catch {
                for problem in error.problems { printError("winnow: \(problem)") }
                throw ExitCode(2)
            }
        }
        return applyFlags(to: configuration)
    }

    /// `configuration` with these flags on top.
    func applyFlags(to configuration: Configuration) -> Configuration {
        var configuration = configuration
        var settings = configuration.behavior
        // A flag for every channel reaches the defaults and the channels the file names.
        func applyEveryChannelFlags(_ channel: inout ChannelSettings) {
            if let rateLimit { channel.rateLimits.author = rateLimit.limit }
            for mode in slowMode where mode.channel == nil { channel.slowMode = mode.interval }
        }
        applyEveryChannelFlags(&settings.defaults)
        for name in settings.channels.keys { applyEveryChannelFlags(&settings.channels[name]!) }
        for mode in slowMode {
            guard let channel = mode.channel else { continue }
            var channelSettings = settings.channels[channel] ?? settings.defaults
            channelSettings.slowMode = mode.interval
            settings.channels[channel] = channelSettings
        }
        if noEscalation { settings.escalation.enabled = false }
        if let model { settings.classifier.modelPath = model }
        if noClassifier { settings.classifier.enabled = false }
        if let maxAuthors { settings.maxAuthors = maxAuthors }
        configuration.behavior = settings
        if let clock { configuration.clock = clock }
        if let lateTolerance { configuration.lateTolerance = lateTolerance.micros }
        return configuration
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
