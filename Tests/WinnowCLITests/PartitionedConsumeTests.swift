import Foundation
import Testing
import WinnowShared

/// A stream partitioned by author (`winnow route`), read by consumers that each own some of
/// the partitions (`winnow consume --partitions`), against one `winnow filter` alone.
@Suite("Partitioned streams")
struct PartitionedConsumeTests {
    let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path

    /// 800 events of 40 authors in one channel, 0.2 s apart, bursts of one author included:
    /// rate limits, repeats, strikes and timeouts fire.
    static func events() -> [String] {
        let texts = [
            "hello there", "nice stream today", "what a play that was", "anyone here from spain",
            "this music is great", "buy cheap followers now", "lol",
        ]
        return (0..<800).map { k in
            let author = k < 400 ? "u\(k % 40)" : "u\((k / 10) % 40)"
            // Three in four made distinct by a word of their own (digits would not do: the
            // sketch leaves them out), so that rate limits fire besides repeats.
            var text = texts[(k / 3 + k % 40) % texts.count]
            if k % 4 != 0 {
                text +=
                    " x" + String(UnicodeScalar(UInt8(97 + k % 26))) + String(UnicodeScalar(UInt8(97 + (k / 26) % 26)))
            }
            let ts = 1_700_000_000.0 + Double(k) * 0.2
            return #"{"id":"e\#(k)","author":"\#(author)","channel":"c","ts":\#(ts),"text":"\#(text)"}"#
        }
    }

    /// The lines a stream entry's value field holds (`event`/`verdict`: one; `events`/`verdicts`:
    /// several, joined by newlines), for each entry of `key`: (entry id, lines).
    static func entryLines(_ redis: RedisConnection, _ key: String) throws -> [(entry: String, lines: [String])] {
        guard case .array(let items) = try redis.command(["XRANGE", key, "-", "+"]) else { return [] }
        return items.compactMap { item in
            guard case .array(let parts) = item, let id = parts[0].text, case .array(let fields) = parts[1],
                let value = fields.last?.text
            else { return nil }
            // A verdict entry is `entry ID verdict(s) VALUE`; an input entry `event(s) VALUE`.
            let field = fields[fields.count - 2].text ?? ""
            let lines = field.hasSuffix("s") ? value.split(separator: "\n").map(String.init) : [value]
            return (fields.count == 4 ? fields[1].text ?? id : id, lines)
        }
    }

    /// The verdicts of every entry of `key`'s verdict stream, by event id.
    func verdicts(_ redis: RedisConnection, _ key: String) throws -> [String: String] {
        var byID: [String: String] = [:]
        for verdict in try Self.entryLines(redis, key).flatMap(\.lines) {
            guard let object = try JSONSerialization.jsonObject(with: Data(verdict.utf8)) as? [String: Any],
                let id = object["id"] as? String
            else { continue }
            byID[id] = verdict
        }
        return byID
    }

    /// A private Redis and the 800 events judged by one `filter` alone, per-author rules only
    /// (flood and raid read other authors' state), event time, every event at its own time.
    /// A temporary folder with a private Redis in it, connected.
    struct Scratch {
        let directory: URL
        let server: PrivateRedis
        let redis: RedisConnection
        let partitions = StreamPartitions(stream: "in", count: 4)

        init() throws {
            directory = try WinnowProcess.makeTemporaryDirectory()
            server = try PrivateRedis(in: directory)
            redis = try RedisConnection(SharedAddress(parsing: server.url))
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }

        /// An event of channel `c`, `ts` seconds after 1,700,000,000.
        static func event(_ id: String, _ author: String, _ ts: Double, _ text: String) -> String {
            #"{"id":"\#(id)","author":"\#(author)","channel":"c","ts":\#(1_700_000_000 + ts),"text":"\#(text)"}"#
        }

        /// `events` routed into the four partitions of `in`, `batchSize` lines a read.
        func route(_ events: [String], batchSize: Int = 1024) throws {
            let routed = try WinnowProcess.run(
                [
                    "route", "--redis", server.url, "--redis-stream", "in", "--partition-count", "4", "--batch-size",
                    String(batchSize),
                ],
                input: Array((events.joined(separator: "\n") + "\n").utf8), in: directory)
            #expect(routed.status == 0, "\(routed.stderr)")
        }
    }

    struct PerAuthorRun {
        let directory: URL
        let server: PrivateRedis
        let redis: RedisConnection
        let judging: [String]
        let input: [UInt8]
        /// The verdict lines of `filter` alone.
        let alone: [String]

