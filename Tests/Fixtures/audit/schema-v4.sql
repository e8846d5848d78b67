PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE configs (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    wordlists TEXT NOT NULL,
    policy TEXT NOT NULL,
    first_used REAL NOT NULL
);
INSERT INTO configs VALUES(1,'d28d86e2056a315a04b40b4d999cba6a981711c1bb89e5a6e8598ebb4db3d84d',replace('7097383f672af8bce8d0686aaa8b827680c29b213a88711c657cff7e9cb6465d  en/crude  /work/main/Wordlists/en/crude.txt\nc50f6f61777e6fb8f1be5e4b030d2e9fda633aa9d44b4eda86b6dd8218acc1ed  en/gambling  /work/main/Wordlists/en/gambling.txt\nfee17fff082a7eba1ba9a165a880ae3e5c92bcc399c846b5186f3fa69f6fa12c  en/insults  /work/main/Wordlists/en/insults.txt\n63772aa8ff3dd3e03144e500be5f3e5c4cb40065b9c3c9d5090778f148c6b5fd  en/profanity  /work/main/Wordlists/en/profanity.txt\nb125ecc3981d9a149e0c2352e15669ec56c51f9f2fbe8e4779c1dfa7b7dd3ea9  en/self-harm  /work/main/Wordlists/en/self-harm.txt\n55b7d16733d0bda1e00f8c78d0d4a4b870872dd89d22996ea66aac29fa0f15ba  en/slurs  /work/main/Wordlists/en/slurs.txt\nb63b82b083d85fa4eeaccaee5474966d91156f1b4e8eb4b96369a3e3b499710c  en/spam  /work/main/Wordlists/en/spam.txt\ndccaa5364d942ba38c7d3b0c13b8a20fd3f8f1aabe6c42cc20f1b2c1a3c4ffd9  fr/insults  /work/main/Wordlists/fr/insults.txt\nba16d1ea91b72f6a1ab92d8bf5778225b9c81ee1cfd5a074df08a103912a8c8c  fr/profanity  /work/main/Wordlists/fr/profanity.txt\n76b7a93c71af1af0bcaa876f300095c56f81b758dc3d52e5637dba869412f77e  fr/self-harm  /work/main/Wordlists/fr/self-harm.txt\n7f08debcee086f253617160917c1219356152557b0c8f6d4bab6e0f3dd6707da  fr/slurs  /work/main/Wordlists/fr/slurs.txt\n129104546bdb620d2e5f6adc7591bc9826845336a257fd0fa8b9e74d910d0ad3  ru/spam  /work/main/Wordlists/ru/spam.txt','\n',char(10)),replace('clock: event, late tolerance 5s\nmax authors: 1000000; exempt roles: admin, moderator\nstopwords: category overrides none\nrate limits: action reject\nslow mode: action reject\nrepeat: within 1m, 5 of 8 sketch values -> reject\nflood: 5 authors (4 with a link or mention) in 1m -> reject\nraid: 5x usual newcomers (at least 20) in 1m, slow-mode 10s -> flag\nlinks: at most 2 links, 5 mentions, 24 shorteners, new authors 10m (alone: flag) -> hold\nnoise: caps 0.7, run 50, symbols 0.6, marks 3 -> flag\nclassifier: off\nescalation: 3 strikes (reject or stronger, from flood, links, repeat, stopword) in 10m -> timeout 10m; ban after 3 timeouts for 1d\nqueue: holds open cases; they never expire; sla 2h\naudit: events kept for ever\nchannels:\n  (default): rate author 5/10s, author_channel off, channel off; slow_mode off','\n',char(10)),1796607131.5142300128);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    config INTEGER NOT NULL REFERENCES configs(id),
    text_mode TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at REAL NOT NULL
);
INSERT INTO runs VALUES(1,'filter',1,'full',20349,1796607131.5142300128);
INSERT INTO runs VALUES(2,'filter',1,'full',20373,1796607136.206300497);
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
INSERT INTO events VALUES(1,1,'a1',1,'spam1','c',1000.0,'you slurword* one',NULL,'reject','{"id":"a1","action":"reject","reasons":[{"rule":"stopword","action":"reject","list":"en/slurs","category":"slur","severity":5,"term":"slurword*","match":"slurword","span":[4,10]}]}',1796607131.5168766975,NULL,NULL);
INSERT INTO events VALUES(2,1,'a2',2,'spam1','c',1010.0,'slurword* again',NULL,'reject','{"id":"a2","action":"reject","reasons":[{"rule":"stopword","action":"reject","list":"en/slurs","category":"slur","severity":5,"term":"slurword*","match":"slurword","span":[0,6]}]}',1796607131.5168766975,NULL,NULL);
INSERT INTO events VALUES(3,1,'a3',3,'spam1','c',1020.0,'total slurword*',NULL,'timeout','{"id":"a3","action":"timeout","until":1620,"reasons":[{"rule":"stopword","action":"reject","list":"en/slurs","category":"slur","severity":5,"term":"slurword*","match":"slurword","span":[6,12]},{"rule":"escalation","action":"timeout","limit":"3 strikes in 10m","count":3,"retry_after":600,"message":"strike 3 of 3 in 10m: timed out for 10m (timeout 1)"}]}',1796607131.5168766975,NULL,NULL);
INSERT INTO events VALUES(4,1,'a4',4,'spam1','c',1030.0,'please check out my channel for more',NULL,'timeout','{"id":"a4","action":"timeout","until":1620,"reasons":[{"rule":"timeout","action":"timeout","retry_after":590,"message":"the author is timed out"}]}',1796607131.5168766975,NULL,NULL);
INSERT INTO events VALUES(5,1,'b1',5,'spam2','c',1040.0,'please check out my channel for more',NULL,'hold','{"id":"b1","action":"hold","reasons":[{"rule":"stopword","action":"hold","list":"en/spam","category":"spam","severity":3,"term":"check out my channel","match":"check out my channel","span":[7,27]}]}',1796607131.5168766975,NULL,NULL);
INSERT INTO events VALUES(6,1,'c1',6,'nice','c',1050.0,'lovely song thanks for sharing',NULL,'allow','{"id":"c1","action":"allow","reasons":[]}',1796607131.5168766975,NULL,NULL);
INSERT INTO events VALUES(7,2,'d1',1,'spam3','c',1100.0,'go check my channel now',NULL,'hold','{"id":"d1","action":"hold","reasons":[{"rule":"stopword","action":"hold","list":"en/spam","category":"spam","severity":3,"term":"go check my channel","match":"go check my channel","span":[0,19]}]}',1796607136.2089481353,NULL,NULL);
CREATE TABLE author_changes (
    seq INTEGER NOT NULL REFERENCES events(seq),
    author TEXT NOT NULL,
    change TEXT NOT NULL,
    at REAL,
    until REAL
);
INSERT INTO author_changes VALUES(3,'spam1','timeout',1020.0,1620.0);
CREATE TABLE consumed (
    stream TEXT NOT NULL,
    event_key TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    seq INTEGER NOT NULL REFERENCES events(seq),
    PRIMARY KEY (stream, event_key)
) WITHOUT ROWID;
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
INSERT INTO cases VALUES(1,1040.0,1040.0,'c','stopword',2,721227961151802,1,1,'removed',1796607131.7584490776,'root',NULL,5);
INSERT INTO cases VALUES(2,1100.0,1100.0,'c','stopword',2,721227961151802,1,1,'open',NULL,NULL,NULL,7);
CREATE TABLE case_events (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    seq INTEGER NOT NULL REFERENCES events(seq),
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
INSERT INTO case_events VALUES(1,5);
INSERT INTO case_events VALUES(2,7);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    outcome TEXT NOT NULL,
    moderator TEXT NOT NULL,
    note TEXT,
    at REAL NOT NULL,
    peer_uid INTEGER
);
INSERT INTO decisions VALUES(1,1,'remove','root',NULL,1796607131.7584490776,NULL);
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
CREATE INDEX open_cases ON cases(opened_at) WHERE status = 'open';
CREATE INDEX open_cases_by_priority ON cases(severity DESC, comments DESC, opened_at, id)
    WHERE status = 'open';
CREATE INDEX case_of_event ON case_events(seq);
COMMIT;
PRAGMA user_version = 4;
