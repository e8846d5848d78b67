#!/usr/bin/env python3
"""Two builds of winnow give byte-identical verdicts on the 1M-event throughput workload: with
the built-in policy and with every rule on (the classifier too), on event time, no audit.
The check a refactoring that must not change behaviour passes (issue "one shape for every
rule", "Unchanged").

  python3 Benchmarks/e2e/same_verdicts.py --a OLD_WINNOW --b NEW_WINNOW [--events 1000000]

The workload (real comments, `make_workload.py --seed 1`, as throughput.py builds it) is cached
in --work. Exit status 1 when any output differs.
"""
import argparse
import hashlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import throughput  # noqa: E402  (its workload helpers)

ROOT = os.path.dirname(os.path.dirname(HERE))
POLICIES = {"built-in policy": None, "every rule on (classifier too)": "classifier: {enabled: true}\n"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--work", default=os.path.join(ROOT, ".build-bench", "same-verdicts"))
    args = ap.parse_args()
    events = throughput.workload(args.shared, args.work, args.events)
    differ = False
    for name, policy in POLICIES.items():
        extra = []
        if policy:
            path = os.path.join(args.work, "policy.yaml")
            with open(path, "w") as fh:
                fh.write(policy)
            extra = ["--policy", path]
        digests = []
        for winnow in (args.a, args.b):
            with open(events, "rb") as fh:
                out = subprocess.run([winnow, "filter", "--clock", "event", "--no-audit", *extra],
                                     stdin=fh, stdout=subprocess.PIPE, check=True).stdout
            digests.append((hashlib.sha256(out).hexdigest()[:16], out.count(b"\n")))
        same = digests[0] == digests[1]
        differ |= not same
        print(f"{name}: {digests[0][1]:,} verdicts, sha256 {digests[0][0]} vs {digests[1][0]}: "
              f"{'identical' if same else 'DIFFERENT'}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