        init(wordlists: String) throws {
            let scratch = try Scratch()
            (directory, server, redis) = (scratch.directory, scratch.server, scratch.redis)
            let policy = directory.appendingPathComponent("p.yaml")
            try "flood: {enabled: false}\nraid: {enabled: false}\n".write(to: policy, atomically: true, encoding: .utf8)
            judging = [
                "--wordlists", wordlists, "--policy", policy.path, "--clock", "event", "--late-tolerance", "1h",
                "--no-audit",
            ]
            input = Array((PartitionedConsumeTests.events().joined(separator: "\n") + "\n").utf8)
            let run = try WinnowProcess.run(["filter"] + judging, input: input, in: directory)
            alone = run.stdoutText.split(separator: "\n").map(String.init)
        }

        func route() throws -> WinnowProcess.Result {
            try WinnowProcess.run(
                [
                    "route", "--redis", server.url, "--redis-stream", "in", "--partition-count", "4", "--batch-size",
                    "64",
                ],
                input: input, in: directory)
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test("two owners of two partitions each decide every author's windows as one instance alone")
    func ownersDecideAsOneInstance() throws {
        let run = try PerAuthorRun(wordlists: wordlists)
        defer { run.remove() }
        let (server, redis, judging, directory) = (run.server, run.redis, run.judging, run.directory)
        var expected: [String: String] = [:]
        for line in run.alone {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            expected[object?["id"] as? String ?? ""] = line
        }
        #expect(expected.count == 800)
        // What the alone run decided (so that the comparison below compares something).
        #expect(expected.values.filter { $0.contains(#""rule":"rate_limit""#) }.count == 59)
        #expect(expected.values.filter { $0.contains(#""rule":"repeat""#) }.count == 109)
        #expect(
            expected.values.filter { $0.hasPrefix(#"{"id":"e"#) && $0.contains(#""action":"timeout""#) }.count == 329)

        let route = try run.route()
        #expect(route.status == 0, "\(route.stderr)")
        #expect(route.stderr.hasPrefix("winnow: route: 800 events to 4 partitions of in"), "\(route.stderr)")
        // Every author in exactly one partition, its events in order.
        let partitions = StreamPartitions(stream: "in", count: 4)
        for p in 0..<4 {
            let entries = try Self.entryLines(redis, partitions.key(p))
            #expect(!entries.isEmpty, "no partition \(p)")
            // Route's input came in one read: one entry per partition and 100 events.
            #expect(entries.allSatisfy { $0.lines.count <= 100 })
            #expect(entries.count < 20)
            let events = entries.flatMap(\.lines).compactMap { text -> [String: Any]? in
                try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            }
            #expect(events.allSatisfy { partitions.partition(ofAuthor: $0["author"] as? String ?? "") == p })
            let ids = events.compactMap { ($0["id"] as? String).flatMap { Int($0.dropFirst()) } }
            #expect(ids == ids.sorted())
        }

        for owned in ["0-1", "2,3"] {
            let consume = try WinnowProcess.run(
                [
                    "consume", "--redis", server.url, "--redis-stream", "in", "--group", "g", "--partitions", owned,
                    "--partition-count", "4", "--drain", "--consumer", "owner-\(owned)",
                ] + judging,
                in: directory)
            #expect(consume.status == 0, "\(consume.stderr)")
        }
        var answered: [String: String] = [:]
        for p in 0..<4 { answered.merge(try verdicts(redis, partitions.key(p) + ":verdicts")) { a, _ in a } }
        #expect(answered.count == 800)
        #expect(answered == expected)
    }

    /// Read in turn, a batch of 64 events of one partition spans about a minute of the others'
    /// event time: without merging, the next partition's first events came 50 s behind and were
    /// judged "late" (at newest − 5 s), and the windows several partitions feed went back and
    /// forth. Merged by `ts` (`EventTimeMerge`), one owner of all four partitions decides every
    /// event — flood and raid included, the default late tolerance — as `filter` alone does
    /// (entries of one event each: the merge holds whole entries, so with entries of several
    /// events an event may go up to one entry's span of time ahead of another partition's).
    @Test("an owner of several partitions judges their events in event-time order, as one filter alone")
    func ownerMergesPartitionsByEventTime() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let judging = ["--wordlists", wordlists, "--clock", "event", "--no-audit"]
        let input = Array((Self.events().joined(separator: "\n") + "\n").utf8)
        let alone = try WinnowProcess.run(["filter"] + judging, input: input, in: scratch.directory)
        var expected: [String: String] = [:]
        for line in alone.stdoutText.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            expected[object?["id"] as? String ?? ""] = String(line)
        }
        #expect(expected.count == 800)
        #expect(expected.values.filter { $0.contains(#""rule":"late""#) }.isEmpty)
        #expect(expected.values.filter { $0.contains(#""rule":"flood""#) }.count == 65)
        let route = try WinnowProcess.run(
            [
                "route", "--redis", scratch.server.url, "--redis-stream", "in", "--partition-count", "4",
                "--batch-size", "64", "--events-per-entry", "1",
            ],
            input: input, in: scratch.directory)
        #expect(route.status == 0, "\(route.stderr)")
        let consume = try WinnowProcess.run(
            [
                "consume", "--redis", scratch.server.url, "--redis-stream", "in", "--group", "g", "--partitions",
                "0-3", "--partition-count", "4", "--drain", "--batch-size", "64", "--consumer", "one",
            ] + judging,
            in: scratch.directory)
        #expect(consume.status == 0, "\(consume.stderr)")
        var answered: [String: String] = [:]
        for p in 0..<4 {
            answered.merge(try verdicts(scratch.redis, scratch.partitions.key(p) + ":verdicts")) { a, _ in a }
        }
        #expect(answered.count == 800)
        #expect(answered.values.filter { $0.contains(#""rule":"late""#) }.count == 0)
        let differing = expected.keys.filter { answered[$0] != expected[$0] }.sorted()
        #expect(differing == [], "first: \(differing.first.map { answered[$0] ?? "none" } ?? "")")
    }

    /// `route` skipped a line longer than its `--max-line-bytes` with a message on stderr alone:
    /// the line never reached the verdict stream.
    @Test("a line too long for route is answered with an error verdict in partition 0, in its place")
    func routedLineTooLongIsAnswered() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Two events of authors in partition 0, with a 300-byte line between them.
        let authors = (0..<200).map { "a\($0)" }.filter { scratch.partitions.partition(ofAuthor: $0) == 0 }
        let first = Scratch.event("e1", authors[0], 1, "hello there")
        let second = Scratch.event("e2", authors[1], 2, "hello again")
        let long = Scratch.event("e-long", authors[0], 1.5, String(repeating: "x", count: 300))
        let route = try WinnowProcess.run(
            [
                "route", "--redis", scratch.server.url, "--redis-stream", "in", "--partition-count", "4",
                "--max-line-bytes", "200",
            ],
            input: Array([first, long, second].joined(separator: "\n").utf8 + [0x0A]), in: scratch.directory)
        #expect(route.status == 0, "\(route.stderr)")
        let reason = "line 2 of route's input is longer than --max-line-bytes 200 (at least \(long.utf8.count) bytes)"
        #expect(route.stderr.contains("winnow: route: \(reason); an error entry stands for it"), "\(route.stderr)")
        // In partition 0, in input order: the first event's entry, the error entry, the second's.
        let entries = try Self.entryLines(scratch.redis, scratch.partitions.key(0))
        try #require(entries.map(\.lines.count) == [1, 1, 1])
        #expect(entries[1].lines == [reason])
        let consume = try WinnowProcess.run(
            [
                "consume", "--redis", scratch.server.url, "--redis-stream", "in", "--group", "g", "--partitions",
                "0-3", "--partition-count", "4", "--drain", "--consumer", "one", "--wordlists", wordlists,
                "--no-audit",
            ],
            in: scratch.directory)
        #expect(consume.status == 0, "\(consume.stderr)")
        let answers = try Self.entryLines(scratch.redis, scratch.partitions.key(0) + ":verdicts").flatMap(\.lines)
        try #require(answers.count == 3)
        #expect(answers[0].contains(#""id":"e1""#) && answers[2].contains(#""id":"e2""#))
        let error = try JSONSerialization.jsonObject(with: Data(answers[1].utf8)) as? [String: Any]
        #expect(error?["action"] as? String == "error")
        #expect(
            error?["error"] as? String
                == "stream entry \(entries[1].entry) stands for a line its producer skipped: \(reason)")
    }

