import ArgumentParser
import WinnowAudit
import WinnowConfig
import WinnowCore
import WinnowIO
import WinnowMatch
import WinnowPipeline
import WinnowPolicy

#if canImport(Glibc)
    import Glibc
#endif

struct Filter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Filter NDJSON events from stdin into one NDJSON verdict per line on stdout.",
        discussion: """
            Every input line gets exactly one output line, in input order; a line that cannot be \
            read gets an `error` verdict and the stream goes on. Exit status 0 at the end of the \
            input, also when stdout is closed early (`| head`).
            """
    )

    @OptionGroup var wordlists: WordlistOptions

    @OptionGroup var overrides: PolicyOverrides

    @OptionGroup(title: "Windows (rate limits, slow-mode, escalation)") var windows: WindowOptions

    @OptionGroup(title: "Audit trail") var audit: AuditOptions

    @OptionGroup(title: "Shared state (several instances)") var shared: SharedOptions

    @Option(help: "Longest accepted input line in bytes; longer lines get an `error` verdict.")
    var maxLineBytes = 1 << 20

    @Option(help: "Worker threads (default: one per core).")
    var workers: Int?

    @Option(help: "Most lines judged as one batch.")
    var batchLines = FilterOptions.defaultBatchLines

    func validate() throws {
        guard (64...(64 << 20)).contains(maxLineBytes) else {
            throw ValidationError("--max-line-bytes must be from 64 to 67108864 (64 MiB)")
        }
        guard (1...256).contains(workers ?? 1) else { throw ValidationError("--workers must be between 1 and 256") }
        guard (1...1_000_000).contains(batchLines) else {
            throw ValidationError("--batch-lines must be between 1 and 1000000")
        }
        try windows.validate()
    }

    func run() throws {
        AllocatorTuning.keepFreedMemory()
        let setup = try JudgingSetup(
            wordlists: wordlists, overrides: overrides, windows: windows, defaultClock: .wall,
            shared: try shared.link(), command: Self.self)
        let options = FilterOptions(
            maxLineBytes: maxLineBytes, workers: workers ?? FilterOptions.defaultWorkers, batchLines: batchLines,
            clock: setup.clock,
            lateTolerance: setup.configuration.lateTolerance)
        let trail = try setup.openAudit(audit, source: "filter")
        // On every way out: the trail's file alone then holds every row.
        defer { trail?.store.close() }
        let pipeline = FilterPipeline(engine: setup.engine, options: options, audit: trail)
        let follower = setup.followDecisions(in: trail) { pipeline.currentTime }
        defer { follower?.stop() }
        signal(SIGPIPE, SIG_IGN)
        do {
            let summary = try pipeline.run(input: STDIN_FILENO, output: STDOUT_FILENO)
            if let code = summary.readError {
                printError("winnow: reading stdin failed: \(String(cString: strerror(code)))")
                throw ExitCode(1)
            }
        } catch is OutputWriter.Closed {
            return
        } catch let failure as OutputWriter.Failed {
            printError("winnow: cannot write verdicts to stdout: \(failure)")
            throw ExitCode(1)
        } catch let failure as AuditError {
            printError("winnow: \(failure.message)")
            printError(audit.stoppedMessage)
            throw ExitCode(1)
        }
    }
}
