import Foundation
import Testing
import Synchronization
import WinnowAudit

#if canImport(Glibc)
    import Glibc
#endif

/// `winnow serve` against a real Unix socket, with real clients.
@Suite("Sidecar (real socket)")
struct ServeTests {
    let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path

    func json(_ line: String?) -> [String: Any] {
        (line.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any]) ?? [:]
    }

    /// One request on a connection of its own, and its answer.
    func ask(_ server: ServeProcess, _ line: String) throws -> [String: Any] {
        let client = try server.client()
        client.send(line + "\n")
        return json(client.readLine())
    }

    @Test("pipelined requests: one answer each, in order; ops; a bad line gets an error and the stream goes on")
    func protocolInOrder() throws {
        let server = try ServeProcess(["--wordlists", wordlists])
        defer { server.removeDirectory() }
        let client = try server.client()
        client.send(
            """
            {"id":"e1","author":"a","text":"what a shit day"}
            {"op":"health","id":"h"}
            not json at all
            {"id":"e2","author":"a","text":"hello"}
            {"op":"ban","author":"troll"}
            {"id":"e3","author":"troll","text":"hello"}
            {"op":"unban","author":"troll"}
            {"id":"e4","author":"troll","text":"hello"}
            {"op":"slow_mode","channel":"default","seconds":60}
            {"id":"e5","author":"s","text":"one"}
            {"id":"e6","author":"s","text":"two"}
            {"op":"slow_mode","channel":"default","reset":true}
            {"id":"e7","author":"s","text":"three"}
            {"op":"dance"}

            """)
        client.finishSending()
        let answers = client.readAll().map(json)
        #expect(answers.count == 14)
        #expect(
            answers.map { $0["id"] as? String ?? $0["op"] as? String ?? "" }
                == [
                    "e1", "h", "", "e2", "ban", "e3", "unban", "e4", "slow_mode", "e5", "e6", "slow_mode", "e7",
                    "dance",
                ])
        #expect(answers[0]["action"] as? String == "censor")
        #expect(answers[1]["ok"] as? Bool == true)
        #expect(answers[2]["action"] as? String == "error")
        #expect(answers[2]["line"] as? Int == 3)
        #expect(answers[3]["action"] as? String == "allow")
        #expect(answers[5]["action"] as? String == "ban")
        #expect(answers[6]["was"] as? String == "ban")
        #expect(answers[7]["action"] as? String == "allow")
        #expect(answers[8]["slow_mode"] as? String == "1m")
        #expect(answers[9]["action"] as? String == "allow")
        #expect(answers[10]["action"] as? String == "reject")
        #expect((answers[10]["reasons"] as? [[String: Any]])?.first?["rule"] as? String == "slow_mode")
        #expect(answers[12]["action"] as? String == "allow")
        #expect(answers[13]["ok"] as? Bool == false)
        let (status, log) = server.stop()
        #expect(status == 0, "log: \(log)")
        #expect(!FileManager.default.fileExists(atPath: server.socket))
        // Every event is in the audit trail with the uid and pid of the client (this process).
        let trail = server.directory.appendingPathComponent("winnow-audit.sqlite").path
        let entries = try AuditQueries(path: trail)
        // 7 events, the unreadable line, and the four moderator ops (ban, unban, two slow_mode).
        #expect(try entries.stats().events == 7 + 1 + 4)
        let store = try AuditStore(path: trail)
        // The ban and the unban (kept for the author's ledger).
        #expect(try store.count(.authorChanges) == 2)
        let peers = Process()
        peers.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        peers.arguments = [
            "python3", "-c",
            """
            import sqlite3; c = sqlite3.connect('\(trail)')
            print(c.execute('select count(*) from events where peer_uid = ? and peer_pid = ?', (\(getuid()), \(getpid()))).fetchone()[0])
            """,
        ]
        let out = Pipe()
        peers.standardOutput = out
        try peers.run()
        peers.waitUntilExit()
        #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "12\n")
        #expect(log.contains("uid \(getuid()) pid \(getpid())"))
    }

    @Test("64 clients at once, each pipelining 200 events: every answer comes back on its own connection, in order")
    func concurrentClients() throws {
        let server = try ServeProcess(["--wordlists", wordlists, "--rate-limit", "off", "--no-audit"])
        defer { server.removeDirectory() }
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 64) { c in
            guard let client = try? server.client() else { return failures.withLock { $0 += 1 } }
            let lines = (0..<200).map {
                #"{"id":"c\#(c)-\#($0)","author":"u\#(c)","channel":"ch\#(c % 4)","text":"message \#($0) from \#(c)"}"#
            }
            client.send(lines.joined(separator: "\n") + "\n")
            client.finishSending()
            let ids = client.readAll().map { json($0)["id"] as? String ?? "?" }
            if ids != (0..<200).map({ "c\(c)-\($0)" }) { failures.withLock { $0 += 1 } }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(server.stop().status == 0)
    }

    @Test("a reload of unchanged files gave the configuration a new hash (its clock left unset)")
    func noOpReloadKeepsTheHash() throws {
        let server = try ServeProcess(["--wordlists", wordlists, "--no-audit"])
        defer { server.removeDirectory() }
        let client = try server.client()
        client.send(#"{"op":"stats"}"# + "\n")
        let before = json(client.readLine())["config"] as? String
        client.send(#"{"op":"reload"}"# + "\n")
        let reload = json(client.readLine())
        #expect(reload["ok"] as? Bool == true)
        #expect(before != nil && reload["config"] as? String == before, "\(String(describing: before)) \(reload)")
        #expect(server.stop().status == 0)
    }

    @Test("reloads of unchanged files added a configs row each; the trail keeps one per configuration")
    func noOpReloadKeepsOneConfigsRow() throws {
        let server = try ServeProcess(["--wordlists", wordlists])
        defer { server.removeDirectory() }
        let client = try server.client()
        client.send(#"{"op":"reload"}"# + "\n" + #"{"op":"reload"}"# + "\n" + #"{"author":"a","text":"hello"}"# + "\n")
        let answers = client.readLines(3).map(json)
        #expect(answers[0]["ok"] as? Bool == true && answers[1]["ok"] as? Bool == true)
        #expect(answers[0]["config"] as? String == answers[1]["config"] as? String)
        #expect(server.stop().status == 0)
        let trail = server.directory.appendingPathComponent("winnow-audit.sqlite").path
        let store = try AuditStore(path: trail)
        #expect(try store.count(.configs) == 1)
        #expect(try store.count(.events) == 1)
    }

    @Test("limits are shared: a rate limit, a ban and slow-mode hold across connections")
    func sharedState() throws {
        let server = try ServeProcess(["--wordlists", wordlists, "--rate-limit", "2/1m", "--no-audit"])
        defer { server.removeDirectory() }
        func ask(_ line: String) throws -> [String: Any] { try self.ask(server, line) }
        #expect(try ask(#"{"author":"x","text":"one"}"#)["action"] as? String == "allow")
        #expect(try ask(#"{"author":"x","text":"two"}"#)["action"] as? String == "allow")
        let third = try ask(#"{"author":"x","text":"three"}"#)
        #expect(third["action"] as? String == "reject")
        #expect((third["reasons"] as? [[String: Any]])?.first?["rule"] as? String == "rate_limit")
        let timeout = try ask(#"{"op":"timeout","author":"y","seconds":600}"#)
        #expect(timeout["ok"] as? Bool == true)
        let timedOut = try ask(#"{"author":"y","text":"hi"}"#)
        #expect(timedOut["action"] as? String == "timeout")
        // The op's answer gave `until` to the microsecond and the verdict to the millisecond.
        #expect(timeout["until"] as? Double == timedOut["until"] as? Double, "\(timeout) \(timedOut)")
        #expect(server.stop().status == 0)
    }

    @Test(
        "two sidecars on one Redis (--shared): one rate limit for both, a ban through one holds on the other, strikes add up"
    )
    func twoSidecarsShareRedis() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let redis = try PrivateRedis(in: directory)
        let options = ["--wordlists", wordlists, "--rate-limit", "2/1m", "--no-audit", "--shared", redis.url]
        let a = try ServeProcess(options)
        let b = try ServeProcess(options)
        defer {
            a.removeDirectory()
            b.removeDirectory()
        }
        #expect(try ask(a, #"{"author":"x","text":"one"}"#)["action"] as? String == "allow")
        #expect(try ask(b, #"{"author":"x","text":"two"}"#)["action"] as? String == "allow")
        #expect(try ask(a, #"{"author":"x","text":"three"}"#)["action"] as? String == "reject")
        #expect(try ask(b, #"{"author":"x","text":"four"}"#)["action"] as? String == "reject")
        #expect(try ask(a, #"{"op":"ban","author":"raider"}"#)["ok"] as? Bool == true)
        let banned = try ask(b, #"{"author":"raider","text":"hello again"}"#)
        #expect(banned["action"] as? String == "ban")
        // Strikes add up over both sidecars: the third (on a) times the author out in Redis,
        // which b applies to the next event.
        #expect(try ask(a, #"{"id":"s1","author":"troll","text":"zorblax"}"#)["action"] as? String == "reject")
        #expect(try ask(b, #"{"id":"s2","author":"troll","text":"zorblax"}"#)["action"] as? String == "reject")
        #expect(try ask(a, #"{"id":"s3","author":"troll","text":"zorblax"}"#)["action"] as? String == "reject")
        var next: [String: Any] = [:]
        for _ in 0..<50 {
            next = try ask(b, #"{"id":"s4","author":"troll","text":"hi"}"#)
            if next["action"] as? String == "timeout" { break }
            usleep(20_000)  // the strikes are counted just after the answer
        }
        #expect(next["action"] as? String == "timeout")
        #expect(a.stop().status == 0)
        #expect(b.stop().status == 0)
    }

    /// Sidecars a client feeds by author (`RoutedClient`) keep every window to themselves and
    /// share only what is global through the logs, every 100 ms: a moderator's ban and unban,
    /// an escalation's timeout, a flood campaign spread over both.
    @Test("two sidecars with --shared-windows global: bans, lifts, timeouts and a campaign reach the other")
    func twoSidecarsShareTheGlobalLogs() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let redis = try PrivateRedis(in: directory)
        let options = ["--wordlists", wordlists, "--no-audit", "--shared", redis.url, "--shared-windows", "global"]
        let a = try ServeProcess(options)
        let b = try ServeProcess(options)
        defer {
            a.removeDirectory()
            b.removeDirectory()
        }
        /// `author`'s action on `server` once it is `action`: asked every 300 ms (the logs are
        /// read every 100 ms), at most five times, each time with other words (five comments
        /// stay within the built-in rate limit and make no repeat: b itself gives no strike).
        func eventually(_ server: ServeProcess, _ author: String, _ action: String) throws -> String? {
            var last: String?
            for text in ["hello there", "nice stream today", "what a play", "good game all", "see you soon"] {
                usleep(300_000)
                last = try ask(server, #"{"author":"\#(author)","text":"\#(text)"}"#)["action"] as? String
                if last == action { break }
            }
            return last
        }
        #expect(try ask(a, #"{"op":"ban","author":"raider"}"#)["ok"] as? Bool == true)
        #expect(try eventually(b, "raider", "ban") == "ban")
        #expect(try ask(a, #"{"op":"unban","author":"raider"}"#)["ok"] as? Bool == true)
        #expect(try eventually(b, "raider", "allow") == "allow")
        // Three strikes on a time the author out there; b holds it too.
        for k in 1...3 {
            #expect(try ask(a, #"{"id":"s\#(k)","author":"troll","text":"zorblax"}"#)["action"] != nil)
        }
        #expect(try eventually(b, "troll", "timeout") == "timeout")
        // Eight authors post one text, dealt alternately: each sidecar sees four, neither alone
        // would reach the flood's five; with the window log the later copies are refused.
        var flooded: [Int] = []
        for k in 1...8 {
            let verdict = try ask(
                k % 2 == 0 ? b : a,
                #"{"id":"f\#(k)","author":"c\#(k)","text":"visit quantum gadgets warehouse tonight"}"#)
            if (verdict["reasons"] as? [[String: Any]])?.contains(where: { $0["rule"] as? String == "flood" }) == true {
                flooded.append(k)
            }
            usleep(250_000)  // more than a round of the logs
        }
        #expect(flooded == [5, 6, 7, 8])
        #expect(a.stop().status == 0)
        #expect(b.stop().status == 0)
    }

    @Test(
        "--shared: 16 clients pipelining one author's events get the rate limit once in all, answers in order; an op waits for the events before it"
    )
    func sharedStepUnderConcurrentClients() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let redis = try PrivateRedis(in: directory)
        // The rate limit alone: the copies would otherwise be repeats.
        let policy = directory.appendingPathComponent("policy.yaml")
        try "repeat: {enabled: false}\nflood: {enabled: false}\n".write(to: policy, atomically: true, encoding: .utf8)
        let server = try ServeProcess([
            "--wordlists", wordlists, "--policy", policy.path, "--rate-limit", "10/1h", "--no-audit", "--shared",
            redis.url,
        ])
        defer { server.removeDirectory() }
        let allowed = Mutex(0), failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 16) { c in
            guard let client = try? server.client() else { return failures.withLock { $0 += 1 } }
            let lines = (0..<100).map {
                #"{"id":"c\#(c)-\#($0)","author":"spammer","text":"message \#($0) from \#(c)"}"#
            }
            client.send(lines.joined(separator: "\n") + "\n")
            client.finishSending()
            let answers = client.readAll().map { json($0) }
            if answers.map({ $0["id"] as? String ?? "?" }) != (0..<100).map({ "c\(c)-\($0)" }) {
                failures.withLock { $0 += 1 }
            }
            allowed.withLock { $0 += answers.filter { $0["action"] as? String == "allow" }.count }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(allowed.withLock { $0 } == 10)
        // Pipelined on one connection: the ban op comes after the first event, before the second.
        let client = try server.client()
        client.send(
            #"{"id":"1","author":"raider","text":"hi"}"# + "\n" + #"{"op":"ban","author":"raider"}"# + "\n"
                + #"{"id":"2","author":"raider","text":"hi again"}"# + "\n")
        let replies = client.readLines(3).map { json($0) }
        #expect(replies[0]["action"] as? String == "allow")
        #expect(replies[1]["ok"] as? Bool == true)
        #expect(replies[2]["action"] as? String == "ban")
        #expect(server.stop().status == 0)
    }

    @Test(
        "reload under load swaps the wordlists without losing a request; a broken configuration is refused and the old one keeps serving"
    )
    func reloadUnderLoad() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        let lists = directory.appendingPathComponent("lists/en")
        try FileManager.default.createDirectory(at: lists, withIntermediateDirectories: true)
        let list = lists.appendingPathComponent("spam.txt")
        try "@action: reject\nbuy followers\n".write(to: list, atomically: true, encoding: .utf8)
        // Stop words only: every reject comes from the list.
        let policy = directory.appendingPathComponent("policy.yaml")
        try """
        rate_limits: {author: off}
        repeat: {enabled: false}
        flood: {enabled: false}
        raid: {enabled: false}
        links: {enabled: false}
        noise: {enabled: false}
        escalation: {enabled: false}

        """.write(to: policy, atomically: true, encoding: .utf8)
        let server = try ServeProcess(
            ["--wordlists", directory.appendingPathComponent("lists").path, "--policy", policy.path, "--no-audit"],
            directory: directory)
        defer { server.removeDirectory() }
        let load = try server.client()
        let events = 20_000
        let feeder = Thread {
            for k in 0..<events {
                load.send(#"{"id":"\#(k)","author":"a\#(k % 50)","text":"cheap pills here \#(k)"}"# + "\n")
            }
            load.finishSending()
        }
        let control = try server.client()
        // State from before the reload must survive it.
        control.send(#"{"op":"ban","author":"z"}"# + "\n")
        #expect(json(control.readLine())["ok"] as? Bool == true)
        feeder.start()
        usleep(100_000)
        try "@action: reject\nbuy followers\ncheap pills\n".write(to: list, atomically: true, encoding: .utf8)
        control.send(#"{"op":"reload"}"# + "\n")
        #expect(json(control.readLine())["ok"] as? Bool == true)
        // Every request answered, in order; before the reload allowed, after it rejected.
        let answers = load.readAll().map(json)
        #expect(answers.count == events)
        #expect(answers.map { $0["id"] as? String } == (0..<events).map { String($0) })
        let actions = answers.map { $0["action"] as? String ?? "" }
        let firstReject = actions.firstIndex(of: "reject") ?? events
        #expect(firstReject < events)
        #expect(actions[firstReject...].allSatisfy { $0 == "reject" })
        #expect(actions[..<firstReject].allSatisfy { $0 == "allow" })

        try "@action: nonsense\n/(unclosed/\n".write(to: list, atomically: true, encoding: .utf8)
        control.send(#"{"op":"reload"}"# + "\n")
        let refused = json(control.readLine())
        #expect(refused["ok"] as? Bool == false)
        #expect((refused["error"] as? String)?.contains("reload refused, the running configuration stays") == true)
        control.send(#"{"author":"b","text":"cheap pills"}"# + "\n")
        #expect(json(control.readLine())["action"] as? String == "reject")
        control.send(#"{"author":"z","text":"hello again"}"# + "\n")
        #expect(json(control.readLine())["action"] as? String == "ban")
        // SIGHUP does the same as the op.
        try "@action: reject\nbuy followers\n".write(to: list, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        var reloaded = false
        for _ in 0..<100 where !reloaded {
            usleep(50_000)
            control.send(#"{"author":"c","text":"cheap pills"}"# + "\n")
            reloaded = json(control.readLine())["action"] as? String == "allow"
        }
        #expect(reloaded)
        let (status, log) = server.stop()
        #expect(status == 0)
        #expect(log.contains("reloaded on SIGHUP"))
    }

    @Test("SIGTERM drains: requests already sent are answered, the trail is committed, the socket removed, exit 0")
    func drain() throws {
        let server = try ServeProcess(["--wordlists", wordlists, "--rate-limit", "off"])
        defer { server.removeDirectory() }
        let client = try server.client()
        let count = 5_000
        client.send(
            (0..<count).map { #"{"id":"\#($0)","author":"a","text":"hi \#($0)"}"# }.joined(separator: "\n") + "\n")
        // Once the first answer is here every request has been read or is in the socket buffer.
        #expect(client.readLine() != nil)
        usleep(200_000)
        server.signal(SIGTERM)
        let rest = client.readAll()
        #expect(rest.count == count - 1)
        let (status, log) = server.stop()
        #expect(status == 0)
        #expect(log.contains("draining"))
        #expect(!FileManager.default.fileExists(atPath: server.socket))
        let trail = server.directory.appendingPathComponent("winnow-audit.sqlite").path
        #expect(try AuditQueries(path: trail).stats().events == count)
    }

    @Test("hostile clients: garbage, a giant line, a client that hangs up mid-line, a client that never reads")
    func hostileClients() throws {
        let server = try ServeProcess([
            "--wordlists", wordlists, "--rate-limit", "off", "--no-audit", "--max-line-bytes", "4096",
        ])
        defer { server.removeDirectory() }
        let garbage = try server.client()
        garbage.send([0xFF, 0xFE, 0x00, 0x41, 0x0A] + Array(#"{"author":"a","text":"ok"}"#.utf8) + [0x0A])
        #expect(json(garbage.readLine())["action"] as? String == "error")
        #expect(json(garbage.readLine())["action"] as? String == "allow")
        let giant = try server.client()
        giant.send(
            Array(repeating: UInt8(ascii: "x"), count: 1 << 20) + [0x0A] + Array(#"{"author":"a","text":"after"}"#.utf8)
                + [0x0A])
        let tooLong = json(giant.readLine())
        #expect(tooLong["action"] as? String == "error")
        #expect((tooLong["error"] as? String)?.contains("longer than the maximum of 4096 bytes") == true)
        #expect(json(giant.readLine())["action"] as? String == "allow")
        do {
            let hangUp = try server.client()
            hangUp.send(#"{"author":"a","text":"half a li"#)
        }
        // Sends a lot and reads nothing: the server stops reading from it, others go on.
        let stubborn = try server.client()
        let flood = Array(
            ((0..<2_000).map { #"{"author":"f","text":"padding padding padding padding padding \#($0)"}"# }
                .joined(separator: "\n") + "\n").utf8)
        let writer = Thread { for _ in 0..<50 { stubborn.send(flood) } }
        writer.start()
        usleep(500_000)
        let other = try server.client()
        let started = Date()
        other.send(#"{"author":"b","text":"still there?"}"# + "\n")
        #expect(json(other.readLine())["action"] as? String == "allow")
        #expect(Date().timeIntervalSince(started) < 5)
        let stats = try server.client()
        stats.send(#"{"op":"stats"}"# + "\n")
        #expect(json(stats.readLine())["ok"] as? Bool == true)
        shutdown(stubborn.fd, Int32(SHUT_RDWR))
        #expect(server.stop().status == 0)
    }

    @Test(
        "the socket: mode 0660, a stale file replaced, a live one refused, too many connections, idle clients, a uid not allowed"
    )
    func socketRules() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A stale socket: a file left by a process that is gone.
        let path = directory.appendingPathComponent("winnow.sock").path
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (k, b) in path.utf8.enumerated() { raw[k] = b } }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        close(stale)
        let server = try ServeProcess(
            ["--wordlists", wordlists, "--no-audit", "--max-connections", "2", "--idle-timeout", "1"],
            directory: directory)
        var info = stat()
        #expect(stat(server.socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        // A second server on the same socket is refused.
        let second = try WinnowProcess.run(
            ["serve", "--socket", server.socket, "--wordlists", wordlists, "--no-audit"], in: directory)
        #expect(second.status == 1)
        #expect(second.stderr.contains("another server is listening on \(server.socket)"))
        let one = try server.client(), two = try server.client()
        one.send(#"{"author":"a","text":"hi"}"# + "\n")
        #expect(json(one.readLine())["action"] as? String == "allow")
        two.send(#"{"author":"b","text":"hello"}"# + "\n")
        #expect(json(two.readLine())["action"] as? String == "allow")
        let three = try server.client()
        #expect(
            (json(three.readLine())["error"] as? String)?.hasPrefix("too many connections (the maximum is 2)") == true)
        // Idle for a second: told why, then closed.
        #expect((json(one.readLine())["error"] as? String)?.hasPrefix("idle for 1 s") == true)
        #expect(one.readLine() == nil)
        #expect(server.stop().status == 0)

        // Root may give the socket to any group; others only to their own.
        let group = getuid() == 0 ? 1 : Int(getgid())
        let picky = try ServeProcess([
            "--wordlists", wordlists, "--no-audit", "--allow-uid", "54321", "--socket-group", String(group),
        ])
        defer { picky.removeDirectory() }
        #expect(stat(picky.socket, &info) == 0)
        #expect(Int(info.st_gid) == group)
        let refused = try picky.client()
        #expect(
            (json(refused.readLine())["error"] as? String)
                == "uid \(getuid()) may not use this socket (see --allow-uid)")
        #expect(picky.stop().status == 0)
    }

    @Test("metrics: Prometheus text on --metrics, and the stats op")
    func metrics() throws {
        let port = WinnowProcess.freePort()
        let server = try ServeProcess(["--wordlists", wordlists, "--no-audit", "--metrics", "127.0.0.1:\(port)"])
        defer { server.removeDirectory() }
        let client = try server.client()
        client.send(
            #"{"author":"a","text":"what a shit day"}"# + "\n" + #"{"author":"b","text":"hello"}"# + "\n"
                + #"{"op":"stats"}"# + "\n")
        let answers = client.readLines(3).map(json)
        #expect(answers[2]["events"] as? Int == 2)
        #expect(answers[2]["actions"] as? [String: Int] == ["allow": 1, "censor": 1])
        #expect(answers[2]["rules"] as? [String: Int] == ["stopword": 1])
        let curl = try WinnowProcess.run(
            ["-s", "http://127.0.0.1:\(port)/metrics"], executable: URL(fileURLWithPath: "/usr/bin/curl"))
        #expect(curl.stdoutText.contains("winnow_events_total 2"))
        #expect(curl.stdoutText.contains(#"winnow_verdicts_total{action="censor"} 1"#))
        #expect(curl.stdoutText.contains(#"winnow_reasons_total{rule="stopword"} 1"#))
        #expect(curl.stdoutText.contains("winnow_request_duration_seconds_count 2"))
        // The buckets started at 5 ms: every request of a sidecar fell in the first.
        #expect(
            curl.stdoutText.contains(#"winnow_request_duration_seconds_bucket{le="0.00001"}"#), "\(curl.stdoutText)")
        #expect(curl.stdoutText.contains("winnow_open_connections 1"))
        // Unreadable lines and ops had no counter of their own on /metrics (ops so far: the
        // start-up health probes and the stats op; a ban without an author is refused).
        let opsBefore =
            curl.stdoutText.split(separator: "\n").first { $0.hasPrefix("winnow_ops_total ") }
            .flatMap { Int($0.split(separator: " ")[1]) } ?? -1
        client.send("not json\n" + #"{"op":"ban"}"# + "\n")
        #expect(client.readLines(2).count == 2)
        let after = try WinnowProcess.run(
            ["-s", "http://127.0.0.1:\(port)/metrics"], executable: URL(fileURLWithPath: "/usr/bin/curl")
        ).stdoutText
        #expect(opsBefore >= 1)
        #expect(after.contains("winnow_unreadable_lines_total 1"), "\(after)")
        #expect(after.contains("winnow_ops_total \(opsBefore + 1)"), "\(after)")
        #expect(after.contains("winnow_ops_refused_total 1"), "\(after)")
        // Every metric had only a TYPE line: promtool rejected them all for want of HELP.
        #expect(after.contains("# HELP winnow_events_total Events judged.\n# TYPE winnow_events_total counter"))
        try expectPromtoolAccepts(after)
        #expect(server.stop().status == 0)
    }

    @Test("metrics: the review queue's open cases, decisions by outcome, decision time and SLA misses")
    func queueMetrics() throws {
        let port = WinnowProcess.freePort()
        let folder = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let policy = folder.appendingPathComponent("policy.yaml").path
        try "queue: {sla: 1m}\n".write(toFile: policy, atomically: true, encoding: .utf8)
        let server = try ServeProcess([
            "--wordlists", wordlists, "--metrics", "127.0.0.1:\(port)", "--policy", policy,
        ])
        defer { server.removeDirectory() }
        let client = try server.client()
        // Two held comments, an hour old by their ts: two cases; one removed now (an SLA miss).
        let old = Int(Date().timeIntervalSince1970) - 3600
        client.send(
            #"{"id":"h1","author":"a","ts":\#(old),"text":"free stuff at bit.ly/x"}"# + "\n"
                + #"{"id":"h2","author":"b","ts":\#(old),"text":"cheap watches tinyurl.com/y"}"# + "\n")
        #expect(client.readLines(2).map { json($0)["action"] as? String } == ["hold", "hold"])
        client.send(#"{"op":"decide","case":1,"outcome":"remove","moderator":"ana"}"# + "\n")
        #expect(json(client.readLine())["ok"] as? Bool == true)
        let text = try WinnowProcess.run(
            ["-s", "http://127.0.0.1:\(port)/metrics"], executable: URL(fileURLWithPath: "/usr/bin/curl")
        ).stdoutText
        #expect(text.contains("winnow_queue_open_cases 1.0\n"), "\(text)")
        #expect(text.contains(#"winnow_queue_decisions_total{outcome="remove"} 1"#), "\(text)")
        #expect(text.contains("winnow_queue_decision_seconds_count 1\n"), "\(text)")
        #expect(text.contains(#"winnow_queue_decision_seconds_bucket{le="3600.0"} 0"#), "\(text)")
        #expect(text.contains("winnow_queue_sla_misses_total 1\n"), "\(text)")
        let oldest =
            text.split(separator: "\n").first { $0.hasPrefix("winnow_queue_oldest_open_seconds ") }
            .flatMap { Double($0.split(separator: " ")[1]) } ?? -1
        #expect(oldest >= 3600 && oldest < 3700, "\(text)")
        try expectPromtoolAccepts(text)
        #expect(server.stop().status == 0)
    }

    /// `promtool check metrics` (Debian's `prometheus` package, which scripts/install-deps
    /// installs) finds nothing wrong with `text`.
    func expectPromtoolAccepts(_ text: String) throws {
        let check = try WinnowProcess.run(
            ["promtool", "check", "metrics"], input: Array(text.utf8), executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(check.status == 0, "promtool check metrics: \(check.stdoutText)\(check.stderr)")
    }

    @Test("a metrics address already in use: the error names the flag and the address, and no socket file is left")
    func metricsAddressInUse() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Hold a port: a listening TCP socket on loopback.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(holder, pointer, length) == 0 && listen(holder, 1) == 0
                    && getsockname(holder, pointer, &length) == 0
            }
        }
        #expect(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let socketPath = directory.appendingPathComponent("winnow.sock").path
        let run = try WinnowProcess.run(
            [
                "serve", "--socket", socketPath, "--wordlists", wordlists, "--no-audit", "--metrics",
                "127.0.0.1:\(port)",
            ],
            in: directory)
        #expect(run.status == 1)
        #expect(run.stderr.contains("--metrics 127.0.0.1:\(port): cannot listen there"), "\(run.stderr)")
        #expect(run.stderr.contains("Address already in use"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: socketPath))
    }

    @Test("metrics with --shared: the store's reachability and the events judged under the failure policy")
    func sharedMetrics() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let redis = try PrivateRedis(in: directory)
        let port = WinnowProcess.freePort()
        let server = try ServeProcess([
            "--wordlists", wordlists, "--no-audit", "--shared", redis.url, "--metrics", "127.0.0.1:\(port)",
        ])
        defer { server.removeDirectory() }
        func scrape() throws -> String {
            try WinnowProcess.run(
                ["-s", "http://127.0.0.1:\(port)/metrics"], executable: URL(fileURLWithPath: "/usr/bin/curl")
            ).stdoutText
        }
        let client = try server.client()
        client.send(#"{"author":"a","text":"hello"}"# + "\n")
        #expect(json(client.readLine())["action"] as? String == "allow")
        #expect(try scrape().contains("winnow_shared_reachable 1"))
        redis.kill()
        client.send(#"{"author":"a","text":"hello again"}"# + "\n" + #"{"author":"b","text":"hi"}"# + "\n")
        // Open (the default): judged on the sidecar's own windows.
        #expect(client.readLines(2).map { json($0)["action"] as? String } == ["allow", "allow"])
        let metrics = try scrape()
        #expect(metrics.contains("winnow_shared_reachable 0"), "\(metrics)")
        #expect(metrics.contains("winnow_shared_unavailable_events_total 2"), "\(metrics)")
        try expectPromtoolAccepts(metrics)
        #expect(server.stop().status == 0)
    }

    /// Connects as user `nobody` and sends one line (by default an event); the first line
    /// back, or why not.
    func connectAsNobody(_ path: String, send line: String = #"{"author":"n","text":"hello"}"#) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            """
            import os, socket
            os.setgroups([]); os.setgid(65534); os.setuid(65534)
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect('\(path)')
            except OSError as e:
                print('refused:', e.strerror); raise SystemExit
            try:
                s.sendall(\(String(reflecting: line)).encode() + b'\\n')
            except OSError:
                pass  # refused and closed before the event went out: the refusal is still to be read
            print(s.makefile().readline().strip())
            """,
        ]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(
        "a second user: kept out by the socket's mode, let in by its group, refused by the uid allow-list; nothing written is world-writable",
        .enabled(if: getuid() == 0, "needs root to act as a second user"))
    func secondUser() throws {
        // The default 0660 root:root socket: nobody may not even connect.
        let closed = try ServeProcess(["--wordlists", wordlists])
        defer { closed.removeDirectory() }
        chmod(closed.directory.path, 0o755)
        #expect(try connectAsNobody(closed.socket) == "refused: Permission denied")
        #expect(closed.stop().status == 0)
        // Nothing the sidecar wrote may be changed by others: the audit trail and its journal files.
        for name in ["winnow-audit.sqlite", "winnow-audit.sqlite-wal", "winnow-audit.sqlite-shm"] {
            var info = stat()
            guard stat(closed.directory.appendingPathComponent(name).path, &info) == 0 else { continue }
            #expect(info.st_mode & 0o002 == 0, "\(name) is world-writable")
        }

        // The socket given to nobody's group: nobody is served.
        let shared = try ServeProcess(["--wordlists", wordlists, "--no-audit", "--socket-group", "65534"])
        defer { shared.removeDirectory() }
        chmod(shared.directory.path, 0o755)
        #expect(try connectAsNobody(shared.socket).contains(#""action":"allow""#))
        #expect(shared.stop().status == 0)

        // The same, with only root allowed: nobody connects and is told no.
        let picky = try ServeProcess([
            "--wordlists", wordlists, "--no-audit", "--socket-group", "65534", "--allow-uid", "0",
        ])
        defer { picky.removeDirectory() }
        chmod(picky.directory.path, 0o755)
        #expect(
            try connectAsNobody(picky.socket) == #"{"error":"uid 65534 may not use this socket (see --allow-uid)"}"#)
        #expect(picky.stop().status == 0)
    }
}

@Suite("The audit trail for a moderator")
struct ModeratorAuditTests {
    let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path

    @Test(
        "audit author counted a moderator's ops as verdicts (an unban as an allow); now they are listed apart with who and why"
    )
    func authorHistoryListsOps() throws {
        let server = try ServeProcess(["--wordlists", wordlists])
        defer { server.removeDirectory() }
        let client = try server.client()
        client.send(
            [
                #"{"id":"e1","author":"troll","channel":"c1","text":"hello"}"#,
                #"{"id":"e2","author":"troll","channel":"c2","text":"what a shit day"}"#,
                #"{"op":"timeout","author":"troll","seconds":600,"moderator":"ana","note":"spam burst"}"#,
                #"{"op":"unban","author":"troll","moderator":"bo"}"#,
                #"{"id":"e3","author":"troll","channel":"c1","text":"sorry"}"#,
                #"{"id":"e4","author":"other","channel":"c1","text":"shit"}"#,
            ].joined(separator: "\n") + "\n")
        let answers = client.readLines(6)
        #expect(answers.count == 6)
        #expect(server.stop().status == 0)
        let trail = server.directory.appendingPathComponent("winnow-audit.sqlite").path

        let author = try WinnowProcess.run(["audit", "author", "troll", "--audit", trail])
        #expect(author.status == 0, "\(author.stderr)")
        let lines = author.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("author troll: 3 events"), "\(author.stdoutText)")
        #expect(lines[1] == "  verdicts: allow 2, censor 1")
        #expect(lines.contains("  moderator ops: "))
        #expect(
            lines.contains { $0.contains("timeout until ") && $0.hasSuffix("by ana: spam burst  (seq 3)") }, "\(lines)")
        #expect(lines.contains { $0.contains("unban (lifted: timeout) by bo  (seq 4)") }, "\(lines)")
        #expect(!lines.contains { $0.contains(#"{"op":"#) }, "ops listed among the events: \(lines)")

        // export: filters, and the peer columns the docs promise.
        let censored = try WinnowProcess.run(["audit", "export", "--audit", trail, "--action", "censor"])
        #expect(censored.stdoutText.split(separator: "\n").count == 2)
        let byRule = try WinnowProcess.run(
            ["audit", "export", "--audit", trail, "--rule", "stopword", "--author", "troll", "--channel", "c2"])
        let rows = byRule.stdoutText.split(separator: "\n")
        #expect(rows.count == 1)
        #expect(rows.first?.contains(#""id":"e2""#) == true)
        #expect(rows.first?.contains(#""peer_uid":\#(getuid()),"peer_pid":\#(getpid())"#) == true, "\(rows)")
        let csv = try WinnowProcess.run(["audit", "export", "--audit", trail, "--format", "csv", "--author", "other"])
        let csvLines = csv.stdoutText.split(separator: "\n")
        #expect(csvLines.first?.hasSuffix(",recorded_at,peer_uid,peer_pid") == true)
        #expect(csvLines.count == 2 && csvLines[1].hasSuffix(",\(getuid()),\(getpid())"), "\(csvLines)")
        let bad = try WinnowProcess.run(["audit", "export", "--audit", trail, "--action", "nuke"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--action: 'nuke' is not an action"))
    }
}
