#!/usr/bin/env python3
"""How the default policy does on real, labeled and civil comments, through `winnow replay`.

  1. The three YouTube Spam Collection files (labeled spam/ham: CLASS 1/0), replayed as CSV with
     one command: precision, recall and F1 of "not allowed" against the label, per rule too.
  2. The Beer Stack Exchange comments (real, mostly civil, unlabeled), converted to NDJSON:
     the share that is not allowed is the false-positive rate on civil comments, each listed.
  3. The learned classifier, leave one video out (classifier.py), alone and in the policy.

Writes Benchmarks/results/evaluation.md, and the HTML and JSON reports next to it under the
work folder. Usage (from the repository root; needs ../shared/corpus):
  python3 Benchmarks/e2e/evaluate.py [--out Benchmarks/results/evaluation.md]
"""
import argparse
import json
import os
import subprocess
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sh(cmd):
    return subprocess.run(cmd, shell=True, check=True, capture_output=True, text=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    ap.add_argument("--work", default=os.path.join(ROOT, ".build-bench"))
    ap.add_argument("--out", default=os.path.join(ROOT, "Benchmarks/results/evaluation.md"))
    args = ap.parse_args()
    corpus, work = f"{args.shared}/corpus", args.work
    os.makedirs(work, exist_ok=True)
    sh(f"cd {ROOT} && swift build -c release --product winnow")
    winnow = f"{ROOT}/.build/release/winnow"

    # Each file linked under its video's id, which `replay` takes for the channel (the file's name),
    # as an integration would send it: a comment linking the video itself then points back at the
    # page it is on, not away (the new-author link check).
    videos = (("Youtube01-Psy", "9bZkp7q19f0"), ("Youtube02-KatyPerry", "CevxZvSJLk8"),
              ("Youtube03-LMFAO", "KQ6zr6kCPj8"))
    for name, video_id in videos:
        link = f"{work}/{video_id}.csv"
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(f"{corpus}/youtube-spam-collection/{name}.csv", link)
    links = "; ".join(f"ln -s ../shared/corpus/youtube-spam-collection/{name}.csv {video_id}.csv"
                      for name, video_id in videos)
    youtube = " ".join(f"{video_id}.csv" for _, video_id in videos)
    youtube_cmd = (f"{links}; winnow replay {youtube} "
                   "--map text=CONTENT,author=AUTHOR,ts=DATE,id=COMMENT_ID --label CLASS --positive 1 "
                   "--report-html youtube.html --report-json youtube.json")
    sh(f"cd {work} && {winnow} replay {youtube} --map text=CONTENT,author=AUTHOR,ts=DATE,id=COMMENT_ID "
       f"--label CLASS --positive 1 --no-audit --report-html youtube.html --report-json youtube.json")
    yt = json.load(open(f"{work}/youtube.json"))

    beer = f"{work}/beer-comments.ndjson"
    with open(beer, "w", encoding="utf-8") as out:
        for row in ET.parse(f"{corpus}/stackexchange-beer-comments/Comments.xml").getroot():
            out.write(json.dumps({"id": "se" + row.get("Id"), "author": "user" + (row.get("UserId") or "0"),
                                  "channel": "post" + row.get("PostId"), "ts": row.get("CreationDate") + "Z",
                                  "text": row.get("Text") or ""}, ensure_ascii=False) + "\n")
    sh(f"cd {work} && {winnow} replay {beer} --no-audit --report-json beer.json --report-html beer.html")
    civil = json.load(open(f"{work}/beer.json"))

    def pct(x):
        return "–" if x is None else f"{100 * x:.1f}%"

    lines = ["# The default policy on real comments", "",
             "Measured by `python3 Benchmarks/e2e/evaluate.py` with the bundled wordlists and the built-in policy "
             "(every rule on, event time).", "",
             "## YouTube Spam Collection (labeled spam and ham)", "",
             f"Commands (from the repository root, the reports written to the working directory): `{youtube_cmd}`. "
             "Each file is linked under its video's id because `replay` takes a CSV file's name for the channel "
             "and an integration sends the video's id: a comment linking the video itself points back at the page "
             "it is on, and is no newcomer's link.", "",
             "Predicted positive: any verdict other than `allow`; positive: `CLASS` 1 (spam).", ""]
    ev = yt["evaluation"]
    o = ev["overall"]
    lines += ["| | labeled spam | labeled ham |", "|---|---:|---:|",
              f"| not allowed | {o['tp']} | {o['fp']} |", f"| allowed | {o['fn']} | {o['tn']} |", "",
              f"{yt['events']} comments: precision **{pct(o['precision'])}**, recall **{pct(o['recall'])}**, "
              f"F1 **{pct(o['f1'])}**; false-positive rate on ham {pct(o['false_positive_rate'])}.", "",
              "| rule | tp | fp | precision | recall | F1 |", "|---|---:|---:|---:|---:|---:|"]
    for rule, r in sorted(ev["rules"].items(), key=lambda kv: -(kv[1]["tp"] + kv[1]["fp"])):
        lines.append(f"| {rule} | {r['tp']} | {r['fp']} | {pct(r['precision'])} | {pct(r['recall'])} | {pct(r['f1'])} |")
    quirks = ", ".join(f"{k} {v['count']}" for k, v in yt["quirks"].items()) or "none"
    lines += ["", f"Quirks handled: {quirks}.", ""]

    total = civil["events"]
    not_allowed = total - civil["actions"].get("allow", 0) - civil["actions"].get("error", 0)
    lines += ["## Civil comments (Beer Stack Exchange)", "",
              f"{total} real comments, converted from `Comments.xml` to NDJSON (id, user, post as channel, creation date, text) "
              f"and replayed: **{not_allowed} not allowed ({pct(not_allowed / total)})**.", "",
              "| action | count |", "|---|---:|"]
    for action, count in sorted(civil["actions"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {action} | {count} |")
    lines += ["", "| rule | reasons |", "|---|---:|"]
    for rule, count in sorted(civil["rules"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {rule} | {count} |")
    lines.append("")

    # The learned classifier, leave one video out (its own script; its tables copied here).
    classifier_out = f"{work}/classifier.md"
    sh(f"cd {ROOT} && python3 Benchmarks/e2e/classifier.py --out {classifier_out}")
    report = open(classifier_out, encoding="utf-8").read().split("\n")
    lines += ["## The classifier, leave one video out", "",
              "`python3 Benchmarks/e2e/classifier.py` (full report: `Benchmarks/results/classifier.md`): train on two "
              "YouTube videos, score the third, rotate; the classifier alone (averages of the three folds) and the whole "
              "built-in policy with the fold's model (removal = hold, reject, timeout, ban).", ""]
    for start in ("Average of the three folds:", "The whole built-in policy"):
        k = next(i for i, line in enumerate(report) if line.startswith(start))
        end = next(i for i in range(k + 2, len(report)) if not report[i].startswith("|"))
        lines += report[k + 2:end] + [""]
    open(args.out, "w").write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
