#!/usr/bin/env python3
"""Flood campaigns across partition owners: does a stream partitioned by author catch the
injected campaigns of the flood workload as one instance alone does?

The workload and its truth are `precision.py`'s flood workload (200,000 real comments with
campaigns of copies injected by ../shared/tools/make_workload.py; run `python3
Benchmarks/e2e/precision.py` first, or give --events and --truth). It is judged:

  1. by one `winnow filter` alone (built-in policy, every rule on, event time);
  2. routed into 4 partitions by author (`winnow route`, a private `redis-server`) and judged by
     two `consume --partitions` owners (0,2 and 1,3) at once, each with its own windows only;
  3. the same with `--shared-windows global` (timeouts, bans and flood campaigns shared through
     logs, once per batch).

For each: injected copies with a `flood` reason, and every event's flood reasons. Usage:
  python3 Benchmarks/e2e/global_state.py [--events F --truth F] [--batch-size 1024] [--out FILE]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
import json
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from private_redis import PrivateRedis  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
JUDGING = ["--clock", "event", "--late-tolerance", "1d", "--no-audit"]


def verdict_lines(redis, key):
    out = subprocess.run(["redis-cli", "-s", redis.path, "--raw", "XRANGE", key, "-", "+"],
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith('{"id"')]


def flood_ids(verdicts):
    return {v["id"] for v in verdicts if any(r["rule"] == "flood" for r in v.get("reasons", []))}


def owners(winnow, redis, group, extra, batch):
    running = [subprocess.Popen([winnow, "consume", "--redis", redis.url, "--redis-stream", "flood", "--group", group,
                                 "--partition-count", "4", "--partitions", mine, "--consumer", f"{group}-{mine}",
                                 "--drain", "--batch-size", str(batch), *JUDGING, *extra],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for mine in ("0,2", "1,3")]
    for process in running:
        if process.wait() != 0:
            raise SystemExit(f"consume exited with {process.returncode}")
    verdicts = []
    for p in range(4):
        verdicts += verdict_lines(redis, f"flood:{{{p}}}:verdicts")
        redis.command("DEL", f"flood:{{{p}}}:verdicts")
    return verdicts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--winnow", default=os.path.join(ROOT, ".build/release/winnow"))
    ap.add_argument("--events", default="/tmp/winnow-precision/flood-workload.ndjson")
    ap.add_argument("--truth", default="/tmp/winnow-precision/flood-truth.tsv")
    ap.add_argument("--batch-size", type=int, default=1024)
    ap.add_argument("--events-per-entry", type=int, default=100)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    truth = {}
    for line in open(args.truth, encoding="utf-8"):
        eid, kind, detail = line.rstrip("\n").split("\t")
        if kind == "flood":
            truth[eid] = detail
    with open(args.events, "rb") as fin:
        alone = [json.loads(line) for line in subprocess.run(
            [args.winnow, "filter", *JUDGING], stdin=fin, capture_output=True, check=True).stdout.splitlines()]
    folder = tempfile.mkdtemp(prefix="winnow-global-")
    redis = PrivateRedis(folder)
    try:
        with open(args.events, "rb") as fin:
            subprocess.run([args.winnow, "route", "--redis", redis.url, "--redis-stream", "flood",
                            "--partition-count", "4", "--events-per-entry", str(args.events_per_entry)],
                           stdin=fin, check=True, stderr=subprocess.DEVNULL)
        local = owners(args.winnow, redis, "local", [], args.batch_size)
        start = time.perf_counter()
        shared = owners(args.winnow, redis, "global", ["--shared", redis.url, "--shared-windows", "global"],
                        args.batch_size)
        wall = time.perf_counter() - start
        log_entries = int(redis.command("XLEN", "winnow:gw").lstrip(":"))
    finally:
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)
    rows = []
    for name, verdicts in (("one `filter` alone", alone), ("two owners, windows their own", local),
                           ("two owners, `--shared-windows global`", shared)):
        flooded = flood_ids(verdicts)
        rows.append((name, len(verdicts), len(flooded & truth.keys()), len(flooded - truth.keys())))
    lines = ["# Flood campaigns across partition owners", "",
             f"Measured {time.strftime('%Y-%m-%d')} with `python3 Benchmarks/e2e/global_state.py --batch-size "
             f"{args.batch_size} --events-per-entry {args.events_per_entry}` (`{args.winnow}`): `precision.py`'s flood workload ({len(alone):,} events, "
             f"{len(truth):,} injected copies in campaigns), built-in policy, event time (`--late-tolerance 1d`), "
             "no audit trail; four partitions by author, two owners started at once.", "",
             "| configuration | verdicts | injected copies with a flood reason | other events with one |",
             "|---|---:|---:|---:|"]
    for name, n, caught, other in rows:
        lines.append(f"| {name} | {n:,} | {caught:,} of {len(truth):,} | {other:,} |")
    lines += ["", f"The window log held {log_entries} entries (one per batch that counted a copy or a channel count); "
              f"the shared run took {wall:.1f} s.", ""]
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
