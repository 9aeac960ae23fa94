#!/usr/bin/env bash
# Decoding speed of s2s-translate on the Bible test books (666 sentences):
# greedy and beam 5, at batch sizes 1 and 32, each run timed whole (model
# loading included) with /usr/bin/time for its peak RSS. Prints sentences/s
# and target words/s. Needs a trained model folder, e.g. from
#   s2s-train --data data/bible-en-es --vocab vocab/bible-en-es --model models/bible-base --preset base --max-time 20m
# Usage: tools/bench/translate.sh [MODEL_DIR] (default models/bible-base)
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
model=models/bible-base
parse_options "$@" <<'EOF'
MODEL_DIR     model
EOF
[ -f "$model/model.safetensors" ] || { echo "no model in $model: train one first (see the header of this script)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
bin=""
s2s_binaries bin s2s-translate
input=corpora/bible-en-es/test.src
lines=$(wc -l < "$input")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf "%-8s %6s %10s %12s %14s %10s\n" search batch seconds sentences/s "target words/s" "peak RSS"
for beam in 1 5; do
  for batch in 1 32; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin/s2s-translate" --model "$model" \
      --beam-size "$beam" --batch-size "$batch" < "$input" > "$work/out"
    read -r seconds kb < "$work/time"
    words=$(wc -w < "$work/out")
    name=$([ "$beam" = 1 ] && echo greedy || echo "beam $beam")
    awk -v n="$name" -v b="$batch" -v s="$seconds" -v l="$lines" -v w="$words" -v k="$kb" \
      'BEGIN { printf "%-8s %6d %10.2f %12.1f %14.0f %7.0f MB\n", n, b, s, l / s, w / s, k / 1024 }'
  done
done
