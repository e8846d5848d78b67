/// The audit database's schema, versioned with `PRAGMA user_version`: each entry of
/// `migrations` takes the database from version `index` to `index + 1`, so a file written by
/// an older Winnow is brought forward on open and never rebuilt.
enum AuditSchema {
    static var version: Int { migrations.count }

    static let migrations: [String] = [
        // 1: events with their verdicts, the reasons, author state changes, configurations.
        """
        CREATE TABLE configs (
            hash TEXT PRIMARY KEY,
            wordlists TEXT NOT NULL,
            policy TEXT NOT NULL,
            first_used REAL NOT NULL
        );
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            event_id TEXT,
            line INTEGER NOT NULL,
            author TEXT,
            channel TEXT,
            ts REAL,
            text TEXT,
            text_hash TEXT,
            action TEXT NOT NULL,
            would TEXT,
            until REAL,
            error TEXT,
            config TEXT REFERENCES configs(hash),
            source TEXT NOT NULL,
            recorded_at REAL NOT NULL
        );
        CREATE INDEX events_by_id ON events(event_id);
        CREATE INDEX events_by_author ON events(author, ts);
        CREATE INDEX events_by_ts ON events(ts);
        CREATE TABLE reasons (
            seq INTEGER NOT NULL REFERENCES events(seq),
            position INTEGER NOT NULL,
            rule TEXT NOT NULL,
            action TEXT,
            list TEXT,
            category TEXT,
            term TEXT,
            match TEXT,
            span_start INTEGER,
            span_end INTEGER,
            limit_name TEXT,
            count INTEGER,
            retry_after REAL,
            message TEXT,
            dry_run INTEGER NOT NULL,
            PRIMARY KEY (seq, position)
        ) WITHOUT ROWID;
        CREATE TABLE author_changes (
            seq INTEGER NOT NULL REFERENCES events(seq),
            author TEXT NOT NULL,
            change TEXT NOT NULL,
            until REAL
        );
        CREATE INDEX author_changes_by_author ON author_changes(author);
        """
    ]
}
