/// The audit database's schema, versioned with `PRAGMA user_version`: each entry of
/// `migrations` takes the database from version `index` to `index + 1`, so a file written by
/// an older Winnow is brought forward on open and never rebuilt.
///
/// One row per judged line, appended: the hot path pays for one insert per event and for no
/// secondary index (an index on author or event id would dirty a random page per event, one on
/// `ts` costs a tenth of the insert; `winnow audit` scans instead, about a second per million
/// events). Each verdict is kept as the exact
/// JSON line that was released; the `reasons` view opens its reasons up as rows.
enum AuditSchema {
    static var version: Int { migrations.count }

    static let migrations: [String] = [
        // 1: configurations, runs, events with their verdicts, author state changes.
        """
        CREATE TABLE configs (
            id INTEGER PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            wordlists TEXT NOT NULL,
            policy TEXT NOT NULL,
            first_used REAL NOT NULL
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            config INTEGER NOT NULL REFERENCES configs(id),
            text_mode TEXT NOT NULL,
            pid INTEGER NOT NULL,
            started_at REAL NOT NULL
        );
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            run INTEGER NOT NULL REFERENCES runs(id),
            event_id TEXT,
            line INTEGER NOT NULL,
            author TEXT,
            channel TEXT,
            ts REAL,
            text TEXT,
            text_hash TEXT,
            action TEXT NOT NULL,
            verdict TEXT NOT NULL,
            recorded_at REAL NOT NULL
        );
        CREATE TABLE author_changes (
            seq INTEGER NOT NULL REFERENCES events(seq),
            author TEXT NOT NULL,
            change TEXT NOT NULL,
            at REAL,
            until REAL
        );
        CREATE INDEX author_changes_by_author ON author_changes(author);
        CREATE VIEW reasons AS
            SELECT e.seq AS seq, r.key AS position,
                   r.value ->> 'rule' AS rule, r.value ->> 'action' AS action, r.value ->> 'list' AS list,
                   r.value ->> 'category' AS category, r.value ->> 'term' AS term, r.value ->> 'match' AS match,
                   r.value ->> '$.span[0]' AS span_start, r.value ->> '$.span[1]' AS span_end,
                   r.value ->> 'limit' AS limit_name, r.value ->> 'count' AS count,
                   r.value ->> 'retry_after' AS retry_after, r.value ->> 'message' AS message,
                   coalesce(r.value ->> 'dry_run', 0) AS dry_run
            FROM events e, json_each(e.verdict, '$.reasons') r;
        """,
        // 2: who sent each event to the sidecar (SO_PEERCRED of its connection).
        """
        ALTER TABLE events ADD COLUMN peer_uid INTEGER;
        ALTER TABLE events ADD COLUMN peer_pid INTEGER;
        """,
        // 3: events taken from a Redis Stream (`winnow consume`), by stream and event id: an
        // entry delivered again (a consumer crashed before acknowledging it) gets the verdict
        // recorded here instead of being judged, and counted, a second time.
        """
        CREATE TABLE consumed (
            stream TEXT NOT NULL,
            event_key TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            seq INTEGER NOT NULL REFERENCES events(seq),
            PRIMARY KEY (stream, event_key)
        ) WITHOUT ROWID;
        """,
        // 4: the review queue. A held comment opens a case, or joins the open case of its
        // near-copies (by sketch); a case is decided once (the first decision wins), by a
        // moderator or by expiry; `decisions` is the feed of outcomes, in order.
        """
        CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            opened_at REAL NOT NULL,
            last_at REAL NOT NULL,
            channel TEXT,
            rule TEXT,
            severity INTEGER NOT NULL,
            sketch INTEGER NOT NULL,
            comments INTEGER NOT NULL,
            authors INTEGER NOT NULL,
            status TEXT NOT NULL,
            decided_at REAL,
            decided_by TEXT,
            note TEXT,
            first_seq INTEGER NOT NULL REFERENCES events(seq)
        );
        CREATE INDEX open_cases ON cases(opened_at) WHERE status = 'open';
        CREATE INDEX open_cases_by_priority ON cases(severity DESC, comments DESC, opened_at, id)
            WHERE status = 'open';
        CREATE TABLE case_events (
            case_id INTEGER NOT NULL REFERENCES cases(id),
            seq INTEGER NOT NULL REFERENCES events(seq),
            PRIMARY KEY (case_id, seq)
        ) WITHOUT ROWID;
        CREATE INDEX case_of_event ON case_events(seq);
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            outcome TEXT NOT NULL,
            moderator TEXT NOT NULL,
            note TEXT,
            at REAL NOT NULL,
            peer_uid INTEGER
        );
        """,
        // 5: the moderator loop closed. `strike` rows in `author_changes` (an author's strikes,
        // found by the author index) let a decision take one back and the penalty it led to;
        // a decision may time out or ban the case's authors (`sanction`); an appeal is a case
        // of kind 'appeal' on one past verdict, decided uphold or overturn; `undone` lists the
        // comments whose verdict was taken back (an approved case, an overturned appeal), which
        // count as strikes no more; `why` says what brought each change.
        """
        ALTER TABLE cases ADD COLUMN kind TEXT NOT NULL DEFAULT 'review';
        ALTER TABLE cases ADD COLUMN message TEXT;
        ALTER TABLE decisions ADD COLUMN sanction TEXT;
        ALTER TABLE decisions ADD COLUMN sanction_seconds REAL;
        ALTER TABLE author_changes ADD COLUMN why TEXT;
        ALTER TABLE author_changes ADD COLUMN decision INTEGER REFERENCES decisions(id);
        CREATE TABLE undone (
            seq INTEGER PRIMARY KEY REFERENCES events(seq),
            decision INTEGER NOT NULL REFERENCES decisions(id)
        );
        CREATE INDEX undone_by_decision ON undone(decision);
        CREATE INDEX author_changes_by_decision ON author_changes(decision) WHERE decision IS NOT NULL;
        """,
        // 6: the known-spam bank. Per sketch of a decided case (its eight values), how many
        // times moderators removed and approved copies; loaded by a running engine at start and
        // kept current as decisions come (the `known_spam` rule). Each case keeps the response
        // time in force for its channel when it opened (`queue.sla`, `sla_channels`).
        """
        ALTER TABLE cases ADD COLUMN sla REAL;
        CREATE TABLE known_copies (
            sketch INTEGER PRIMARY KEY,
            removals INTEGER NOT NULL DEFAULT 0,
            approvals INTEGER NOT NULL DEFAULT 0,
            last_case INTEGER,
            updated_at REAL NOT NULL
        );
        """,
    ]
}
