#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (with AddressSanitizer) and runs each for SECONDS,
# seeded from the bundled fixtures and wordlists and, when it is there, ../shared/corpus.
# A crash leaves crash-<sha1> in Fuzz/findings/<target>/ and exits non-zero; every crash
# found becomes a regression test in Tests/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   (default 60 s per target; all targets)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Seeds: real event lines, real comment texts, the bundled lists, policy files.
mkdir -p "$work/events" "$work/texts" "$work/lists" "$work/policies" "$work/batches" "$work/ops" "$work/hostile"
python3 - "$work" <<'PY'
import glob, json, os, sys
work = sys.argv[1]
lines = []
for path in sorted(glob.glob("Tests/Fixtures/comments/*.ndjson")):
    lines += open(path, encoding="utf-8").read().splitlines()[:300]
corpus = "../shared/corpus/davidson-hate-offensive/data/labeled_data.csv"
if os.path.exists(corpus):
    import csv
    for k, row in enumerate(csv.DictReader(open(corpus, encoding="utf-8"))):
        if k >= 300: break
        lines.append(json.dumps({"author": "u%d" % k, "text": row["tweet"]}, ensure_ascii=False))
# Hostile lines found by hand: far-off times, escaped keys, huge durations.
lines += [
    '{"author":"a","text":"x","ts":1e13}', '{"author":"a","text":"x","ts":-1e13}', '{"author":"a","text":"x","ts":1e308}',
    '{"author":"k1","text":"hello","t\\u0065xt":"shit"}', '{"\\u0061uthor":"a","text":"x"}',
    '{"author":"a","text":"x","ts":"9999-12-31T23:59:59Z"}', '{"author":"a","text":"x","ts":"1970-01-01T00:00:00Z"}',
]
for k, line in enumerate(lines):
    open(f"{work}/events/{k}", "w", encoding="utf-8").write(line)
# Batches of events for the judging path: one author's and one channel's events in time order.
for k in range(0, len(lines), 8):
    open(f"{work}/batches/{k}", "w", encoding="utf-8").write("\n".join(lines[k:k + 8]))
ops = [
    '{"op":"health"}', '{"op":"stats","id":7}', '{"op":"reload","id":"r"}', '{"op":"ban","author":"x","seconds":1e20}',
    '{"op":"ban","author":"x"}', '{"op":"timeout","author":"x","seconds":600,"moderator":"m","note":"n"}',
    '{"op":"unban","author":"x"}', '{"op":"slow_mode","channel":"c","seconds":30}', '{"op":"slow_mode","channel":"c","reset":true}',
    '{"op":"health","id":null}', '{"op":"health","id":{"a":[1,2]}}', '{"op":"ban","author":"x","seconds":"600"}',
]
for k, op in enumerate(ops):
    open(f"{work}/ops/{k}", "w", encoding="utf-8").write(op)
# Short units that, repeated to 64 KiB, were quadratic once.
for k, unit in enumerate(["a.b.", "fuck", "f.u.c.k.", "f-u-c-k-", "shit ", "shittim ", "t.co/x ", "a . com ", "hello world "]):
    open(f"{work}/hostile/{k}", "w", encoding="utf-8").write(unit)
    try:
        open(f"{work}/texts/{k}", "w", encoding="utf-8").write(json.loads(line).get("text", ""))
    except Exception:
        pass
PY
cp Wordlists/*/*.txt "$work/lists/" 2>/dev/null || true
for f in Wordlists/*/*.txt; do cp "$f" "$work/lists/$(echo "$f" | tr / _)"; done
find Tests/Scenarios -name '*.yaml' -exec cp {} "$work/policies/" \;
for binary in .build/release/winnow .build/debug/winnow; do
    if [ -x "$binary" ]; then "$binary" config default > "$work/policies/default.yaml"; break; fi
done

status=0
for target in FuzzEventDecoder:events FuzzNormalizer:texts FuzzWordlists:lists FuzzPolicyFile:policies \
        FuzzJudging:batches FuzzOps:ops FuzzCost:hostile; do
    name=${target%%:*}
    seeds=$work/${target##*:}
    if [ $# -gt 1 ] && [[ " ${*:2} " != *" $name "* ]]; then continue; fi
    swift build -c release --package-path Fuzz --scratch-path Fuzz/.build --product "$name" \
        --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address > "$work/build-$name.log" 2>&1 \
        || { cat "$work/build-$name.log"; exit 1; }
    findings=Fuzz/findings/$name
    mkdir -p "$findings" "$work/corpus-$name"
    echo "== $name: $seconds s"
    if ! (cd "$findings" && SWIFT_BACKTRACE=enable=no "$root/Fuzz/.build/release/$name" "$work/corpus-$name" "$seeds" \
            -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 2>&1 \
            | grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss|ERROR|Fatal error|deadly|SUMMARY|Test unit written"); then
        :
    fi
    # Any one kind of finding fails the run (ls of several globs fails when one of them matches nothing).
    if [ -n "$(find "$findings" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) -print -quit)" ]; then
        echo "$name: findings in $findings"
        status=1
    fi
done
exit $status
