import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import WinnowAudit
import WinnowConfig
import WinnowLimits
import WinnowMatch
import WinnowPipeline
import WinnowServe
import WinnowShared

/// `winnow serve`: the Unix-socket sidecar for chat bots.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer NDJSON events with verdicts over a Unix stream socket, for many clients at once.",
        discussion: """
            One verdict line per event line, in order, on the same connection; all connections share \
            one engine and its per-author state. Control ops: health, stats, reload, slow_mode, \
            timeout, ban, unban. SIGHUP reloads the wordlists and the policy; SIGTERM or SIGINT drains \
            and exits 0. Moderator ops and reload are for the server's own user and root unless \
            --ops-uid, --ops-group, --reload-uid or --reload-group say otherwise. See docs/sidecar.md.
            """
    )

    @Option(help: ArgumentHelp("The socket file to listen on.", valueName: "path"))
    var socket: String

    @Option(help: ArgumentHelp("Permissions of the socket file, in octal.", valueName: "mode"))
    var socketMode = "0660"

    @Option(help: ArgumentHelp("Group of the socket file (name or number).", valueName: "group"))
    var socketGroup: String?

    @Option(
        name: .customLong("allow-uid"),
        help: ArgumentHelp("Only peers with this uid may connect (repeatable).", valueName: "uid"))
    var allowUIDs: [Int] = []

    @Option(help: "Most connections at once; one more is answered with an error line and closed.")
    var maxConnections = 1024

    @Option(name: .customLong("max-connections-per-uid"), help: "Most connections one peer uid may hold at once.")
    var maxConnectionsPerUID = 256

    @Option(
        name: .customLong("ops-uid"),
        help: ArgumentHelp(
            "Peers with this uid may use moderator ops: slow_mode, timeout, ban, unban (repeatable; default: the server's own user and root).",
            valueName: "uid"))
    var opsUIDs: [Int] = []

    @Option(
        name: .customLong("ops-group"),
        help: ArgumentHelp(
            "Members of this group (name or number) may use moderator ops (repeatable).", valueName: "group"))
    var opsGroups: [String] = []

    @Option(
        name: .customLong("reload-uid"),
        help: ArgumentHelp(
            "Peers with this uid may use the reload op (repeatable; default: the server's own user and root).",
            valueName: "uid"))
    var reloadUIDs: [Int] = []

    @Option(
        name: .customLong("reload-group"),
        help: ArgumentHelp(
            "Members of this group (name or number) may use the reload op (repeatable).", valueName: "group"))
    var reloadGroups: [String] = []

    @Option(help: "Longest request line in bytes; a longer one gets an `error` verdict.")
    var maxLineBytes = 1 << 20

    @Option(help: "Close a connection idle for this many seconds (0: never).")
    var idleTimeout = 300

    @Option(help: "Event-loop threads (default: one per core).")
    var threads = FilterOptions.defaultWorkers

    @Option(help: ArgumentHelp("Serve Prometheus metrics on http://HOST:PORT/metrics.", valueName: "host:port"))
    var metrics: String?

    @Option(help: "Most connections to the metrics endpoint at once.")
    var metricsMaxConnections = 16

    @Option(help: "Close a metrics connection idle for this many seconds.")
    var metricsIdleTimeout = 10

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .info

    @OptionGroup var wordlists: WordlistOptions
    @OptionGroup var overrides: PolicyOverrides
    @OptionGroup(title: "Windows (rate limits, slow-mode, escalation)") var windows: WindowOptions
    @OptionGroup(title: "Audit trail") var audit: AuditOptions
    @OptionGroup(title: "Shared state (several instances)") var shared: SharedOptions

    func validate() throws {
        guard let mode = UInt32(socketMode, radix: 8), mode <= 0o777 else {
            throw ValidationError("--socket-mode must be octal, e.g. 0660")
        }
        if mode & 0o002 != 0 {
            throw ValidationError(
                "--socket-mode: a world-writable socket lets anyone on the machine in; give the clients a group instead"
            )
        }
        guard (1...100_000).contains(maxConnections) else {
            throw ValidationError("--max-connections must be between 1 and 100000")
        }
        guard (1...100_000).contains(maxConnectionsPerUID) else {
            throw ValidationError("--max-connections-per-uid must be between 1 and 100000")
        }
        for group in opsGroups + reloadGroups where AccessRights.groupID(group) == nil {
            throw ValidationError("no such group: \(group) (--ops-group, --reload-group)")
        }
        guard (64...(64 << 20)).contains(maxLineBytes) else {
            throw ValidationError("--max-line-bytes must be from 64 to 67108864 (64 MiB)")
        }
        guard idleTimeout >= 0 else { throw ValidationError("--idle-timeout must be 0 or more") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        guard (1...1000).contains(metricsMaxConnections) else {
            throw ValidationError("--metrics-max-connections must be between 1 and 1000")
        }
        guard (1...3600).contains(metricsIdleTimeout) else {
            throw ValidationError("--metrics-idle-timeout must be between 1 and 3600")
        }
        if let metrics, Self.address(metrics) == nil {
            throw ValidationError("--metrics must be HOST:PORT, e.g. 127.0.0.1:9464")
        }
        try windows.validate()
    }

    static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        return (String(text[..<colon]), port)
    }

    func run() throws {
        AllocatorTuning.keepFreedMemory()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "winnow.serve")
        // Help texts for every metric, and request-duration buckets from 10 µs (a sidecar answers
        // in microseconds: the default buckets start at 5 ms).
        MetricsSystem.bootstrap(MetricsEndpoint.factory)

        // One link for the whole run: a reload keeps it, like the windows' state.
        let link = try shared.link(allowingGlobal: true)
        // With `--shared-windows global`: the logs, read and added to on a timer.
        let logs = try shared.feeds(origin: "serve-" + Consume.defaultConsumerName()).map { feeds in
            GlobalLogs(penalties: feeds.penalties, windows: feeds.windows) { printError("winnow: \($0)") }
        }
        let setup = try JudgingSetup(
            wordlists: wordlists, overrides: overrides, windows: windows, defaultClock: .wall, shared: link,
            command: Self.self)
        logs?.listen(setup.engine)
        let trail = try setup.openAudit(audit, source: "serve")
        let (wordlists, overrides, windows) = (self.wordlists, self.overrides, self.windows)
        // A reload reads the same files again: the lists, the policy file, the same flags on top.
        let engines = EngineHolder(engine: setup.engine, configuration: setup.auditedConfiguration) { state in
            let directory = wordlists.resolvedDirectory
            let (lists, errors) = WordlistDirectory.load(directory)
            guard errors.isEmpty else { throw ServeError(errors.map(\.description).joined(separator: "; ")) }
            let stopwords: StopwordSet
            do throws(WordlistCompileErrors) { stopwords = try StopwordSet(lists: lists) } catch {
                throw ServeError(error.errors.map(\.description).joined(separator: "; "))
            }
            var configuration = Configuration.default
            if let policy = windows.policy {
                do throws(PolicyProblems) {
                    configuration = try PolicyFile.load(
                        policy, knownCategories: Set(stopwords.lists.map(\.settings.category)))
                } catch {
                    throw ServeError(error.problems.map(\.description).joined(separator: "; "))
                }
            }
            configuration = windows.applyFlags(to: configuration)
            JudgingSetup.finish(&configuration, overrides: overrides, defaultClock: .wall)
            if let problem = ClassifierModel.load(into: &configuration) { throw ServeError(problem) }
            let engine = Engine(
                stopwords: stopwords, policy: configuration.policy, behavior: configuration.behavior, state: state,
                shared: link)
            // Recording from the first event on (a moderator's ban right after the reload too).
            logs?.listen(engine)
            return (
                engine,
                AuditedConfiguration(stopwords: stopwords, configuration: configuration, policyFile: windows.policy)
            )
        }
        var settings = ServeSettings(socketPath: socket, threads: threads)
        settings.socketMode = UInt32(socketMode, radix: 8)!
        settings.socketGroup = socketGroup
        settings.allowedUIDs = allowUIDs.isEmpty ? nil : Set(allowUIDs)
        settings.maxConnections = maxConnections
        settings.maxConnectionsPerUID = maxConnectionsPerUID
        func grant(_ uids: [Int], _ groups: [String]) -> AccessRights.Grant {
            uids.isEmpty && groups.isEmpty
                ? .owner : AccessRights.Grant(uids: Set(uids), gids: Set(groups.compactMap(AccessRights.groupID)))
        }
        settings.rights = AccessRights(moderate: grant(opsUIDs, opsGroups), reload: grant(reloadUIDs, reloadGroups))
        settings.maxLineBytes = maxLineBytes
        settings.idleTimeoutSeconds = idleTimeout
        settings.metricsAddress = metrics.flatMap(Self.address)
        settings.maxMetricsConnections = metricsMaxConnections
        settings.metricsIdleTimeoutSeconds = metricsIdleTimeout
        var globalSync: (@Sendable (Engine, Micros) -> Void)?
        if let logs {
            globalSync = { engine, now in
                logs.takeUp(into: engine, now: now)
                logs.publish(from: engine, now: now)
            }
        }
        let server = SidecarServer(
            settings: settings, engines: engines, clock: setup.clock, lateTolerance: setup.configuration.lateTolerance,
            audit: trail, globalSync: globalSync, logger: logger)
        do {
            try server.run()
        } catch let error as ServeError {
            printError("winnow: \(error.message)")
            throw ExitCode(1)
        }
    }
}

// swift-format-ignore: AvoidRetroactiveConformances
// `--log-level` takes swift-log's levels by name; neither module can declare it.
extension Logger.Level: @retroactive ExpressibleByArgument {}
