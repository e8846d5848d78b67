#!/usr/bin/env bash
# What a process pays before its first event: `winnow filter` of no input (the bundled lists
# compiled, the fold table read, the model loaded, the arguments parsed), in instructions
# (callgrind, stable) and in CPU time (the median of 15 runs, rusage), for one or more builds.
# Every `consume` owner, sidecar and short-lived command pays it once.
#
#   bash Benchmarks/e2e/startup.sh [WINNOW...]   (default: .build/release/winnow)
#
# Needs valgrind (scripts/install-deps).
set -euo pipefail
[ $# -gt 0 ] || set -- .build/release/winnow
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '| build | instructions | CPU ms (median of 15) |\n|---|---:|---:|\n'
for winnow in "$@"; do
    # Valgrind cannot read this toolchain's debug information: a copy without it.
    objcopy --strip-debug "$winnow" "$work/winnow"
    SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$work/s.cg" "$work/winnow" \
        filter --clock event --no-audit --workers 1 < /dev/null > /dev/null 2>&1
    instructions=$(callgrind_annotate "$work/s.cg" 2> /dev/null | awk '/PROGRAM TOTALS/ { print $1 }')
    milliseconds=$(python3 - "$winnow" <<'EOF'
import resource, statistics, subprocess, sys
runs = []
for _ in range(15):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.argv[1], "filter", "--clock", "event", "--no-audit"], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    runs.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
print(f"{statistics.median(runs) * 1000:.1f}")
EOF
    )
    printf '| `%s` | %s | %s |\n' "$winnow" "$instructions" "$milliseconds"
done
