#!/usr/bin/env python3
"""End-to-end throughput of `winnow filter` against the tools users would pick instead.

Builds a workload of real comments with ../shared/tools/make_workload.py (disguised stop words
from the bundled lists injected), then times, interleaved and repeated, in one run:

  winnow filter            NDJSON in, NDJSON verdicts out (parse, normalize, match, policy, encode)
  grep -P / pcre2grep / rg the same terms (those of the bundled lists) over the same comments,
                           one per line, as a trie-factored pattern and as a flat alternation

and writes the medians, the machine and the command to a Markdown report.

Usage (from the repository root; needs ../shared/corpus and ../shared/tools):
  python3 Benchmarks/e2e/throughput.py [--events 1000000] [--runs 5] [--out Benchmarks/results/e2e-throughput.md]
"""
import argparse
import csv
import glob
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, **kw)


def real_comments(corpus):
    """Every real comment text in the corpus, one line each (newlines folded)."""
    texts = []
    for path in sorted(glob.glob(f"{corpus}/youtube-spam-collection/*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            texts += [row["CONTENT"] for row in csv.DictReader(fh)]
    with open(f"{corpus}/davidson-hate-offensive/data/labeled_data.csv", newline="", encoding="utf-8") as fh:
        texts += [row["tweet"] for row in csv.DictReader(fh)]
    with open(f"{corpus}/mlma-hate-speech-fr/hate_speech_mlma/fr_dataset.csv", newline="", encoding="utf-8") as fh:
        texts += [row["tweet"] for row in csv.DictReader(fh)]
    for row in ET.parse(f"{corpus}/stackexchange-beer-comments/Comments.xml").getroot():
        texts.append(row.get("Text") or "")
    for name in ("data/ham-samples.txt", "data/spam-samples.txt", "app/bot/testdata/spam.txt"):
        with open(f"{corpus}/tg-spam/{name}", encoding="utf-8") as fh:
            texts += fh.read().split("\n")
    return [" ".join(t.split()) for t in texts if t and t.strip()]


def bundled_terms():
    """Literal entries and wildcard stems of the bundled lists (no allow entries, no regexes)."""
    terms = set()
    for path in glob.glob(f"{ROOT}/Wordlists/*/*.txt"):
        if os.path.basename(os.path.dirname(path)) != os.path.basename(os.path.dirname(path)).lower():
            continue
        for line in open(path, encoding="utf-8"):
            t = line.strip()
            if not t or t[0] in "#@!/":
                continue
            if " #" in t:
                t = t[: t.index(" #")].strip()
            t = t.strip("*").strip().lower()
            if t:
                terms.add(t)
    return sorted(terms)


CPU_SECONDS = {}  # command -> CPU seconds (user + system) of each run, in order


def workload(shared, work, events):
    """The throughput workload of `events` events (`make_workload.py --seed 1` over real
    comments, the bundled terms injected), cached in `work`: its path."""
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, f"events-{events}.ndjson")
    if not os.path.exists(path):
        pool, terms = os.path.join(work, "pool.txt"), os.path.join(work, "terms.txt")
        with open(pool, "w", encoding="utf-8") as fh:
            fh.write("\n".join(real_comments(f"{shared}/corpus")) + "\n")
        with open(terms, "w", encoding="utf-8") as fh:
            fh.write("\n".join(bundled_terms()) + "\n")
        subprocess.run(f"python3 {shared}/tools/make_workload.py {pool} -n {events} --seed 1 "
                       f"--stopwords {terms} -o {path}", shell=True, check=True, stderr=subprocess.DEVNULL)
    return path


def timed(cmd, sink):
    # Output goes to a real file: GNU grep stops at the first match when stdout is /dev/null.
    with open(sink, "wb") as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, shell=True, check=True, stdout=out, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        CPU_SECONDS.setdefault(cmd, []).append(
            after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return elapsed


def version(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.splitlines()[0].strip()
    except Exception:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--flat-lines", type=int, default=50_000, help="lines for the (slow) flat-alternation runs")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default=os.path.join(ROOT, ".build-bench"))
    ap.add_argument("--out", default=os.path.join(ROOT, "Benchmarks/results/e2e-throughput.md"))
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()

    corpus, tools, work = f"{args.shared}/corpus", f"{args.shared}/tools", args.work
    os.makedirs(work, exist_ok=True)
    if not args.no_build:
        sh(f"cd {ROOT} && swift build -c release --product winnow", stdout=subprocess.DEVNULL)
    winnow = f"{ROOT}/.build/release/winnow"

    pool, terms = f"{work}/pool.txt", f"{work}/terms.txt"
    with open(pool, "w", encoding="utf-8") as fh:
        fh.write("\n".join(real_comments(corpus)) + "\n")
    with open(terms, "w", encoding="utf-8") as fh:
        fh.write("\n".join(bundled_terms()) + "\n")
    events, text, truth = f"{work}/events.ndjson", f"{work}/comments.txt", f"{work}/truth.tsv"
    common = f"{pool} -n {args.events} --seed 1 --stopwords {terms}"
    sh(f"python3 {tools}/make_workload.py {common} -o {events} --truth {truth}", stderr=subprocess.DEVNULL)
    sh(f"python3 {tools}/make_workload.py {common} --format text -o {text}", stderr=subprocess.DEVNULL)
    flat_text = f"{work}/comments-flat.txt"
    sh(f"head -n {args.flat_lines} {text} > {flat_text}")
    for form in ("trie", "alt"):
        sh(f"python3 {tools}/trie_regex.py --form {form} {terms} -o {work}/{form}.re", stderr=subprocess.DEVNULL)
        # pcre2grep refuses patterns over 8 KiB: several patterns, one per line, mean "any of them".
        sh(f"python3 {tools}/trie_regex.py --form {form} --max-bytes 8000 {terms} -o {work}/{form}-8k.re",
           stderr=subprocess.DEVNULL)

    text_bytes = os.path.getsize(text)
    flat_bytes = os.path.getsize(flat_text)
    lines = args.events
    stopwords_only = f"{ROOT}/Benchmarks/e2e/stopwords-only.yaml"
    every_rule = "winnow filter, every rule on (built-in policy, --clock event)"
    only_stopwords = "winnow filter, stop words only (all cores)"
    jobs = [
        (every_rule, f"{winnow} filter --no-audit --clock event < {events}", lines, text_bytes),
        (only_stopwords, f"{winnow} filter --no-audit --policy {stopwords_only} < {events}", lines, text_bytes),
        ("winnow filter, stop words only, --workers 1", f"{winnow} filter --no-audit --policy {stopwords_only} --workers 1 < {events}",
         lines, text_bytes),
        ("grep -P, trie pattern", f"LC_ALL=C.UTF-8 grep -P -i -c -f {work}/trie.re {text}", lines, text_bytes),
        ("pcre2grep, trie patterns", f"pcre2grep -i -c -f {work}/trie-8k.re {text}", lines, text_bytes),
        ("ripgrep, trie pattern", f"rg -i -c -f {work}/trie.re {text}", lines, text_bytes),
        (f"grep -P, flat alternation ({args.flat_lines:,} lines)", f"LC_ALL=C.UTF-8 grep -P -i -c -f {work}/alt.re {flat_text}", args.flat_lines, flat_bytes),
        (f"pcre2grep, flat alternation ({args.flat_lines:,} lines)", f"pcre2grep -i -c -f {work}/alt-8k.re {flat_text}", args.flat_lines, flat_bytes),
    ]
    missing = [tool for tool in ("pcre2grep", "rg") if shutil.which(tool) is None]
    jobs = [job for job in jobs if not any(job[1].startswith(tool) for tool in missing)]
    times = {name: [] for name, *_ in jobs}
    for _ in range(args.runs):
        for name, cmd, *_ in jobs:
            times[name].append(timed(cmd, f"{work}/out"))

    # Detection check on one run: which injected stop words did winnow catch?
    # (stop words only: with every rule on, a timed-out author's comment carries only the timeout)
    verdicts = f"{work}/verdicts.ndjson"
    sh(f"{winnow} filter --no-audit --policy {stopwords_only} < {events} > {verdicts}")
    caught = {}
    injected = {}
    flood_events = set()
    for line in open(truth, encoding="utf-8"):
        eid, kind, detail = line.rstrip("\n").split("\t")
        if kind == "stopword":
            injected[eid] = detail.split(":", 1)[0]
        elif kind.startswith("flood"):
            flood_events.add(eid)
    for line in open(verdicts, encoding="utf-8"):
        v = json.loads(line)
        variant = injected.get(v["id"])
        if variant is not None:
            hit = any(r.get("rule") == "stopword" and r.get("match") for r in v["reasons"])
            total, n = caught.get(variant, (0, 0))
            caught[variant] = (total + 1, n + (1 if hit else 0))
    # Every rule on, event time: what the verdicts were, and how many flood copies were caught.
    sh(f"{winnow} filter --no-audit --clock event < {events} > {verdicts}")
    actions = {}
    rules = {}
    flood_caught = 0
    for line in open(verdicts, encoding="utf-8"):
        v = json.loads(line)
        actions[v["action"]] = actions.get(v["action"], 0) + 1
        for r in v["reasons"]:
            rules[r["rule"]] = rules.get(r["rule"], 0) + 1
        if v["id"] in flood_events and any(r.get("rule") in ("flood", "repeat", "raid") for r in v["reasons"]):
            flood_caught += 1

    base = statistics.median(times["grep -P, trie pattern"])
    cpu = version("lscpu | grep 'Model name' | sed 's/Model name: *//'")
    out = []
    out.append("# End-to-end throughput: winnow filter against grep -P, pcre2grep and ripgrep\n")
    out.append(f"Measured {time.strftime('%Y-%m-%d')} by `python3 Benchmarks/e2e/throughput.py --events {args.events} --runs {args.runs}`"
               f" (median of {args.runs} interleaved runs, all tools in the same run).\n")
    out.append(f"Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
               f"{version('swift --version 2>&1 | head -1')}; {version('grep --version')}; "
               f"{version('pcre2grep --version 2>&1')}; {version('rg --version')}.\n")
    out.append(f"Workload: {args.events:,} events from {sum(1 for _ in open(pool, encoding='utf-8')):,} real comments "
               f"(YouTube Spam Collection, Davidson et al. tweets, MLMA French tweets, Beer Stack Exchange comments, "
               f"tg-spam samples), `make_workload.py --seed 1` with the {sum(1 for _ in open(terms, encoding='utf-8')):,} "
               f"terms of the bundled lists injected into 3% of events, half of them disguised. NDJSON "
               f"{os.path.getsize(events) / 1e6:.0f} MB; the same comments as text, one per line, {text_bytes / 1e6:.0f} MB.\n")
    out.append("The peers only find lines containing a term; winnow does the whole job: parse JSON, "
               "normalize (NFKC, case, confusables, leetspeak, separators), match every list, decide, "
               "write one JSON verdict per event.\n")
    out.append("| tool | lines | median s (min–max) | lines/s | MB/s of text | lines/s vs grep -P trie |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for name, cmd, n, nbytes in jobs:
        m = statistics.median(times[name])
        rate = n / m
        out.append(f"| {name} | {n:,} | {m:.2f} ({min(times[name]):.2f}–{max(times[name]):.2f}) | {rate:,.0f} | {nbytes / m / 1e6:.1f} | "
                   f"{rate / (args.events / base):.2f} |")
    overhead = statistics.median(times[every_rule]) / statistics.median(times[only_stopwords]) - 1
    # The two run one after the other in each round: the ratio within a round is less at the
    # mercy of a noisy machine than the ratio of medians taken over different moments.
    rounds = [e / s for e, s in zip(times[every_rule], times[only_stopwords])]
    cpu_every = CPU_SECONDS[next(cmd for name, cmd, *_ in jobs if name == every_rule)]
    cpu_only = CPU_SECONDS[next(cmd for name, cmd, *_ in jobs if name == only_stopwords)]
    cpu_rounds = [e / s for e, s in zip(cpu_every, cpu_only)]
    out.append(f"\nEvery rule on against stop words only (issue 3 asks for at most +20%): "
               f"{100 * overhead:+.0f}% time, median against median; "
               f"{100 * (statistics.median(rounds) - 1):+.0f}% as the median of the {len(rounds)} rounds' own ratios "
               f"({', '.join(f'{100 * (r - 1):+.0f}%' for r in rounds)}); "
               f"CPU time (user + system) {statistics.median(cpu_every):.2f} s against {statistics.median(cpu_only):.2f} s, "
               f"{100 * (statistics.median(cpu_rounds) - 1):+.0f}% as the median of the rounds' ratios.\n")
    out.append("\nCommands (stdout to a file in each case):\n")
    for name, cmd, *_ in jobs:
        out.append(f"- {name}: `{cmd.replace(work, '$WORK').replace(ROOT + '/', '')}`")
    out.append("\nWhat winnow made of the injected stop words (share of injected events with a stopword reason):\n")
    out.append("| disguise | injected | caught |")
    out.append("|---|---:|---:|")
    for variant in sorted(caught):
        total, n = caught[variant]
        out.append(f"| {variant} | {total:,} | {100 * n / total:.1f}% |")
    out.append("\nEvery rule on (`--clock event`), verdicts over the whole workload: "
               + ", ".join(f"{a} {c:,}" for a, c in sorted(actions.items())) + "; reasons by rule: "
               + ", ".join(f"{r} {c:,}" for r, c in sorted(rules.items())) + ".\n")
    if flood_events:
        out.append(f"Injected flood copies with a flood, repeat or raid reason: {flood_caught:,} of {len(flood_events):,} "
                   f"({100 * flood_caught / len(flood_events):.1f}%; the first copies of a campaign pass by design).\n")
    report = "\n".join(out) + "\n"
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(report)
    print(report)


if __name__ == "__main__":
    sys.exit(main())
