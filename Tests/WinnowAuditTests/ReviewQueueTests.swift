import Foundation
import Synchronization
import Testing
import WinnowCore
import WinnowLimits

@testable import WinnowAudit

/// The review queue on real SQLite files: cases opened by held comments, copies joining one
/// case, first-wins decisions, expiry on event time, exact SLA figures on a scripted timeline.
@Suite("Review queue (real SQLite files)")
struct ReviewQueueTests {
    let s = Micros.perSecond
    static let campaign = WordSetSketch.pack(0x1234_5678_9ABC, words: 10, isGeneric: false)
    static let other = WordSetSketch.pack(0xFEDC_BA98_7654, words: 10, isGeneric: false)

    /// One judged event: its id, author, channel, time, action, the rule of its one reason, its sketch.
    struct Row {
        var id: String
        var author = "a"
        var channel = "main"
        var ts: Double
        var action = Action.hold
        var rule = "links"
        var sketch: UInt64 = 0
        /// Copies of the campaign share its words; any other row has words of its own.
        var text: String? = nil

        var words: String {
            text
                ?? (sketch == ReviewQueueTests.campaign
                    ? "buy cheap followers now at my great shop \(id)" : "text of \(id)")
        }
    }

    func commit(_ rows: [Row], to trail: AuditTrail) throws {
        var bytes: [UInt8] = []
        var records: [AuditRecord] = []
        for row in rows {
            let reasons = row.action == .allow ? "" : #"{"rule":"\#(row.rule)","action":"\#(row.action.rawValue)"}"#
            let line = #"{"id":"\#(row.id)","action":"\#(row.action.rawValue)","reasons":[\#(reasons)]}"#
            let start = bytes.count
            bytes += Array(line.utf8)
            var record = AuditRecord(
                eventID: row.id, line: records.count + 1, author: row.author, channel: row.channel, timestamp: row.ts,
                text: row.words, action: row.action, verdict: start..<bytes.count)
            record.sketch = row.sketch
            if row.action != .allow { record.rule = row.rule }
            records.append(record)
            bytes.append(UInt8(ascii: "\n"))
        }
        try bytes.withUnsafeBytes { verdicts in
            try trail.commit(AuditBatch(parts: [AuditBatch.Part(records: records, verdicts: verdicts)]))
        }
    }

