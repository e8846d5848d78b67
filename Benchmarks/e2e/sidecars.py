#!/usr/bin/env python3
"""Sidecars partitioned by the client: does `RoutedClient` (each author always to the same
`winnow serve`, no `--shared`) make sidecars as cheap as the partitioned stream?

The throughput workload (every rule on, the built-in policy, event time, no audit trail) is:

  1. judged by one `winnow filter` alone (CPU by rusage);
  2. sent to two `winnow serve` sidecars by `clients/python`'s `RoutedClient` (pipelined,
     `judge_many` in chunks of 1,024): each author to one sidecar, no Redis;
  3. the same through `RoutedClient`, the sidecars sharing what is global through the logs
     (`--shared ADDRESS --shared-windows global`: timeouts, bans, flood campaigns and channel
     counts, every 100 ms);
  4. sent to two sidecars with `--shared` (every window in one private `redis-server`), the events
     dealt round robin (a bot's connections reach any sidecar).

CPU of every server process (the sidecars from /proc/PID/stat, Redis by `INFO cpu`), per event;
the Python client's own CPU apart (it is the bottleneck of the wall time here). Usage:
  python3 Benchmarks/e2e/sidecars.py [--events 200000] [--out FILE]
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import throughput  # noqa: E402
from private_redis import PrivateRedis  # noqa: E402
from winnow_client import Client, RoutedClient  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid):
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def start_sidecars(winnow, folder, extra):
    sidecars = []
    for k in range(2):
        path = os.path.join(folder, f"s{k}.sock")
        process = subprocess.Popen([winnow, "serve", "--socket", path, "--clock", "event", "--late-tolerance", "1d",
                                    "--no-audit", "--log-level", "warning", *extra],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not os.path.exists(path):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("winnow serve did not start")
            time.sleep(0.02)
        sidecars.append((process, path))
    return sidecars


def stop(sidecars):
    cpu = sum(process_cpu(process.pid) for process, _ in sidecars)
    for process, _ in sidecars:
        process.terminate()
        process.wait()
    return cpu


def client_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--winnow", default=os.path.join(ROOT, ".build/release/winnow"))
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    ap.add_argument("--work", default="/tmp/winnow-ab")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    path = throughput.workload(args.shared, args.work, args.events)
    with open(path, encoding="utf-8") as fh:
        events = [json.loads(line) for line in fh]
    n = len(events)
    rows = []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(path, "rb") as fin:
        subprocess.run([args.winnow, "filter", "--clock", "event", "--late-tolerance", "1d", "--no-audit"],
                       stdin=fin, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    alone = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    rows.append(("one `filter` alone", alone, 0.0, 0.0, None))
    folder = tempfile.mkdtemp(prefix="winnow-sidecars-")
    try:
        sidecars = start_sidecars(args.winnow, folder, [])
        c0, start = client_cpu(), time.perf_counter()
        routed_answers = []
        with RoutedClient([p for _, p in sidecars], timeout=60) as winnow:
            for k in range(0, n, 1024):
                routed_answers += winnow.judge_many(events[k:k + 1024])
        wall, ccpu = time.perf_counter() - start, client_cpu() - c0
        rows.append(("two sidecars, `RoutedClient` by author, no Redis", stop(sidecars), 0.0, ccpu, n / wall))

        redis = PrivateRedis(folder)
        try:
            sidecars = start_sidecars(args.winnow, folder, ["--shared", redis.url, "--shared-windows", "global"])
            r0, c0, start = redis.cpu(), client_cpu(), time.perf_counter()
            global_answers = []
            with RoutedClient([p for _, p in sidecars], timeout=60) as winnow:
                for k in range(0, n, 1024):
                    global_answers += winnow.judge_many(events[k:k + 1024])
            wall, ccpu = time.perf_counter() - start, client_cpu() - c0
            rows.append(("two sidecars, `RoutedClient`, `--shared-windows global`", stop(sidecars),
                         redis.cpu() - r0, ccpu, n / wall))
            redis.command("FLUSHALL")
            sidecars = start_sidecars(args.winnow, folder, ["--shared", redis.url])
            r0, c0, start = redis.cpu(), client_cpu(), time.perf_counter()
            clients = [Client(p, timeout=60) for _, p in sidecars]
            for k in range(0, n, 1024):
                chunk = events[k:k + 1024]
                # Dealt round robin, each half pipelined to its sidecar.
                clients[0].judge_many(chunk[0::2])
                clients[1].judge_many(chunk[1::2])
            wall, ccpu = time.perf_counter() - start, client_cpu() - c0
            for client in clients:
                client.close()
            rows.append(("two sidecars, `--shared`, round robin", stop(sidecars), redis.cpu() - r0, ccpu, n / wall))
        finally:
            redis.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base = alone / n * 1e6
    lines = ["# Sidecars partitioned by the client", "",
             f"Measured {time.strftime('%Y-%m-%d')} with `python3 Benchmarks/e2e/sidecars.py --events {n}` on "
             f"{os.cpu_count()} cores (`{args.winnow}`): the throughput workload, every rule on, the built-in policy, "
             "event time, no audit trail; CPU of the server processes (sidecars from /proc, Redis by `INFO cpu`), the "
             "Python client's apart.", "",
             "| configuration | server CPU µs per event, winnow + Redis | against `filter` alone | client CPU µs per event | events/s |",
             "|---|---:|---:|---:|---:|"]
    for name, cpu, rcpu, ccpu, rate in rows:
        w, r = cpu / n * 1e6, rcpu / n * 1e6
        lines.append(f"| {name} | {w:.2f} + {r:.2f} | {(w + r) / base:.2f}× | {ccpu / n * 1e6:.1f} | "
                     f"{'-' if rate is None else f'{rate:,.0f}'} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
