#!/usr/bin/env python3
"""How fast the classifier learns a new community from its moderators' decisions.

Each of the three YouTube Spam Collection videos in turn is the new community. Its comments
arrive in time order, each with the moderators' decision (the dataset's label). Every
`--every` decisions the model is retrained (`winnow train`) and scored (`winnow model
evaluate`) on the next `--window` comments, which it has not seen:

  community only  trained on the community's decisions so far;
  base + community  trained on the two other videos (another community's decisions) plus the
                    community's so far; at 0 decisions this is the base model alone.

Reports F1 and the false-positive rate at 0.5 and 0.9 per step, and the mean over the three
communities. Standard library only; uses the release binary as it is.

Usage (from the repository root; needs ../shared/corpus):
  python3 Benchmarks/e2e/learning_curve.py [--every 50] [--window 100]
                                           [--out Benchmarks/results/learning-curve.md]
"""
import argparse
import csv
import json
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "youtube-spam-collection")
VIDEOS = ["Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv"]


def run(args):
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)}: {proc.stderr}")
    return proc.stdout


def read(video):
    """The video's comments as events, oldest first (ties in file order)."""
    with open(os.path.join(CORPUS, video), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    events = [{"id": row["COMMENT_ID"], "author": row["AUTHOR"], "ts": row["DATE"] + "Z", "text": row["CONTENT"],
               "meta": {"spam": row["CLASS"]}} for row in rows]
    return sorted(events, key=lambda e: e["ts"])


def write(path, events):
    with open(path, "w", encoding="utf-8") as out:
        for event in events:
            out.write(json.dumps(event, ensure_ascii=False) + "\n")


def at(table, threshold):
    for row in table["thresholds"]:
        if abs(row["threshold"] - threshold) < 1e-9:
            return row["metrics"]
    raise SystemExit(f"no threshold {threshold} in {table}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--winnow", default=os.path.join(ROOT, ".build/release/winnow"))
    parser.add_argument("--every", type=int, default=50)
    parser.add_argument("--window", type=int, default=100)
    parser.add_argument("--out", default=os.path.join(ROOT, "Benchmarks/results/learning-curve.md"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="winnow-curve-")

    def train(events, name):
        """A model of `events`, or None when one class is missing (nothing to learn yet)."""
        labels = {e["meta"]["spam"] for e in events}
        if labels != {"0", "1"}:
            return None
        data, model = os.path.join(work, name + ".ndjson"), os.path.join(work, name + ".wnm")
        write(data, events)
        # Almost everything trains: the evaluation that counts is the next window, below.
        run([args.winnow, "train", data, "--label", "meta.spam", "--positive", "1", "--negative", "0", "--out", model,
             "--force", "--holdout", "0.01", "--min-examples", "1"])
        return model

    def evaluate(model, events, name):
        data = os.path.join(work, name + "-next.ndjson")
        write(data, events)
        return json.loads(run([args.winnow, "model", "evaluate", data, "--model", model, "--label", "meta.spam",
                               "--json"]))

    results = {}  # (mode, step) -> list of (f1@0.5, fpr@0.5, f1@0.9, fpr@0.9), one per community
    steps = []
    for video in VIDEOS:
        community = read(video)
        base = [e for other in VIDEOS if other != video for e in read(other)]
        for decided in range(0, len(community) - args.window + 1, args.every):
            if decided not in steps:
                steps.append(decided)
            upcoming = community[decided:decided + args.window]
            for mode, training in (("community only", community[:decided]),
                                   ("base + community", base + community[:decided])):
                name = f"{video[:9]}-{mode[:4]}-{decided}"
                model = train(training, name)
                if model is None:
                    continue
                table = evaluate(model, upcoming, name)
                half, high = at(table, 0.5), at(table, 0.9)
                results.setdefault((mode, decided), []).append(
                    (half["f1"], half["false_positive_rate"], high["f1"], high["false_positive_rate"]))

    def mean(values):
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else None

    def fmt(x, pct=False):
        return "-" if x is None else (f"{100 * x:.1f}%" if pct else f"{x:.3f}")

    commit = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).strip()
    lines = [
        "# Learning a new community from its moderators' decisions",
        "",
        f"`python3 Benchmarks/e2e/learning_curve.py --every {args.every} --window {args.window}` on this VM "
        f"(2 cores), release build at `{commit}`.",
        "",
        "Each YouTube Spam Collection video in turn is the new community; its comments come in time order with "
        f"their labels as the moderators' decisions. Every {args.every} decisions the model is retrained "
        "(`winnow train`, all kinds of feature, 2^16 buckets) and scored on the next "
        f"{args.window} comments (`winnow model evaluate`). Means over the communities that had both classes "
        "to learn from at that step (n).",
        "",
        "| decisions | mode | n | F1 at 0.5 | false positives at 0.5 | F1 at 0.9 | false positives at 0.9 |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for decided in sorted(steps):
        for mode in ("community only", "base + community"):
            rows = results.get((mode, decided), [])
            if not rows:
                lines.append(f"| {decided} | {mode} | 0 | - | - | - | - |")
                continue
            columns = list(zip(*rows))
            lines.append(f"| {decided} | {mode} | {len(rows)} | {fmt(mean(columns[0]))} | {fmt(mean(columns[1]), True)} | "
                         f"{fmt(mean(columns[2]))} | {fmt(mean(columns[3]), True)} |")
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
