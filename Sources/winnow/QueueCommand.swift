import ArgumentParser
import Foundation
import WinnowAudit
import WinnowCore
import WinnowLimits

#if canImport(Glibc)
    import Glibc
#endif

/// `winnow queue`: the review queue of held comments, on the audit trail file — also while a
/// `filter` or `serve` writes to it.
struct Queue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "The review queue: held comments as cases to decide.",
        discussion: """
            Every held comment opens a case in the audit trail, or joins the open case of its \
            near-copies; a moderator approves or removes a case once for all its comments. See \
            docs/queue.md.
            """,
        subcommands: [List.self, Show.self, Decide.self, Appeal.self, Decisions.self, Labels.self, Stats.self])

    /// `--audit PATH`, shared by the subcommands.
    struct Trail: ParsableArguments {
        @Option(help: ArgumentHelp("The audit trail.", valueName: "path"))
        var audit = "winnow-audit.sqlite"

        func open() throws -> ReviewQueue {
            do throws(AuditError) {
                return try ReviewQueue(path: audit)
            } catch {
                printError("winnow: \(error.message)")
                throw ExitCode(1)
            }
        }
    }

    static func now() -> Double { Date().timeIntervalSince1970 }

    /// `1h 5m`, `3d 2h`, `45s`: an age as people read it.
    static func age(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + (s % 60 > 0 ? " \(s % 60)s" : "") }
        if s < 86_400 { return "\(s / 3600)h" + (s % 3600 / 60 > 0 ? " \(s % 3600 / 60)m" : "") }
        return "\(s / 86_400)d" + (s % 86_400 / 3600 > 0 ? " \(s % 86_400 / 3600)h" : "")
    }

    static func fail(_ error: AuditError) -> ExitCode {
        printError("winnow: \(error.message)")
        return ExitCode(1)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "The open cases, most urgent first (holds, then larger campaigns, then the oldest).")

        @OptionGroup var trail: Trail
        @Option(help: "Only this channel's cases.") var channel: String?
        @Option(help: "Only cases of this rule (the first comment's strongest reason).") var rule: String?
        @Option(help: ArgumentHelp("Only cases open at least this long (30m, 2h).", valueName: "duration"))
        var olderThan: String?
        @Option(help: "Cases per page.") var limit = 50
        @Option(help: "Cases to skip (the pages before).") var offset = 0
        @Flag(help: "One JSON object per case.") var json = false

        func validate() throws {
            if let olderThan, DurationText.parse(olderThan) == nil {
                throw ValidationError("--older-than: '\(olderThan)' is not a duration such as 30m or 2h")
            }
            guard limit > 0, offset >= 0 else {
                throw ValidationError("--limit must be positive, --offset not negative")
            }
        }

        func run() throws {
            let queue = try trail.open()
            var filter = ReviewQueue.Filter()
            filter.channel = channel
            filter.rule = rule
            filter.olderThan = olderThan.flatMap(DurationText.parse).map { Double($0) / 1e6 }
            filter.limit = limit
            filter.offset = offset
            let now = Queue.now()
            let cases: [ReviewCase]
            do throws(AuditError) { cases = try queue.list(filter, now: now) } catch { throw Queue.fail(error) }
            if json {
                for c in cases { print(c.json) }
                return
            }
            guard !cases.isEmpty else { return print("no open cases") }
            Table.print(
                ["case", "age", "severity", "rule", "channel", "comments", "authors", "first comment"],
                cases.map { c in
                    let text = (c.firstText ?? "(text not kept)").replacingOccurrences(of: "\n", with: " ")
                    return [
                        "\(c.id)", Queue.age(now - c.openedAt), c.severity, c.rule ?? "-", c.channel ?? "-",
                        "\(c.comments)", "\(c.authors)",
                        "\(c.firstAuthor ?? "-"): \(text.count > 60 ? String(text.prefix(59)) + "…" : text)",
                    ]
                })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "One case: its comments with their reasons, and its decision.")

        @OptionGroup var trail: Trail
        @Argument(help: "The case number.") var id: Int
        @Flag(help: "As JSON: the case, its comments (with their verdicts) and its decisions.") var json = false

        func run() throws {
            let queue = try trail.open()
            let found: (ReviewCase, [CaseComment], [CaseDecision])?
            let authors: [AuthorRecord]
            do throws(AuditError) {
                found = try queue.show(id)
                authors = found == nil ? [] : try queue.history(ofCase: id)
            } catch { throw Queue.fail(error) }
            guard let (c, comments, decisions) = found else {
                printError("winnow: no case \(id)")
                throw ExitCode(1)
            }
            if json {
                print(ReviewCase.detailJSON(c, comments, decisions, authors: authors))
                return
            }
            print(
                "case \(c.id): \(c.status), \(c.severity) by \(c.rule ?? "-") in \(c.channel ?? "-"); "
                    + "\(c.comments) comments by \(c.authors) authors; opened \(TimeText.iso(c.openedAt)), "
                    + "latest \(TimeText.iso(c.lastAt))")
            if c.kind == "appeal" { print("  appeal: \(c.message ?? "(no message)")") }
            for d in decisions {
                print(
                    "  \(d.outcome.rawValue) by \(d.moderator) at \(TimeText.iso(d.at))"
                        + (d.sanction.map { " with a \($0.description)" } ?? "") + (d.note.map { ": \($0)" } ?? ""))
            }
            for comment in comments {
                print(
                    "\n  \(comment.eventID ?? "-")  \(comment.author ?? "-")  \(TimeText.iso(comment.timestamp))  "
                        + comment.action)
                print("    \(comment.text ?? "(text not kept)")")
                for reason in Audit.Explain.reasons(of: comment.verdict) { print("    - \(reason)") }
            }
            if !authors.isEmpty { print("\n  authors:") }
            for record in authors {
                print(
                    "  \(record.author): \(record.strikes) strikes, \(record.timeouts) timeouts, \(record.bans) bans"
                        + (record.undone > 0 ? ", \(record.undone) taken back" : ""))
                for comment in record.recent {
                    let text = (comment.text ?? "(text not kept)").replacingOccurrences(of: "\n", with: " ")
                    print(
                        "    \(comment.eventID ?? "-")  \(TimeText.iso(comment.timestamp))  \(comment.action)  "
                            + (text.count > 60 ? String(text.prefix(59)) + "…" : text))
                }
            }
        }
    }

    struct Decide: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decide",
            abstract: "Approve or remove a case, once for all its comments; uphold or overturn an appeal.",
            discussion: """
                The first decision wins. Approve and overturn take the verdicts back in full: a \
                running `winnow serve` on the trail removes the strikes they counted and lifts \
                the timeout or ban those led to, unless the remaining strikes still justify it.
                """)

        @OptionGroup var trail: Trail
        @Argument(help: "The case number.") var id: Int
        @Argument(
            help: """
                approve (the comments stay) or remove (they come down); for an appeal, uphold \
                (the verdict stands) or overturn (it is undone).
                """)
        var outcome: CaseOutcome
        @Option(help: ArgumentHelp("With remove: time the case's authors out for this long.", valueName: "duration"))
        var timeout: String?
        @Option(
            help: ArgumentHelp(
                "With remove: ban the case's authors, for this long or for good ('forever').", valueName: "duration"))
        var ban: String?
        @Option(help: "Why, for the record.") var note: String?
        @Option(help: "Who decides (default: the user running the command).") var moderator: String?

        func validate() throws {
            if timeout != nil && ban != nil { throw ValidationError("--timeout or --ban, not both") }
            if (timeout != nil || ban != nil) && outcome != .remove {
                throw ValidationError("--timeout and --ban go with remove")
            }
            _ = try sanction()
        }

        /// The timeout or ban asked for, if any.
        func sanction() throws -> Sanction? {
            if let timeout {
                guard let micros = DurationText.parse(timeout), micros > 0 else {
                    throw ValidationError("--timeout: '\(timeout)' is not a duration such as 10m")
                }
                return Sanction(kind: .timeout, seconds: micros.seconds)
            }
            guard let ban else { return nil }
            if ban == "forever" { return Sanction(kind: .ban, seconds: nil) }
            guard let micros = DurationText.parse(ban), micros > 0 else {
                throw ValidationError("--ban: '\(ban)' is not a duration such as 7d, nor 'forever'")
            }
            return Sanction(kind: .ban, seconds: micros.seconds)
        }

        func run() throws {
            let queue = try trail.open()
            let who = moderator ?? Queue.userName()
            let sanction = try sanction()
            let result: ReviewQueue.Decided
            let ids: [String]
            do throws(AuditError) {
                result = try queue.decide(
                    id, outcome, sanction: sanction, moderator: who, note: note, at: Queue.now())
                ids = try queue.commentIDs(of: id)
            } catch { throw Queue.fail(error) }
            switch result {
            case .decided(let decision):
                print(
                    "case \(id): \(decision.outcome.status) by \(decision.moderator) "
                        + "(\(ids.count) comment\(ids.count == 1 ? "" : "s"): \(ids.joined(separator: ", ")))"
                        + (decision.sanction.map { "; \($0.description) for its authors" } ?? ""))
            case .alreadyDecided(let standing):
                printError(
                    "winnow: case \(id) was already decided by \(standing.moderator) at \(TimeText.iso(standing.at)): "
                        + standing.outcome.rawValue)
                throw ExitCode(1)
            }
        }
    }

    /// The name of the user running the command (the OS user: who decided, for the record).
    static func userName() -> String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }

    struct Decisions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decisions",
            abstract: "The decisions as NDJSON, oldest first: case, outcome, moderator, note, time, comment ids.")

        @OptionGroup var trail: Trail
        @Option(help: "Only decisions after this one (its `decision` number).") var after = 0
        @Flag(help: "Keep reading: write each new decision as it is recorded.") var follow = false
        @Option(help: ArgumentHelp("With --follow, how often to look (e.g. 500ms).", valueName: "duration"))
        var interval = "1s"

        func validate() throws {
            guard let micros = DurationText.parse(interval), micros > 0 else {
                throw ValidationError("--interval: '\(interval)' is not a duration such as 500ms")
            }
        }

        func run() throws {
            let queue = try trail.open()
            var last = after
            let pause = useconds_t(min(DurationText.parse(interval)!, 60_000_000))
            while true {
                do throws(AuditError) {
                    for (id, decision) in try queue.decisions(after: last) {
                        // Unbuffered: a follower's reader sees each decision as it is recorded.
                        let line = decision.json(id: id, comments: try queue.commentIDs(of: decision.caseID))
                        FileHandle.standardOutput.write(Data((line + "\n").utf8))
                        last = id
                    }
                } catch { throw Queue.fail(error) }
                guard follow else { return }
                usleep(pause)
            }
        }
    }

    struct Labels: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "labels",
            abstract: "Moderators' decisions as labelled comments (NDJSON) for `winnow train`.",
            discussion: """
                One line per comment of every case a moderator decided: the event (id, author, \
                channel, ts, text) with "label": 1 when the case was removed, 0 when approved. \
                Expired cases give none. Train on it with \
                `winnow train labels.ndjson --label label --positive 1 --negative 0 --out model.wnm`.
                """)

        @OptionGroup var trail: Trail
        @Option(help: ArgumentHelp("Only decisions since this time.", valueName: "time")) var since: TimeArgument?

        func run() throws {
            let queue = try trail.open()
            var written = 0, positive = 0, withoutText = 0
            do throws(AuditError) {
                try queue.labels(since: since?.seconds) { label in
                    guard label.text != nil else {
                        withoutText += 1
                        return
                    }
                    print(label.json)
                    written += 1
                    if label.outcome.confirmsVerdict { positive += 1 }
                }
            } catch { throw Queue.fail(error) }
            printError(
                "winnow: \(written) labelled comments (\(positive) positive: removed or upheld; "
                    + "\(written - positive) negative: approved or overturned)"
                    + (withoutText > 0 ? "; \(withoutText) without their text (--audit-text hash) left out" : ""))
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract:
                "Response-time figures: open cases, time to decision, share within the SLA, expiries, appeals.")

        @OptionGroup var trail: Trail
        @Option(help: ArgumentHelp("Cases closed since this time (open ones always count).", valueName: "time"))
        var since: TimeArgument?
        @Option(
            help: ArgumentHelp(
                "The response time aimed for (default: each case's, its channel's `queue.sla` when it opened).",
                valueName: "duration"))
        var sla: String?
        @Option(help: "One row per channel, moderator or rule.") var by: QueueStats.Grouping?
        @Flag(help: "One JSON object per row.") var json = false

        func validate() throws {
            if let sla, DurationText.parse(sla) == nil { throw ValidationError("--sla: '\(sla)' is not a duration") }
        }

        func run() throws {
            let queue = try trail.open()
            let slaSeconds = sla.flatMap(DurationText.parse).map { Double($0) / 1e6 }
            let rows: [QueueStats]
            do throws(AuditError) {
                rows = try queue.stats(since: since?.seconds, by: by, sla: slaSeconds, now: Queue.now())
            } catch { throw Queue.fail(error) }
            if json {
                for row in rows {
                    let times = row.decisionSeconds.map {
                        #"{"p50":\#(JSONText.number($0.p50)),"p90":\#(JSONText.number($0.p90)),"p99":\#(JSONText.number($0.p99))}"#
                    }
                    print(
                        #"{"group":\#(row.group.map(JSONText.quoted) ?? "null"),"open":\#(row.open)"#
                            + #","oldest_open_seconds":\#(JSONText.number(row.oldestOpen)),"approved":\#(row.approved)"#
                            + #","removed":\#(row.removed),"upheld":\#(row.upheld),"overturned":\#(row.overturned)"#
                            + #","expired":\#(row.expired)"#
                            + #","decision_seconds":\#(times ?? "null"),"within_sla":\#(row.withinSLA)"#
                            + #","sla_seconds":\#(JSONText.number(slaSeconds)),"without_escalation":\#(row.withoutEscalation)}"#
                    )
                }
                return
            }
            Table.print(
                [
                    by?.rawValue ?? "cases", "open", "oldest open", "decided", "removed", "expired",
                    "decision p50/p90/p99", "within \(sla ?? "sla")", "no escalation", "appeals overturned",
                ],
                rows.map { row in
                    [
                        row.group ?? "all", "\(row.open)", row.oldestOpen.map(Queue.age) ?? "-", "\(row.decided)",
                        "\(row.removed)", "\(row.expired)",
                        row.decisionSeconds.map { "\(Queue.age($0.p50)) / \(Queue.age($0.p90)) / \(Queue.age($0.p99))" }
                            ?? "-",
                        Table.percent(row.withinSLA, of: row.closed),
                        Table.percent(row.withoutEscalation, of: row.closed),
                        row.appeals == 0 ? "-" : "\(row.overturned) of \(row.appeals)",
                    ]
                })
        }
    }
}

extension CaseOutcome: ExpressibleByArgument {}
extension QueueStats.Grouping: ExpressibleByArgument {}