    @Test("a list of partitions: ranges and single ones, each once; anything else is refused")
    func partitionLists() {
        let partitions = StreamPartitions(stream: "in", count: 8)
        #expect(partitions.parse("0-3") == [0, 1, 2, 3])
        #expect(partitions.parse("5,0-1,1") == [0, 1, 5])
        #expect(partitions.parse("7") == [7])
        for bad in ["8", "3-1", "", "a", "0-", "-1", "1-2-3", "0,,1"] {
            #expect(partitions.parse(bad) == nil, "\(bad)")
        }
        #expect(partitions.key(3) == "in:{3}")
    }

    @Test("the partition function is FNV-1a 64 of the author's UTF-8 (published test vectors)")
    func fnv() {
        #expect(StreamPartitions.fnv1a("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(StreamPartitions.fnv1a("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(StreamPartitions.fnv1a("foobar".utf8) == 0x8594_4171_f739_67e8)
        #expect(
            StreamPartitions(stream: "s", count: 4).partition(ofAuthor: "a") == Int(UInt64(0xaf63_dc4c_8601_ec8c) % 4))
    }

    @Test("route and consume refuse what does not fit together")
    func badOptions() throws {
        let route = try WinnowProcess.run(["route", "--redis-stream", "in", "--partition-count", "0"])
        #expect(route.status == 64)
        #expect(route.stderr.contains("--partition-count must be between 1 and 65536"))
        let consume = try WinnowProcess.run([
            "consume", "--redis-stream", "in", "--group", "g", "--partitions", "0-4", "--partition-count", "4",
        ])
        #expect(consume.status == 64)
        #expect(consume.stderr.contains("--partitions '0-4': a list of partitions from 0 to 3"))
        let alone = try WinnowProcess.run(["consume", "--redis-stream", "in", "--group", "g", "--partitions", "0"])
        #expect(alone.stderr.contains("--partitions and --partition-count go together"))
        let entries = try WinnowProcess.run([
            "route", "--redis-stream", "in", "--partition-count", "4", "--events-per-entry", "0",
        ])
        #expect(entries.status == 64)
        #expect(entries.stderr.contains("--events-per-entry must be between 1 and 10000"), "\(entries.stderr)")
        // The penalty log alone is for partition owners: a filter would share nothing else.
        let filter = try WinnowProcess.run(
            ["filter", "--shared", "redis://127.0.0.1:1", "--shared-windows", "global"], input: [])
        #expect(filter.status == 64)
        #expect(filter.stderr.contains("--shared-windows global is for `winnow consume`"), "\(filter.stderr)")
        let timeout = try WinnowProcess.run(
            ["filter", "--shared", "redis://127.0.0.1:1", "--shared-timeout", "0"], input: [])
        #expect(timeout.status == 64)
        #expect(timeout.stderr.contains("--shared-timeout takes 1 to 600000 milliseconds, not 0"), "\(timeout.stderr)")
    }

    /// Every verdict of the four partitions' verdict streams: (partition/entry id/place, verdict).
    func answers(_ redis: RedisConnection, _ partitions: StreamPartitions) throws -> [(String, String)] {
        var all: [(String, String)] = []
        for p in 0..<partitions.count {
            for (entry, lines) in try Self.entryLines(redis, partitions.key(p) + ":verdicts") {
                all += lines.enumerated().map { ("\(p)/\(entry)/\($0.offset)", $0.element) }
            }
        }
        return all
    }

    func pending(_ redis: RedisConnection, _ partitions: StreamPartitions, group: String) throws -> Int64 {
        var total: Int64 = 0
        for p in 0..<partitions.count {
            if case .array(let summary) = try redis.command(["XPENDING", partitions.key(p), group]),
                case .integer(let count) = summary.first
            {
                total += count
            }
        }
        return total
    }

    @Test("partitions on leases: two consumers share them and answer every event as one instance alone")
    func leasedOwnersShareThePartitions() throws {
        let run = try PerAuthorRun(wordlists: wordlists)
        defer { run.remove() }
        let (server, redis, judging, directory) = (run.server, run.redis, run.judging, run.directory)
        let expected = Set(run.alone)
        #expect(try run.route().status == 0)
        let common = [
            "consume", "--redis", server.url, "--redis-stream", "in", "--group", "g", "--partition-count", "4",
            "--partitions", "auto", "--max-partitions", "2", "--lease", "5", "--batch-size", "50",
        ]
        // A holds two partitions while B starts: B takes the other two.
        let aLog = directory.appendingPathComponent("a.log")
        let a = try WinnowProcess.start(common + ["--consumer", "a"] + judging, in: directory, log: aLog)
        var waited = 0
        while try Self.lease(redis, "in:{1}:lease") == nil, waited < 500 {
            usleep(10_000)
            waited += 1
        }
        let b = try WinnowProcess.run(common + ["--consumer", "b", "--drain"] + judging, in: directory)
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stderr.contains("took in:{2} (epoch 1)") && b.stderr.contains("took in:{3} (epoch 1)"), "\(b.stderr)")
        // A answers its two, then is stopped.
        waited = 0
        while try answers(redis, StreamPartitions(stream: "in", count: 4)).count < 800, waited < 1000 {
            usleep(10_000)
            waited += 1
        }
        a.terminate()
        a.waitUntilExit()
        let aText = try String(contentsOf: aLog, encoding: .utf8)
        #expect(aText.contains("took in:{0} (epoch 1)") && aText.contains("took in:{1} (epoch 1)"), "\(aText)")
        let answered = try answers(redis, StreamPartitions(stream: "in", count: 4))
        #expect(answered.count == 800)
        #expect(Set(answered.map(\.0)).count == 800)
        #expect(Set(answered.map(\.1)) == expected)
        #expect(try pending(redis, StreamPartitions(stream: "in", count: 4), group: "g") == 0)
        // A stopped cleanly: its leases were given back.
        #expect(try Self.lease(redis, "in:{0}:lease") == nil)
    }

    static func lease(_ redis: RedisConnection, _ key: String) throws -> String? {
        try redis.command(["GET", key]).text
    }

    @Test("fencing: an owner stalled past its lease cannot answer once another took its partitions")
    func stalledOwnerIsFenced() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (directory, server, redis, partitions) = (
            scratch.directory, scratch.server, scratch.redis, scratch.partitions
        )
        // The bundled sample three times over, each copy with ids of its own.
        let sample = try String(
            contentsOf: WinnowProcess.repository.appendingPathComponent(
                "Tests/Fixtures/comments/youtube-spam-collection.ndjson"), encoding: .utf8
        ).split(separator: "\n").map(String.init)
        let events = (0..<3).flatMap { copy in
            sample.map { $0.replacingOccurrences(of: #"{"id":""#, with: #"{"id":"\#(copy)-"#) }
        }
        // Entries of ten events: A reads two at a time.
        _ = try WinnowProcess.run(
            [
                "route", "--redis", server.url, "--redis-stream", "in", "--partition-count", "4", "--events-per-entry",
                "10",
            ],
            input: Array((events.joined(separator: "\n") + "\n").utf8), in: directory)
        let common = [
            "consume", "--redis", server.url, "--redis-stream", "in", "--group", "g", "--partition-count", "4",
            "--partitions", "auto", "--wordlists", wordlists, "--no-audit", "--batch-size", "20",
        ]
        let aLog = directory.appendingPathComponent("a.log")
        let a = try WinnowProcess.start(
            common + ["--consumer", "a", "--lease", "0.5", "--workers", "1"], in: directory, log: aLog)
        var waited = 0
        while try answers(redis, partitions).count < 100, waited < 30_000 {
            usleep(1_000)
            waited += 1
        }
        // A stalls (as a long GC pause or a frozen VM would) past its lease.
        kill(a.processIdentifier, SIGSTOP)
        let answeredByA = try answers(redis, partitions).count
        #expect(answeredByA >= 100 && answeredByA < events.count, "\(answeredByA)")
        usleep(1_200_000)
        let b = try WinnowProcess.run(
            common + ["--consumer", "b", "--lease", "30", "--claim-idle", "0.2", "--drain"], in: directory)
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stderr.contains("took in:{0} (epoch "), "\(b.stderr)")
        // A wakes up: whatever it answers now is refused; then it is stopped.
        kill(a.processIdentifier, SIGCONT)
        usleep(500_000)
        a.terminate()
        a.waitUntilExit()
        let answered = try answers(redis, partitions)
        #expect(answered.count == events.count)
        #expect(Set(answered.map(\.0)).count == events.count)
        #expect(try pending(redis, partitions, group: "g") == 0)
        let aText = try String(contentsOf: aLog, encoding: .utf8)
        #expect(aText.contains("answers refused") || aText.contains("lapsed"), "\(aText)")
    }

    @Test("a rebalance is no amnesty: the partition's next owner takes up its authors' timeouts")
    func takeoverKeepsTimeouts() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (directory, server, redis, partitions) = (
            scratch.directory, scratch.server, scratch.redis, scratch.partitions
        )
        let event = Scratch.event
        func consume(_ name: String) throws -> WinnowProcess.Result {
            try WinnowProcess.run(
                [
                    "consume", "--redis", server.url, "--redis-stream", "in", "--group", "g", "--partition-count", "4",
                    "--partitions", "auto", "--consumer", name, "--drain", "--wordlists", wordlists, "--clock", "event",
                    "--no-audit",
                ], in: directory)
        }
        // x repeats itself: three strikes, a ten-minute timeout. A judges it, then leaves.
        try scratch.route((0..<4).map { event("x\($0)", "x", Double($0), "the very same words again and again") })
        let a = try consume("a")
        #expect(a.status == 0, "\(a.stderr)")
        // A minute later x writes again; B, which never saw x, takes the partitions over.
        try scratch.route([event("x-later", "x", 60, "something new entirely"), event("y-later", "y", 60, "hello all")])
        let b = try consume("b")
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stderr.contains("1 authors' standing taken up"), "\(b.stderr)")
        let answered = try answers(redis, partitions).map(\.1)
        let later = answered.first { $0.hasPrefix(#"{"id":"x-later""#) }
        #expect(later?.contains(#""action":"timeout""#) == true, "\(later ?? "none")")
        #expect(answered.first { $0.hasPrefix(#"{"id":"y-later""#) }?.contains(#""action":"allow""#) == true)
        #expect(answered.filter { $0.contains(#""action":"timeout""#) }.count == 2)
    }

    /// Issue 24: an owner killed (SIGKILL: no clean exit, its leases not given back) while its
    /// partitions still have entries coming; another takes them once the leases lapse, claims
    /// what was left pending, and keeps the timeout the first gave.
    @Test("an owner killed mid-stream: its partitions are taken over, every event answered once, penalties kept")
    func killedOwnerIsTakenOver() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (directory, server, redis, partitions) = (
            scratch.directory, scratch.server, scratch.redis, scratch.partitions
        )
        let event = Scratch.event
        let common = [
            "consume", "--redis", server.url, "--redis-stream", "in", "--group", "g", "--partition-count", "4",
            "--partitions", "auto", "--lease", "2", "--claim-idle", "1", "--batch-size", "16", "--wordlists",
            wordlists, "--clock", "event", "--no-audit",
        ]
        // x repeats itself: three strikes, a ten-minute timeout; others chat around it.
        var first = (0..<4).map { event("x\($0)", "x", Double($0), "the very same words again and again") }
        first += (0..<200).map { event("f\($0)", "f\($0 % 20)", 4 + Double($0) / 10, "chat line number \($0)") }
        try scratch.route(first, batchSize: 16)
        let aLog = directory.appendingPathComponent("a.log")
        let a = try WinnowProcess.start(common + ["--consumer", "a"], in: directory, log: aLog)
        var waited = 0
        while try answers(redis, partitions).count < first.count, waited < 1000 {
            usleep(10_000)
            waited += 1
        }
        #expect(try answers(redis, partitions).count == first.count)
        // More comes in, x among it; A dies as it arrives (in runs here, with a few entries read
        // and not yet answered, which B then claims: "3 to 10 claimed from other consumers").
        var second = (200..<600).map { event("f\($0)", "f\($0 % 20)", 4 + Double($0) / 10, "chat line number \($0)") }
        second.insert(event("x-later", "x", 30, "something new entirely"), at: 100)
        try scratch.route(second, batchSize: 16)
        kill(a.processIdentifier, SIGKILL)
        a.waitUntilExit()
        #expect(a.terminationReason == .uncaughtSignal)
        // Its leases lapse (2 s); B takes the partitions over and drains them.
        usleep(2_500_000)
        let b = try WinnowProcess.run(common + ["--consumer", "b", "--drain"], in: directory)
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stderr.contains("took in:{"), "\(b.stderr)")
        let answered = try answers(redis, partitions).map(\.1)
        let ids = answered.compactMap { line -> String? in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }
        #expect(ids.count == first.count + second.count)
        #expect(Set(ids).count == ids.count)
        #expect(try pending(redis, partitions, group: "g") == 0)
        let later = answered.first { $0.hasPrefix(#"{"id":"x-later""#) }
        #expect(later?.contains(#""action":"timeout""#) == true, "\(later ?? "none")")
    }
}
