import Foundation
import Testing
import WinnowAudit
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

    func records(_ count: Int) -> [AuditRecord] {
        (0..<count).map { k in
            let reasons = k % 3 == 0
                ? [Reason(rule: "stopword", action: .censor, list: "en/profanity", category: "profanity", term: "shit", match: "shit",
                          span: TextSpan(start: 0, end: 4)),
                   Reason(rule: "rate_limit", action: .reject, limit: "author 5/10s", retryAfter: 1.5)]
                : []
            var verdict = Verdict(id: .string("e\(k)"), action: reasons.isEmpty ? .allow : .reject, reasons: reasons)
            if k == 7 {
                verdict = Verdict(
                    id: .string("e7"), action: .timeout,
                    reasons: [Reason(rule: "escalation", action: .timeout, limit: "3 strikes in 10m", count: 3)], until: 1_700_000_600)
            }
            return AuditRecord(
                eventID: "e\(k)", line: k + 1, author: "a\(k % 5)", channel: "main", timestamp: 1_700_000_000 + Double(k),
                text: "shit \(k)", verdict: verdict)
        }
    }

    @Test("a new file gets the current schema in WAL mode; batches land whole; the file checks out")
    func roundTrip() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("audit.sqlite").path
            let store = try AuditStore(path: path)
            try store.registerConfiguration(hash: "c1", wordlists: "w", policy: "p", at: 1)
            try store.record(records(100), configuration: "c1", source: "filter", at: 2)
            try store.record(records(10), configuration: "c1", source: "filter", at: 3)
            #expect(try store.count(.events) == 110)
            // Batch of 100: 34 events with two reasons, one escalation; batch of 10: 4 with two, one escalation.
            #expect(try store.count(.reasons) == 34 * 2 + 1 + 4 * 2 + 1)
            #expect(try store.count(.authorChanges) == 2)
            #expect(try store.count(.configs) == 1)
            #expect(try store.integrityCheck() == "ok")
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            // Opening it again keeps everything and migrates nothing.
            let again = try AuditStore(path: path)
            #expect(try again.count(.events) == 110)
            #expect(AuditStore.schemaVersion == 1)
        }
    }

    @Test("an unwritable place, a foreign SQLite file and a locked database are refused with a clear message")
    func refusals() throws {
        try withFolder { folder in
            #expect(throws: AuditError.self) { try AuditStore(path: folder.appendingPathComponent("missing/dir/audit.sqlite").path) }
            let foreign = folder.appendingPathComponent("other.sqlite").path
            // A database of someone else's: a table, user_version 0.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", "import sqlite3; c=sqlite3.connect('\(foreign)'); c.execute('create table t(x)'); c.commit()"]
            try process.run()
            process.waitUntilExit()
            do {
                _ = try AuditStore(path: foreign)
                Issue.record("a foreign database was accepted")
            } catch let error as AuditError {
                #expect(error.message.contains("not a Winnow audit trail"))
            }
            // Another writer holds the lock.
            let locked = folder.appendingPathComponent("locked.sqlite").path
            _ = try AuditStore(path: locked)
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            holder.arguments = ["python3", "-c", "import sqlite3,time,sys; c=sqlite3.connect('\(locked)', isolation_level=None); c.execute('begin immediate'); print('locked', flush=True); time.sleep(3)"]
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
}
