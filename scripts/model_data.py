#!/usr/bin/env python3
"""Writes the training sets of the bundled model (Models/winnow.wnm) from data the repository
ships, as NDJSON events for `winnow train`; scripts/build-model.sh calls it. Deterministic: the
same files give the same bytes.

  spam.ndjson   the YouTube Spam Collection sample (Tests/Fixtures/comments; CC BY 4.0) with its
                dates, spam = 1/0; plus, undated (so always in the training part), tg-spam's spam
                and ham samples (Models/data/tg-spam; MIT), Davidson et al.'s "neither" tweets
                as ordinary text that is not spam (Models/data/davidson-hate-offensive; MIT), and
                the older half (by date, before 2017-02-19T17:12) of the Beer, Wine & Spirits Stack
                Exchange comments as not spam either: a community's own links, Markdown and long
                replies (Models/data/stackexchange-beer; CC BY-SA). The newer half is left for
                measuring false positives (docs/classifier.md).
  toxic.ndjson  the older Beer comments (not toxic), then Davidson et al.'s tweets in the file's
                order, toxic = hate speech or offensive language (class 0 or 1) = 1, neither = 0.

Usage: python3 scripts/model_data.py OUT_DIR
"""
import csv
import html
import json
import os
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write(path, rows):
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


# The Beer comments written before this moment train; the later half is never trained on.
BEER_SPLIT = "2017-02-19T17:12"


def older_beer_comments():
    """The Beer, Wine & Spirits Stack Exchange comments before BEER_SPLIT, oldest first, as
    (date, id, text)."""
    root = ET.parse(os.path.join(ROOT, "Models/data/stackexchange-beer/Comments.xml")).getroot()
    rows = [(row.get("CreationDate"), row.get("Id"), row.get("Text")) for row in root]
    return sorted(row for row in rows if row[0] < BEER_SPLIT and row[2].strip())


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    davidson = []
    with open(os.path.join(ROOT, "Models/data/davidson-hate-offensive/labeled_data.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            davidson.append((row[""], html.unescape(row["tweet"]), int(row["class"])))

    # Undated rows first: replay gives them the first dated row's time, so they always train
    # and the held-back share is the newest YouTube comments.
    spam = []
    dated = []
    with open(os.path.join(ROOT, "Tests/Fixtures/comments/youtube-spam-collection.ndjson"), encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            dated.append({"id": "yt-" + event["id"], "author": event["author"], "ts": event["ts"], "text": event["text"],
                         "meta": {"spam": "1" if event["meta"]["label"] == "spam" else "0"}})
    for name, label in (("spam-samples.txt", "1"), ("ham-samples.txt", "0")):
        with open(os.path.join(ROOT, "Models/data/tg-spam", name), encoding="utf-8") as f:
            for k, line in enumerate(f):
                text = line.strip()
                if text:
                    spam.append({"id": f"tg-{name}-{k}", "author": f"tg{k}", "text": text, "meta": {"spam": label}})
    for index, text, cls in davidson:
        if cls == 2 and text.strip():
            spam.append({"id": f"dv-{index}", "author": f"dv{index}", "text": text, "meta": {"spam": "0"}})
    for date, comment_id, text in older_beer_comments():
        spam.append({"id": f"se-{comment_id}", "author": f"se-{comment_id}", "text": text, "meta": {"spam": "0"}})
    write(os.path.join(out, "spam.ndjson"), spam + dated)

    # The Beer comments first: in file order they are then always in the training part.
    toxic = [{"id": f"se-{comment_id}", "author": f"se-{comment_id}", "text": text, "meta": {"toxic": "0"}}
             for date, comment_id, text in older_beer_comments()]
    toxic += [{"id": f"dv-{index}", "author": f"dv{index}", "text": text, "meta": {"toxic": "1" if cls < 2 else "0"}}
              for index, text, cls in davidson if text.strip()]
    write(os.path.join(out, "toxic.ndjson"), toxic)


if __name__ == "__main__":
    main()
