-- A Winnow audit trail as schema version 3 wrote it (before the review queue): three events of
-- a filter run. ReviewQueueTests builds a trail from it to test the migration to version 4.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE configs (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    wordlists TEXT NOT NULL,
    policy TEXT NOT NULL,
    first_used REAL NOT NULL
);
INSERT INTO configs VALUES(1,'19e05b75fe4e9f4a8a668d5c56278ee22c85e7da0b7b2e3bb0b9ceb1ae71e041',replace('c6502b088d57597bfacf37dfe69016d3d78be3a326dd1d00abdf5e2cf92e69dd  en/insults  Tests/Fixtures/wordlists/en/insults.txt\n4c4ab38cbc178fcfa34711b79d21f07054872a13cac2f483558ace791d19f0ee  en/profanity  Tests/Fixtures/wordlists/en/profanity.txt\nf5f8f56a4493ee688f61d33ffd8a059687db42fce360b383dc772527b6b8a153  en/self-harm  Tests/Fixtures/wordlists/en/self-harm.txt\ndfafc082991279c88981c6e8b21e35dacf4fc1fe90cba2545efa47b3071ce413  en/slurs  Tests/Fixtures/wordlists/en/slurs.txt\n28d3b6c19c1f6917e6705b0ee624d05b806d9354dfe4a74ed0ba874cb74a8b9d  fr/profanity  Tests/Fixtures/wordlists/fr/profanity.txt','\n',char(10)),replace('clock: event, late tolerance 5s\nmax authors: 1000000; exempt roles: admin, moderator\nstopwords: category overrides none\nrate limits: action reject\nslow mode: action reject\nrepeat: within 1m, 5 of 8 sketch values -> reject\nflood: 5 authors (4 with a link or mention) in 1m -> reject\nraid: 5x usual newcomers (at least 20) in 1m, slow-mode 10s -> flag\nlinks: at most 2 links, 5 mentions, 24 shorteners, new authors 10m (alone: flag) -> hold\nnoise: caps 0.7, run 50, symbols 0.6, marks 3 -> flag\nclassifier: off\nescalation: 3 strikes (reject or stronger, from flood, links, repeat, stopword) in 10m -> timeout 10m; ban after 3 timeouts for 1d\naudit: events kept for ever\nchannels:\n  (default): rate author 5/10s, author_channel off, channel off; slow_mode off','\n',char(10)),1796595824.2012906074);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    config INTEGER NOT NULL REFERENCES configs(id),
    text_mode TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at REAL NOT NULL
);
INSERT INTO runs VALUES(1,'filter',1,'full',19321,1796595824.2012906074);
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
, peer_uid INTEGER, peer_pid INTEGER);
INSERT INTO events VALUES(1,1,'old1',1,'x','default',1000.0,'hello there',NULL,'allow','{"id":"old1","action":"allow","reasons":[]}',1796595824.2357680797,NULL,NULL);
INSERT INTO events VALUES(2,1,'old2',2,'y','default',1001.0,'you shit',NULL,'censor','{"id":"old2","action":"censor","reasons":[{"rule":"stopword","action":"censor","list":"en/profanity","category":"profanity","severity":3,"term":"shit","match":"shit","span":[4,8]}],"text":"you ****"}',1796595824.2357680797,NULL,NULL);
INSERT INTO events VALUES(3,1,'old3',3,'z','default',1002.0,'see bit.ly/abc for free stuff',NULL,'hold','{"id":"old3","action":"hold","reasons":[{"rule":"links","action":"hold","term":"bit.ly","match":"bit.ly/abc","span":[4,14],"message":"a link shortener"}]}',1796595824.2357680797,NULL,NULL);
CREATE TABLE author_changes (
    seq INTEGER NOT NULL REFERENCES events(seq),
    author TEXT NOT NULL,
    change TEXT NOT NULL,
    at REAL,
    until REAL
);
CREATE TABLE consumed (
    stream TEXT NOT NULL,
    event_key TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    seq INTEGER NOT NULL REFERENCES events(seq),
    PRIMARY KEY (stream, event_key)
) WITHOUT ROWID;
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
COMMIT;
PRAGMA user_version = 3;
