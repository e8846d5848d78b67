#!/usr/bin/env python3
"""The classifier, measured honestly: leave one video out on the YouTube Spam Collection (train on
two files with `winnow train`, score the third with `winnow model evaluate`, rotate), alone and as
part of the built-in policy (`winnow replay` of the held-out file with the fold's model in the
policy: removal = hold, reject, timeout, ban); and `toxic` on Davidson et al.'s tweets split by
the file's order (the last fifth held back, as `winnow train` does).

Usage (after `swift build -c release --product winnow`; needs ../shared/corpus):
  python3 Benchmarks/e2e/classifier.py [--out Benchmarks/results/classifier.md] [--hold 0.8 --reject 0.99]
"""
import argparse
import json
import os
import platform
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
VIDEOS = ["Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv"]
MAP = "text=CONTENT,author=AUTHOR,ts=DATE,id=COMMENT_ID"
# The videos' ids: a held-out file is replayed under its video's id, which `replay` takes for the
# channel (the file's name), as an integration sends it.
VIDEO_IDS = {"Youtube01-Psy.csv": "9bZkp7q19f0", "Youtube02-KatyPerry.csv": "CevxZvSJLk8",
             "Youtube03-LMFAO.csv": "KQ6zr6kCPj8"}


def run(args, **kw):
    proc = subprocess.run(args, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)}: {proc.stderr}")
    return proc.stdout


def metrics(tp, fp, fn, tn):
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = 2 * p * r / (p + r) if p and r else None
    fpr = fp / (fp + tn) if fp + tn else None
    return p, r, f1, fpr


