import Foundation
import Testing

/// `winnow replay` as a user runs it: real dump files, the real binary.
@Suite("Replay (end to end)")
struct ReplayTests {
    let fixtures = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures").path

    func withDirectory(_ body: (URL) throws -> Void) throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    @Test("CSV dumps with the quirks of real ones: order by time across files, verdicts, labels, report")
    func csvDumps() throws {
        try withDirectory { directory in
            // A byte-order mark, HTML entities, a quoted field over two lines, an empty date, a
            // short row, a date without zone, epoch seconds, equal times across files.
            let first =
                "\u{FEFF}ID,WHO,WHEN,BODY,CLASS\r\n"
                + "a1,ann,2024-01-01T10:00:05,hello there,0\r\n"
                + "a2,bob,2024-01-01T10:00:01,\"check out my new channel &amp; please subscribe\",1\r\n"
                + "a3,cid,,\"you are a\nfucking idiot\",1\r\n"
                + "a4,dan\r\n"
            let second =
                "ID,WHO,WHEN,BODY,CLASS\n"
                + "b1,eve,1704103205,what a lovely day,0\n"
                + "b2,fay,2024-01-01T10:00:00Z,nice &#128514;,1\n"
            try first.write(to: directory.appendingPathComponent("one.csv"), atomically: true, encoding: .utf8)
            try second.write(to: directory.appendingPathComponent("two.csv"), atomically: true, encoding: .utf8)
            let run = try WinnowProcess.run(
                [
                    "replay", "one.csv", "two.csv", "--map", "text=BODY,author=WHO,ts=WHEN,id=ID", "--label", "CLASS",
                    "--verdicts", "verdicts.ndjson", "--report-json", "report.json", "--report-html", "report.html",
                    "--wordlists", WinnowProcess.repository.appendingPathComponent("Wordlists").path,
                ],
                in: directory)
            #expect(run.status == 0, "stderr: \(run.stderr)")

            // In time order: b2 (10:00:00); a2 (10:00:01), then a3 and a4, which have no time of
            // their own and take a2's (their file's previous event), in line order; a1 and b1 (the
            // same second: file order).
            let verdicts = try String(contentsOf: directory.appendingPathComponent("verdicts.ndjson"), encoding: .utf8)
                .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            #expect(verdicts.map { $0["id"] as? String } == ["b2", "a2", "a3", "a4", "a1", "b1"])
            #expect(verdicts.map { $0["action"] as? String } == ["allow", "hold", "censor", "error", "allow", "allow"])

            let report = try json(directory.appendingPathComponent("report.json"))
            #expect(report["events"] as? Int == 6)
            #expect(report["errors"] as? Int == 1)
            let quirks = report["quirks"] as! [String: [String: Any]]
            #expect(
                quirks.mapValues { $0["count"] as? Int } == [
                    "byte_order_mark": 1, "html_entities": 2, "line_break_in_field": 1, "empty_date": 1,
                    "missing_columns": 1,
                ])
            #expect(quirks["empty_date"]?["examples"] as? [String] == ["one.csv:4"])
            // Labeled: a1 0 allow (tn), a2 1 hold (tp), a3 1 censor (tp), b1 0 allow (tn), b2 1 allow (fn); a4 is an error.
            let evaluation = report["evaluation"] as! [String: Any]
            let overall = evaluation["overall"] as! [String: Any]
            #expect(overall["tp"] as? Int == 2)
            #expect(overall["fp"] as? Int == 0)
            #expect(overall["fn"] as? Int == 1)
            #expect(overall["tn"] as? Int == 2)
            #expect(overall["precision"] as? Double == 1)
            #expect(overall["recall"] as? Double == 2.0 / 3.0)
            let misses = evaluation["false_negatives"] as! [[String: Any]]
            #expect(misses.map { $0["id"] as? String } == ["b2"])
            #expect(misses.first?["text"] as? String == "nice 😂")
            let stopword = (evaluation["rules"] as! [String: [String: Any]])["stopword"]!
            #expect(stopword["tp"] as? Int == 2)
            // Authors by events not allowed, then by name; channels (the files' names) by events.
            #expect(
                (report["top_authors"] as? [[String: Any]])?.map { $0["author"] as? String } == [
                    "bob", "cid", "ann", "eve", "fay",
                ])
            #expect((report["top_channels"] as? [[String: Any]])?.map { $0["channel"] as? String } == ["one", "two"])

