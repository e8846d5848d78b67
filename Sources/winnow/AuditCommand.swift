import ArgumentParser
import Foundation
import WinnowAudit
import WinnowCore
import WinnowLimits

/// `winnow audit`: questions to the audit trail. Opens the file read-only, so it can be asked
/// while a `filter` is writing to it.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Ask the audit trail: counts, why an event got its verdict, an author's history, an export.",
        subcommands: [Stats.self, Explain.self, Author.self, Export.self, Prune.self]
    )

    /// `--audit PATH` of the read commands.
    struct Location: ParsableArguments {
        @Option(help: ArgumentHelp("The audit trail to read.", valueName: "path"))
        var audit = "winnow-audit.sqlite"

        func open() throws -> AuditQueries {
            guard FileManager.default.fileExists(atPath: audit) else {
                printError("winnow: no audit trail at \(audit) (give --audit PATH)")
                throw ExitCode(1)
            }
            do throws(AuditError) {
                return try AuditQueries(path: audit)
            } catch {
                printError("winnow: \(error.message)")
                throw ExitCode(1)
            }
        }
    }

    /// `--since` / `--until`: RFC 3339 date-times or seconds since the epoch.
    struct Range: ParsableArguments {
        @Option(
            help: ArgumentHelp(
                "Only events with ts at or after this time (RFC 3339 or epoch seconds).", valueName: "time"))
        var since: TimeArgument?

        @Option(help: ArgumentHelp("Only events with ts before this time.", valueName: "time"))
        var until: TimeArgument?

        var range: AuditQueries.TimeRange { AuditQueries.TimeRange(since: since?.seconds, until: until?.seconds) }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Counts per action, rule, list and channel over a time range.")

        @OptionGroup var location: Location
        @OptionGroup var range: Range

        @Flag(help: "Print JSON instead of tables.")
        var json = false

        func run() throws {
            let stats = try location.open().stats(range.range)
            let groups: [(String, [(name: String, count: Int)])] = [
                ("action", stats.actions), ("rule", stats.rules), ("list", stats.lists), ("channel", stats.channels),
            ]
            if json {
                var out =
                    #"{"events":\#(stats.events),"first":\#(JSONText.number(stats.first)),"last":\#(JSONText.number(stats.last))"#
                for (title, rows) in groups {
                    out +=
                        ",\(JSONText.quoted(title + "s")):{"
                        + rows.map { "\(JSONText.quoted($0.name)):\($0.count)" }.joined(separator: ",") + "}"
                }
                print(out + "}")
                return
            }
            print(
                "\(stats.events) events in \(location.audit), ts \(TimeText.iso(stats.first)) to \(TimeText.iso(stats.last))"
            )
            for (title, rows) in groups {
                print("")
                // Reasons are counted per reason: one event can carry several.
                let total = title == "rule" || title == "list" ? rows.reduce(0) { $0 + $1.count } : stats.events
                Table.print(
                    [title, "count", "share"],
                    rows.map { [$0.name, String($0.count), Table.percent($0.count, of: total)] })
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Why an event got its verdict: the event, each reason, and the configuration in force.")

        @Argument(help: "The event's id, as in its verdict (the line number for events without one).")
        var id: String

        @OptionGroup var location: Location

        func run() throws {
            let queries = try location.open()
            let entries = try queries.events(id: id)
            guard !entries.isEmpty else {
                printError("winnow: no event with id \(id) in \(location.audit)")
                throw ExitCode(1)
            }
            for (k, entry) in entries.enumerated() {
                if k > 0 { print("") }
                print(
                    "event \(id): line \(entry.line) of a \(entry.source) run, recorded \(TimeText.iso(entry.recordedAt)) (seq \(entry.seq))"
                )
                print("  author \(entry.author ?? "-"), channel \(entry.channel ?? "-"), ts \(TimeText.iso(entry.ts))")
                if let text = entry.text { print("  text: \(JSONText.quoted(text))") }
                if let hash = entry.textHash { print("  text SHA-256: \(hash)") }
                print("  verdict: \(entry.action)")
                for (position, reason) in Self.reasons(of: entry.verdict).enumerated() {
                    print("    \(position + 1). \(reason)")
                }
                print("  released as: \(entry.verdict)")
                if let configuration = try queries.configuration(hash: entry.configHash) {
                    print("  configuration \(entry.configHash):")
                    print("    wordlists:")
                    for line in configuration.wordlists.split(separator: "\n") { print("      \(line)") }
                    print("    policy:")
                    for line in configuration.policy.split(separator: "\n", omittingEmptySubsequences: false) {
                        print("      \(line)")
                    }
                }
            }
        }

        /// One line per reason of a verdict's JSON: rule, action, and every detail it carries.
        static func reasons(of verdict: String) -> [String] {
            guard let object = try? JSONSerialization.jsonObject(with: Data(verdict.utf8)) as? [String: Any],
                let reasons = object["reasons"] as? [[String: Any]]
            else { return [] }
            return reasons.map { reason in
                var parts = ["\(reason["rule"] ?? "?")"]
                if let action = reason["action"] { parts.append("-> \(action)") }
                for key in ["list", "category", "term", "match", "limit", "count", "retry_after", "message"] {
                    guard let value = reason[key] else { continue }
                    parts.append(value is String ? "\(key) \(JSONText.quoted(value as! String))" : "\(key) \(value)")
                }
                if let span = reason["span"] as? [Int], span.count == 2 {
                    parts.append("at characters \(span[0])..<\(span[1])")
                }
                if reason["dry_run"] as? Bool == true { parts.append("(dry run)") }
                return parts.joined(separator: "  ")
            }
        }
    }

    struct Author: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "author",
            abstract: "An author's history: verdicts, reasons, timeouts and bans, the latest events.")

        @Argument(help: "The author, as in the events.")
        var name: String

        @OptionGroup var location: Location

        @Option(help: "How many of the latest events to list.")
        var recent = 10

        func run() throws {
            let history = try location.open().author(name, recent: recent)
            guard history.events > 0 else {
                printError("winnow: no event of author \(name) in \(location.audit)")
                throw ExitCode(1)
            }
            print(
                "author \(name): \(history.events) event\(history.events == 1 ? "" : "s"), ts \(TimeText.iso(history.first)) to \(TimeText.iso(history.last))"
            )
            print("  verdicts: " + history.actions.map { "\($0.name) \($0.count)" }.joined(separator: ", "))
            print(
                "  reasons:  "
                    + (history.rules.isEmpty
                        ? "none" : history.rules.map { "\($0.name) \($0.count)" }.joined(separator: ", ")))
            print("  timeouts and bans: \(history.penalties.isEmpty ? "none" : "")")
            for penalty in history.penalties {
                let end = penalty.until.map { "until \(TimeText.iso($0))" } ?? "for good"
                let moderator = history.ops.first { $0.seq == penalty.seq }?.moderator
                let cause = penalty.strikes.map { "after \($0) strikes" } ?? "by \(moderator ?? "a moderator")"
                print(
                    "    \(TimeText.iso(penalty.at))  \(penalty.change) \(end), \(cause)  (event \(penalty.eventID ?? "-"), seq \(penalty.seq))"
                )
                if let strikes = history.strikeEvents[penalty.seq] {
                    print("      strikes: " + strikes.joined(separator: ", "))
                }
            }
            print("  moderator ops: \(history.ops.isEmpty ? "none" : "")")
            for op in history.ops {
                let end = op.op == "unban" ? "" : op.until.map { " until \(TimeText.iso($0))" } ?? " for good"
                let who = op.moderator ?? op.peerUID.map { "uid \($0)" } ?? "?"
                let lifted = op.op == "unban" ? " (lifted: \(op.was ?? "?"))" : ""
                print(
                    "    \(TimeText.iso(op.at))  \(op.op)\(end)\(lifted) by \(who)"
                        + (op.note.map { ": \($0)" } ?? "") + "  (seq \(op.seq))")
            }
            print("  latest \(history.recent.count) events:")
            Table.print(
                ["ts", "id", "action", "reasons", "text"],
                history.recent.map {
                    [
                        TimeText.iso($0.ts), $0.id ?? "-", $0.action, $0.rules.joined(separator: ","),
                        String(($0.text ?? $0.textHash.map { "sha256:\($0.prefix(12))…" } ?? "").prefix(60)),
                    ]
                }, indent: 4)
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Every event of a time range with its verdict, as NDJSON or CSV, oldest first.")

        enum Format: String, ExpressibleByArgument, CaseIterable { case ndjson, csv }

        @OptionGroup var location: Location
        @OptionGroup var range: Range

        @Option(help: "`ndjson` (one event with its verdict per line) or `csv` (one row per event).")
        var format: Format = .ndjson

        @Option(help: ArgumentHelp("Only events with this verdict action.", valueName: "action"))
        var action: String?

        @Option(help: ArgumentHelp("Only events of this author.", valueName: "author"))
        var author: String?

        @Option(help: ArgumentHelp("Only events in this channel.", valueName: "channel"))
        var channel: String?

        @Option(help: ArgumentHelp("Only events with a reason of this rule (stopword, links, …).", valueName: "rule"))
        var rule: String?

        func validate() throws {
            if let action, Action(rawValue: action) == nil {
                throw ValidationError(
                    "--action: '\(action)' is not an action (\(Action.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
        }

        func run() throws {
            let queries = try location.open()
            let output = FileHandle.standardOutput
            var buffer = ""
            func flush(force: Bool = false) {
                guard force || buffer.utf8.count > 1 << 16 else { return }
                output.write(Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
            if format == .csv {
                buffer +=
                    "seq,id,line,author,channel,ts,action,rules,lists,terms,text,text_hash,source,config,recorded_at,"
                    + "peer_uid,peer_pid\n"
            }
            let filter = AuditQueries.ExportFilter(action: action, author: author, channel: channel, rule: rule)
            try queries.export(range.range, filter: filter) { entry in
                switch format {
                case .ndjson:
                    buffer +=
                        #"{"seq":\#(entry.seq),"id":\#(entry.id.map(JSONText.quoted) ?? "null"),"line":\#(entry.line)"#
                        + #","author":\#(entry.author.map(JSONText.quoted) ?? "null")"#
                        + #","channel":\#(entry.channel.map(JSONText.quoted) ?? "null"),"ts":\#(JSONText.number(entry.ts))"#
                        + #","text":\#(entry.text.map(JSONText.quoted) ?? "null")"#
                        + #","text_hash":\#(entry.textHash.map(JSONText.quoted) ?? "null")"#
                        + #","action":\#(JSONText.quoted(entry.action)),"source":\#(JSONText.quoted(entry.source))"#
                        + #","config":\#(JSONText.quoted(entry.configHash)),"recorded_at":\#(JSONText.number(entry.recordedAt))"#
                        + #","peer_uid":\#(entry.peerUID.map(String.init) ?? "null")"#
                        + #","peer_pid":\#(entry.peerPID.map(String.init) ?? "null")"#
                        + #","verdict":\#(entry.verdict)}"# + "\n"
                case .csv:
                    let fields: [String] = [
                        String(entry.seq), entry.id ?? "", String(entry.line), entry.author ?? "", entry.channel ?? "",
                        entry.ts.map { TimeText.iso($0) } ?? "", entry.action, entry.rules.joined(separator: ";"),
                        entry.lists.joined(separator: ";"), entry.terms.joined(separator: ";"), entry.text ?? "",
                        entry.textHash ?? "", entry.source, entry.configHash, TimeText.iso(entry.recordedAt),
                        entry.peerUID.map(String.init) ?? "", entry.peerPID.map(String.init) ?? "",
                    ]
                    buffer += fields.map(CSVText.field).joined(separator: ",") + "\n"
                }
                flush()
            }
            flush(force: true)
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Delete events older than a time (retention), keeping the trail consistent.",
            discussion: """
                Events whose timeout or ban is still in force are kept, with the runs and \
                configurations the remaining events name. One transaction: a running filter or \
                serve waits for it. Without --vacuum the freed space is reused by later events; \
                with it the file shrinks (the rewrite holds the write lock meanwhile).
                """)

        @Option(help: ArgumentHelp("The audit trail.", valueName: "path"))
        var audit = "winnow-audit.sqlite"

        @Option(
            help: ArgumentHelp(
                "Delete events with ts before this time (RFC 3339, a date, epoch seconds).", valueName: "time"))
        var before: TimeArgument?

        @Option(
            help: ArgumentHelp(
                "Delete events older than this (30d, 12h): the same as --before now minus it.", valueName: "duration"))
        var olderThan: String?

        @Flag(help: "Rewrite the file afterwards so that it shrinks.")
        var vacuum = false

        func validate() throws {
            guard (before == nil) != (olderThan == nil) else {
                throw ValidationError("give one of --before TIME or --older-than DURATION")
            }
            if let olderThan, DurationText.parse(olderThan) == nil {
                throw ValidationError("--older-than: '\(olderThan)' is not a duration such as 30d or 12h")
            }
        }

        func run() throws {
            let now = Date().timeIntervalSince1970
            let cut = before?.seconds ?? now - Double(DurationText.parse(olderThan!)!) / 1e6
            let outcome: AuditPruning.Outcome
            do throws(AuditError) {
                outcome = try AuditPruning.prune(path: audit, before: cut, now: now, vacuum: vacuum)
            } catch {
                printError("winnow: \(error.message)")
                throw ExitCode(1)
            }
            func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
            print(
                "pruned \(outcome.events) events before \(TimeText.iso(cut)) (kept \(outcome.keptForPenalties) "
                    + "with a penalty in force or an open case), \(outcome.authorChanges) author changes, "
                    + "\(outcome.consumed) stream deliveries, \(outcome.runs) runs, \(outcome.configs) configurations; "
                    + "\(audit): \(megabytes(outcome.bytesBefore)) -> \(megabytes(outcome.bytesAfter))")
        }
    }
}

/// `--since` / `--until` values.
struct TimeArgument: ExpressibleByArgument {
    var seconds: Double

    init?(argument: String) {
        guard let seconds = Timestamp.parse(timeOrEpoch: argument) else { return nil }
        self.seconds = seconds
    }
}
