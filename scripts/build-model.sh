#!/usr/bin/env bash
# Rebuilds the bundled classifier model, Models/winnow.wnm, byte for byte, from data the
# repository ships (see Models/README.md): `toxic` from Davidson et al.'s tweets, `spam` from the
# YouTube Spam Collection sample, tg-spam's samples and Davidson's "neither" tweets; the older
# half of the Beer Stack Exchange comments counts as neither spam nor toxic.
#
#   scripts/build-model.sh            (builds winnow in release first if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
winnow=${WINNOW:-.build/release/winnow}
[ -x "$winnow" ] || swift build -c release --product winnow
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/model_data.py "$work"
# The held-back share: the last fifth of Davidson's tweets (4,957 of 26,754 rows).
"$winnow" train "$work/toxic.ndjson" --label meta.toxic --positive 1 --negative 0 --label-name toxic \
    --holdout 0.18528 --out "$work/toxic.wnm" --force
# The held-back share: the newest fifth of the YouTube comments (1,138 of 7,892 rows are dated).
"$winnow" train "$work/spam.ndjson" --label meta.spam --positive 1 --negative 0 --label-name spam --holdout 0.0289 \
    --merge "$work/toxic.wnm" --out Models/winnow.wnm --force
