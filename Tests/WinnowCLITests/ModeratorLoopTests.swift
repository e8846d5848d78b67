import Foundation
import Testing

/// Decisions that undo and sanction, and appeals, on a real `winnow serve` over its socket,
/// with its real trail: what a moderator decides reaches the authors' state.
@Suite("The moderator loop: undo in full, sanctions, appeals (end to end)")
struct ModeratorLoopTests {
    let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path

    func json(_ line: String?) -> [String: Any] {
        guard let line, let data = line.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }

    /// A sidecar on event time whose holds are strikes: two strikes in a minute time an author
    /// out for 10 minutes, the second timeout is a ban for good.
    func server() throws -> ServeProcess {
        let folder = try WinnowProcess.makeTemporaryDirectory()
        let policy = folder.appendingPathComponent("policy.yaml").path
        try """
        clock: event
        escalation: {strike_action: hold, strikes: 2, window: 1m, timeout: 10m, ban_after_timeouts: 2}
        """.write(toFile: policy, atomically: true, encoding: .utf8)
        return try ServeProcess(["--wordlists", wordlists, "--policy", policy], directory: folder)
    }

    /// One answer per line sent, as JSON objects.
    func exchange(_ client: UnixClient, _ lines: [String]) -> [[String: Any]] {
        client.send(lines.joined(separator: "\n") + "\n")
        return client.readLines(lines.count).map { json($0) }
    }