def fmt(x, pct=False):
    if x is None:
        return "-"
    return f"{100 * x:.1f}%" if pct else f"{x:.3f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(ROOT, "Benchmarks/results/classifier.md"))
    parser.add_argument("--winnow", default=os.path.join(ROOT, ".build/release/winnow"))
    parser.add_argument("--hold", type=float, default=0.8)
    parser.add_argument("--reject", type=float, default=0.99)
    parser.add_argument("--features", default="w,b,c,s", help="winnow train --features: kinds of feature by letter")
    parser.add_argument("--grams", default="3", help="winnow train --grams: lengths of the character grams")
    parser.add_argument("--bits", default="16", help="winnow train --bits: 2^bits buckets")
    parser.add_argument("--policy-extra", default="", help="more policy lines for the whole-policy runs, e.g. "
                        "'links: {new_author_alone: annotate}'")
    parser.add_argument("--with-bundled-extras", action="store_true",
                        help="train each fold, as scripts/build-model.sh trains the bundled model, also on tg-spam's "
                        "samples, Davidson's \"neither\" tweets and the older Beer comments (never on the held-out video)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="winnow-classifier-")
    extras = []
    if args.with_bundled_extras:
        subprocess.run(["python3", os.path.join(ROOT, "scripts/model_data.py"), os.path.join(work, "bundled")], check=True)
        with open(os.path.join(work, "bundled/spam.ndjson"), encoding="utf-8") as f:
            extras = [json.loads(line) for line in f if not json.loads(line)["id"].startswith("yt-")]
    youtube = os.path.join(CORPUS, "youtube-spam-collection")
    extra_note = " and the bundled model's other training text" if extras else ""
    folds = []
    for k, held in enumerate(VIDEOS):
        train = [os.path.join(youtube, v) for v in VIDEOS if v != held]
        model = os.path.join(work, f"fold{k}.wnm")
        if extras:
            # The fold's two videos and the extras as one NDJSON dump (the extras undated: always trained on).
            import csv
            dump = os.path.join(work, f"fold{k}.ndjson")
            with open(dump, "w", encoding="utf-8") as out:
                for row in extras:
                    out.write(json.dumps(row) + "\n")
                for path in train:
                    with open(path, encoding="utf-8", newline="") as f:
                        for row in csv.DictReader(f):
                            out.write(json.dumps({"id": row["COMMENT_ID"], "author": row["AUTHOR"], "ts": row["DATE"],
                                                  "text": row["CONTENT"], "meta": {"spam": row["CLASS"]}}) + "\n")
            run([args.winnow, "train", dump, "--label", "meta.spam", "--positive", "1", "--negative", "0",
                 "--out", model, "--force", "--holdout", "0.01", "--min-examples", "50", "--features", args.features,
                 "--grams", args.grams, "--bits", args.bits], cwd=work)
        else:
            run([args.winnow, "train", *train, "--map", MAP, "--label", "CLASS", "--positive", "1", "--negative", "0",
                 "--out", model, "--force", "--holdout", "0.01", "--min-examples", "50", "--features", args.features,
                 "--grams", args.grams, "--bits", args.bits], cwd=work)
        table = json.loads(run([args.winnow, "model", "evaluate", os.path.join(youtube, held), "--model", model,
                                "--map", MAP, "--label", "CLASS", "--json"], cwd=work))
        policy = os.path.join(work, f"fold{k}.yaml")
        with open(policy, "w") as f:
            f.write(f"classifier:\n  enabled: true\n  model: {model}\n  labels:\n    spam: {{hold: {args.hold}, reject: {args.reject}}}\n")
            if args.policy_extra:
                f.write(args.policy_extra + "\n")
        report = os.path.join(work, f"fold{k}.json")
        named = os.path.join(work, VIDEO_IDS[held] + ".csv")
        if not os.path.lexists(named):
            os.symlink(os.path.join(youtube, held), named)
        run([args.winnow, "replay", named, "--map", MAP, "--label", "CLASS", "--positive", "1",
             "--no-audit", "--policy", policy, "--report-json", report], cwd=work)
        with open(report) as f:
            overall = json.load(f)["evaluation"]["overall"]
        # "Not allowed" counts flags and censoring too; the removal rate counts hold, reject, timeout, ban.
        verdicts = run([args.winnow, "replay", named, "--map", MAP, "--no-audit", "--policy", policy,
                        "--verdicts", "-"], cwd=work)
        import csv
        with open(os.path.join(youtube, held), encoding="utf-8", newline="") as f:
            labels = {row["COMMENT_ID"]: row["CLASS"] == "1" for row in csv.DictReader(f)}
        removed = {"hold", "reject", "timeout", "ban"}
        tp = fp = fn = tn = 0
        for line in verdicts.splitlines():
            if not line.startswith("{"):
                continue
            v = json.loads(line)
            actual = labels.get(str(v.get("id")))
            if actual is None:
                continue
            predicted = v["action"] in removed
            tp += predicted and actual
            fp += predicted and not actual
            fn += (not predicted) and actual
            tn += (not predicted) and not actual
        folds.append((held, table, overall, (tp, fp, fn, tn)))

    davidson = os.path.join(CORPUS, "davidson-hate-offensive/data/labeled_data.csv")
    toxic_data = os.path.join(work, "toxic.ndjson")
    import csv
    import html
    with open(davidson, encoding="utf-8", newline="") as f, open(toxic_data, "w", encoding="utf-8") as out:
        for row in csv.DictReader(f):
            text = html.unescape(row["tweet"]).strip()
            if text:
                out.write(json.dumps({"id": row[""], "author": "a" + row[""], "text": text,
                                      "meta": {"toxic": "1" if row["class"] in ("0", "1") else "0"}}) + "\n")
    toxic_out = run([args.winnow, "train", toxic_data, "--label", "meta.toxic", "--positive", "1", "--negative", "0",
                     "--label-name", "toxic", "--out", os.path.join(work, "toxic.wnm"), "--force", "--features", args.features, "--grams", args.grams, "--bits", args.bits],
                    cwd=work)

    lines = [
        "# The classifier, leave one video out",
        "",
        f"`python3 Benchmarks/e2e/classifier.py` on {time.strftime('%Y-%m-%d')}, {platform.node()} ({os.cpu_count()} cores), "
        f"release build at `{run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD']).strip()}`.",
        "",
        f"Spam: train on two videos of the YouTube Spam Collection (`winnow train --features {args.features} --grams {args.grams}`{extra_note}, 2^{args.bits} buckets, FTRL, 5 epochs), score "
        "the third (`winnow model evaluate`); false positives = share of ham scored at or above the threshold.",
        "",
        "| held-out video | threshold | precision | recall | F1 | false positives |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    averages = {}
    for held, table, _, _ in folds:
        for row in table["thresholds"]:
            m = row["metrics"]
            lines.append(f"| {held} | {row['threshold']} | {fmt(m['precision'])} | {fmt(m['recall'])} | {fmt(m['f1'])} | "
                         f"{fmt(m['false_positive_rate'], True)} |")
            averages.setdefault(row["threshold"], []).append(m)
    lines += ["", "Average of the three folds:", "", "| threshold | precision | recall | F1 | false positives |",
              "|---:|---:|---:|---:|---:|"]
    for threshold, ms in sorted(averages.items()):
        def avg(key):
            values = [m[key] for m in ms if isinstance(m[key], (int, float))]
            return sum(values) / len(values) if values else None
        lines.append(f"| {threshold} | {fmt(avg('precision'))} | {fmt(avg('recall'))} | {fmt(avg('f1'))} | "
                     f"{fmt(avg('false_positive_rate'), True)} |")
    lines += ["", f"The whole built-in policy with the fold's model (spam hold from {args.hold}, reject from {args.reject}), "
              "replaying the held-out video: removal = hold, reject, timeout or ban.", "",
              "| held-out video | precision | recall | F1 | removal false positives |", "|---|---:|---:|---:|---:|"]
    sums = [0, 0, 0, 0]
    for held, _, _, counts in folds:
        p, r, f1, fpr = metrics(*counts)
        sums = [a + b for a, b in zip(sums, counts)]
        lines.append(f"| {held} | {fmt(p)} | {fmt(r)} | {fmt(f1)} | {fmt(fpr, True)} |")
    p, r, f1, fpr = metrics(*sums)
    lines.append(f"| all three | {fmt(p)} | {fmt(r)} | {fmt(f1)} | {fmt(fpr, True)} |")
    lines += ["", "Toxic: Davidson et al.'s tweets, the last fifth in the file's order held back "
              "(`winnow train --label-name toxic`):", "", "```", toxic_out.strip(), "```", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
