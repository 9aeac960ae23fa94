#!/usr/bin/env bash
# Whether two builds give the same results, bit for bit: for a refactoring
# that must not change behaviour. Each build's s2s-train trains the same
# configurations (every cell and attention kind, bidirectional, reversed,
# residual, pyramid, tied embeddings, label smoothing, scheduled sampling)
# for a few updates on the bundled Bible corpus; their train.jsonl losses
# and model.safetensors must be identical, and each build's s2s-translate
# must give the same greedy, beam-5 and n-best translations with scores and
# alignments from the same model, in float32 and, where the CPU runs them,
# bfloat16 and int8.
#
# Usage: tools/check/same-results.sh OLD_BIN NEW_BIN [--work DIR] [--steps 12] [--threads 2]
#   OLD_BIN, NEW_BIN   folders holding s2s-prep, s2s-train and s2s-translate
#                      (copy .build/release aside before changing the code)
# Prints one line per configuration and "same results" at the end; exits 1
# at the first difference, naming the file.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
old="" new="" work=.build/same-results steps=12 threads=2
parse_options "$@" <<'EOF'
OLD_BIN         old
NEW_BIN         new
--work DIR      work
--steps N       steps
--threads N     threads
EOF
if [ -z "$old" ] || [ -z "$new" ]; then usage; exit 2; fi
s2s_binaries old s2s-prep s2s-train s2s-translate
s2s_binaries new s2s-prep s2s-train s2s-translate
rm -rf "$work"; mkdir -p "$work"
work=$(cd "$work" && pwd)
corpus=corpora/bible-en-es
head -40 "$corpus/test.src" > "$work/test.src"
"$old/s2s-prep" --corpus "$corpus" --name b --vocab-dir "$work/vocab" --data-dir "$work/data" --bpe-merges 2000 -q

configs=(
  "lstm-general|--cell lstm --attention general"
  "gru-concat|--cell gru --attention concat"
  "rnn-dot|--cell rnn --attention dot"
  "lstm-none-reversed|--cell lstm --attention none --reverse-source"
  "gru-bidirectional-3|--cell gru --attention general --bidirectional --reverse-source --layers 3"
  "lstm-residual-tied-ss|--cell lstm --attention general --residual --layers 3 --tie-target-embeddings --label-smoothing 0.1 --teacher-forcing linear:1:0.05:0.3"
  "rnn-pyramid|--cell rnn --attention concat --pyramid --layers 3 --bidirectional"
  "lstm-nofeed-sampled|--cell lstm --attention general --no-input-feeding --teacher-forcing exponential:0.8 --sample-own-token"
)
common=(--data "$work/data/b" --vocab "$work/vocab/b" --embedding-size 64 --hidden-size 64 --layers 2
        --batch-tokens 1024 --max-steps "$steps" --valid-every 6 --save-every 1000 --bleu-sentences 0
        --report-every 2 --threads "$threads" --seed 3)
differs() { echo "DIFFERENT: $1" >&2; exit 1; }
# The decodings compared: float32 always, bfloat16 and int8 where this CPU
# runs them (s2s-translate refuses them elsewhere).
runs=("greedy|--beam-size 1 --precision float32" "beam5|--beam-size 5 --precision float32"
      "nbest|--beam-size 4 --n-best 3 --print-scores --print-alignment --precision float32")
grep -qw avx512_bf16 /proc/cpuinfo && runs+=("bf16|--beam-size 5 --precision bfloat16")
grep -qw avx512_vnni /proc/cpuinfo && runs+=("int8|--beam-size 5 --n-best 2 --print-scores --precision int8")
keys=$(for r in "${runs[@]}"; do printf '%s ' "${r%%|*}"; done)
for c in "${configs[@]}"; do
  name=${c%%|*}
  read -r -a opts <<< "${c#*|}"
  for side in old new; do
    bin=$old; [ $side = new ] && bin=$new
    "$bin/s2s-train" "${common[@]}" "${opts[@]}" --model "$work/$side/$name" > "$work/$side.$name.log" 2>&1 \
      || { tail -5 "$work/$side.$name.log" >&2; echo "$side s2s-train $name failed" >&2; exit 1; }
    # The losses (train.jsonl without its wall-clock fields).
    python3 tools/trainlog.py without-clock "$work/$side/$name/train.jsonl" > "$work/$side.$name.losses"
    for run in "${runs[@]}"; do
      key=${run%%|*}
      read -r -a topts <<< "${run#*|}"
      "$bin/s2s-translate" --model "$work/$side/$name" "${topts[@]}" --threads "$threads" \
        < "$work/test.src" > "$work/$side.$name.$key.txt" 2> "$work/$side.$name.$key.err" \
        || { cat "$work/$side.$name.$key.err" >&2; echo "$side s2s-translate $name $key failed" >&2; exit 1; }
    done
  done
  cmp -s "$work/old.$name.losses" "$work/new.$name.losses" || differs "$name losses ($work/{old,new}.$name.losses)"
  cmp -s "$work/old/$name/model.safetensors" "$work/new/$name/model.safetensors" || differs "$name model.safetensors"
  for key in $keys; do
    cmp -s "$work/old.$name.$key.txt" "$work/new.$name.$key.txt" || differs "$name $key ($work/{old,new}.$name.$key.txt)"
  done
  echo "$name: same losses, model and translations ($(wc -l < "$work/old.$name.losses") log records)"
done
echo "same results"