    @Test(
        "approving a case takes its strikes back: a timeout they led to is lifted, a ban other strikes earned is kept"
    )
    func approveLiftsTimeoutKeepsBan() throws {
        let server = try server()
        defer { server.removeDirectory() }
        let client = try server.client()
        let verdicts = exchange(
            client,
            [
                // q: a held link (strike), then two timeouts' worth of rejects: banned at 905.
                #"{"id":"q1","author":"q","channel":"c","ts":100,"text":"free stuff at bit.ly/x"}"#,
                #"{"id":"q2","author":"q","channel":"c","ts":200,"text":"zorblax one"}"#,
                #"{"id":"q3","author":"q","channel":"c","ts":205,"text":"you zorblax two"}"#,
                #"{"id":"q4","author":"q","channel":"c","ts":900,"text":"zorblax three"}"#,
                #"{"id":"q5","author":"q","channel":"c","ts":905,"text":"big zorblax four"}"#,
                // p: the same held link (joins q's case), then a reject: timed out until 1610.
                #"{"id":"p1","author":"p","channel":"c","ts":1000,"text":"free stuff at bit.ly/x"}"#,
                #"{"id":"p2","author":"p","channel":"c","ts":1010,"text":"zorblax five"}"#,
            ])
        #expect(
            verdicts.map { $0["action"] as? String } == [
                "hold", "reject", "timeout", "reject", "ban", "hold", "timeout",
            ])
        // The case shows its authors' records: strikes, penalties, their other latest comments.
        let shown = exchange(client, [#"{"op":"case","case":1}"#])[0]
        let records = (shown["authors"] as? [[String: Any]] ?? []).map { record in
            "\(record["author"]!) \(record["strikes"]!) \(record["timeouts"]!) \(record["bans"]!) "
                + (record["recent"] as? [[String: Any]] ?? []).map { $0["id"] as? String ?? "" }.joined(separator: ",")
        }
        #expect(records == ["q 5 1 1 q5,q4,q3,q2", "p 2 1 0 p2"], "\(shown)")
        let decided = exchange(client, [#"{"op":"decide","case":1,"outcome":"approve","moderator":"ana"}"#])[0]
        #expect(decided["ok"] as? Bool == true, "\(decided)")
        #expect(decided["comments"] as? [String] == ["q1", "p1"])
        let changes = (decided["changes"] as? [[String: String]] ?? []).map { "\($0["author"]!) \($0["change"]!)" }
        #expect(changes == ["p strike_removed", "p lifted", "q strike_removed", "q kept"], "\(decided)")
        let whys = (decided["changes"] as? [[String: String]] ?? []).compactMap { $0["why"] }
        #expect(
            whys.contains(
                "case 1 approved by ana: timeout lifted: the remaining strikes do not reach it"), "\(whys)")

        // The next events: p is free again, q still banned.
        let after = exchange(
            client,
            [
                #"{"id":"p3","author":"p","channel":"c","ts":1020,"text":"sorry about that"}"#,
                #"{"id":"q6","author":"q","channel":"c","ts":1020,"text":"let me back"}"#,
            ])
        #expect(after.map { $0["action"] as? String } == ["allow", "ban"])
        #expect(server.stop().status == 0)

        // The trail says what changed and why.
        let trail = server.directory.appendingPathComponent("winnow-audit.sqlite").path
        let rows = try WinnowProcess.run(
            [
                trail,
                "SELECT author, change, coalesce(decision, '') FROM author_changes WHERE change != 'strike' ORDER BY rowid",
            ],
            executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
        #expect(
            rows.stdoutText.split(separator: "\n") == [
                "q|timeout|", "q|ban|", "p|timeout|", "p|strike_removed|1", "p|lifted|1", "q|strike_removed|1",
                "q|kept|1",
            ])
    }

    @Test("an appeal on a ban overturned lifts it; uphold changes nothing; bad appeals are refused with why")
    func appealOverturnsBan() throws {
        let server = try server()
        defer { server.removeDirectory() }
        let client = try server.client()
        let verdicts = exchange(
            client,
            [
                #"{"id":"q2","author":"q","channel":"c","ts":200,"text":"zorblax one"}"#,
                #"{"id":"q3","author":"q","channel":"c","ts":205,"text":"you zorblax two"}"#,
                #"{"id":"q4","author":"q","channel":"c","ts":900,"text":"zorblax three"}"#,
                #"{"id":"q5","author":"q","channel":"c","ts":905,"text":"big zorblax four"}"#,
                #"{"id":"q6","author":"q","channel":"c","ts":910,"text":"why can I not post"}"#,
                #"{"id":"r1","author":"r","channel":"c","ts":911,"text":"zorblax six"}"#,
                #"{"id":"ok","author":"s","channel":"c","ts":912,"text":"a lovely day"}"#,
            ])
        #expect(
            verdicts.map { $0["action"] as? String } == [
                "reject", "timeout", "reject", "ban", "ban", "reject", "allow",
            ])
        // q appeals the verdict given because the ban was in force: its source, q5's strike, is undone.
        let appeals = exchange(
            client,
            [
                #"{"op":"appeal","id":"q6","message":"I was quoting a film"}"#,
                #"{"op":"appeal","id":"q6","message":"again"}"#,
                #"{"op":"appeal","id":"ok"}"#,
                #"{"op":"appeal","id":"nope"}"#,
                #"{"op":"appeal","id":"r1"}"#,
                #"{"op":"queue"}"#,
            ])
        #expect(appeals[0]["case"] as? Int == 1, "\(appeals[0])")
        #expect(appeals[1]["error"] as? String == "an appeal on comment q6 is already open: case 1")
        #expect(appeals[2]["error"] as? String == "nothing to appeal: comment ok was not taken down (allow)")
        #expect(appeals[3]["error"] as? String == "no verdict for comment nope in the audit trail")
        #expect(appeals[4]["case"] as? Int == 2)
        let queued = (appeals[5]["cases"] as? [[String: Any]] ?? [])
        #expect(queued.map { $0["severity"] as? String } == ["appeal", "appeal"])
        #expect(queued.first?["message"] as? String == "I was quoting a film")

        let decisions = exchange(
            client,
            [
                #"{"op":"decide","case":1,"outcome":"approve","moderator":"ana"}"#,
                #"{"op":"decide","case":1,"outcome":"overturn","moderator":"ana"}"#,
                #"{"op":"decide","case":2,"outcome":"uphold","moderator":"bo"}"#,
            ])
        #expect(decisions[0]["error"] as? String == "case 1 is an appeal: decide it uphold or overturn")
        let overturned = (decisions[1]["changes"] as? [[String: String]] ?? []).map {
            "\($0["author"]!) \($0["change"]!)"
        }
        #expect(overturned == ["q strike_removed", "q lifted"], "\(decisions[1])")
        #expect((decisions[2]["changes"] as? [Any])?.isEmpty == true, "\(decisions[2])")
        let next = exchange(
            client,
            [
                #"{"id":"q7","author":"q","channel":"c","ts":920,"text":"thank you"}"#,
                #"{"id":"r2","author":"r","channel":"c","ts":921,"text":"zorblax seven"}"#,
            ])
        // q's first timeout (strikes q2, q3) had ended; r's two strikes are a timeout.
        #expect(next.map { $0["action"] as? String } == ["allow", "timeout"])
        #expect(server.stop().status == 0)

        // Decisions teach: the overturned verdict is a negative label, the upheld one positive.
        let trail = server.directory.appendingPathComponent("winnow-audit.sqlite").path
        let labels = try WinnowProcess.run(["queue", "labels", "--audit", trail])
        let rows = labels.stdoutText.split(separator: "\n").map { json(String($0)) }
        #expect(rows.map { "\($0["id"] as? String ?? "") \($0["label"] as? Int ?? -1)" } == ["q6 0", "r1 1"])
        // The figures count appeals apart, and the share overturned.
        let stats = json(try WinnowProcess.run(["queue", "stats", "--json", "--audit", trail]).stdoutText)
        #expect(
            [stats["open"], stats["approved"], stats["removed"], stats["upheld"], stats["overturned"]].map {
                $0 as? Int
            }
                == [0, 0, 0, 1, 1], "\(stats)")
        let table = try WinnowProcess.run(["queue", "stats", "--audit", trail]).stdoutText
        #expect(table.split(separator: "\n").last?.hasSuffix("1 of 2") == true, "\(table)")
    }

