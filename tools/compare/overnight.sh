#!/usr/bin/env bash
# The README's "train overnight" recipe, measured: trains the base preset on
# the bundled Bible corpus with the recipe's options for --hours, copies the
# best model so far aside every --every minutes (and at the end), then
# translates the test books with each copy (s2s-translate's defaults: beam 5)
# and scores them with s2s-score. Prints the table — hours, updates, tokens/s,
# best validation BLEU, test BLEU and chrF — and writes it into
# DOCS/RESULTS.md (its own section; tools/compare/onmt.sh keeps it).
# Nothing else should run meanwhile: the time axis is wall-clock.
# Usage: tools/compare/overnight.sh [--hours H] [--every MIN] [--bin DIR] [--out DIR] [--docs DIR]
#                                   [--score-only] [--remark TEXT]
#   --bin DIR      the s2s-* binaries to use (default: .build/release, built
#                  when missing or older than their sources: tools/lib.sh);
#                  copy them aside first to keep building while this runs
#   --score-only   skip training: score the snapshots already in OUT
#   --remark TEXT  a sentence on the run's conditions, for RESULTS.md
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
hours=8; every=60; bin=""; out=.build/overnight; docs=docs; score_only=0; remark=""
args="$*"
parse_options "$@" <<'EOF'
--hours H           hours
--every MIN         every
--bin DIR           bin
--out DIR           out
--docs DIR          docs
--score-only        score_only=1
--remark TEXT       remark
EOF
s2s_binaries bin s2s-prep s2s-train s2s-translate s2s-score

# A snapshot: the model folder's files (config, vocabularies, BPE codes,
# train.jsonl, the best model so far), not its checkpoints.
snapshot() { mkdir -p "$2"; find "$1" -maxdepth 1 -type f -exec cp {} "$2/" \; ; }

model=$out/model
if [ "$score_only" = 0 ]; then
  rm -rf "$model" "$out/snapshots"
  mkdir -p "$out/snapshots"
  "$bin/s2s-prep" --corpus corpora/bible-en-es --source-lang en --target-lang es >&2
  "$bin/s2s-train" --data data/bible-en-es --vocab vocab/bible-en-es --model "$model" \
      --preset base --max-time "${hours}h" --valid-every 500 --bleu-sentences 303 \
      --best-metric bleu --decay-patience 3 --early-stop 8 2> "$out/train.log" &
  train=$!
  start=$(date +%s)
  end=$((start + $(python3 -c "print(int(float('$hours') * 3600))")))
  k=1
  while [ $((start + k * every * 60)) -lt "$end" ]; do
    while [ "$(date +%s)" -lt $((start + k * every * 60)) ] && kill -0 "$train" 2>/dev/null; do sleep 10; done
    kill -0 "$train" 2>/dev/null || break
    snapshot "$model" "$out/snapshots/$((k * every))min"
    k=$((k + 1))
  done
  wait "$train"
  snapshot "$model" "$out/snapshots/end"
fi

for snap in "$out"/snapshots/*/; do
  snap=${snap%/}
  [ -f "$snap/model.safetensors" ] || continue  # copied before the first validation
  start_ns=$(date +%s%N)
  "$bin/s2s-translate" --model "$snap" < corpora/bible-en-es/test.src > "$snap/test.hyp"
  python3 -c "print(($(date +%s%N) - $start_ns) / 1e9)" > "$snap/seconds"
  "$bin/s2s-score" --ref corpora/bible-en-es/test.tgt --hyp "$snap/test.hyp" --json > "$snap/score.json"
done
python3 tools/compare/overnight.py "$out" "$docs/RESULTS.md" --command="$args" --remark="$remark"
