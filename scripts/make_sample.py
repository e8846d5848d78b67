#!/usr/bin/env python3
"""Build Tests/Fixtures/comments/youtube-spam-collection.ndjson from the UCI YouTube Spam
Collection files 01-03 (CC BY 4.0) in ../shared/corpus: one event per comment, ordered by
time, the label kept in `meta`. Usage: python3 scripts/make_sample.py [CORPUS_DIR]"""
import csv
import json
import sys

corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus"
# The channel is the video's id, as an integration sends it (a link to the video itself then
# points back at the page the comment is on).
files = [("Youtube01-Psy.csv", "9bZkp7q19f0"), ("Youtube02-KatyPerry.csv", "CevxZvSJLk8"),
         ("Youtube03-LMFAO.csv", "KQ6zr6kCPj8")]
events = []
for name, channel in files:
    with open(f"{corpus}/youtube-spam-collection/{name}", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            events.append({
                "id": row["COMMENT_ID"], "author": row["AUTHOR"], "channel": channel,
                "ts": row["DATE"] + "Z", "text": row["CONTENT"],
                "meta": {"label": "spam" if row["CLASS"] == "1" else "ham", "source": name},
            })
events.sort(key=lambda e: e["ts"])
out = "Tests/Fixtures/comments/youtube-spam-collection.ndjson"
with open(out, "w", encoding="utf-8", newline="\n") as fh:
    for e in events:
        fh.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n")
print(f"{len(events)} events -> {out}", file=sys.stderr)
