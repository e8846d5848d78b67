#!/usr/bin/env python3
"""A stream partitioned by author (`winnow route`, `winnow consume --partitions`) against one
`winnow filter` alone: CPU per event of every process involved, and events/s.

The throughput workload (`throughput.workload`; every rule on, the built-in policy, event time,
no audit trail, `--late-tolerance 1d` so that a consumer reading several partitions judges each
event at its own time) is:

  1. judged by one `winnow filter` alone (CPU by rusage);
  2. routed into P partitions of a stream on a private `redis-server` (unix socket) by
     `winnow route --events-per-entry E` (its CPU and Redis's, from `INFO cpu`; E events of a
     partition at most in one entry, 1: an entry per event);
  3. judged by 1, 2 and 4 owners (`consume --partitions`, a consumer group of its own each
     round, the partitions split evenly, all started at once, `--drain`): CPU of the consumers
     and of Redis, events/s from the first start to the last exit — each owner keeping every
     window to itself, then with `--shared-windows global` (timeouts, bans, flood campaigns and
     channel counts shared through the logs once per batch).

Rounds are interleaved (alone, 1, 2, 4 owners, 1, 2, 4 with the logs; again), medians reported,
and the ratio to `filter` alone twice: as measured, and with each process's start-up taken out
(the CPU of a `filter` of no input, measured in the same run: a consumer starts once and runs for
days, so its steady cost is what a fleet pays). Standard library only; needs `redis-server` and
../shared for the workload. Usage (from the repository root):
  python3 Benchmarks/e2e/partitioned.py [--events 200000] [--partitions 4] [--rounds 3]
                                        [--events-per-entry 100]
                                        [--out Benchmarks/results/partitioned.md]
"""
import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import throughput  # noqa: E402  (the workload)
from private_redis import PrivateRedis  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
JUDGING = ["--clock", "event", "--late-tolerance", "1d", "--no-audit"]


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def alone(winnow, events):
    before, start = children_cpu(), time.perf_counter()
    with open(events, "rb") as fin:
        subprocess.run([winnow, "filter", *JUDGING], stdin=fin, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start, children_cpu() - before


def startup(winnow):
    """The CPU of a `filter` of no input: loading the lists and the model, once per process."""
    before = children_cpu()
    subprocess.run([winnow, "filter", *JUDGING], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return children_cpu() - before


def owners(winnow, redis, partitions, n, group, stream, extra=()):
    """n consumers owning the partitions split evenly: (wall, consumers' CPU, Redis's CPU). Each
    owner gets the machine's cores shared out as workers (at least one), as a fleet on one host
    would be sized: four owners of two workers each on two cores spent up to a fifth more CPU
    on threads waiting for each other."""
    owned = [list(range(partitions))[k::n] for k in range(n)]
    workers = ["--workers", str(max(1, (os.cpu_count() or 1) // n))]
    for p in range(partitions):
        redis.command("DEL", f"{stream}:{{{p}}}:verdicts")
    redis_before, before, start = redis.cpu(), children_cpu(), time.perf_counter()
    running = [subprocess.Popen([winnow, "consume", "--redis", redis.url, "--redis-stream", stream, "--group", group,
                                 "--partition-count", str(partitions), "--partitions", ",".join(map(str, mine)),
                                 "--consumer", f"{group}-{k}", "--drain", *JUDGING, *workers, *extra],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for k, mine in enumerate(owned)]
    for process in running:
        if process.wait() != 0:
            raise SystemExit(f"consume exited with {process.returncode}")
    return time.perf_counter() - start, children_cpu() - before, redis.cpu() - redis_before


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--winnow", default=os.path.join(ROOT, ".build/release/winnow"))
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--events-per-entry", type=int, default=100)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    ap.add_argument("--work", default="/tmp/winnow-ab")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    events = throughput.workload(args.shared, args.work, args.events)
    n = args.events
    folder = tempfile.mkdtemp(prefix="winnow-partitioned-")
    redis = PrivateRedis(folder)
    stream = "comments"
    try:
        redis_before, before, start = redis.cpu(), children_cpu(), time.perf_counter()
        with open(events, "rb") as fin:
            subprocess.run([args.winnow, "route", "--redis", redis.url, "--redis-stream", stream,
                            "--partition-count", str(args.partitions),
                            "--events-per-entry", str(args.events_per_entry)], stdin=fin, check=True,
                           stderr=subprocess.DEVNULL)
        route = (time.perf_counter() - start, children_cpu() - before, redis.cpu() - redis_before)
        configurations = [(k, mode) for mode in ("own", "global") for k in (1, 2, 4)]
        results = {"alone": [], "startup": [], **{c: [] for c in configurations}}
        for r in range(args.rounds):
            wall, cpu = alone(args.winnow, events)
            results["alone"].append((wall, cpu, 0.0))
            results["startup"].append(startup(args.winnow))
            for k, mode in configurations:
                extra = ["--shared", redis.url, "--shared-windows", "global"] if mode == "global" else []
                results[(k, mode)].append(
                    owners(args.winnow, redis, args.partitions, k, f"g{r}-{k}-{mode}", stream, extra))
    finally:
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)

    def med(runs, i):
        return statistics.median(run[i] for run in runs)

    base = med(results["alone"], 1) / n * 1e6
    start_cpu = statistics.median(results["startup"])
    lines = ["# A stream partitioned by author", "",
             f"Measured {time.strftime('%Y-%m-%d')} with `python3 Benchmarks/e2e/partitioned.py --events {n} "
             f"--partitions {args.partitions} --rounds {args.rounds} --events-per-entry {args.events_per_entry}` on "
             f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), `{args.winnow}`: the throughput "
             "workload, every rule on, the built-in policy, event time (`--late-tolerance 1d`), no audit trail; one "
             "private `redis-server` on a unix socket; CPU of every process (the winnow processes by rusage, Redis by "
             f"`INFO cpu`); medians of {args.rounds} interleaved rounds. A process's start-up (the lists and the model "
             f"loaded: a `filter` of no input) took {start_cpu * 1000:.0f} ms of CPU.", "",
             f"Routing ({n:,} events into {args.partitions} partitions, once, `winnow route --events-per-entry "
             f"{args.events_per_entry}`): "
             f"{route[1] / n * 1e6:.2f} µs of route + {route[2] / n * 1e6:.2f} µs of Redis per event, "
             f"{n / route[0]:,.0f} events/s.", "",
             "| configuration | CPU µs per event, winnow + Redis | against alone | steady: start-ups taken out "
             "| Redis µs per event | events/s |",
             "|---|---:|---:|---:|---:|---:|",
             f"| 1 `filter` alone | {base:.2f} + 0 | 1.00× | 1.00× | 0 | {n / med(results['alone'], 0):,.0f} |"]
    for (k, mode), runs in ((c, results[c]) for c in configurations):
        w, c, rc = (med(runs, i) / n * 1e6 for i in range(3))
        # Each round's own ratio (its configurations ran back to back), then their median: steadier
        # on a busy machine than the ratio of medians.
        ratio = statistics.median((run[1] + run[2]) / alone_run[1] for run, alone_run in zip(runs, results["alone"]))
        steady = statistics.median((run[1] - k * s_ + run[2]) / (alone_run[1] - s_)
                                   for run, alone_run, s_ in zip(runs, results["alone"], results["startup"]))
        name = (f"{k} `consume --partitions` owner{'s' if k > 1 else ''} of {args.partitions}"
                + (", `--shared-windows global`" if mode == "global" else ""))
        lines.append(f"| {name} | {c:.2f} + {rc:.2f} | {ratio:.2f}× | {steady:.2f}× | {rc:.2f} | "
                     f"{n / med(runs, 0):,.0f} |")
    lines += ["", "Ratios are the median of each round's own ratio (its configurations ran back to back). Without "
              "the logs each owner keeps every window to itself: Redis only hands out entries (XREADGROUP) and takes "
              "verdicts (one answer script per batch, one verdict entry per input entry). With "
              "`--shared-windows global` each owner also reads the penalty and window logs once per batch and adds "
              "what its batch gave.", ""]
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
