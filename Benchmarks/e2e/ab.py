#!/usr/bin/env python3
"""Two builds of winnow, or two configurations, in paired rounds on the throughput workload:
each round runs A, B, A back to back and compares B with the mean of the two A runs around it
(a slow spell of a noisy machine hits both sides). Prints each round and the medians of the
wall-time and CPU-time (user + system) ratios.

  python3 Benchmarks/e2e/ab.py --a OLD_WINNOW --b NEW_WINNOW [--args "--policy X"] [--rounds 7] [--events 200000]
  python3 Benchmarks/e2e/ab.py --a W --b W --a-args "" --b-args "--policy classifier-on.yaml"
  python3 Benchmarks/e2e/ab.py --a W --b W --audit --a-args "--policy queue-off.yaml" --b-args ""

With --audit every run writes a fresh audit trail (in --work), as `filter` does by default;
without it, runs are `--no-audit`.

The workload (real comments, `make_workload.py --seed 1`, as throughput.py builds it) is cached
in --work.
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import paired  # noqa: E402  (one timed run)
import throughput  # noqa: E402  (its workload helpers)

ROOT = os.path.dirname(os.path.dirname(HERE))


def run(winnow, args, events, audit=None):
    """One `filter` run on event time: (wall seconds, CPU seconds)."""
    return paired.run(winnow, f"--clock event {args}", events, audit)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--args", default="", help="arguments for both")
    ap.add_argument("--a-args", default=None)
    ap.add_argument("--b-args", default=None)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    ap.add_argument("--work", default="/tmp/winnow-ab")
    ap.add_argument("--audit", action="store_true", help="write an audit trail on every run")
    args = ap.parse_args()
    events = throughput.workload(args.shared, args.work, args.events)
    a_args = args.args if args.a_args is None else args.a_args
    b_args = args.args if args.b_args is None else args.b_args
    trail = f"{args.work}/audit.sqlite" if args.audit else None
    run(args.a, a_args, events, trail)  # warm the page cache
    walls, cpus = [], []
    for k in range(args.rounds):
        a1 = run(args.a, a_args, events, trail)
        b = run(args.b, b_args, events, trail)
        a2 = run(args.a, a_args, events, trail)
        wall = b[0] / ((a1[0] + a2[0]) / 2)
        cpu = b[1] / ((a1[1] + a2[1]) / 2)
        walls.append(wall)
        cpus.append(cpu)
        print(f"round {k + 1}: A {a1[0]:.2f}/{a2[0]:.2f} s, B {b[0]:.2f} s; wall {100 * (wall - 1):+.1f}%, CPU {100 * (cpu - 1):+.1f}%",
              flush=True)
    print(f"median of {args.rounds} rounds, B against A: wall {100 * (statistics.median(walls) - 1):+.1f}%, "
          f"CPU {100 * (statistics.median(cpus) - 1):+.1f}%")


if __name__ == "__main__":
    main()
