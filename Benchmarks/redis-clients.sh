#!/usr/bin/env bash
# hiredis against a RESP client on SwiftNIO, on a private redis-server (unix socket, no
# persistence), with package-benchmark. Results: Benchmarks/results/redis-clients.txt.
set -euo pipefail
cd "$(dirname "$0")"
folder=$(mktemp -d)
redis-server --port 0 --unixsocket "$folder/redis.sock" --save '' --appendonly no --dir "$folder" >/dev/null &
redis=$!
trap 'kill -9 $redis 2>/dev/null; rm -rf "$folder"' EXIT
for _ in $(seq 300); do [ -S "$folder/redis.sock" ] && break; sleep 0.01; done
export WINNOW_BENCH_REDIS_SOCKET="$folder/redis.sock"
swift package --disable-sandbox benchmark --target RedisClients "$@"
