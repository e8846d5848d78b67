#!/bin/bash
# Produce classifier-off verdicts and per-comment classifier scores for every set.
set -e
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$HERE/../../..
W=${WINNOW:-$ROOT/.build/release/winnow}; P=${PRECISION:-/tmp/winnow-precision}; G=${GATING:-/tmp/winnow-gating}; R=$G/runs
mkdir -p $R $G/models; cp $HERE/score.yaml $HERE/score-spam.yaml $G/
Y=${CORPUS:-$ROOT/../shared/corpus}/youtube-spam-collection; MAP="text=CONTENT,author=AUTHOR,ts=DATE,id=COMMENT_ID"
V=(Youtube01-Psy Youtube02-KatyPerry Youtube03-LMFAO); VID=(9bZkp7q19f0 CevxZvSJLk8 KQ6zr6kCPj8)
if [ -z "$SKIPTRAIN" ]; then
# LOVO models trained on the two other videos (classifier.py trains its folds the same way)
for ep in 5 10; do for i in 0 1 2; do
  tr=(); for j in 0 1 2; do [ $j != $i ] && tr+=($Y/${V[$j]}.csv); done
  $W train "${tr[@]}" --map $MAP --label CLASS --positive 1 --negative 0 --out $G/models/f$i-e$ep.wnm --force --holdout 0.01 --min-examples 50 --epochs $ep >/dev/null 2>&1
  $W model evaluate $Y/${V[$i]}.csv --model $G/models/f$i-e$ep.wnm --map $MAP --label CLASS --json > $G/models/eval-f$i-e$ep.json
done; done
fi
# civil sets
civ() { # name events model
  $W filter --clock event --no-audit < $2 > $R/$1.off.ndjson
  $W filter --clock event --no-audit --policy $G/score.yaml --model $3 < $2 > $R/$1.score.ndjson
}
civ beer $P/civil-beer.ndjson $P/fold-beer.wnm
civ tg $P/civil-tg-ham.ndjson $P/fold-tg.wnm
civ dav0 $P/civil-davidson-neither.ndjson $P/fold-davidson0.wnm
civ dav1 $P/civil-davidson-neither.ndjson $P/fold-davidson1.wnm
for i in 0 1 2; do civ ytham-${V[$i]} $P/civil-youtube-ham-Youtube01-Psy.ndjson $P/fold-${V[$i]}.wnm; done
# YouTube LOVO, whole files (replay, channel = video id)
for i in 0 1 2; do
  f=$P/${VID[$i]}.csv
  $W replay $f --map $MAP --no-audit --verdicts - > $R/yt$i.off.ndjson 2>/dev/null
  for m in f$i-e5 f$i-e10; do
    $W replay $f --map $MAP --no-audit --policy $G/score-spam.yaml --model $G/models/$m.wnm --verdicts - > $R/yt$i.score-$m.ndjson 2>/dev/null
  done
  $W replay $f --map $MAP --no-audit --policy $G/score.yaml --model $P/fold-${V[$i]}.wnm --verdicts - > $R/yt$i.score-bundled.ndjson 2>/dev/null
done
wc -l $R/*
# toxic: the last 4,592 rows of the Beer fold's toxic training file (held back by its train), scored as
# one chat (author per row, a second apart) with the fold's model
tail -n 4592 $P/fold-beer-toxic.ndjson > $G/tox-heldback.ndjson
python3 - "$G" <<'PY'
import json, sys
g = sys.argv[1]
with open(f"{g}/tox-heldback.ndjson") as fin, open(f"{g}/tox-heldback.events.ndjson", "w") as out:
    for k, line in enumerate(fin):
        row = json.loads(line)
        out.write(json.dumps({"id": row["id"], "author": row["author"], "channel": "dv-chat",
                              "ts": 1709360000 + k, "text": row["text"]}) + "\n")
PY
$W filter --clock event --no-audit --policy $G/score.yaml --model $P/fold-beer.wnm < $G/tox-heldback.events.ndjson > $R/tox-heldback.score.ndjson
