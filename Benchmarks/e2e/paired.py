#!/usr/bin/env python3
"""Every rule on against stop words only, as paired rounds: stop words only, every rule on, stop
words only, back to back, N times. Each round's ratio compares the every-rule run with the mean
of the two stop-words runs around it, so a slow spell of a noisy machine hits both sides; prints
each round and the medians of the rounds' wall-time and CPU-time (user + system) ratios.

Usage (from the repository root; needs the workload of throughput.py):
  python3 Benchmarks/e2e/paired.py [--pairs 7] [--winnow .build/release/winnow]
"""
import argparse
import os
import resource
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(winnow, args, events, audit=None):
    """One `filter` run: (wall seconds, CPU seconds). With `audit`, into a fresh trail at that
    path (removed first), else with `--no-audit`."""
    trail = "--no-audit"
    if audit:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(audit + suffix):
                os.remove(audit + suffix)
        trail = f"--audit {audit}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(f"{winnow} filter {trail} {args} < {events} > /dev/null", shell=True, check=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=7)
    ap.add_argument("--winnow", default=os.path.join(ROOT, ".build/release/winnow"))
    ap.add_argument("--events", default=os.path.join(ROOT, ".build-bench/events.ndjson"))
    args = ap.parse_args()
    only = f"--policy {ROOT}/Benchmarks/e2e/stopwords-only.yaml"
    every = "--clock event"
    walls, cpus = [], []
    for k in range(args.pairs):
        s1, e, s2 = run(args.winnow, only, args.events), run(args.winnow, every, args.events), run(args.winnow, only, args.events)
        walls.append(e[0] / ((s1[0] + s2[0]) / 2))
        cpus.append(e[1] / ((s1[1] + s2[1]) / 2))
        print(f"round {k}: every rule {e[0]:.2f} s ({e[1]:.2f} s CPU), stop words only {s1[0]:.2f} and {s2[0]:.2f} s:"
              f" {100 * (walls[-1] - 1):+.1f}% wall, {100 * (cpus[-1] - 1):+.1f}% CPU", flush=True)
    print(f"median of {args.pairs} rounds: {100 * (statistics.median(walls) - 1):+.1f}% wall,"
          f" {100 * (statistics.median(cpus) - 1):+.1f}% CPU (issue 3 asks for at most +20%)")


if __name__ == "__main__":
    main()
