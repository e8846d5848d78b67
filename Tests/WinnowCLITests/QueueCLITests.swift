import Foundation
import Testing

/// `winnow queue` as a moderator runs it: the real binary on the trail a real `filter` wrote.
@Suite("Review queue (end to end)")
struct QueueCLITests {
    @Test("hold → case (copies join) → decide once → the decision feed names every comment")
    func holdToDecision() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path
        let events =
            [
                #"{"id":"e1","author":"a","ts":1000,"text":"get free followers fast at bit.ly/free today friends"}"#,
                #"{"id":"e2","author":"b","ts":1010,"text":"GET FREE followers fast at bit.ly/free today friends"}"#,
                #"{"id":"e3","author":"c","ts":1020,"text":"get fr33 followers fast at bit.ly/free today friends"}"#,
                #"{"id":"e4","author":"d","ts":1030,"text":"cheap designer watches for sale tinyurl.com/w"}"#,
                #"{"id":"e5","author":"e","ts":1040,"text":"what a lovely song"}"#,
            ].joined(separator: "\n") + "\n"
        let run = try WinnowProcess.run(
            ["filter", "--clock", "event", "--wordlists", wordlists], input: Array(events.utf8), in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let actions = run.stdoutText.split(separator: "\n").map { $0.contains(#"","action":"hold","#) }
        #expect(actions == [true, true, true, true, false], "\(run.stdoutText)")

        let list = try WinnowProcess.run(["queue", "list", "--json"], in: directory)
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(
            lines.first?.hasPrefix(
                #"{"case":1,"status":"open","severity":"hold","rule":"links","channel":"default","comments":3,"authors":3,"opened_at":1000,"last_at":1020,"#
            ) == true, "\(list.stdoutText)")
        #expect(lines.last?.contains(#""case":2,"#) == true && lines.last?.contains(#""comments":1,"#) == true)

        let show = try WinnowProcess.run(["queue", "show", "1"], in: directory)
        #expect(
            show.stdoutText.hasPrefix(
                "case 1: open, hold by links in default; 3 comments by 3 authors; opened 1970-01-01T00:16:40Z"),
            "\(show.stdoutText)")
        // Each reason as `audit explain` writes it.
        #expect(
            show.stdoutText.contains(
                #"- links  -> hold  term "bit.ly"  match "bit.ly/free"  message "a link shortener"  at characters 27..<38"#
            ),
            "\(show.stdoutText)")

        let decide = try WinnowProcess.run(
            ["queue", "decide", "1", "remove", "--moderator", "alice", "--note", "spam"], in: directory)
        #expect(decide.status == 0, "\(decide.stderr)")
        #expect(decide.stdoutText == "case 1: removed by alice (3 comments: e1, e2, e3)\n")
        let second = try WinnowProcess.run(["queue", "decide", "1", "approve", "--moderator", "bob"], in: directory)
        #expect(second.status == 1)
        #expect(second.stderr.contains("winnow: case 1 was already decided by alice at "), "\(second.stderr)")
        #expect(second.stderr.hasSuffix(": remove\n"), "\(second.stderr)")

        let feed = try WinnowProcess.run(["queue", "decisions"], in: directory)
        #expect(
            feed.stdoutText.hasPrefix(
                #"{"decision":1,"case":1,"outcome":"remove","moderator":"alice","note":"spam","at":"#),
            "\(feed.stdoutText)")
        #expect(feed.stdoutText.hasSuffix(#","comments":["e1","e2","e3"]}"# + "\n"), "\(feed.stdoutText)")
        #expect(try WinnowProcess.run(["queue", "decisions", "--after", "1"], in: directory).stdoutText.isEmpty)

        // Every decision is a label: the removed case's three comments, positive.
        let labels = try WinnowProcess.run(["queue", "labels"], in: directory)
        let labelled = labels.stdoutText.split(separator: "\n").map(String.init)
        #expect(labelled.count == 3, "\(labels.stdoutText)")
        #expect(
            labelled.first?.hasPrefix(
                #"{"id":"e1","author":"a","channel":"default","ts":1000,"text":"get free followers fast at bit.ly/free today friends","label":1,"outcome":"remove","case":1,"rule":"links","moderator":"alice","decided_at":"#
            ) == true, "\(labels.stdoutText)")
        #expect(
            labels.stderr
                == "winnow: 3 labelled comments (3 positive: removed or upheld; 0 negative: approved or overturned)\n")

        let stats = try WinnowProcess.run(["queue", "stats", "--json"], in: directory)
        #expect(stats.stdoutText.hasPrefix(#"{"group":null,"open":1,"#), "\(stats.stdoutText)")
        #expect(
            stats.stdoutText.contains(#""approved":0,"removed":1,"upheld":0,"overturned":0,"expired":0,"#),
            "\(stats.stdoutText)")

        let missing = try WinnowProcess.run(["queue", "show", "99"], in: directory)
        #expect(missing.status == 1)
        #expect(missing.stderr == "winnow: no case 99\n")
        let nowhere = try WinnowProcess.run(["queue", "list", "--audit", "absent.sqlite"], in: directory)
        #expect(nowhere.status == 1)
        #expect(nowhere.stderr.contains("no audit trail at absent.sqlite"), "\(nowhere.stderr)")
    }

    @Test("replay opens no cases; config check names the queue in force")
    func replayAndSummary() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path
        try (#"{"id":"r1","author":"a","ts":1000,"text":"see bit.ly/free for more"}"# + "\n").write(
            to: directory.appendingPathComponent("dump.ndjson"), atomically: true, encoding: .utf8)
        let replay = try WinnowProcess.run(["replay", "--wordlists", wordlists, "dump.ndjson"], in: directory)
        #expect(replay.status == 0, "\(replay.stderr)")
        let list = try WinnowProcess.run(["queue", "list"], in: directory)
        #expect(list.stdoutText == "no open cases\n")
        try "queue: {flags: [noise], expire_after: 1d, on_expiry: remove, sla: 30m}\n".write(
            to: directory.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        let check = try WinnowProcess.run(["config", "check", "policy.yaml"], in: directory)
        #expect(
            check.stdoutText.contains(
                "queue: holds and flags of noise open cases; they expire after 1d as remove; sla 30m\n"),
            "\(check.stdoutText)")
    }
}
