#!/usr/bin/env python3
"""Several `winnow filter --shared` instances against one Redis on this machine.

Splits the throughput workload (`Benchmarks/e2e/throughput.py` makes it; the first --events
lines are used) into N parts, round robin, so that every author's events are spread over every
instance — the case sharing exists for — and runs N instances at once, each on its part, all
pointed at one private redis-server (unix socket). Every rule on, event time. For N = 1, 2, 4,
interleaved and repeated, it reports total events/s, and against one instance without
`--shared`. It also counts, per author and per minute of event time, the events the author rate
limit let through across all instances, against the limit (the overshoot; none is expected: each
check is one atomic script, there is no local cache yet).

Consume mode: the same events are first loaded into a Redis Stream (`redis-cli --pipe`, not
timed), then N `winnow consume --drain --shared` instances of one consumer group judge them
(each with its own audit trail, as consume's redelivery answers need it) until the stream is
empty; the time is from their start to the last one's exit.

Usage (from the repository root, after throughput.py):
  python3 Benchmarks/e2e/shared.py [--events 200000] [--runs 3] [--out Benchmarks/results/shared.md]
"""
import argparse
import collections
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def version(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip().splitlines()[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default=os.path.join(ROOT, ".build-bench"))
    ap.add_argument("--out", default=os.path.join(ROOT, "Benchmarks/results/shared.md"))
    args = ap.parse_args()
    winnow = f"{ROOT}/.build/release/winnow"
    subprocess.run(f"cd {ROOT} && swift build -c release --product winnow", shell=True, check=True, stdout=subprocess.DEVNULL)
    source = f"{args.work}/events.ndjson"
    if not os.path.exists(source):
        raise SystemExit(f"{source} is missing: run Benchmarks/e2e/throughput.py first")
    tmp = tempfile.mkdtemp(prefix="winnow-shared-")
    with open(source, encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(args.events)]
    parts = {}
    for n in (1, 2, 4):
        parts[n] = []
        for k in range(n):
            path = f"{tmp}/part-{n}-{k}.ndjson"
            with open(path, "w", encoding="utf-8") as out:
                out.writelines(lines[k::n])
            parts[n].append(path)

    socket = f"{tmp}/redis.sock"
    redis = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", socket, "--save", "", "--appendonly", "no",
                              "--dir", tmp], stdout=subprocess.DEVNULL)
    for _ in range(300):
        if os.path.exists(socket):
            break
        time.sleep(0.01)
    try:
        def run(n, shared):
            subprocess.run(["redis-cli", "-s", socket, "FLUSHALL"], check=True, stdout=subprocess.DEVNULL)
            flags = ["--no-audit", "--clock", "event"] + (["--shared", f"unix://{socket}"] if shared else [])
            if shared == "limits":
                flags += ["--shared-windows", "limits"]
            outs = [f"{tmp}/out-{n}-{k}.ndjson" for k in range(n)]
            start = time.perf_counter()
            procs = [subprocess.Popen([winnow, "filter", *flags], stdin=open(parts[n][k]), stdout=open(outs[k], "w"))
                     for k in range(n)]
            for p in procs:
                if p.wait() != 0:
                    raise SystemExit("winnow failed")
            return time.perf_counter() - start, outs

        # The stream's content, as Redis protocol for `redis-cli --pipe`.
        def resp(*words):
            parts = [f"*{len(words)}\r\n".encode()]
            for w in words:
                b = w.encode("utf-8")
                parts.append(b"$%d\r\n%s\r\n" % (len(b), b))
            return b"".join(parts)
        stream_load = f"{tmp}/stream.resp"
        with open(stream_load, "wb") as fh:
            for line in lines:
                fh.write(resp("XADD", "in", "*", "event", line.rstrip("\n")))

        def consume(n):
            subprocess.run(["redis-cli", "-s", socket, "FLUSHALL"], check=True, stdout=subprocess.DEVNULL)
            subprocess.run(f"redis-cli -s {socket} --pipe < {stream_load}", shell=True, check=True, stdout=subprocess.DEVNULL)
            for k in range(n):
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(f"{tmp}/audit-{k}.sqlite{suffix}"):
                        os.remove(f"{tmp}/audit-{k}.sqlite{suffix}")
            start = time.perf_counter()
            procs = [subprocess.Popen([winnow, "consume", "--redis", f"unix://{socket}", "--redis-stream", "in",
                                       "--group", "g", "--consumer", f"c{k}", "--drain", "--clock", "event",
                                       "--shared", f"unix://{socket}", "--audit", f"{tmp}/audit-{k}.sqlite"],
                                      stderr=subprocess.DEVNULL) for k in range(n)]
            for p in procs:
                if p.wait() != 0:
                    raise SystemExit("winnow consume failed")
            elapsed = time.perf_counter() - start
            answered = int(subprocess.run(["redis-cli", "-s", socket, "XLEN", "in:verdicts"], capture_output=True,
                                          text=True).stdout.strip())
            if answered != len(lines):
                raise SystemExit(f"consume answered {answered} of {len(lines)} entries")
            return elapsed, []

        jobs = [("1 instance, no --shared", 1, False), ("1 instance, --shared", 1, True),
                ("2 instances, --shared", 2, True), ("4 instances, --shared", 4, True),
                ("1 instance, --shared --shared-windows limits", 1, "limits"),
                ("4 instances, --shared --shared-windows limits", 4, "limits"),
                ("consume: 1 instance, --shared, audit", 1, "consume"),
                ("consume: 2 instances, --shared, audit", 2, "consume"),
                ("consume: 4 instances, --shared, audit", 4, "consume")]
        times = collections.defaultdict(list)
        last_outs = {}
        for _ in range(args.runs):
            for name, n, shared in jobs:
                elapsed, outs = consume(n) if shared == "consume" else run(n, shared)
                times[name].append(elapsed)
                last_outs[name] = outs

        # Overshoot: per author and per event-time minute, events the author limit let through
        # (no rate_limit reason, no penalty), over all instances of the last 4-instance run.
        def allowed_per_minute(outs, n):
            by_id = {}
            for k, out in enumerate(outs):
                for line in open(out, encoding="utf-8"):
                    v = json.loads(line)
                    by_id[v["id"]] = v
            counts = collections.Counter()
            for line in lines:
                e = json.loads(line)
                v = by_id.get(e.get("id"))
                if v is None or v["action"] in ("timeout", "ban", "error"):
                    continue
                if any(r.get("rule") == "rate_limit" for r in v["reasons"]):
                    continue
                counts[(e["author"], int(e["ts"] // 10))] += 1
            return counts

        single = allowed_per_minute(last_outs["1 instance, --shared"], 1)
        four = allowed_per_minute(last_outs["4 instances, --shared"], 4)
        # The default author limit is 5 per 10 s with bursts of 5 (one event per 2 s once the burst
        # is spent): at most 5 + 4 = 9 in any 10-s bucket.
        worst_single = max(single.values())
        worst_four = max(four.values())
        over = sum(1 for c in four.values() if c > 9)
        # With `limits`, the local allowance (4 by default) applies: up to 3 x 4 more per author.
        four_limits = allowed_per_minute(last_outs["4 instances, --shared --shared-windows limits"], 4)
        worst_limits = max(four_limits.values())
        over_limits = sum(1 for c in four_limits.values() if c > 9)
    finally:
        redis.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    base = statistics.median(times["1 instance, no --shared"])
    cpu = version("lscpu | grep 'Model name' | sed 's/Model name: *//'")
    redis_version = version("redis-server --version")
    out = ["# Several instances sharing windows through one Redis\n",
           f"Measured {time.strftime('%Y-%m-%d')} by `python3 Benchmarks/e2e/shared.py --events {args.events} --runs {args.runs}` "
           f"(median of {args.runs} interleaved runs).\n",
           f"Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; {redis_version}, on a unix socket.\n",
           f"Workload: the first {args.events:,} events of the throughput workload, split round robin over the instances "
           "(every author's events reach every instance); every rule on, `--clock event`, no audit trail. The instances and "
           "Redis share the machine's cores. Consume rows: the events loaded into a stream first (not timed), N consumers of one "
           "group with `--drain`, each with its own audit trail (group commit before each acknowledgement).\n",
           "| run | median s (min–max) | events/s in all | vs 1 instance without --shared |", "|---|---:|---:|---:|"]
    for name, *_ in jobs:
        m = statistics.median(times[name])
        out.append(f"| {name} | {m:.2f} ({min(times[name]):.2f}–{max(times[name]):.2f}) | {args.events / m:,.0f} | {base / m:.2f} |")
    out.append(f"\nAuthor rate limit (5 per 10 s, bursts of 5) across instances: the most events one author got through in one "
               f"10-second bucket of event time was {worst_single} with one instance and {worst_four} with four "
               f"(a burst of 5 and one event per 2 s after it: 9 at most); buckets over 9 with four instances: {over}. "
               f"With `--shared-windows limits` (where the local allowance of 4 applies; bound 9 + 3 x 4 = 21): the most was "
               f"{worst_limits} with four instances; buckets over 9: {over_limits} of {len(four_limits)}.\n")
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
    print("\n".join(out))


if __name__ == "__main__":
    main()
