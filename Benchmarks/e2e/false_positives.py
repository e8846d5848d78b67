#!/usr/bin/env python3
"""How often the bundled wordlists fire on innocent text, measured with the real `winnow filter`.

Innocent text (from ../shared/corpus):
  - dictionaries: Debian's american-english, british-english and french word lists, one word
    per event. A word that is itself offensive (it equals an entry, or a wildcard entry's stem
    starts or ends it) is a true hit, not a false positive; every other hit is listed.
  - civil comments: Beer, Wine & Spirits Stack Exchange comments, the ham rows of the YouTube
    Spam Collection files 01-03, tg-spam's ham samples. Every hit is listed for review (the
    "ham" sets are not free of real profanity).

Usage (from the repository root): python3 Benchmarks/e2e/false_positives.py [--out Benchmarks/results/false-positives.md]
"""
import argparse
import csv
import glob
import json
import os
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def plain(s):
    s = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in s if not unicodedata.combining(c))


def run_winnow(winnow, texts):
    # One author per line, no rate limit or escalation: the lists alone are measured (one author
    # writing 100,000 words a second would be rate-limited, then timed out, and never analyzed).
    lines = "".join(json.dumps({"id": i, "author": f"a{i}", "text": t}, ensure_ascii=False) + "\n"
                    for i, t in enumerate(texts))
    out = subprocess.run([winnow, "filter", "--no-audit", "--rate-limit", "off", "--no-escalation"],
                         input=lines.encode(), capture_output=True, check=True).stdout
    return [json.loads(l) for l in out.decode().splitlines()]


def intended(word, reason):
    """A dictionary word that is itself the listed term (or its wildcard stem's word)."""
    w = plain(word)
    if w.endswith("'s"):
        w = w[:-2]
    term = plain(reason.get("term", ""))
    body = term.strip("*")
    if term.startswith("*") and term.endswith("*"):
        return body in w
    if term.endswith("*"):
        return w.startswith(body)
    if term.startswith("*"):
        return w.endswith(body)
    return w == body


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(ROOT), "shared", "corpus"))
    ap.add_argument("--out", default=os.path.join(ROOT, "Benchmarks/results/false-positives.md"))
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(f"cd {ROOT} && swift build -c release --product winnow", shell=True, check=True,
                       stdout=subprocess.DEVNULL)
    winnow = f"{ROOT}/.build/release/winnow"
    c = args.corpus
    report = ["# False positives of the bundled wordlists\n",
              f"Measured {time.strftime('%Y-%m-%d')} with `python3 Benchmarks/e2e/false_positives.py` "
              "(the real `winnow filter`, default policy, bundled lists).\n",
              "A hit is any `stopword` reason (also `flag` and `annotate`).\n",
              "## Dictionaries (one word per event)\n",
              "| dictionary | words | words with a hit | offensive words (the entry itself) | false positives | rate |",
              "|---|---:|---:|---:|---:|---:|"]
    details = []
    for name, path in (("american-english", "debian-wordlists/wamerican/american-english"),
                       ("british-english", "debian-wordlists/wbritish/british-english"),
                       ("french", "debian-wordlists/wfrench/french")):
        words = [w for w in open(f"{c}/{path}", encoding="utf-8").read().split("\n") if w]
        verdicts = run_winnow(winnow, words)
        hit = [(words[v["id"]], v) for v in verdicts if any(r["rule"] == "stopword" for r in v["reasons"])]
        fps = [(w, v) for w, v in hit if not all(intended(w, r) for r in v["reasons"] if r["rule"] == "stopword")]
        report.append(f"| {name} | {len(words):,} | {len(hit):,} | {len(hit) - len(fps):,} | {len(fps):,} | "
                      f"{100 * len(fps) / len(words):.3f}% |")
        details.append(f"\n### {name}: false positives\n")
        details += [f"- `{w}`: " + ", ".join(f"{r['list']} `{r['term']}` ({r.get('action', '-')})"
                                              for r in v["reasons"] if r["rule"] == "stopword") for w, v in fps] or ["- none"]

    sets = []
    rows = [r.get("Text") or "" for r in ET.parse(f"{c}/stackexchange-beer-comments/Comments.xml").getroot()]
    sets.append(("Beer Stack Exchange comments", rows))
    ham = []
    for p in sorted(glob.glob(f"{c}/youtube-spam-collection/*.csv")):
        with open(p, newline="", encoding="utf-8") as fh:
            ham += [r["CONTENT"] for r in csv.DictReader(fh) if r["CLASS"] == "0"]
    sets.append(("YouTube Spam Collection 01-03, ham rows", ham))
    tg = [l for l in open(f"{c}/tg-spam/data/ham-samples.txt", encoding="utf-8").read().split("\n") if l.strip()]
    sets.append(("tg-spam ham samples", tg))
    report += ["\n## Civil comments\n",
               "| set | comments | with a hit | rate | not allowed | by list |", "|---|---:|---:|---:|---:|---|"]
    for name, texts in sets:
        verdicts = run_winnow(winnow, texts)
        hit = [v for v in verdicts if any(r["rule"] == "stopword" for r in v["reasons"])]
        blocked = sum(1 for v in verdicts if v["action"] != "allow")
        by_list = {}
        for v in hit:
            for r in v["reasons"]:
                if r["rule"] == "stopword":  # a comment with a hit may have other reasons too
                    by_list[r["list"]] = by_list.get(r["list"], 0) + 1
        report.append(f"| {name} | {len(texts):,} | {len(hit):,} | {100 * len(hit) / len(texts):.2f}% | {blocked:,} | "
                      + ", ".join(f"{k} {n}" for k, n in sorted(by_list.items())) + " |")
        details.append(f"\n### {name}: every hit, for review\n")
        for v in hit:
            reasons = "; ".join(f"{r['list']} `{r['term']}` → \"{r['match']}\"" for r in v["reasons"] if r["rule"] == "stopword")
            details.append(f"- {reasons} — {texts[v['id']][:140]!r}")
    text = "\n".join(report + details) + "\n"
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(text)
    print("\n".join(report))


if __name__ == "__main__":
    sys.exit(main())
