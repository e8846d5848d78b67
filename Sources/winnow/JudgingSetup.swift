import ArgumentParser
import WinnowAudit
import WinnowConfig
import WinnowLimits
import WinnowMatch
import WinnowPipeline

/// What every command that judges events builds first: the compiled lists, the configuration
/// in force (built-in policy < policy file < flags) and the engine. Problems are printed and end
/// the run (status 2) before any input is read.
struct JudgingSetup {
    let stopwords: StopwordSet
    let configuration: Configuration
    let engine: Engine
    private let policyFile: String?

    /// `defaultClock`: the command's clock when neither the file nor a flag names one.
    /// `shared`: the link to state shared with other instances (`--shared`), if any.
    /// `command`: whose usage a bad flag is shown with. `adjust`: what the input itself decides
    /// (replay of a dump without authors turns off the new-author check).
    init(
        wordlists: WordlistOptions, overrides: PolicyOverrides, windows: WindowOptions, defaultClock: ClockMode,
        shared: SharedLink? = nil, command: ParsableCommand.Type, adjust: (inout Configuration) -> Void = { _ in }
    ) throws {
        stopwords = try wordlists.compile()
        try overrides.check(against: stopwords, command: command)
        var configuration = try windows.configuration(categories: Set(stopwords.lists.map(\.settings.category)))
        Self.finish(&configuration, overrides: overrides, defaultClock: defaultClock)
        adjust(&configuration)
        try ClassifierModel.loadOrExit(into: &configuration)
        self.configuration = configuration
        shared?.store.setLateTolerance(
            (configuration.clock ?? defaultClock) == .event ? configuration.lateTolerance : 0)
        policyFile = windows.policy
        engine = Engine(
            stopwords: stopwords, policy: configuration.policy, behavior: configuration.behavior, shared: shared)
    }

    var clock: ClockMode { configuration.clock ?? .wall }

    /// What the command line adds on top of the files, at start and at every reload alike (a
    /// reload that skipped the clock's default gave an unchanged configuration a new hash and
    /// a `clock: command default` summary).
    static func finish(_ configuration: inout Configuration, overrides: PolicyOverrides, defaultClock: ClockMode) {
        overrides.apply(to: &configuration)
        if configuration.clock == nil { configuration.clock = defaultClock }
    }

    /// The configuration as the audit trail names it.
    var auditedConfiguration: AuditedConfiguration {
        AuditedConfiguration(stopwords: stopwords, configuration: configuration, policyFile: policyFile)
    }

    /// The run's audit trail, with this configuration registered (nil with `--no-audit`).
    /// Carries the review queue's decisions, as they are recorded in `trail`, into this run's
    /// authors and known-spam bank, at the run's time `now`; stopped by the caller.
    func followDecisions(in trail: AuditTrail?, now: @escaping @Sendable () -> Micros) -> DecisionFollower? {
        guard let trail else { return nil }
        let engine = self.engine
        do throws(AuditError) {
            let follower = try DecisionFollower(
                path: trail.store.path, engine: { engine }, now: { now().seconds },
                warn: { printError("winnow: \($0)") })
            follower.start()
            return follower
        } catch {
            printError("winnow: moderators' decisions will not reach this run: \(error.message)")
            return nil
        }
    }

    /// The run's audit trail. A live run starts knowing what moderators decided before it (the
    /// known-spam bank); `replay` judges a dump as it was, without their later decisions.
    func openAudit(_ audit: AuditOptions, source: String) throws -> AuditTrail? {
        let trail = try audit.open(source: source, configuration: auditedConfiguration)
        if let trail, source != "replay", engine.behavior.knownSpam.enabled {
            do throws(AuditError) {
                try DecisionFollower.loadKnownCopies(path: trail.store.path, into: engine.state)
            } catch {
                printError("winnow: the known-spam bank could not be read; starting without it: \(error.message)")
            }
        }
        return trail
    }
}
