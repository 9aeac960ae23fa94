#!/usr/bin/env bash
# What the quality features buy, on s2s alone: the same data, seed, model
# size and training budget for every variant, one after the other.
#   general        general attention, teacher forcing (the comparison's setting)
#   none           no attention (the encoder's last state is all the decoder gets)
#   none-reversed  no attention, source reversed (Sutskever et al. 2014)
#   general-ss     general attention, scheduled sampling (inverse-sigmoid:K)
#   gru, rnn       general attention with a GRU or an Elman RNN instead of the LSTM
#   bidirectional  general attention, bidirectional encoder
#   residual       general attention, skip connections between the two layers
#   pyramid        general attention, a pyramidal encoder (half the steps in layer 2)
# Each model translates the test books greedily and with beam 5 (batch 32);
# the first also with beam 1, 5 and 10, without and with a length penalty.
# Scores are s2s-score's (sacreBLEU 2.6.0 BLEU and chrF, tested equal).
# Writes the table into docs/RESULTS.md between the ablation markers (the
# section is kept when tools/compare/onmt.sh rewrites the file).
#
# Uses the release binaries in .build/release (built when missing or older
# than their sources: tools/lib.sh), or those in --bin DIR (copy them aside
# to keep building while it runs: with --steps the results do not depend on
# the load).
# Run nothing else heavy meanwhile: budgets are wall-clock on the training clock.
#
# Usage: tools/compare/ablation.sh [--budget 5m | --steps N] [--threads 2] [--seed 1] [--ss-k 50] [--work DIR] [--docs DIR] [--bin DIR]
#                                  [--variants general,none,...]
#   --budget   training time for each variant (default 5m; the comparison uses 25m)
#   --steps    instead: the same number of updates for each variant (the
#              results then do not depend on what else the machine runs)
#   --ss-k     K of the inverse-sigmoid schedule ε_i = K/(K + exp(i/K)) (default 50)
#   --variants the variants to train, comma-separated (default: all; the
#              search comparison needs general)
# Whole run: about 4 × budget + 10 minutes on 2 cores (500 updates ≈ 11 minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
all_args="$*"
# shellcheck source=tools/lib.sh
source tools/lib.sh
budget=5m steps=0 threads=2 seed=1 ssk=50 work=.build/ablation docs=docs bin="" only=""
parse_options "$@" <<'EOF'
--budget T          budget
--steps N           steps
--threads N         threads
--seed N            seed
--ss-k K            ssk
--work DIR          work
--docs DIR          docs
--bin DIR           bin
--variants LIST     only
EOF
[ -z "$only" ] || only=",$only,"
# shellcheck source=tools/compare/lib.sh
source tools/compare/lib.sh
compare_setup abl

common=(--data "$work/data/abl" --vocab "$work/vocab/abl" --preset base --batch-tokens 0 --batch-size 64
        --learning-rate 0.001 --clip 5 --dropout 0.2 --seed "$seed" --threads "$threads"
        --valid-every 1000000 --save-every 1000000 --bleu-sentences 0 --report-every 20)
if [ "$steps" -gt 0 ]; then common+=(--max-steps "$steps"); else common+=(--max-time "$budget"); fi
variants=(
  "general|--attention general"
  "none|--attention none"
  "none-reversed|--attention none --reverse-source"
  "general-ss|--attention general --teacher-forcing inverse-sigmoid:$ssk"
  "gru|--attention general --cell gru"
  "rnn|--attention general --cell rnn"
  "bidirectional|--attention general --bidirectional"
  "residual|--attention general --residual"
  "pyramid|--attention general --pyramid"
)
: > "$work/runs.tsv"
# decode MODEL KEY BEAM LP: translate the test books, score, append a row to runs.tsv
decode() {
  local model=$1 key=$2 beam=$3 lp=$4 hyp
  hyp=$work/out/$model.$key.txt
  local start end
  start=$(date +%s.%N)
  "$bin/s2s-translate" --model "$work/models/$model" --beam-size "$beam" --length-penalty "$lp" \
    --batch-size 32 --threads "$threads" < "$corpus/test.src" > "$hyp"
  end=$(date +%s.%N)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$model" "$key" "$beam" "$lp" \
    "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')" \
    "$("$bin/s2s-score" --ref "$corpus/test.tgt" --json < "$hyp")" >> "$work/runs.tsv"
  tail -1 "$work/runs.tsv" >&2
}
for v in "${variants[@]}"; do
  name=${v%%|*}
  [ -z "$only" ] || [[ $only == *",$name,"* ]] || continue
  read -r -a opts <<< "${v#*|}"
  say "s2s-train $name: ${opts[*]}"
  "$bin/s2s-train" "${common[@]}" "${opts[@]}" --model "$work/models/$name" > "$work/$name.train.log" 2>&1 \
    || { tail -20 "$work/$name.train.log" >&2; echo "s2s-train $name failed" >&2; exit 1; }
  tail -2 "$work/$name.train.log" >&2
  decode "$name" greedy 1 0
  decode "$name" beam5 5 0
done
if [ -d "$work/models/general" ]; then
  decode general beam5-lp 5 0.6
  decode general beam10 10 0
  decode general beam10-lp 10 0.6
fi

say "report"
budget_text=$([ "$steps" -gt 0 ] && echo "$steps updates" || echo "$budget")
python3 tools/compare/ablation.py "$work" "$docs/RESULTS.md" --budget "$budget_text" --seed "$seed" --ss-k "$ssk" \
  --threads "$threads" --command "${all_args:-(defaults)}"
