#!/usr/bin/env python3
"""Peak memory of `winnow filter` against the number of distinct authors.

Streams N events, each from a new author (`a0`, `a1`, ...), one per millisecond of event time,
through `winnow filter --clock event` with the built-in policy (every rule on), and records the
peak resident set size (GNU time's %M) and the run time. The tables are sized by --max-authors
(default 1,000,000): beyond the cap the idle authors are evicted, so memory must stay flat from
1M to 10M authors. Writes Benchmarks/results/memory.md.

Usage: python3 Benchmarks/e2e/memory.py [--counts 1000000,10000000] [--no-build]
Needs nothing outside the repository.
"""
import argparse
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def events(count):
    texts = ["hello everyone", "nice stream today", "what a goal", "gg", "lol that was close"]
    for k in range(count):
        yield ('{"id":%d,"author":"a%d","channel":"c%d","ts":%.3f,"text":"%s %d"}\n'
               % (k, k, k % 7, 1700000000 + k / 1000, texts[k % len(texts)], k)).encode()


def run(winnow, count, extra):
    cmd = ["/usr/bin/time", "-f", "%M %e", winnow, "filter", "--no-audit", "--clock", "event"] + extra
    started = time.time()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    batch = []
    for line in events(count):
        batch.append(line)
        if len(batch) == 10000:
            proc.stdin.write(b"".join(batch))
            batch = []
    proc.stdin.write(b"".join(batch))
    proc.stdin.close()
    err = proc.stderr.read().decode().strip().splitlines()
    proc.wait()
    rss_kb, seconds = err[-1].split()
    return int(rss_kb), float(seconds), time.time() - started


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--counts", default="1000000,10000000")
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "winnow"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    winnow = os.path.join(ROOT, ".build", "release", "winnow")
    rows = []
    for count in [int(c) for c in args.counts.split(",")]:
        for label, extra in (("default cap (1,000,000)", []), ("--max-authors 100000", ["--max-authors", "100000"])):
            rss, seconds, _ = run(winnow, count, extra)
            rows.append((count, label, rss, seconds))
            print(f"{count:>11,} authors, {label}: peak RSS {rss / 1024:.0f} MiB, {seconds:.1f} s", file=sys.stderr)
    out = ["# Peak memory against distinct authors", "",
           f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; "
           f"{time.strftime('%Y-%m-%d')}. Command: `python3 Benchmarks/e2e/memory.py`.", "",
           "Every event from a new author, built-in policy (every rule on), `--clock event`.", "",
           "| distinct authors | author cap | peak RSS MiB | run s |", "|---:|---|---:|---:|"]
    for count, label, rss, seconds in rows:
        out.append(f"| {count:,} | {label} | {rss / 1024:.0f} | {seconds:.1f} |")
    path = os.path.join(ROOT, "Benchmarks", "results", "memory.md")
    with open(path, "w") as fh:
        fh.write("\n".join(out) + "\n")
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
