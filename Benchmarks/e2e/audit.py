#!/usr/bin/env python3
"""What the audit trail costs, and how long a replay of the 1M workload takes.

Times, interleaved and repeated, over the 1M-event workload of throughput.py (every rule on,
`--clock event` so that every run gives the same verdicts):

  winnow filter --no-audit
  winnow filter --audit FILE                      (group commit: the default)
  winnow filter --audit FILE --audit-commit async
  winnow replay EVENTS --report-html --report-json (with its audit trail)

and writes the medians, the ratio of events/s with and without the audit trail, the size of
the trail, the machine and the commands to Benchmarks/results/audit.md.

Usage (from the repository root; needs the workload: run throughput.py first, or pass --events-file):
  python3 Benchmarks/e2e/audit.py [--runs 5]
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from throughput import version  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.path.join(ROOT, ".build-bench"))
    ap.add_argument("--events-file", default=None)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(ROOT, "Benchmarks/results/audit.md"))
    args = ap.parse_args()
    work = args.work
    events = args.events_file or f"{work}/events.ndjson"
    if not os.path.exists(events):
        sys.exit(f"{events} is missing: run python3 Benchmarks/e2e/throughput.py first")
    subprocess.run(f"cd {ROOT} && swift build -c release --product winnow", shell=True, check=True,
                   stdout=subprocess.DEVNULL)
    winnow = f"{ROOT}/.build/release/winnow"
    trail = f"{work}/audit-bench.sqlite"
    lines = sum(1 for _ in open(events, "rb"))
    cases = [
        ("filter, no audit trail", f"{winnow} filter --clock event --no-audit < {events} > /dev/null"),
        ("filter, audit trail, group commit (default)", f"{winnow} filter --clock event --audit {trail} < {events} > /dev/null"),
        ("filter, audit trail, --audit-commit async",
         f"{winnow} filter --clock event --audit {trail} --audit-commit async < {events} > /dev/null"),
        ("replay with HTML and JSON reports and audit trail",
         f"{winnow} replay {events} --audit {trail} --report-html {work}/replay.html --report-json {work}/replay.json > /dev/null"),
    ]
    times = {name: [] for name, _ in cases}
    size = 0
    for _ in range(args.runs):
        for name, cmd in cases:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(trail + suffix):
                    os.remove(trail + suffix)
            start = time.monotonic()
            subprocess.run(cmd, shell=True, check=True)
            times[name].append(time.monotonic() - start)
            if "group commit" in name:
                size = os.path.getsize(trail)

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
    base = statistics.median(times[cases[0][0]])
    out = ["# What the audit trail costs", "",
           f"Measured {time.strftime('%Y-%m-%d')} by `python3 Benchmarks/e2e/audit.py --runs {args.runs}` "
           f"(median of {args.runs} interleaved runs).", "",
           f"Machine: {cpu}, {os.cpu_count()} cores, Linux {platform.release()}; {version('swift --version')}; "
           f"SQLite {version('sqlite3 --version').split()[0]}.", "",
           f"Workload: the {lines:,} events of `throughput.py` ({os.path.getsize(events) / 1e6:.0f} MB NDJSON), "
           "every rule on, `--clock event` (the same verdicts in every run).", "",
           "| run | median s (min–max) | events/s | events/s vs no audit trail |", "|---|---:|---:|---:|"]
    for name, _ in cases:
        t = times[name]
        m = statistics.median(t)
        out.append(f"| {name} | {m:.2f} ({min(t):.2f}–{max(t):.2f}) | {lines / m:,.0f} | {base / m:.2f} |")
    out += ["", f"The audit trail of one run holds {lines:,} events in {size / 1e6:.0f} MB "
            f"({size / lines:.0f} bytes per event: the text and the verdict as released).", "", "Commands:", ""]
    out += [f"- {name}: `{cmd.replace(work, '$WORK').replace(ROOT + '/', '')}`" for name, cmd in cases]
    out.append("")
    open(args.out, "w").write("\n".join(out))
    print("\n".join(out))


if __name__ == "__main__":
    main()
