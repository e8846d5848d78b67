import ArgumentParser
import Foundation
import Synchronization
import WinnowAudit
import WinnowConfig
import WinnowCore
import WinnowIO
import WinnowPipeline
import WinnowReplay

#if canImport(Glibc)
    import Glibc
#endif

/// `winnow replay`: comment dumps through the same engine on event time, with a report and,
/// for labeled dumps, precision and recall.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay comment dumps (NDJSON, CSV) through the engine on event time, with a report.",
        discussion: """
            Events of all files are judged in time order (stable for equal times). CSV needs a header \
            row; --map names the columns. The audit trail is written like the filter's.
            """
    )

    @Argument(help: "Dump files: NDJSON events, or CSV (by the .csv extension, or --format).")
    var files: [String]

    @Option(help: "Read every file as `ndjson` or `csv` (default: by extension).")
    var format: DumpFormat?

    @Option(
        help: ArgumentHelp(
            "CSV columns of the event fields: text=COL,author=COL,ts=COL,id=COL,channel=COL (default: columns named like the fields; without a channel column, the file's name).",
            valueName: "field=column,..."))
    var map: String?

    @Option(
        help: ArgumentHelp("The label: a CSV column, or an NDJSON field (meta.NAME inside meta).", valueName: "field"))
    var label: String?

    @Option(
        help: ArgumentHelp(
            "A label value that means 'should not be allowed' (repeatable; default 1).", valueName: "value"))
    var positive: [String] = []

    @Option(help: ArgumentHelp("Write the verdicts as NDJSON to this file (`-`: stdout).", valueName: "file"))
    var verdicts: String?

    @Option(help: ArgumentHelp("Write the report as JSON.", valueName: "file"))
    var reportJSON: String?

    @Option(help: ArgumentHelp("Write the report as a self-contained HTML page with charts.", valueName: "file"))
    var reportHTML: String?

    @OptionGroup var wordlists: WordlistOptions
    @OptionGroup var overrides: PolicyOverrides
    @OptionGroup(title: "Windows (rate limits, slow-mode, escalation)") var windows: WindowOptions
    @OptionGroup(title: "Audit trail") var audit: AuditOptions

    @OptionGroup(title: "Shared state (several instances)") var shared: SharedOptions

    @Option(help: "Worker threads (default: one per core).")
    var workers: Int?

    func validate() throws {
        guard (1...256).contains(workers ?? 1) else { throw ValidationError("--workers must be between 1 and 256") }
        if !positive.isEmpty && label == nil { throw ValidationError("--positive needs --label") }
        try windows.validate()
    }

    func run() throws {
        AllocatorTuning.keepFreedMemory()
        let labelSpec = label.map { LabelSpec(field: $0, values: positive) }
        let started = Date()
        let input: ReplayInput
        do throws(ReplayError) {
            input = try ReplayInput(paths: files, format: format, map: map, label: labelSpec)
        } catch {
            printError("winnow: \(error.message)")
            throw ExitCode(2)
        }
        // Without authors every row is a newcomer: the new-author link check would flag every
        // link of a labeled set.
        let anonymous = input.quirks.counts[.noAuthorColumn] != nil
        if anonymous {
            printError("winnow: no author column: each row is its own author, and the new-author link check is off")
        }
        // Replay runs on event time unless told otherwise.
        let setup = try JudgingSetup(
            wordlists: wordlists, overrides: overrides, windows: windows, defaultClock: .event,
            shared: try shared.link(), command: Self.self
        ) { configuration in
            if anonymous { configuration.behavior.links.newAuthorWindow = 0 }
        }

        let trail = try setup.openAudit(audit, source: "replay")
        defer { trail?.store.close() }
        let report = ReplayReport(input: input, label: labelSpec)
        let pipeline = FilterPipeline(
            engine: setup.engine,
            options: FilterOptions(
                workers: workers ?? FilterOptions.defaultWorkers, clock: setup.clock,
                lateTolerance: setup.configuration.lateTolerance),
            audit: trail, observer: report)

        let output = try openVerdicts()
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw ValidationError("cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        signal(SIGPIPE, SIG_IGN)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let feeder = Thread {
            _ = input.write(to: writeEnd)
            close(writeEnd)
        }
        feeder.start()
        let progress = isatty(STDERR_FILENO) == 1 ? Progress(total: input.events.count, report: report) : nil
        defer { progress?.stop() }
        do {
            _ = try pipeline.run(input: readEnd, output: output)
        } catch let failure as AuditError {
            printError("winnow: \(failure.message)")
            printError(audit.stoppedMessage)
            throw ExitCode(1)
        } catch is OutputWriter.Closed {
        }
        close(readEnd)
        if output != STDOUT_FILENO { close(output) }
        progress?.stop()
        report.finish()
        let seconds = Date().timeIntervalSince(started)

        if let reportJSON { try write(ReportJSON.render(report), to: reportJSON) }
        if let reportHTML {
            try write(
                ReportHTML.render(
                    report,
                    title: "Winnow replay of "
                        + files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")),
                to: reportHTML)
        }
        let summary = ReplaySummary.render(report, seconds: seconds)
        if verdicts == "-" { printError(summary) } else { print(summary, terminator: "") }
    }

    private func openVerdicts() throws -> Int32 {
        guard let verdicts else { return open("/dev/null", O_WRONLY) }
        if verdicts == "-" { return STDOUT_FILENO }
        let fd = open(verdicts, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            printError("winnow: cannot write verdicts to \(verdicts): \(String(cString: strerror(errno)))")
            throw ExitCode(1)
        }
        return fd
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            printError("winnow: cannot write \(path): \(error.localizedDescription)")
            throw ExitCode(1)
        }
    }
}