    @Test("a decision made on the command line reaches a running sidecar: remove with a ban bans the case's authors")
    func commandLineSanctionReachesServe() throws {
        let server = try server()
        defer { server.removeDirectory() }
        let client = try server.client()
        let held = exchange(
            client,
            [
                #"{"id":"a1","author":"a","channel":"c","ts":100,"text":"cheap watches at tinyurl.com/w"}"#,
                #"{"id":"b1","author":"b","channel":"c","ts":101,"text":"cheap watches at tinyurl.com/w"}"#,
            ])
        #expect(held.map { $0["action"] as? String } == ["hold", "hold"])
        let trail = server.directory.appendingPathComponent("winnow-audit.sqlite").path
        let decide = try WinnowProcess.run(
            ["queue", "decide", "1", "remove", "--ban", "forever", "--moderator", "cy", "--audit", trail])
        #expect(decide.status == 0, "\(decide.stderr)")
        #expect(decide.stdoutText == "case 1: removed by cy (2 comments: a1, b1); ban for good for its authors\n")
        // The sidecar reads the decision from the trail within a fraction of a second.
        var actions: [String?] = []
        for attempt in 0..<50 {
            actions = exchange(
                client,
                [
                    #"{"id":"a\#(attempt + 2)","author":"a","channel":"c","ts":110,"text":"hello"}"#,
                    #"{"id":"b\#(attempt + 2)","author":"b","channel":"c","ts":110,"text":"hello"}"#,
                ]
            ).map { $0["action"] as? String }
            if actions == ["ban", "ban"] { break }
            usleep(100_000)
        }
        #expect(actions == ["ban", "ban"])
        let bad = try WinnowProcess.run(["queue", "decide", "1", "approve", "--timeout", "10m", "--audit", trail])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--timeout and --ban go with remove"), "\(bad.stderr)")
        #expect(server.stop().status == 0)
        let why = try WinnowProcess.run(
            [
                trail,
                "SELECT author, change, until IS NULL, why FROM author_changes WHERE decision IS NOT NULL ORDER BY author",
            ],
            executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
        #expect(
            why.stdoutText == "a|ban|1|case 1 removed by cy: ban for good\nb|ban|1|case 1 removed by cy: ban for good\n"
        )
    }
}

@Suite("The known-spam bank (end to end)")
struct KnownSpamBankTests {
    let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path