    /// The path of a fresh trail, in a folder removed afterwards.
    func withTrailPath(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-queue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder.appendingPathComponent("trail.sqlite").path)
    }

    /// A writer on the trail at `path`, as `filter` opens one, closed after `body`.
    func writing(to path: String, _ queue: QueueSettings = QueueSettings(), _ body: (AuditTrail) throws -> Void)
        throws
    {
        let store = try AuditStore(path: path)
        defer { store.close() }
        let trail = try AuditTrail(
            store: store, configuration: AuditedConfiguration(wordlists: "w", policy: "p", queue: queue),
            source: "filter")
        try body(trail)
    }

    func withTrail(_ queue: QueueSettings = QueueSettings(), _ body: (AuditTrail, String) throws -> Void) throws {
        try withTrailPath { path in try writing(to: path, queue) { trail in try body(trail, path) } }
    }

    @Test("holds open cases; near-copies join one (authors counted once); flags and sketchless comments do not join")
    func casesAndCopies() throws {
        #expect(WordSetSketch.matchingValues(Self.campaign & 0xFFFF_FFFF_FFFF, Self.other & 0xFFFF_FFFF_FFFF) < 5)
        try withTrail { trail, path in
            try commit(
                [
                    Row(id: "h1", author: "a", ts: 1000, sketch: Self.campaign),
                    Row(id: "h2", author: "b", ts: 1100, sketch: Self.campaign),
                    Row(id: "ok", author: "b", ts: 1150, action: .allow),
                    Row(id: "h3", author: "a", ts: 1200, sketch: Self.campaign),
                    // The same sketch, other words: a sketch collision, not a copy.
                    Row(id: "x1", author: "x", ts: 1250, sketch: Self.campaign, text: "nothing like the others at all"),
                    Row(id: "h4", author: "c", channel: "side", ts: 2000, sketch: Self.other),
                    Row(id: "f1", author: "c", ts: 2100, action: .flag, rule: "noise", sketch: Self.campaign),
                    Row(id: "h5", author: "d", channel: "side", ts: 3000),
                    Row(id: "h6", author: "e", channel: "side", ts: 3100),
                ], to: trail)
            let queue = try ReviewQueue(path: path)
            let open = try queue.list(now: 5000)
            #expect(open.map(\.id) == [1, 2, 3, 4, 5])
            #expect(open.map(\.comments) == [3, 1, 1, 1, 1])
            #expect(open.map(\.authors) == [2, 1, 1, 1, 1])
            #expect(open[0].openedAt == 1000 && open[0].lastAt == 1200)
            #expect(
                open[0].rule == "links" && open[0].severity == "hold"
                    && open[0].firstText == "buy cheap followers now at my great shop h1")
            #expect(try queue.commentIDs(of: 1) == ["h1", "h2", "h3"])
            var side = ReviewQueue.Filter()
            side.channel = "side"
            #expect(try queue.list(side, now: 5000).map(\.id) == [3, 4, 5])
            var old = ReviewQueue.Filter()
            old.olderThan = 2500
            #expect(try queue.list(old, now: 5000).map(\.id) == [1, 2, 3])
        }
    }

    @Test("a restarted writer knows each open case's authors: one seen before the restart is not counted again")
    func authorsCountedAcrossRestart() throws {
        try withTrailPath { path in
            try writing(to: path) { trail in
                try commit(
                    [
                        Row(id: "h1", author: "a", ts: 1000, sketch: Self.campaign),
                        Row(id: "h2", author: "b", ts: 1100, sketch: Self.campaign),
                    ], to: trail)
            }
            try writing(to: path) { trail in
                try commit(
                    [
                        Row(id: "h3", author: "a", ts: 1200, sketch: Self.campaign),
                        Row(id: "h4", author: "c", ts: 1300, sketch: Self.campaign),
                        Row(id: "h5", author: "c", ts: 1400, sketch: Self.campaign),
                    ], to: trail)
            }
            let open = try ReviewQueue(path: path).list(now: 5000)
            #expect(open.map(\.comments) == [5])
            #expect(open.map(\.authors) == [3])
        }
    }

    @Test("the first decision wins; the second is told who and when; a later copy of a decided case opens a new one")
    func firstDecisionWins() throws {
        try withTrail { trail, path in
            try commit([Row(id: "h1", ts: 1000, sketch: Self.campaign)], to: trail)
            let queue = try ReviewQueue(path: path)
            let alice = CaseDecision(caseID: 1, outcome: .remove, moderator: "alice", note: "spam", at: 2000)
            #expect(try queue.decide(1, .remove, moderator: "alice", note: "spam", at: 2000) == .decided(alice))
            #expect(try queue.decide(1, .approve, moderator: "bob", note: nil, at: 2001) == .alreadyDecided(alice))
            #expect(throws: AuditError("no case 9")) {
                try queue.decide(9, .approve, moderator: "bob", note: nil, at: 1)
            }
            // The writer still indexes case 1: its copy finds it closed and opens case 2.
            try commit([Row(id: "h2", author: "b", ts: 3000, sketch: Self.campaign)], to: trail)
            #expect(try queue.list(now: 4000).map(\.id) == [2])
            let (closed, comments, decisions) = try #require(try queue.show(1))
            #expect(closed.status == "removed" && closed.decidedBy == "alice" && closed.note == "spam")
            #expect(comments.map(\.eventID) == ["h1"])
            #expect(decisions == [alice])
            #expect(try queue.decisions(after: 0).map(\.id) == [1])
        }
    }

    @Test("flags of the rules named in queue.flags open cases (severity flag), holds rank above them")
    func queuedFlags() throws {
        try withTrail(QueueSettings(flagRules: ["noise"])) { trail, path in
            try commit(
                [
                    Row(id: "f1", ts: 1000, action: .flag, rule: "noise"),
                    Row(id: "f2", ts: 1001, action: .flag, rule: "links"),
                    Row(id: "h1", ts: 1002),
                ], to: trail)
            let open = try ReviewQueue(path: path).list(now: 2000)
            #expect(open.map(\.severity) == ["hold", "flag"])
            #expect(open.map(\.firstText) == ["text of h1", "text of f1"])
        }
    }

    @Test("expiry on event time: a case undecided past expire_after takes on_expiry and counts as a miss")
    func expiry() throws {
        try withTrail(QueueSettings(expireAfter: 3600 * s, onExpiry: .remove)) { trail, path in
            try commit([Row(id: "h1", ts: 1000), Row(id: "h2", author: "b", ts: 1500)], to: trail)
            try commit([Row(id: "later", ts: 4700, action: .allow)], to: trail)
            let queue = try ReviewQueue(path: path)
            #expect(try queue.list(now: 5000).map(\.id) == [2])
            let (expired, _, decisions) = try #require(try queue.show(1))
            #expect(expired.status == "expired" && expired.decidedAt == 4700 && expired.decidedBy == "expiry")
            #expect(
                decisions == [
                    CaseDecision(
                        caseID: 1, outcome: .remove, moderator: "expiry", note: "not decided within 1h", at: 4700)
                ])
            let stats = try queue.stats(sla: 7200, now: 5000)
            #expect(stats.count == 1 && stats[0].expired == 1 && stats[0].withinSLA == 0 && stats[0].open == 1)
        }
    }

    @Test("SLA figures are exact on a scripted timeline, overall and by channel")
    func slaFigures() throws {
        try withTrail { trail, path in
            try commit(
                [
                    Row(id: "m1", channel: "main", ts: 1000),
                    Row(id: "s1", channel: "side", ts: 2000, sketch: Self.other),
                    Row(id: "s2", author: "d", channel: "side", ts: 3000),
                    Row(id: "s3", author: "e", channel: "side", ts: 3100),
                ], to: trail)
            let queue = try ReviewQueue(path: path)
            _ = try queue.decide(1, .remove, moderator: "alice", note: nil, at: 1000 + 1800)  // 30 min: within
            _ = try queue.decide(2, .approve, moderator: "bob", note: nil, at: 2000 + 3 * 3600)  // 3 h: a miss
            _ = try queue.decide(3, .approve, moderator: "alice", note: nil, at: 3000 + 7200)  // exactly 2 h: within
            var all = QueueStats(group: nil)
            all.open = 1
            all.oldestOpen = 20000 - 3100
            all.approved = 2
            all.removed = 1
            all.decisionSeconds = (7200, 10800, 10800)
            all.withinSLA = 2
            all.withoutEscalation = 3
            #expect(try queue.stats(sla: 7200, now: 20000) == [all])
            let byChannel = try queue.stats(by: .channel, sla: 7200, now: 20000)
            #expect(byChannel.map(\.group) == ["main", "side"])
            #expect(byChannel.map(\.decided) == [1, 2])
            #expect(byChannel.map(\.open) == [0, 1])
            #expect(byChannel.map(\.withinSLA) == [1, 1])
            let byModerator = try queue.stats(by: .moderator, sla: 7200, now: 20000)
            #expect(byModerator.map(\.group) == ["-", "alice", "bob"])
            #expect(byModerator.map(\.decided) == [0, 2, 1])
            // Only what closed since 2 h 30 m in (and the open case).
            #expect(try queue.stats(since: 9000, sla: 7200, now: 20000)[0].decided == 2)
            // Without --sla each case counts against its own: the built-in 2h here.
            #expect(try queue.stats(sla: nil, now: 20000) == [all])
        }
    }

    @Test("a channel's own SLA is kept by each case it opens and counted against by default")
    func perChannelSLA() throws {
        let settings = QueueSettings(sla: 7200 * s, channelSLA: ["support": 1800 * s])
        try withTrail(settings) { trail, path in
            try commit(
                [
                    Row(id: "m1", channel: "main", ts: 1000),
                    Row(id: "s1", channel: "support", ts: 2000, sketch: Self.other),
                ], to: trail)
            let queue = try ReviewQueue(path: path)
            _ = try queue.decide(1, .remove, moderator: "alice", note: nil, at: 1000 + 3600)  // 1 h of 2 h: within
            _ = try queue.decide(2, .remove, moderator: "alice", note: nil, at: 2000 + 3600)  // 1 h of 30 m: a miss
            let byChannel = try queue.stats(by: .channel, sla: nil, now: 9000)
            #expect(byChannel.map(\.group) == ["main", "support"])
            #expect(byChannel.map(\.withinSLA) == [1, 0])
            // --sla overrides every case's.
            #expect(try queue.stats(by: .channel, sla: 7200, now: 9000).map(\.withinSLA) == [1, 1])
            #expect(
                settings.summary == "queue: holds open cases; they never expire; sla 2h (support 30m)")
        }
    }

    /// A trail as an older version wrote it, rebuilt from its SQL dump in `Fixtures/audit` (no
    /// database file is kept in the repository), in a new folder.
    func trail(fromDump name: String, version: Int) throws -> (folder: URL, path: String) {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/audit/\(name)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-queue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("trail.sqlite").path
        let old = try SQLiteDatabase(path: path)
        try old.execute(try String(contentsOf: fixture, encoding: .utf8))
        #expect(try old.integer("PRAGMA user_version") == version)
        old.close()
        return (folder, path)
    }

    @Test("the words of a comment for joining cases: case, punctuation, emoji and spacing do not change them")
    func caseWords() throws {
        let words = try #require(CaseIndex.wordSet("Great SONG!! 🔥🔥 check   bit.ly/x\u{FEFF}"))
        #expect(words == CaseIndex.wordSet("great song check bit ly x"))
        #expect(words.count == 6)
        #expect(CaseIndex.wordSet("«café» — déjà vu…") == CaseIndex.wordSet("café déjà vu"))
        #expect(CaseIndex.wordSet("café") != CaseIndex.wordSet("cafe"))
        #expect(CaseIndex.wordSet("") == [])
        #expect(CaseIndex.wordSet(nil) == nil)
        let a = try #require(CaseIndex.wordSet("get free followers fast at bit.ly/free today friends"))
        let b = try #require(CaseIndex.wordSet("get fr33 followers fast at bit.ly/free today friends"))
        // {get, free, followers, fast, at, bit, ly, today, friends} and the same with fr33: 9 of 10.
        #expect(CaseIndex.similarity(a, b) == 9.0 / 10.0)
    }

    @Test("word sets as sorted arrays: the same similarity as Swift's Set on 2,000 random pairs, repeats counted once")
    func caseWordsMatchSets() throws {
        var random = SystemRandomNumberGenerator()
        let vocabulary = (0..<40).map { "w\($0)" }
        for _ in 0..<2000 {
            let a = (0..<Int.random(in: 0...12, using: &random)).map { _ in vocabulary.randomElement(using: &random)! }
            let b = (0..<Int.random(in: 0...12, using: &random)).map { _ in vocabulary.randomElement(using: &random)! }
            let wordsA = try #require(CaseIndex.wordSet(a.joined(separator: " ")))
            let wordsB = try #require(CaseIndex.wordSet(b.joined(separator: " ")))
            #expect(wordsA == wordsA.sorted() && Set(wordsA).count == wordsA.count)
            #expect(wordsA.count == Set(a).count)
            let setA = Set(wordsA), setB = Set(wordsB)
            let union = setA.union(setB).count
            let expected = union == 0 ? 0 : Double(setA.intersection(setB).count) / Double(union)
            #expect(CaseIndex.similarity(wordsA, wordsB) == expected, "\(a) | \(b)")
        }
    }

    @Test("eight moderators deciding one case at once, each on a connection of their own: exactly one decision stands")
    func concurrentDecisions() throws {
        try withTrail { trail, path in
            try commit([Row(id: "h1", ts: 1000, sketch: Self.campaign)], to: trail)
            let results = Mutex<[ReviewQueue.Decided]>([])
            let failures = Mutex<[String]>([])
            let start = DispatchSemaphore(value: 0)
            let group = DispatchGroup()
            for k in 0..<8 {
                DispatchQueue.global().async(group: group) {
                    do {
                        let queue = try ReviewQueue(path: path)
                        start.wait()
                        let outcome: CaseOutcome = k % 2 == 0 ? .remove : .approve
                        let sanction = k % 4 == 0 ? Sanction(kind: .ban, seconds: nil) : nil
                        let result = try queue.decide(
                            1, outcome, sanction: sanction, moderator: "m\(k)", note: nil, at: 2000 + Double(k))
                        results.withLock { $0.append(result) }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
            for _ in 0..<8 { start.signal() }
            group.wait()
            #expect(failures.withLock { $0 } == [])
            let all = results.withLock { $0 }
            let winners = all.compactMap { if case .decided(let d) = $0 { d } else { nil } }
            #expect(winners.count == 1)
            let losers = all.compactMap { if case .alreadyDecided(let d) = $0 { d } else { nil } }
            #expect(losers.count == 7 && losers.allSatisfy { $0 == winners.first })
            let queue = try ReviewQueue(path: path)
            #expect(try queue.decisions(after: 0).count == 1)
            // Only the winner's sanction, if it had one, was recorded.
            let banned = try queue.ledger(of: "a").entries.count
            #expect(banned == (winners.first?.sanction == nil ? 0 : 1))
        }
    }

    @Test("a trail of schema version 3 is migrated on open: its events kept, an empty queue, then cases")
    func migratesVersion3() throws {
        let (folder, path) = try trail(fromDump: "schema-v3.sql", version: 3)
        defer { try? FileManager.default.removeItem(at: folder) }
        let queue = try ReviewQueue(path: path)
        #expect(try queue.list(now: 0).isEmpty)
        let store = try AuditStore(path: path)
        defer { store.close() }
        #expect(try store.count(.events) == 3)
        #expect(try store.integrityCheck() == "ok")
        let trail = try AuditTrail(
            store: store, configuration: AuditedConfiguration(wordlists: "w", policy: "p"), source: "filter")
        try commit([Row(id: "new", ts: 5000)], to: trail)
        #expect(try queue.list(now: 6000).map(\.firstText) == ["text of new"])
    }

    @Test("a trail of schema version 4 is migrated on open: its cases kept, decided and appealed as version 5 does")
    func migratesVersion4() throws {
        // Written by version 4: a timeout from three rejects (a1-a3), case 1 removed (b1), case 2 open (d1).
        let (folder, path) = try trail(fromDump: "schema-v4.sql", version: 4)
        defer { try? FileManager.default.removeItem(at: folder) }
        let queue = try ReviewQueue(path: path)
        #expect(try queue.list(now: 2000).map(\.id) == [2])
        #expect(try queue.show(1)?.0.status == "removed")
        #expect(try queue.show(1)?.0.kind == "review")
        #expect(try queue.show(1)?.2.first?.sanction == nil)
        // Strikes were not kept before version 5: the ledger has no strike, and the automatic
        // timeout is not a moderator's sanction.
        #expect(try queue.ledger(of: "spam1").entries.isEmpty)
        let appeal = try queue.appeal("a3", message: "old verdict", at: 3000)
        #expect(appeal.kind == "appeal")
        #expect(appeal.severity == "appeal")
        #expect(try queue.list(now: 3000).map(\.id) == [appeal.id, 2])
        #expect(
            try queue.decide(appeal.id, .overturn, moderator: "ana", note: nil, at: 3001)
                == .decided(CaseDecision(caseID: appeal.id, outcome: .overturn, moderator: "ana", note: nil, at: 3001)))
        // a3 (seq 3) is taken back; with no strike rows, its replay imposes nothing.
        #expect(try queue.undone(of: "spam1") == [3])
        let store = try AuditStore(path: path)
        defer { store.close() }
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.count(.events) == 7)
    }
}
