#!/usr/bin/env python3
"""Latency and throughput of `winnow serve` over its Unix socket, against the floor.

In one run, interleaved and repeated (medians):

  latency     one client, one event at a time, paced at --rate events/s: p50, p99, p99.9, max
  throughput  1, 8 and 64 clients each pipelining its share of --events events
  floor       the same load against a minimal C echo server (echo.c): what the socket costs
  filter      `winnow filter` on the same events, for the "half the pipe filter" comparison

for `winnow serve` with its defaults (audit trail with group commit, wall clock) and with
--no-audit. Writes Benchmarks/results/serve.md.

Usage (from the repository root; the events come from the throughput workload when it is there,
else from the bundled YouTube sample, repeated):
  python3 Benchmarks/serve/serve.py [--runs 3] [--events 200000] [--rate 10000]
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, **kw)


def wait_for(path, proc):
    for _ in range(600):
        if os.path.exists(path):
            time.sleep(0.2)
            return
        if proc.poll() is not None:
            sys.exit(f"server exited: {proc.returncode}")
        time.sleep(0.05)
    sys.exit(f"{path} never appeared")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--latency-events", type=int, default=20_000)
    ap.add_argument("--rate", type=float, default=10_000)
    ap.add_argument("--out", default=os.path.join(ROOT, "Benchmarks/results/serve.md"))
    args = ap.parse_args()

    sh(f"cd {ROOT} && swift build -c release --product winnow", stdout=subprocess.DEVNULL)
    winnow = f"{ROOT}/.build/release/winnow"
    work = tempfile.mkdtemp(prefix="winnow-serve-bench-")
    load, echo = f"{work}/load", f"{work}/echo"
    sh(f"cc -O2 -pthread -o {load} {HERE}/load.c && cc -O2 -pthread -o {echo} {HERE}/echo.c")

    source = os.path.join(ROOT, ".build-bench/events.ndjson")
    if not os.path.exists(source):
        source = os.path.join(ROOT, "Tests/Fixtures/comments/youtube-spam-collection.ndjson")
    lines = []
    with open(source, "rb") as fh:
        while len(lines) < args.events:
            for line in fh:
                lines.append(line if line.endswith(b"\n") else line + b"\n")
                if len(lines) == args.events:
                    break
            fh.seek(0)
    files = {}
    for clients in (1, 8, 64):
        files[clients] = f"{work}/events-{clients}.ndjson"
        with open(files[clients], "wb") as out:
            out.writelines(lines[: args.events // clients])
    latency_file = f"{work}/latency.ndjson"
    with open(latency_file, "wb") as out:
        out.writelines(lines[: args.latency_events])

    servers = {
        "winnow serve (audit trail, group commit)": lambda d: [winnow, "serve", "--socket", f"{d}/s.sock", "--log-level", "warning"],
        "winnow serve --no-audit": lambda d: [winnow, "serve", "--socket", f"{d}/s.sock", "--no-audit", "--log-level", "warning"],
        "echo floor (echo.c)": lambda d: [echo, f"{d}/s.sock"],
    }
    # With redis-server installed: the same server with its windows in a private Redis
    # (`--shared`, emptied before each run), for the latency that sharing adds per event.
    redis = None
    shared_name = "winnow serve --no-audit --shared (Redis on a unix socket)"
    if shutil.which("redis-server"):
        redis_socket = f"{work}/redis.sock"
        redis = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", redis_socket, "--save", "", "--appendonly", "no",
                                  "--dir", work], stdout=subprocess.DEVNULL)
        wait_for(redis_socket, redis)
        servers[shared_name] = lambda d: [winnow, "serve", "--socket", f"{d}/s.sock", "--no-audit", "--shared",
                                          f"unix://{redis_socket}", "--log-level", "warning"]
    results = {name: {"latency": [], 1: [], 8: [], 64: []} for name in servers}
    filter_times = []
    for _ in range(args.runs):
        for name, command in servers.items():
            d = tempfile.mkdtemp(dir=work)
            if name == shared_name:
                sh(f"redis-cli -s {redis_socket} FLUSHALL", stdout=subprocess.DEVNULL)
            proc = subprocess.Popen(command(d), cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_for(f"{d}/s.sock", proc)
            out = subprocess.run([load, "latency", f"{d}/s.sock", str(args.latency_events), str(args.rate), latency_file],
                                 check=True, capture_output=True, text=True).stdout.split()
            results[name]["latency"].append([float(x) for x in out])
            for clients in (1, 8, 64):
                out = subprocess.run([load, "throughput", f"{d}/s.sock", str(clients), files[clients]],
                                     check=True, capture_output=True, text=True).stdout.split()
                results[name][clients].append(float(out[2]))
            proc.terminate()
            proc.wait()
            shutil.rmtree(d, ignore_errors=True)
        d = tempfile.mkdtemp(dir=work)
        start = time.monotonic()
        sh(f"cd {d} && {winnow} filter < {files[1]} > /dev/null")
        filter_times.append(time.monotonic() - start)
        shutil.rmtree(d, ignore_errors=True)

    if redis:
        redis.kill()
    filter_rate = (args.events // 1) / statistics.median(filter_times)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
    swift = subprocess.run("swift --version", shell=True, capture_output=True, text=True).stdout.splitlines()[0]
    med = statistics.median
    rows = ["# `winnow serve`: latency and throughput over the Unix socket", "",
            f"Measured {time.strftime('%Y-%m-%d')} by `python3 Benchmarks/serve/serve.py --runs {args.runs}` "
            f"(medians of {args.runs} interleaved runs).", "",
            f"Machine: {cpu}, {os.cpu_count()} cores, Linux {platform.release()}; {swift}.", "",
            f"Events: {os.path.relpath(source, ROOT)} (first {args.events:,}); the server on its defaults "
            "(built-in policy, wall clock), the load generator `Benchmarks/serve/load.c` on the same machine.", "",
            f"## Round trip, one client, one event at a time at {args.rate:,.0f} events/s ({args.latency_events:,} events)", "",
            "| server | p50 µs | p99 µs | p99.9 µs | max µs |", "|---|---:|---:|---:|---:|"]
    for name in servers:
        runs = results[name]["latency"]
        rows.append(f"| {name} | " + " | ".join(f"{med([r[i] for r in runs]):.0f}" for i in range(4)) + " |")
    rows += ["", f"## Pipelined throughput ({args.events:,} events in all, split over the clients)", "",
             "| server | 1 client | 8 clients | 64 clients |", "|---|---:|---:|---:|"]
    for name in servers:
        rows.append(f"| {name} | " + " | ".join(f"{med(results[name][c]):,.0f}/s" for c in (1, 8, 64)) + " |")
    rows += ["", f"`winnow filter` (audit trail, group commit) on the same {args.events:,} events: "
             f"{filter_rate:,.0f} events/s (median {med(filter_times):.2f} s).", ""]
    best = max(med(results["winnow serve (audit trail, group commit)"][c]) for c in (1, 8, 64))
    rows.append(f"Best pipelined throughput of `winnow serve` with its audit trail: {best / filter_rate:.2f} of the pipe filter's.")
    rows.append("")
    open(args.out, "w").write("\n".join(rows))
    print("\n".join(rows))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
