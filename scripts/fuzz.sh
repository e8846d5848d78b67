#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (with AddressSanitizer) and runs each for SECONDS,
# seeded from the bundled fixtures and wordlists and, when it is there, ../shared/corpus.
# A crash leaves crash-<sha1> in Fuzz/findings/<target>/ and exits non-zero; every crash
# found becomes a regression test in Tests/.
#
#   scripts/fuzz.sh [SECONDS]        (default 60 per target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Seeds: real event lines, real comment texts, the bundled lists, policy files.
mkdir -p "$work/events" "$work/texts" "$work/lists" "$work/policies"
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
for k, line in enumerate(lines):
    open(f"{work}/events/{k}", "w", encoding="utf-8").write(line)
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
for target in FuzzEventDecoder:events FuzzNormalizer:texts FuzzWordlists:lists FuzzPolicyFile:policies; do
    name=${target%%:*}
    seeds=$work/${target##*:}
    swift build -c release --package-path Fuzz --scratch-path Fuzz/.build --product "$name" \
        --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address > "$work/build-$name.log" 2>&1 \
        || { cat "$work/build-$name.log"; exit 1; }
    findings=Fuzz/findings/$name
    mkdir -p "$findings" "$work/corpus-$name"
    echo "== $name: $seconds s"
    if ! (cd "$findings" && SWIFT_BACKTRACE=enable=no "$root/Fuzz/.build/release/$name" "$work/corpus-$name" "$seeds" \
            -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 2>&1 \
            | grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss|ERROR|Fatal error|deadly|SUMMARY|Test unit written"); then
        :
    fi
    if ls "$findings"/crash-* "$findings"/timeout-* "$findings"/oom-* >/dev/null 2>&1; then
        echo "$name: findings in $findings"
        status=1
    fi
done
exit $status