extension DumpFormat: ExpressibleByArgument {}

/// Events judged, events/s and the time left, on stderr twice a second (only on a terminal).
final class Progress: Sendable {
    private final class Flag: Sendable { let stopped = Atomic<Bool>(false) }
    private let flag = Flag()

    init(total: Int, report: ReplayReport) {
        let flag = self.flag
        Thread {
            let start = Date()
            while !flag.stopped.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: 0.5)
                let done = report.judged.load(ordering: .relaxed)
                let elapsed = Date().timeIntervalSince(start)
                let rate = elapsed > 0 ? Double(done) / elapsed : 0
                let eta = rate > 0 ? Double(total - done) / rate : 0
                let line = String(
                    format: "\rreplay: %d of %d events, %.0f events/s, ETA %.0f s   ", done, total, rate, eta)
                FileHandle.standardError.write(Data(line.utf8))
            }
        }.start()
    }

    func stop() {
        guard !flag.stopped.exchange(true, ordering: .relaxed) else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// The end-of-run summary on the terminal.
enum ReplaySummary {
    static func render(_ report: ReplayReport, seconds: Double) -> String {
        let input = report.input
        var out = String(
            format: "replayed %d events from %d files in %.1f s (%.0f events/s); %d unreadable\n",
            input.events.count, input.files.count, seconds, Double(input.events.count) / max(seconds, 1e-9),
            report.errors)
        func line(_ title: String, _ rows: [(name: String, count: Int)]) {
            out +=
                "\(title): " + (rows.isEmpty ? "none" : rows.map { "\($0.name) \($0.count)" }.joined(separator: ", "))
                + "\n"
        }
        line("actions", ReplayReport.sorted(report.actions))
        line("rules", ReplayReport.sorted(report.rules))
        line("lists", ReplayReport.sorted(report.lists))
        if report.label != nil {
            let c = report.overall
            func p(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "-" }
            out +=
                "against the labels (\(report.labeled) labeled; not allowed = positive): "
                + "tp \(c.truePositives), fp \(c.falsePositives), fn \(c.falseNegatives), tn \(c.trueNegatives); "
                + "precision \(p(c.precision)), recall \(p(c.recall)), F1 \(p(c.f1))\n"
            for (rule, r) in report.perRule.sorted(by: { $0.key < $1.key }) {
                out +=
                    "  \(rule): precision \(p(r.precision)), recall \(p(r.recall)), F1 \(p(r.f1)) (tp \(r.truePositives), fp \(r.falsePositives))\n"
            }
        }
        for kind in DumpQuirks.Kind.allCases {
            guard let count = input.quirks.counts[kind] else { continue }
            out +=
                "quirk \(kind.rawValue): \(count) (\(kind.handling); first at \((input.quirks.examples[kind] ?? []).joined(separator: ", ")))\n"
        }
        return out
    }
}
