import Foundation
import Testing
import WinnowAudit

#if canImport(Glibc)
    import Glibc
#endif

/// `winnow filter` with its audit trail, and `winnow audit`, as a user runs them: the real
/// binary, a real SQLite file in a working directory of its own.
@Suite("Audit trail (end to end)")
struct AuditTrailTests {
    let fixtures = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures").path
    var sample: String { fixtures + "/comments/youtube-spam-collection.ndjson" }

    func withDirectory(_ body: (URL) throws -> Void) throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    /// Every verdict line written to stdout is in the trail, byte for byte, in order.
    func expectReleasedVerdictsRecorded(_ stdout: [UInt8], in path: String) throws -> Int {
        let released = String(decoding: stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        var recorded: [String] = []
        try AuditQueries(path: path).export { recorded.append($0.verdict) }
        #expect(recorded.count >= released.count)
        for (k, line) in released.enumerated() where k >= recorded.count || recorded[k] != line {
            Issue.record("released verdict \(k + 1) is not in the audit trail as released: \(line)")
            break
        }
        return recorded.count
    }

    @Test("filter records every line in winnow-audit.sqlite; stats, explain, author and export read it back")
    func filterThenAsk() throws {
        try withDirectory { directory in
            let input = try Data(contentsOf: URL(fileURLWithPath: sample))
            let run = try WinnowProcess.run(["filter", "--clock", "event"], input: Array(input), in: directory)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let path = directory.appendingPathComponent("winnow-audit.sqlite").path
            #expect(try expectReleasedVerdictsRecorded(run.stdout, in: path) == 1138)
            #expect(try AuditStore(path: path).integrityCheck() == "ok")

            // The counts per action of the trail are those of the verdicts on stdout.
            var actions: [String: Int] = [:]
            for line in run.stdoutText.split(separator: "\n") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                actions[object["action"] as! String, default: 0] += 1
            }
            let stats = try WinnowProcess.run(["audit", "stats", "--json"], in: directory)
            #expect(stats.status == 0, "stderr: \(stats.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(stats.stdout)) as! [String: Any]
            #expect(json["events"] as? Int == 1138)
            #expect(json["actions"] as? [String: Int] == actions)
            #expect((json["channels"] as? [String: Int])?.values.reduce(0, +) == 1138)

            // The second event of the sample is held for two spam phrases.
            let explain = try WinnowProcess.run(
                ["audit", "explain", "LZQPQhLyRh_C2cTtd9MvFRJedxydaVW-2sNg5Diuo4A"], in: directory)
            #expect(explain.status == 0)
            #expect(explain.stdoutText.contains("verdict: hold"))
            #expect(
                explain.stdoutText.contains(
                    #"1. stopword  -> hold  list "en/spam"  category "spam"  term "check out my new channel"  match "check out my new channel"  at characters 9..<33"#
                ))
            #expect(explain.stdoutText.contains("en/spam  \(WinnowProcess.repository.path)/Wordlists/en/spam.txt"))
            #expect(explain.stdoutText.contains("clock: event"))

            let author = try WinnowProcess.run(["audit", "author", "adam riyati"], in: directory)
            #expect(author.status == 0)
            #expect(
                author.stdoutText.hasPrefix(
                    "author adam riyati: 1 event, ts 2013-11-07T12:37:15Z to 2013-11-07T12:37:15Z\n"))

