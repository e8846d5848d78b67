#!/usr/bin/env bash
# Instructions per event of a partitioned `consume` against one `filter` alone, with Redis's own
# instructions counted too: the stable form of partitioned.py's CPU ratio (on this noisy VM the
# same configuration's CPU ratio moves by ±0.15 from round to round; callgrind's counts by about
# 1.5k instructions per event). One owner of the 4 partitions, one worker, 100 events per entry,
# with and without `--shared-windows global`; Redis under callgrind all along, its instructions
# for the same events routed with no owner (start, routing, stop) subtracted. Start-up (a
# `filter` of no input) is subtracted from every winnow count.
#
#   bash Benchmarks/e2e/partitioned_callgrind.sh [EVENTS] [WINNOW]
#
# Needs valgrind and redis-server (scripts/install-deps), and the workload that
# Benchmarks/e2e/throughput.py caches in /tmp/winnow-ab (run it once first).
set -euo pipefail
events=${1:-20000}
winnow=${2:-.build/release/winnow}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -n "$events" /tmp/winnow-ab/events-200000.ndjson > "$work/events.ndjson"
# Valgrind cannot read this toolchain's debug information: a copy without it.
objcopy --strip-debug "$winnow" "$work/winnow"
winnow="$work/winnow"
export SWIFT_DETERMINISTIC_HASHING=1
judging=(--clock event --late-tolerance 1d --no-audit --workers 1)
callgrind=(valgrind --tool=callgrind --smc-check=all-non-file)

total() { callgrind_annotate "$1" 2> /dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'; }

# winnow's instructions for `filter` (extra arguments: $@) on the events, or on nothing.
filter_instructions() {
    local input=$1
    shift
    "${callgrind[@]}" --callgrind-out-file="$work/f.cg" "$winnow" filter "${judging[@]}" < "$input" > /dev/null 2>&1
    total "$work/f.cg"
}

# Redis under callgrind; the events routed, then, unless the first argument is `none`, one
# owner of the partitions judges them (consume arguments: $@, `REDIS` standing for the address).
# Prints: consume's instructions (0 for none), Redis's instructions in all.
owner_instructions() {
    local sock="$work/r.sock"
    rm -f "$sock" "$work/c.cg"
    "${callgrind[@]}" --callgrind-out-file="$work/r.cg" redis-server --port 0 --unixsocket "$sock" \
        --save '' --appendonly no > "$work/redis.log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 150); do [ -S "$sock" ] && break; sleep 0.2; done
    local address="unix://$sock"
    "$winnow" route --redis "$address" --redis-stream s --partition-count 4 --events-per-entry 100 \
        < "$work/events.ndjson" 2> /dev/null
    local consumed=0
    if [ "${1:-}" != none ]; then
        local extra=()
        for word in "$@"; do extra+=("${word//REDIS/$address}"); done
        "${callgrind[@]}" --callgrind-out-file="$work/c.cg" "$winnow" consume "${judging[@]}" \
            --redis "$address" --redis-stream s --group g --partition-count 4 --partitions 0-3 --drain \
            --shared-timeout 600000 "${extra[@]}" > /dev/null 2>&1
        consumed=$(total "$work/c.cg")
    fi
    redis-cli -s "$sock" shutdown nosave > /dev/null 2>&1 || true
    wait "$pid" || true
    echo "$consumed $(total "$work/r.cg")"
}

startup=$(filter_instructions /dev/null)
filter=$(($(filter_instructions "$work/events.ndjson") - startup))
# Redis with the events routed and no owner: its start, the routing and its stop, subtracted.
read -r _ routed < <(owner_instructions none)
echo "events: $events; winnow start-up $startup, Redis routing the events $routed instructions (subtracted)"
printf '| run | winnow instructions per event | Redis | together | against `filter` alone |\n'
printf '|---|---:|---:|---:|---:|\n'
printf '| `filter` alone | %d | 0 | %d | 1.00× |\n' $((filter / events)) $((filter / events))
for mode in own global; do
    if [ "$mode" = global ]; then
        read -r consume redis < <(owner_instructions --shared REDIS --shared-windows global)
    else
        read -r consume redis < <(owner_instructions)
    fi
    consume=$((consume - startup))
    redis=$((redis - routed))
    together=$((consume + redis))
    label='1 `consume` owner of 4'
    [ "$mode" = global ] && label="$label, \`--shared-windows global\`"
    printf '| %s | %d | %d | %d | %s× |\n' "$label" $((consume / events)) $((redis / events)) \
        $((together / events)) "$(awk -v a="$together" -v b="$filter" 'BEGIN { printf "%.2f", a / b }')"
done