            let html = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("<svg"))
            // Nothing fetched: the one script is the inline table sorter.
            #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script src"))
            #expect(html.components(separatedBy: "<script>").count == 2)
            #expect(run.stdoutText.contains("precision 1.000, recall 0.667, F1 0.800"))
        }
    }

    @Test("the bundled YouTube sample replays to the same verdicts as the filter on event time, and is audited")
    func sameAsFilter() throws {
        try withDirectory { directory in
            let sample = fixtures + "/comments/youtube-spam-collection.ndjson"
            let replay = try WinnowProcess.run(
                ["replay", sample, "--label", "meta.label", "--positive", "spam", "--verdicts", "-"], in: directory)
            #expect(replay.status == 0, "stderr: \(replay.stderr)")
            // The sample is in time order, so replay judges it in the filter's order.
            let filter = try WinnowProcess.run(
                ["filter", "--clock", "event", "--no-audit"],
                input: Array(try Data(contentsOf: URL(fileURLWithPath: sample))),
                in: directory)
            #expect(replay.stdout == filter.stdout)
            #expect(replay.stderr.contains("tp 379, fp 50, fn 207, tn 502; precision 0.883, recall 0.647, F1 0.747"))
            let stats = try WinnowProcess.run(["audit", "stats", "--json"], in: directory)
            #expect(
                (try JSONSerialization.jsonObject(with: Data(stats.stdout)) as? [String: Any])?["events"] as? Int
                    == 1138)
        }
    }

    @Test("an unreadable file or a column that is not there stops before anything is judged")
    func refusals() throws {
        try withDirectory { directory in
            let missing = try WinnowProcess.run(["replay", "nope.csv"], in: directory)
            #expect(missing.status == 2)
            #expect(missing.stderr == "winnow: cannot read nope.csv\n")
            try "A,B\n1,2\n".write(to: directory.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
            let unmapped = try WinnowProcess.run(
                ["replay", "x.csv", "--map", "text=A,author=B,ts=WHEN"], in: directory)
            #expect(unmapped.status == 2)
            #expect(unmapped.stderr.contains("no column 'WHEN' in the header of this file (A, B)"))
        }
    }

    @Test("a labeled set without authors flagged every link as a newcomer's; the check is off, and says so")
    func labeledSetWithoutAuthors() throws {
        try withDirectory { directory in
            let rows = (1...4).map { "see https://example.org/page\($0) for more,0" }
            try (["tweet,class"] + rows).joined(separator: "\n").write(
                to: directory.appendingPathComponent("set.csv"), atomically: true, encoding: .utf8)
            let run = try WinnowProcess.run(
                ["replay", "set.csv", "--map", "text=tweet", "--label", "class", "--no-audit", "--verdicts", "-"],
                in: directory)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(
                run.stderr.contains(
                    "no author column: each row is its own author, and the new-author link check is off"))
            let verdicts = run.stdoutText.split(separator: "\n").filter { $0.hasPrefix("{") }
            #expect(verdicts.count == 4)
            #expect(verdicts.allSatisfy { $0.contains(#""action":"allow""#) }, "\(verdicts)")
        }
    }

    @Test("progress on stderr when it is a terminal, nothing of it otherwise")
    func progress() throws {
        try withDirectory { directory in
            let lines = (0..<300_000).map {
                #"{"id":"e\#($0)","author":"a\#($0 % 5000)","ts":\#(1_700_000_000 + $0),"text":"comment number \#($0)"}"#
            }
            try (lines.joined(separator: "\n") + "\n").write(
                to: directory.appendingPathComponent("big.ndjson"), atomically: true, encoding: .utf8)
            // `script` gives the command a terminal and copies what it wrote to our pipe.
            let terminal = try WinnowProcess.run(
                ["-qec", "'\(WinnowProcess.executable.path)' replay big.ndjson --no-audit", "/dev/null"],
                in: directory, executable: URL(fileURLWithPath: "/usr/bin/script"))
            #expect(terminal.status == 0, "stderr: \(terminal.stderr)")
            #expect(terminal.stdoutText.contains("replay: "))
            #expect(terminal.stdoutText.contains(" of 300000 events, "))
            #expect(terminal.stdoutText.contains(" events/s, ETA "))
            let pipe = try WinnowProcess.run(["replay", "big.ndjson", "--no-audit"], in: directory)
            #expect(pipe.status == 0)
            #expect(pipe.stderr == "")
            #expect(pipe.stdoutText.hasPrefix("replayed 300000 events from 1 files in "))
        }
    }
}