            let csv = try WinnowProcess.run(
                ["audit", "export", "--format", "csv", "--until", "2013-11-08"], in: directory)
            let rows = csv.stdoutText.split(separator: "\n")
            let header =
                "seq,id,line,author,channel,ts,action,rules,lists,terms,text,text_hash,source,config,recorded_at,"
                + "peer_uid,peer_pid"
            #expect(rows.first.map(String.init) == header)
            #expect(rows.count == 1 + 2)
            #expect(
                rows[2].contains(
                    ",hold,stopword;stopword;stopword;stopword,en/spam;en/promo;en/spam;en/promo,"
                        + "check out my new channel;my new channel;please subscribe;subscribe,"))

            let missing = try WinnowProcess.run(["audit", "explain", "no-such-id"], in: directory)
            #expect(missing.status == 1)
            #expect(missing.stderr == "winnow: no event with id no-such-id in winnow-audit.sqlite\n")
        }
    }

    @Test("--no-audit writes no file; --audit-text hash keeps only the SHA-256 of each text")
    func noAuditAndHash() throws {
        try withDirectory { directory in
            let input = Array(#"{"id":"h1","author":"a","text":"hello"}"#.utf8) + [10]
            let off = try WinnowProcess.run(["filter", "--no-audit"], input: input, in: directory)
            #expect(off.status == 0)
            #expect(
                !FileManager.default.fileExists(atPath: directory.appendingPathComponent("winnow-audit.sqlite").path))

            let hashed = try WinnowProcess.run(
                ["filter", "--audit", "h.sqlite", "--audit-text", "hash"], input: input, in: directory)
            #expect(hashed.status == 0, "stderr: \(hashed.stderr)")
            let entries = try AuditQueries(path: directory.appendingPathComponent("h.sqlite").path).events(id: "h1")
            #expect(entries.count == 1)
            #expect(entries.first?.text == nil)
            #expect(entries.first?.textHash == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        }
    }

    @Test("an unwritable audit path or a trail locked by another writer stops at start-up, before any verdict")
    func refusedAtStartUp() throws {
        try withDirectory { directory in
            let input = Array(#"{"author":"a","text":"hello"}"#.utf8) + [10]
            let unwritable = try WinnowProcess.run(
                ["filter", "--audit", "/nonexistent/dir/audit.sqlite"], input: input, in: directory)
            #expect(unwritable.status == 1)
            #expect(unwritable.stdout.isEmpty)
            #expect(
                unwritable.stderr.hasPrefix("winnow: cannot open the audit database /nonexistent/dir/audit.sqlite: "))

            let path = directory.appendingPathComponent("winnow-audit.sqlite").path
            _ = try AuditStore(path: path)
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            holder.arguments = [
                "python3", "-c",
                "import sqlite3,time; c=sqlite3.connect('\(path)', isolation_level=None); c.execute('begin immediate'); print('locked', flush=True); time.sleep(5)",
            ]
            let out = Pipe()
            holder.standardOutput = out
            try holder.run()
            defer {
                holder.terminate()
                holder.waitUntilExit()
            }
            _ = out.fileHandleForReading.availableData
            let locked = try WinnowProcess.run(["filter"], input: input, in: directory)
            #expect(locked.status == 1)
            #expect(locked.stdout.isEmpty)
            #expect(locked.stderr.contains("is locked by another writer"))
        }
    }

    @Test("kill -9 in the middle of a run: the file checks out, every released verdict is in it, a restart goes on")
    func killedMidRun() throws {
        // The feeder writes into a pipe whose reader gets killed: an error, not a signal.
        signal(SIGPIPE, SIG_IGN)
        try withDirectory { directory in
            let line = #"{"author":"a%d","channel":"c%d","text":"spam spam buy followers now %d"}"#
            let process = Process()
            process.executableURL = WinnowProcess.executable
            process.arguments = ["filter", "--batch-lines", "256"]
            process.currentDirectoryURL = directory
            let stdin = Pipe(), stdout = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Lines keep coming while verdicts are read; the kill lands in the middle of the stream.
            let feeder = Thread {
                for k in 0..<2_000_000 {
                    let text = String(format: line, k % 977, k % 7, k) + "\n"
                    do { try stdin.fileHandleForWriting.write(contentsOf: Data(text.utf8)) } catch { return }
                }
            }
            feeder.start()
            var released: [UInt8] = []
            while released.count < 3_000_000 {
                let chunk = stdout.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                released += chunk
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            // What reached the pipe before the kill was released too.
            released += stdout.fileHandleForReading.readDataToEndOfFile()
            try? stdin.fileHandleForWriting.close()
            if let cut = released.lastIndex(of: UInt8(ascii: "\n")) { released = Array(released[...cut]) }

            let path = directory.appendingPathComponent("winnow-audit.sqlite").path
            let recorded = try expectReleasedVerdictsRecorded(released, in: path)
            #expect(recorded >= 10_000)
            #expect(try AuditStore(path: path).integrityCheck() == "ok")

            let again = try WinnowProcess.run(
                ["filter"], input: Array(#"{"author":"b","text":"hello"}"#.utf8) + [10], in: directory)
            #expect(again.status == 0, "stderr: \(again.stderr)")
            #expect(try AuditStore(path: path).count(.events) == recorded + 1)
            #expect(try AuditStore(path: path).count(.runs) == 2)
        }
    }

    @Test(
        "a read-only file system is refused at start-up; a full disk stops the run with a message, every verdict released before it in the trail",
        .enabled(if: getuid() == 0, "needs root to mount a small tmpfs"))
    func fullDisk() throws {
        try withDirectory { directory in
            let disk = directory.appendingPathComponent("disk")
            try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
            func shell(_ command: String) throws -> Int32 {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", command]
                try process.run()
                process.waitUntilExit()
                return process.terminationStatus
            }
            guard try shell("mount -t tmpfs -o size=512k winnow-test '\(disk.path)' 2>/dev/null") == 0 else {
                Issue.record("mount failed although running as root")
                return
            }
            defer { _ = try? shell("umount '\(disk.path)'") }

            // First read-only: refused at start-up, nothing read, nothing released.
            #expect(try shell("mount -o remount,ro '\(disk.path)'") == 0)
            let readOnly = try WinnowProcess.run(
                ["filter", "--audit", disk.appendingPathComponent("ro.sqlite").path],
                input: Array(#"{"author":"a","text":"hello"}"#.utf8) + [10], in: directory)
            #expect(readOnly.status == 1)
            #expect(readOnly.stdout.isEmpty)
            #expect(readOnly.stderr.hasPrefix("winnow: cannot open the audit database \(disk.path)/ro.sqlite: "))
            #expect(try shell("mount -o remount,rw '\(disk.path)'") == 0)

            let line = #"{"author":"a","text":"hello there, this comment takes some room in the audit trail"}"# + "\n"
            let input = Array(String(repeating: line, count: 50_000).utf8)
            let path = disk.appendingPathComponent("audit.sqlite").path
            let run = try WinnowProcess.run(
                ["filter", "--audit", path, "--no-escalation", "--batch-lines", "64"], input: input, in: directory)
            #expect(run.status == 1)
            #expect(run.stderr.contains("database or disk is full"))
            #expect(
                run.stderr.contains("stopped: the verdicts of the batch that could not be recorded were not released"))
            let released = run.stdoutText.split(separator: "\n").count
            #expect(released > 0 && released < 50_000)
            #expect(try expectReleasedVerdictsRecorded(run.stdout, in: path) >= released)
            #expect(try AuditQueries(path: path).stats().events >= released)
        }
    }
}

@Suite("Audit trail retention")
struct AuditPruneTests {
    /// One strike is a timeout, the second timeout a ban for good.
    static let escalation =
        "escalation: {strikes: 1, ban_after_timeouts: 2, ban_duration: forever, strike_action: flag}\n"
    /// Five events of 1970: the troll's second comment is a ban for good.
    static let trollTimeline =
        [
            #"{"id":"a1","author":"troll","ts":1000,"text":"you shit"}"#,
            #"{"id":"a2","author":"troll","ts":2000,"text":"shit again"}"#,
            #"{"id":"a3","author":"troll","ts":3000,"text":"shit again"}"#,
            #"{"id":"b1","author":"calm","ts":1500,"text":"hello"}"#,
            #"{"id":"b2","author":"calm","ts":5000,"text":"hello again"}"#,
        ].joined(separator: "\n") + "\n"

    @Test("prune deletes old events, keeps a ban still in force with its row, and the trail stays consistent")
    func pruneKeepsPenaltiesInForce() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path
        try Self.escalation.write(
            to: directory.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        let events = Self.trollTimeline
        let run = try WinnowProcess.run(
            ["filter", "--clock", "event", "--wordlists", wordlists, "--policy", "policy.yaml"],
            input: Array(events.utf8),
            in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutText.contains(#""id":"a2","action":"ban""#), "\(run.stdoutText)")
        let trail = directory.appendingPathComponent("winnow-audit.sqlite").path

        let prune = try WinnowProcess.run(["audit", "prune", "--before", "4000", "--vacuum"], in: directory)
        #expect(prune.status == 0, "\(prune.stderr)")
        // a1 (its timeout over long ago), a3 and b1 go; a2 (the ban for good it imposed) stays.
        #expect(
            prune.stdoutText.hasPrefix(
                "pruned 3 events before 1970-01-01T01:06:40Z (kept 1 with a penalty in force or an open case), 2 author changes"
            ),
            "\(prune.stdoutText)")
        let store = try AuditStore(path: trail)
        #expect(try store.count(.events) == 2)
        // a2's strike and the ban it brought.
        #expect(try store.count(.authorChanges) == 2)
        #expect(try store.count(.runs) == 1)
        #expect(try store.count(.configs) == 1)
        #expect(try store.integrityCheck() == "ok")
        store.close()
        let author = try WinnowProcess.run(["audit", "author", "troll"], in: directory)
        #expect(author.stdoutText.contains("ban for good, after 1 strikes  (event a2"), "\(author.stdoutText)")

        let both = try WinnowProcess.run(["audit", "prune", "--before", "1", "--older-than", "1d"], in: directory)
        #expect(both.status == 64)
        #expect(both.stderr.contains("give one of --before TIME or --older-than DURATION"))
    }
    @Test("audit: retain in the policy: a live filter prunes its trail as it writes; replay never prunes")
    func livePruneFromPolicy() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path
        try Self.escalation.write(to: directory.appendingPathComponent("keep.yaml"), atomically: true, encoding: .utf8)
        try (Self.escalation + "audit: {retain: 1d, prune_every: 1h}\n").write(
            to: directory.appendingPathComponent("retain.yaml"), atomically: true, encoding: .utf8)
        let old = Self.trollTimeline
        let first = try WinnowProcess.run(
            ["filter", "--clock", "event", "--wordlists", wordlists, "--policy", "keep.yaml"], input: Array(old.utf8),
            in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        let trail = directory.appendingPathComponent("winnow-audit.sqlite").path
        func events() throws -> Int {
            let store = try AuditStore(path: trail)
            defer { store.close() }
            #expect(try store.integrityCheck() == "ok")
            return try store.count(.events)
        }
        #expect(try events() == 5)

        // replay with the same retention: a dump's old times are no reason to delete anything.
        try Data(old.utf8).write(to: directory.appendingPathComponent("dump.ndjson"))
        let replay = try WinnowProcess.run(
            ["replay", "--wordlists", wordlists, "--policy", "retain.yaml", "dump.ndjson"],
            in: directory)
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(!replay.stderr.contains("audit retention"), "\(replay.stderr)")
        #expect(try events() == 10)

        // A live run: its first commit prunes every event older than a day but the ban in force.
        let now = #"{"id":"n1","author":"new","text":"hello from today"}"# + "\n"
        let live = try WinnowProcess.run(
            ["filter", "--wordlists", wordlists, "--policy", "retain.yaml"], input: Array(now.utf8), in: directory)
        #expect(live.status == 0, "\(live.stderr)")
        #expect(
            live.stderr.contains(
                "winnow: audit retention: deleted 8 events older than 1d (kept 2 with a penalty in force or an open case)"
            ),
            "\(live.stderr)")
        #expect(try events() == 3)
        let author = try WinnowProcess.run(["audit", "author", "troll"], in: directory)
        #expect(author.stdoutText.contains("ban for good, after 1 strikes  (event a2"), "\(author.stdoutText)")

        let check = try WinnowProcess.run(["config", "check", "retain.yaml"], in: directory)
        #expect(check.stdoutText.contains("audit: live runs delete events older than 1d, every 1h\n"))
        try "audit: {retain: 10m}\n".write(
            to: directory.appendingPathComponent("short.yaml"), atomically: true, encoding: .utf8)
        let short = try WinnowProcess.run(["config", "check", "short.yaml"], in: directory)
        #expect(short.status == 2)
        #expect(short.stderr.contains("short.yaml:1:17: audit.retain: must be from 1h to 36500d"), "\(short.stderr)")
    }

}

@Suite("Audit trail: an author's strikes")
struct AuditStrikesTests {
    @Test("audit author gave a timeout's number of strikes but not which events they were; now it lists them")
    func strikesListedByEvent() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path
        try "stopwords: {categories: {profanity: reject}}\n".write(
            to: directory.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        // s0 is a strike too, but 20 minutes before the timeout: outside the 10m window.
        let events =
            [
                #"{"id":"s0","author":"troll","ts":1000,"text":"shit"}"#,
                #"{"id":"s1","author":"troll","ts":2200,"text":"you shit"}"#,
                #"{"id":"ok","author":"troll","ts":2210,"text":"hello"}"#,
                #"{"id":"s2","author":"troll","ts":2220,"text":"shit again"}"#,
                #"{"id":"s3","author":"troll","ts":2230,"text":"more shit"}"#,
            ].joined(separator: "\n") + "\n"
        let run = try WinnowProcess.run(
            ["filter", "--clock", "event", "--wordlists", wordlists, "--policy", "policy.yaml"],
            input: Array(events.utf8),
            in: directory)
        #expect(run.stdoutText.contains(#""id":"s3","action":"timeout""#), "\(run.stdoutText)\(run.stderr)")
        let author = try WinnowProcess.run(["audit", "author", "troll"], in: directory)
        #expect(
            author.stdoutText.contains("after 3 strikes  (event s3, seq 5)\n      strikes: s1, s2, s3\n"),
            "\(author.stdoutText)")
    }
}
