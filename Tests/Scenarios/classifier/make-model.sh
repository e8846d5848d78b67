#!/usr/bin/env bash
# Rebuilds small.wnm, the model of this scenario, from train.ndjson (2^10 buckets; the same bytes
# every time): Tests/Scenarios/classifier/make-model.sh [WINNOW]
set -euo pipefail
cd "$(dirname "$0")"
"${1:-../../../.build/release/winnow}" train train.ndjson --label meta.spam --positive 1 --negative 0 --bits 10 \
    --min-examples 10 --out small.wnm --force
