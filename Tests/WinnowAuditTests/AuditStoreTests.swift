import Foundation
import Testing
@testable import WinnowAudit
import WinnowCore

@Suite("Audit store (real SQLite files)")
struct AuditStoreTests {
    /// A fresh folder for one test, removed afterwards.
    func withFolder(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    /// `count` judged events as the pipeline hands them over: every third rejected with two
    /// reasons, event 7 a timeout imposed by escalation; author `a(k % 5)`, one second apart.
    struct Sample {
        var records: [AuditRecord] = []
        var verdicts: [UInt8] = []

        init(_ count: Int, firstTimestamp: Double = 1_700_000_000) {
            for k in 0..<count {
                var action = Action.allow
                var reasons = ""
                var penalty: AuthorPenalty?
                if k == 7 {
                    action = .timeout
                    penalty = AuthorPenalty(action: .timeout, until: 1_700_000_600)
                    reasons = #"{"rule":"escalation","action":"timeout","limit":"3 strikes in 10m","count":3}"#
                } else if k % 3 == 0 {
                    action = .reject
                    reasons =
                        #"{"rule":"stopword","action":"censor","list":"en/profanity","category":"profanity","term":"shit","match":"shit","span":[0,4]},"#
                        + #"{"rule":"rate_limit","action":"reject","limit":"author 5/10s","retry_after":1.5}"#
                }
                let line = #"{"id":"e\#(k)","action":"\#(action.rawValue)","reasons":[\#(reasons)]}"#
                let start = verdicts.count
                verdicts += Array(line.utf8)
                records.append(
                    AuditRecord(
                        eventID: "e\(k)", line: k + 1, author: "a\(k % 5)", channel: k % 2 == 0 ? "main" : "side",
                        timestamp: firstTimestamp + Double(k), text: "shit \(k)", action: action, penalty: penalty,
                        verdict: start..<verdicts.count))
                verdicts.append(UInt8(ascii: "\n"))
            }
        }

        func commit(to trail: AuditTrail) throws {
            try verdicts.withUnsafeBytes { bytes in
                try trail.commit(AuditBatch(parts: [AuditBatch.Part(records: records, verdicts: bytes)]))
            }
        }
    }

    let configuration = AuditedConfiguration(wordlists: "w", policy: "p")

    @Test("a new file gets the current schema in WAL mode; batches land whole; the file checks out")
    func roundTrip() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("audit.sqlite").path
            let store = try AuditStore(path: path)
            let trail = try AuditTrail(store: store, configuration: configuration, source: "filter")
            try Sample(100).commit(to: trail)
            try Sample(10, firstTimestamp: 1_800_000_000).commit(to: trail)
            #expect(try store.count(.events) == 110)
            // Batch of 100: 34 rejects with two reasons (0, 3, …, 99), one timeout (7); batch of 10: 4 and one.
            #expect(try store.count(.reasons) == 34 * 2 + 1 + 4 * 2 + 1)
            #expect(try store.count(.authorChanges) == 2)
            #expect(try store.count(.configs) == 1)
            #expect(try store.count(.runs) == 1)
            #expect(try store.integrityCheck() == "ok")
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            // Opening it again keeps everything and migrates nothing; a second run shares the configuration.
            let again = try AuditStore(path: path)
            _ = try AuditTrail(store: again, configuration: configuration, source: "replay")
            #expect(try again.count(.events) == 110)
            #expect(try again.count(.configs) == 1)
            #expect(try again.count(.runs) == 2)
            #expect(AuditStore.schemaVersion == 6)
        }
    }

    @Test("a file of an older schema is brought forward on open, its rows kept")
    func migration() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("v1.sqlite").path
            // A trail as version 1 wrote it, with one event.
            do {
                let old = try SQLiteDatabase(path: path)
                try old.execute(AuditSchema.migrations[0])
                try old.execute("PRAGMA user_version = 1")
                try old.execute(
                    """
                    INSERT INTO configs (hash, wordlists, policy, first_used) VALUES ('h', 'w', 'p', 1);
                    INSERT INTO runs (source, config, text_mode, pid, started_at) VALUES ('filter', 1, 'full', 1, 1);
                    INSERT INTO events (run, event_id, line, author, channel, ts, text, action, verdict, recorded_at)
                    VALUES (1, 'old', 1, 'a', 'c', 5, 'hi', 'allow', '{"id":"old","action":"allow","reasons":[]}', 6);
                    """)
            }
            let store = try AuditStore(path: path)
            #expect(try store.count(.events) == 1)
            let trail = try AuditTrail(store: store, configuration: configuration, source: "serve")
            var sample = Sample(1)
            sample.records[0].peerUID = 1000
            sample.records[0].peerPID = 42
            try sample.commit(to: trail)
            let check = try SQLiteDatabase(path: path, readOnly: true)
            #expect(try check.integer("PRAGMA user_version") == 6)
            #expect(try check.integer("SELECT count(*) FROM consumed") == 0)
            #expect(try check.integer("SELECT count(*) FROM cases") == 0)
            #expect(try check.integer("SELECT count(*) FROM events WHERE peer_uid IS NULL AND event_id = 'old'") == 1)
            #expect(try check.text("SELECT peer_uid || ',' || peer_pid FROM events WHERE event_id = 'e0'") == "1000,42")
        }
    }

    @Test("queries: stats over a time range, an event explained, an author's history, the export")
    func queries() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("audit.sqlite").path
            let trail = try AuditTrail(
                store: try AuditStore(path: path), configuration: configuration, source: "filter")
            try Sample(100).commit(to: trail)
            let queries = try AuditQueries(path: path)

            let all = try queries.stats()
            #expect(all.events == 100)
            #expect(all.actions.map(\.name) == ["allow", "reject", "timeout"])
            #expect(all.actions.map(\.count) == [65, 34, 1])
            #expect(all.rules.map(\.name) == ["rate_limit", "stopword", "escalation"])
            #expect(all.rules.map(\.count) == [34, 34, 1])
            #expect(all.lists.map(\.name) == ["en/profanity"])
            #expect(all.channels.map(\.count) == [50, 50])
            #expect(all.first == 1_700_000_000)
            #expect(all.last == 1_700_000_099)
            // [10, 20): events 10…19, rejects at 12, 15, 18.
            let some = try queries.stats(AuditQueries.TimeRange(since: 1_700_000_010, until: 1_700_000_020))
            #expect(some.events == 10)
            #expect(some.actions.first { $0.name == "reject" }?.count == 3)

            let explained = try queries.events(id: "e3")
            #expect(explained.count == 1)
            #expect(explained[0].rules == ["stopword", "rate_limit"])
            #expect(explained[0].lists == ["en/profanity", ""])
            #expect(explained[0].terms == ["shit", ""])
            #expect(explained[0].verdict.hasPrefix(#"{"id":"e3","action":"reject""#))
            #expect(explained[0].source == "filter")
            #expect(try queries.configuration(hash: explained[0].configHash) == configuration)

            let author = try queries.author("a2", recent: 3)
            #expect(author.events == 20)
            #expect(author.penalties.count == 1)
            #expect(author.penalties.first?.eventID == "e7")
            #expect(author.penalties.first?.until == 1_700_000_600)
            #expect(author.penalties.first?.strikes == 3)
            #expect(author.recent.map { $0.id ?? "" } == ["e97", "e92", "e87"])

            var exported: [String] = []
            try queries.export { exported.append($0.id ?? "") }
            #expect(exported == (0..<100).map { "e\($0)" })
        }
    }

    @Test("an unwritable place, a foreign SQLite file and a locked database are refused with a clear message")
    func refusals() throws {
        try withFolder { folder in
            #expect(throws: AuditError.self) {
                try AuditStore(path: folder.appendingPathComponent("missing/dir/audit.sqlite").path)
            }
            let foreign = folder.appendingPathComponent("other.sqlite").path
            // A database of someone else's: a table, user_version 0.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", "-c",
                "import sqlite3; c=sqlite3.connect('\(foreign)'); c.execute('create table t(x)'); c.commit()",
            ]
            try process.run()
            process.waitUntilExit()
            do {
                _ = try AuditStore(path: foreign)
                Issue.record("a foreign database was accepted")
            } catch let error as AuditError {
                #expect(error.message.contains("not a Winnow audit trail"))
            }
            #expect(throws: AuditError.self) { try AuditQueries(path: foreign) }
            // Another writer holds the lock.
            let locked = folder.appendingPathComponent("locked.sqlite").path
            _ = try AuditStore(path: locked)
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            holder.arguments = [
                "python3", "-c",
                "import sqlite3,time,sys; c=sqlite3.connect('\(locked)', isolation_level=None); c.execute('begin immediate'); print('locked', flush=True); time.sleep(3)",
            ]
            let out = Pipe()
            holder.standardOutput = out
            try holder.run()
            _ = out.fileHandleForReading.availableData  // wait until it holds the lock
            do {
                _ = try AuditStore(path: locked)
                Issue.record("a locked database was accepted")
            } catch let error as AuditError {
                #expect(error.message.contains("locked by another writer"))
            }
            holder.terminate()
            holder.waitUntilExit()
        }
    }

    @Test("the log's growth warning blamed a reader when a writer that never paused was the cause")
    func growthWarningNamesItsCause() {
        #expect(
            WALCheckpointer.growthWarning(megabytes: 256, copied: 100, logFrames: 400)
                == "the audit trail's write-ahead log is 256 MiB: a reader holds a transaction open "
                + "(100 of 400 frames checkpointed); it shrinks once that reader is done")
        #expect(
            WALCheckpointer.growthWarning(megabytes: 264, copied: 16469, logFrames: 16469)
                == "the audit trail's write-ahead log is 264 MiB: every checkpoint is copied, but the writer has not "
                + "paused long enough to start the log over (a bulk run writes without pausing); it shrinks at the "
                + "first pause")
    }

    @Test("the WAL grew without bound behind a reader and was checkpointed inside the commit path")
    func walGrewBehindAReader() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("audit.sqlite").path
            let wal = path + "-wal"
            func size(_ file: String) -> Int {
                (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            }
            let store = try AuditStore(path: path)
            let trail = try AuditTrail(store: store, configuration: configuration, source: "test")
            // A reader holds one transaction open (as an sqlite3 shell inside BEGIN would).
            let reader = Process()
            reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            reader.arguments = [
                "python3", "-c",
                """
                import sqlite3, sys, time
                c = sqlite3.connect('\(path)', isolation_level=None)
                c.execute('BEGIN'); c.execute('SELECT count(*) FROM events').fetchone()
                print('holding', flush=True); sys.stdin.readline()
                c.execute('COMMIT')
                """,
            ]
            let input = Pipe(), output = Pipe()
            reader.standardInput = input
            reader.standardOutput = output
            try reader.run()
            _ = output.fileHandleForReading.availableData  // "holding"
            // Commits go on, none of them waits for a checkpoint; the log grows meanwhile.
            let sample = Sample(500)
            for _ in 0..<40 { try sample.commit(to: trail) }
            let grown = size(wal)
            #expect(grown > 4 << 20, "\(grown)")
            try input.fileHandleForWriting.write(contentsOf: Data("done\n".utf8))
            reader.waitUntilExit()
            // Once the reader is done, the checkpointer's thread copies the log into the file and
            // the writer starts it over: it stops growing.
            Thread.sleep(forTimeInterval: 0.6)
            for _ in 0..<5 {
                try sample.commit(to: trail)
                Thread.sleep(forTimeInterval: 0.3)
            }
            #expect(size(wal) <= grown, "\(size(wal)) > \(grown)")
            #expect(size(path) > 2 << 20, "the database file holds the rows: \(size(path))")
            // A clean close moves everything into the database file.
            store.close()
            #expect(size(wal) == 0)
            let copy = folder.appendingPathComponent("copy.sqlite").path
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            #expect(try AuditStore(path: copy).count(.events) == 45 * 500)
        }
    }
}