    func exchange(_ client: UnixClient, _ lines: [String]) -> [[String: Any]] {
        client.send(lines.joined(separator: "\n") + "\n")
        return client.readLines(lines.count).map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
        }
    }

    @Test(
        "a removed text's later copies are known spam, an approved text's copies are held no more, and the bank outlives a restart"
    )
    func removedCopiesAreKnown() throws {
        let folder = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "clock: event\n".write(
            to: folder.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        let arguments = ["--wordlists", wordlists, "--policy", folder.appendingPathComponent("policy.yaml").path]
        let spam = "win a free phone today at bit.ly/phone giveaway friends"
        let watches = "cheap designer watches for sale tinyurl.com/w"
        do {
            let server = try ServeProcess(arguments, directory: folder)
            let client = try server.client()
            let held = exchange(
                client,
                [
                    #"{"id":"s1","author":"a","channel":"c","ts":100,"text":"\#(spam)"}"#,
                    #"{"id":"w1","author":"b","channel":"c","ts":101,"text":"\#(watches)"}"#,
                ])
            #expect(held.map { $0["action"] as? String } == ["hold", "hold"])
            let decided = exchange(
                client,
                [
                    #"{"op":"decide","case":1,"outcome":"remove","moderator":"ana"}"#,
                    #"{"op":"decide","case":2,"outcome":"approve","moderator":"ana"}"#,
                ])
            #expect(decided.map { $0["ok"] as? Bool } == [true, true])
            let later = exchange(
                client,
                [
                    #"{"id":"s2","author":"z","channel":"c","ts":200,"text":"WIN a free phone today at bit.ly/phone giveaway friends!!"}"#,
                    #"{"id":"w2","author":"y","channel":"c","ts":201,"text":"\#(watches)"}"#,
                ])
            #expect(later[0]["action"] as? String == "reject", "\(later[0])")
            let known = (later[0]["reasons"] as? [[String: Any]] ?? []).first { $0["rule"] as? String == "known_spam" }
            #expect(known?["message"] as? String == "a near-copy of comments moderators removed 1 time")
            #expect(known?["count"] as? Int == 1)
            // The approved text: its links hold is kept for the record but not acted on.
            #expect(later[1]["action"] as? String == "allow", "\(later[1])")
            let reasons = later[1]["reasons"] as? [[String: Any]] ?? []
            #expect(reasons.map { $0["rule"] as? String } == ["links", "known_spam"])
            #expect(reasons.first?["dry_run"] as? Bool == true)
            #expect(
                reasons.last?["message"] as? String
                    == "a near-copy of comments moderators approved 1 time: not held again")
            #expect(server.stop().status == 0)
        }
        // A new process on the same trail starts with the bank.
        let again = try ServeProcess(arguments, directory: folder)
        let client = try again.client()
        let copy = exchange(client, [#"{"id":"s3","author":"x","channel":"c","ts":300,"text":"\#(spam)"}"#])[0]
        #expect(copy["action"] as? String == "reject", "\(copy)")
        #expect(again.stop().status == 0)
        let trail = folder.appendingPathComponent("winnow-audit.sqlite").path
        let bank = try WinnowProcess.run(
            [trail, "SELECT removals, approvals, last_case FROM known_copies ORDER BY last_case"],
            executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
        #expect(bank.stdoutText == "1|0|1\n0|1|2\n")
    }
}

@Suite("Decisions reach a running filter (end to end)")
struct FilterFollowsDecisionsTests {
    @Test("a ban decided with `winnow queue decide` while `filter` runs bans the case's authors in the same run")
    func banReachesFilter() throws {
        signal(SIGPIPE, SIG_IGN)
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path
        let process = Process()
        process.executableURL = WinnowProcess.executable
        process.arguments = ["filter", "--wordlists", wordlists, "--clock", "event"]
        process.currentDirectoryURL = directory
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            try? stdin.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        var pending: [UInt8] = []
        func send(_ line: String) throws { try stdin.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8)) }
        func readLine() -> String? {
            while true {
                if let end = pending.firstIndex(of: 10) {
                    defer { pending.removeFirst(end + 1) }
                    return String(decoding: pending[..<end], as: UTF8.self)
                }
                let chunk = stdout.fileHandleForReading.availableData
                if chunk.isEmpty { return nil }
                pending += chunk
            }
        }
        try send(#"{"id":"a1","author":"a","channel":"c","ts":100,"text":"cheap watches at tinyurl.com/w"}"#)
        #expect(readLine()?.contains(#""action":"hold""#) == true)
        let trail = directory.appendingPathComponent("winnow-audit.sqlite").path
        // The verdict is released after its row (and its case) is committed.
        let decide = try WinnowProcess.run(["queue", "decide", "1", "remove", "--ban", "forever", "--audit", trail])
        #expect(decide.status == 0, "\(decide.stderr)")
        var last = ""
        for attempt in 0..<50 {
            try send(#"{"id":"a\#(attempt + 2)","author":"a","channel":"c","ts":110,"text":"hello"}"#)
            last = readLine() ?? ""
            if last.contains(#""action":"ban""#) { break }
            usleep(100_000)
        }
        #expect(last.contains(#""action":"ban""#), "\(last)")
        try send(#"{"id":"z1","author":"z","channel":"c","ts":120,"text":"cheap watches at tinyurl.com/w"}"#)
        // The removed text's copy is known spam now, in the same run.
        let copy = readLine() ?? ""
        #expect(copy.contains(#""rule":"known_spam""#) && copy.contains(#""action":"reject""#), "\(copy)")
    }
}
