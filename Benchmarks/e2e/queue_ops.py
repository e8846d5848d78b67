#!/usr/bin/env python3
"""The review queue's ops at scale: a trail with --cases open cases (default 100,000; one held
comment each, texts with distinct words so that none joins another), then the latency of the
sidecar's `queue` op (a page of 50, most urgent first), `case` op and `decide` op, each measured
--requests times by a client on the socket, one request at a time: p50, p90, p99, max.

  python3 Benchmarks/e2e/queue_ops.py [--winnow .build/release/winnow] [--cases 100000] [--requests 1000]

Needs nothing outside the repository (the bundled wordlists; the texts are generated).
"""
import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def words(rng, n):
    return " ".join("".join(rng.choice("bcdfghjklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(n))


def quantiles(samples):
    s = sorted(samples)
    pick = lambda q: s[min(len(s) - 1, max(0, int(round(q * len(s))) - 1))]
    return {"p50": pick(0.5), "p90": pick(0.9), "p99": pick(0.99), "max": s[-1]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--winnow", default=os.path.join(ROOT, ".build/release/winnow"))
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=1000)
    args = ap.parse_args()
    rng = random.Random(1)
    folder = tempfile.mkdtemp(prefix="winnow-queue-ops-")
    trail = os.path.join(folder, "audit.sqlite")
    events = os.path.join(folder, "events.ndjson")
    with open(events, "w") as fh:
        for k in range(args.cases):
            text = f"{words(rng, 8)} at bit.ly/{k}"
            fh.write(json.dumps({"id": f"e{k}", "author": f"a{k}", "ts": 1_000_000 + k, "text": text}) + "\n")
    start = time.perf_counter()
    with open(events) as fh:
        out = subprocess.run([args.winnow, "filter", "--clock", "event", "--audit", trail], stdin=fh,
                             stdout=subprocess.PIPE, check=True).stdout
    held = out.count(b',"action":"hold","reasons"')
    print(f"filter: {args.cases:,} events, {held:,} held, {time.perf_counter() - start:.1f} s")
    listing = json.loads(subprocess.run([args.winnow, "queue", "stats", "--json", "--audit", trail],
                                        stdout=subprocess.PIPE, check=True).stdout)
    print(f"open cases: {listing['open']:,}")

    sock_path = os.path.join(folder, "winnow.sock")
    serve = subprocess.Popen([args.winnow, "serve", "--socket", sock_path, "--audit", trail, "--log-level", "error"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not os.path.exists(sock_path):
            if time.monotonic() > deadline:
                raise RuntimeError("serve did not start")
            time.sleep(0.02)
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.connect(sock_path)
        reader = client.makefile("rb")

        def timed(request):
            line = (json.dumps(request) + "\n").encode()
            t = time.perf_counter()
            client.sendall(line)
            answer = reader.readline()
            elapsed = (time.perf_counter() - t) * 1e6
            parsed = json.loads(answer)
            if not parsed.get("ok"):
                raise RuntimeError(parsed)
            return elapsed, parsed

        results = {}
        results["health (the round trip alone)"] = [timed({"op": "health"})[0] for _ in range(args.requests)]
        for _ in range(20):
            timed({"op": "queue", "limit": 50})  # warm up
        results["queue (page of 50)"] = [timed({"op": "queue", "limit": 50})[0] for _ in range(args.requests)]
        ids = rng.sample(range(1, listing["open"] + 1), args.requests)
        results["case"] = [timed({"op": "case", "case": k})[0] for k in ids]
        results["decide"] = [timed({"op": "decide", "case": k, "outcome": "remove", "moderator": "bench"})[0]
                             for k in ids]
        results["queue after the decisions"] = [timed({"op": "queue", "limit": 50})[0] for _ in range(args.requests)]
        for name, samples in results.items():
            q = quantiles(samples)
            print(f"{name}: p50 {q['p50']:.0f} µs, p90 {q['p90']:.0f} µs, p99 {q['p99']:.0f} µs, "
                  f"max {q['max']:.0f} µs, mean {statistics.mean(samples):.0f} µs ({len(samples)} requests)")
        client.close()
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        subprocess.run(["rm", "-rf", folder])


if __name__ == "__main__":
    main()
