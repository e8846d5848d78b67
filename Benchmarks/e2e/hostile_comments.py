#!/usr/bin/env python3
"""What one hostile comment costs, and what it costs everyone else.

  1. Comments of about 1 MiB (just under the default --max-line-bytes) built by repeating a short
     unit that once made a stage quadratic (`a.b.`, `fuck` as one word, `f.u.c.k.`, `shit `, ...),
     plus text that folds to many characters (U+FDFA), zalgo and emoji: each judged by
     `winnow filter` with the bundled lists and the built-in policy; wall and CPU time of the run
     (process start and list compilation included) minus that of one small comment, peak RSS.
  2. `winnow serve`: while one client sends the costliest of those comments, another sends small
     events one at a time; the round trips of the second client during the first one's comment.

Usage (from the repository root, after `swift build -c release --product winnow`):
  python3 Benchmarks/e2e/hostile_comments.py [--out Benchmarks/results/hostile-comments.md]
"""
import argparse
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WINNOW = os.path.join(ROOT, ".build/release/winnow")
SIZE = (1 << 20) - 200  # the JSON around the text fits under 1 MiB

UNITS = [
    ("`a.b.` (dotted labels)", "a.b."),
    ("`fuck` as one word", "fuck"),
    ("`f.u.c.k.` (spelled out)", "f.u.c.k."),
    ("`f-u-c-k-`", "f-u-c-k-"),
    ("`shit ` (many hits)", "shit "),
    ("`shittim ` (hits inside allowed words)", "shittim "),
    ("`t.co/x ` (shorteners)", "t.co/x "),
    ("`a . com ` (disguised links)", "a . com "),
    ("U+FDFA (folds to 18 characters)", "\ufdfa"),
    ("zalgo (`a` + 8 combining marks)", "a" + "\u0301" * 8),
    ("emoji and U+FEFF", "😂\ufeff"),
    ("`@user ` (mentions)", "@user "),
    ("plain words", "the weather is lovely here "),
]


def comment(unit):
    text = unit * (SIZE // len(unit.encode()) + 1)
    while len(text.encode()) > SIZE:
        text = text[:-1]
    return json.dumps({"id": "x", "author": "a", "text": text}, ensure_ascii=False).encode() + b"\n"


def run_filter(line, work):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", WINNOW, "filter", "--no-audit"], input=line,
                          capture_output=True, cwd=work)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = int(proc.stderr.decode().strip().splitlines()[-1])
    verdict = json.loads(proc.stdout.decode().splitlines()[0])
    return wall, cpu, peak, verdict


def sidecar_stall(line, work):
    sock_path = os.path.join(work, "w.sock")
    server = subprocess.Popen([WINNOW, "serve", "--socket", sock_path, "--no-audit", "--log-level", "error"], cwd=work)
    try:
        for _ in range(300):
            if os.path.exists(sock_path):
                break
            time.sleep(0.02)
        time.sleep(0.3)
        small = socket.socket(socket.AF_UNIX)
        small.connect(sock_path)
        reader = small.makefile("rb")
        rounds = []

        def ask():
            start = time.monotonic()
            small.sendall(b'{"author":"b","text":"hello there"}\n')
            reader.readline()
            return time.monotonic() - start

        for _ in range(50):
            ask()  # warm
        idle = [ask() for _ in range(200)]
        big = socket.socket(socket.AF_UNIX)
        big.connect(sock_path)
        done = {}

        def send_big():
            start = time.monotonic()
            big.sendall(line)
            big.makefile("rb").readline()
            done["latency"] = time.monotonic() - start

        thread = threading.Thread(target=send_big)
        thread.start()
        while thread.is_alive():
            rounds.append(ask())
        thread.join()
        return idle, rounds, done["latency"]
    finally:
        server.terminate()
        server.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(ROOT, "Benchmarks/results/hostile-comments.md"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="winnow-hostile-")
    base_wall, base_cpu, _, _ = min((run_filter(b'{"author":"a","text":"hi"}\n', work) for _ in range(3)), key=lambda r: r[0])
    rows = []
    worst = None
    for name, unit in UNITS:
        line = comment(unit)
        wall, cpu, peak, verdict = min((run_filter(line, work) for _ in range(3)), key=lambda r: r[0])
        reasons = verdict.get("reasons", [])
        rows.append((name, len(line), wall - base_wall, cpu - base_cpu, peak, verdict["action"], len(reasons), len(json.dumps(verdict))))
        if worst is None or wall - base_wall > worst[1]:
            worst = (name, wall - base_wall, line)
        print(rows[-1], flush=True)
    idle, during, big_latency = sidecar_stall(worst[2], work)

    def ms(x):
        return f"{x * 1000:.1f} ms"

    lines = [
        "# One hostile comment: its cost, and what others wait",
        "",
        f"`python3 Benchmarks/e2e/hostile_comments.py` on {time.strftime('%Y-%m-%d')}, {platform.node()} "
        f"({os.cpu_count()} cores, {platform.machine()}), release build, bundled lists, built-in policy.",
        "",
        "Each comment is about 1 MiB (the default `--max-line-bytes`), one short unit repeated; "
        "time and CPU are those of a `winnow filter --no-audit` run minus a run on one small comment "
        f"({ms(base_wall)} wall, {ms(base_cpu)} CPU: start-up and compiling the lists); best of 3.",
        "",
        "| comment | line bytes | wall | CPU | peak RSS | action | reasons | verdict bytes |",
        "|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for name, size, wall, cpu, peak, action, reasons, verdict_bytes in rows:
        lines.append(f"| {name} | {size:,} | {ms(wall)} | {ms(cpu)} | {peak / 1024:.0f} MiB | {action} | {reasons} | {verdict_bytes:,} |")
    lines += [
        "",
        f"**The sidecar while judging the costliest one** ({worst[0]}): its answer came after {ms(big_latency)} "
        f"(sending 1 MiB included). Another client's round trips, one small event at a time:",
        "",
        "| | round trips | p50 | p99 | max |",
        "|---|---:|---:|---:|---:|",
        f"| before (idle server) | {len(idle)} | {ms(statistics.median(idle))} | {ms(sorted(idle)[int(len(idle) * 0.99) - 1])} | {ms(max(idle))} |",
        f"| during the hostile comment | {len(during)} | {ms(statistics.median(during))} | "
        f"{ms(sorted(during)[max(0, int(len(during) * 0.99) - 1)])} | {ms(max(during))} |",
        "",
    ]
    with open(args.out, "w") as out:
        out.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
