#!/usr/bin/env python3
"""Exhaustion runs, each with its outcome measured (issue #6):

  1. a single 1 GiB input line: one `error` verdict, the next line still answered, memory bounded;
  2. a wordlist of 100,000 entries: compile time and memory, `winnow filter` still answers;
  3. 10,000 connections to `winnow serve` at once, each sending one event: every one answered.

Usage (from the repository root, after `swift build -c release --product winnow`; part 3 raises
the open-file limit, which needs root beyond the hard limit):
  python3 scripts/exhaustion.py [--out Benchmarks/results/exhaustion.md]
"""
import argparse
import json
import os
import resource
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WINNOW = os.path.join(ROOT, ".build/release/winnow")


def timed(cmd, **kw):
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, **kw)
    elapsed = time.monotonic() - start
    peak_kib = int(proc.stderr.decode().strip().splitlines()[-1])
    return proc, elapsed, peak_kib


def giant_line(work):
    path = os.path.join(work, "giant.ndjson")
    with open(path, "wb") as out:
        out.write(b'{"author":"a","text":"')
        chunk = b"a" * (1 << 20)
        for _ in range(1024):
            out.write(chunk)
        out.write(b'"}\n{"author":"b","text":"after the giant"}\n')
    with open(path, "rb") as stdin:
        proc, elapsed, peak = timed([WINNOW, "filter", "--no-audit"], stdin=stdin, cwd=work)
    lines = proc.stdout.decode().splitlines()
    first, second = json.loads(lines[0]), json.loads(lines[1])
    os.remove(path)
    ok = len(lines) == 2 and first["action"] == "error" and second["action"] == "allow"
    return ("a single 1 GiB line, then a normal one (`winnow filter`)",
            f"{len(lines)} verdicts: `{first['action']}` ({first.get('error', '')[:60]}…), then `{second['action']}`; "
            f"{elapsed:.1f} s, peak RSS {peak / 1024:.0f} MiB", ok)


def big_wordlist(work):
    lists = os.path.join(work, "lists", "en")
    os.makedirs(lists)
    with open(os.path.join(lists, "big.txt"), "w") as out:
        out.write("@action: flag\n")
        for k in range(100_000):
            # Pronounceable distinct words: base-20 digits spelled with consonant-vowel pairs.
            word, n = "", k
            for _ in range(4):
                word += "bcdfghjklmnpqrstvwxz"[n % 20] + "aeiou"[(n // 20) % 5]
                n //= 100
            out.write(f"zz{word}\n")
    proc, elapsed, peak = timed([WINNOW, "wordlists", "check", os.path.join(work, "lists")], cwd=work)
    summary = [l for l in proc.stdout.decode().splitlines() if "entries, compiled into" in l]
    sample = os.path.join(ROOT, "Tests/Fixtures/comments/youtube-spam-collection.ndjson")
    with open(sample, "rb") as stdin:
        run, run_elapsed, run_peak = timed(
            [WINNOW, "filter", "--no-audit", "--wordlists", os.path.join(work, "lists")], stdin=stdin, cwd=work)
    answered = len(run.stdout.decode().splitlines())
    ok = proc.returncode == 0 and answered == 1138
    return ("a wordlist of 100,000 entries",
            f"`wordlists check`: {summary[0] if summary else proc.stdout.decode()[-200:]}; peak RSS {peak / 1024:.0f} MiB. "
            f"`filter` over the 1,138-comment sample with it: {answered} verdicts in {run_elapsed:.1f} s "
            f"(start-up included), peak RSS {run_peak / 1024:.0f} MiB", ok)


def many_connections(work, count=10_000):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = count + 1024
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), max(hard, want)))
    path = os.path.join(work, "s.sock")
    # Every client is this process's uid: the per-uid cap (256 by default) must let them all in,
    # or all but 256 get an error line in place of a verdict.
    server = subprocess.Popen([WINNOW, "serve", "--socket", path, "--no-audit", "--max-connections", str(count + 10),
                               "--max-connections-per-uid", str(count + 10),
                               "--log-level", "error", "--rate-limit", "off"], cwd=work,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(400):
        if os.path.exists(path):
            break
        time.sleep(0.025)
    time.sleep(0.3)
    start = time.monotonic()
    clients = []
    for k in range(count):
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        clients.append(s)
    connected = time.monotonic() - start
    for k, s in enumerate(clients):
        s.sendall(json.dumps({"id": k, "author": f"a{k}", "text": "hello there"}).encode() + b"\n")
    answered = 0
    verdicts = 0
    for s in clients:
        s.settimeout(30)
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        answered += data.count(b"\n")
        # A verdict, not an error line in its place (a refused connection is answered too).
        verdicts += data.count(b'"action":"allow"')
    elapsed = time.monotonic() - start
    rss = 0
    with open(f"/proc/{server.pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                rss = int(line.split()[1])
    health = socket.socket(socket.AF_UNIX)
    health.connect(path)
    health.sendall(b'{"op":"health"}\n')
    reply = json.loads(health.makefile().readline())
    for s in clients:
        s.close()
    health.close()
    server.terminate()
    status = server.wait()
    ok = answered == count and verdicts == count and status == 0
    return (f"{count:,} connections to `winnow serve` at once, one event each",
            f"{answered:,} answered, {verdicts:,} of them with a verdict; all connected in {connected:.1f} s, all answered {elapsed:.1f} s after the first "
            f"connect; the `health` op then saw {reply.get('connections')} open; peak RSS {rss / 1024:.0f} MiB; "
            f"exit status {status} after SIGTERM", ok)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "Benchmarks/results/exhaustion.md"))
    args = ap.parse_args()
    rows = ["# Exhaustion", "", f"`python3 scripts/exhaustion.py`, {time.strftime('%Y-%m-%d')}.", "",
            "| what | outcome | held |", "|---|---|---|"]
    for run in (giant_line, big_wordlist, many_connections):
        work = tempfile.mkdtemp(prefix="winnow-exhaust-")
        what, outcome, ok = run(work)
        rows.append(f"| {what} | {outcome} | {'yes' if ok else '**no**'} |")
        print(rows[-1], flush=True)
    rows.append("")
    open(args.out, "w").write("\n".join(rows))
    print("\n".join(rows))


if __name__ == "__main__":
    main()
