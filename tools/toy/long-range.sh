#!/usr/bin/env bash
# The seeds' lesson on a toy task: copy (or reverse) random symbol strings of
# lengths 5–10, 20–30, 50–60 and 90–100 with a vanilla RNN, a GRU and an LSTM
# of the same size and the same number of updates, with and without attention,
# with and without gradient clipping; exact-match accuracy per length bucket
# and the gradient-flow curves (s2s-train --gradient-flow).
#
#   tools/toy/long-range.sh [--task copy|reverse] [--steps N] [--hidden H] [--work DIR] [--bin DIR] [--results FILE]
#   --bin DIR  the s2s-* commands to use (default: .build/release, built when
#              missing or older than their sources: tools/lib.sh)
#
# Writes WORK/models/CONFIG/ (with plots/gradient_flow.svg) and, with
# --results, the table into that file's "long-range" section (docs/RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
task=copy steps=1500 hidden=128 work=.build/long-range bin="" results=""
parse_options "$@" <<'EOF'
--task T          task
--steps N         steps
--hidden H        hidden
--work DIR        work
--bin DIR         bin
--results FILE    results
EOF
s2s_binaries bin s2s-prep s2s-train s2s-translate
mkdir -p "$work/corpus"
# One corpus: 1,500 training pairs per bucket, a test file per bucket.
buckets="5-10 20-30 50-60 90-100"
: > "$work/corpus/train.src"; : > "$work/corpus/train.tgt"; : > "$work/corpus/valid.src"; : > "$work/corpus/valid.tgt"
seed=1
for b in $buckets; do
  lo=${b%-*} hi=${b#*-}
  python3 tools/toy/make-toy.py --task "$task" --n 1500 --n-valid 25 --n-test 100 --seed $seed \
      --min-len "$lo" --max-len "$hi" --out "$work/bucket-$b" 2>/dev/null
  for side in src tgt; do
    cat "$work/bucket-$b/train.$side" >> "$work/corpus/train.$side"
    cat "$work/bucket-$b/valid.$side" >> "$work/corpus/valid.$side"
  done
  seed=$((seed + 1))
done
"$bin/s2s-prep" --corpus "$work/corpus" --name long --bpe-merges 0 --max-len 0 \
    --vocab-dir "$work/vocab" --data-dir "$work/data" -q
for cell in rnn gru lstm; do
  for attention in none general; do
    for clip in 0 5; do
      name=$cell-$attention-clip$clip
      rm -rf "$work/models/$name"
      feeding=""; [ $attention = none ] && feeding=--no-input-feeding
      "$bin/s2s-train" --data "$work/data/long" --vocab "$work/vocab/long" --model "$work/models/$name" \
          --embedding-size 64 --hidden-size "$hidden" --layers 1 --cell $cell --attention $attention $feeding \
          --clip $clip --dropout 0 --batch-tokens 0 --batch-size 32 --learning-rate 0.002 \
          --max-steps "$steps" --valid-every 250 --bleu-sentences 0 --gradient-flow --seed 1 --threads 1 \
          > "$work/$name.log" 2>&1 || echo "long-range.sh: $name failed (see $work/$name.log)" >&2
      for b in $buckets; do
        "$bin/s2s-translate" --model "$work/models/$name" --beam-size 1 --max-source-tokens 1000 \
            < "$work/bucket-$b/test.src" > "$work/$name.$b.hyp" 2>/dev/null || true
      done
    done
  done
done
python3 tools/toy/long_range.py --work "$work" --task "$task" --steps "$steps" --hidden "$hidden" ${results:+--results "$results"}
