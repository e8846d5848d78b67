#!/usr/bin/env bash
# Instructions a private redis-server spends on the event script, per event: `winnow filter
# --shared` of N events of the throughput workload with Redis under callgrind (a stable count on
# this noisy VM, where Redis's own timings move by 20% between runs), for the built-in policy and
# with escalation off (no strike script), and with flood, repeat or both turned off. Read the
# differences with care: a rule turned off also changes which events reach Redis at all (an
# author under a timeout is answered from the penalty cache). The instructions of an idle Redis
# started and stopped the same way are subtracted.
#
#   bash Benchmarks/e2e/redis_callgrind.sh [EVENTS] [WINNOW]
#
# Needs valgrind and redis-server (scripts/install-deps), and the workload that
# Benchmarks/e2e/throughput.py caches in /tmp/winnow-ab (run it once first).
set -euo pipefail
events=${1:-20000}
winnow=${2:-.build/release/winnow}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -n "$events" /tmp/winnow-ab/events-200000.ndjson > "$work/events.ndjson"
printf 'flood: {enabled: false}\n' > "$work/no-flood.yaml"
printf 'repeat: {enabled: false}\n' > "$work/no-repeat.yaml"
printf 'flood: {enabled: false}\nrepeat: {enabled: false}\n' > "$work/neither.yaml"
# Escalation off: no strikes, so no strike script — the event script alone.
printf 'escalation: {enabled: false}\n' > "$work/no-strikes.yaml"

# Runs Redis under callgrind while `winnow filter` (extra arguments: $@) judges the events, or
# nothing (no arguments); prints Redis's total instructions.
redis_instructions() {
    local sock="$work/r.sock" out="$work/cg.out"
    rm -f "$sock" "$out"
    valgrind --tool=callgrind --callgrind-out-file="$out" redis-server --port 0 --unixsocket "$sock" \
        --save '' --appendonly no > "$work/redis.log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 150); do [ -S "$sock" ] && break; sleep 0.2; done
    if [ $# -gt 0 ]; then
        "$winnow" filter --clock event --no-audit --shared "unix://$sock" --shared-timeout 600000 "$@" \
            < "$work/events.ndjson" > /dev/null
    fi
    redis-cli -s "$sock" shutdown nosave > /dev/null 2>&1 || true
    wait "$pid" || true
    callgrind_annotate "$out" 2> /dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}

idle=$(redis_instructions)
echo "events: $events; Redis idle (start, stop): $idle instructions"
printf '| policy | Redis instructions per event |\n|---|---:|\n'
for policy in built-in no-strikes no-flood no-repeat neither; do
    if [ "$policy" = built-in ]; then total=$(redis_instructions --wordlists Wordlists)
    else total=$(redis_instructions --policy "$work/$policy.yaml"); fi
    echo "| $policy | $(( (total - idle) / events )) |"
done
