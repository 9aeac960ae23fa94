#!/usr/bin/env bash
# s2s-prep at corpus sizes users bring, against SentencePiece in the same
# run (and subword-nmt where it finishes in reasonable time), then
# s2s-train's start-up on the shards. Corpora: the bundled training pairs
# repeated to N pairs (valid and test as they are), in a scratch folder
# removed at the end. For each size it prints wall seconds and peak RSS
# (/usr/bin/time) of:
#   s2s-prep (its whole job, --threads T);
#   SentencePiece: spm_train --model_type=bpe --vocab_size=8000
#     --input_sentence_size=0 --character_coverage=1.0 --num_threads=T on both
#     sides' training text, then spm_encode of both sides;
#   subword-nmt (learn-bpe 8000 + apply-bpe on s2s's word tokens), for sizes
#     up to --subword-nmt-max pairs;
# and s2s-train --preset tiny for one update (start-up, the update, a final
# validation and checkpoint): wall seconds and peak RssAnon (sampled every
# 20 ms). Name the CPU with the figures; do not run while something builds.
# Usage: tools/bench/prep-scale.sh [--pairs 30k,1m,10m] [--threads T] [--subword-nmt-max 300k] [--runs R]
# (--runs: s2s-prep and SentencePiece R times each, alternating, one row a run)
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
pairs_list=30k,1m,10m threads=2 snmt_max=300k runs=1
parse_options "$@" <<'EOF'
--pairs LIST            pairs_list
--threads T             threads
--subword-nmt-max N     snmt_max
--runs R                runs
EOF
count() { local n=${1,,}; case "$n" in *k) echo $(( ${n%k} * 1000 ));; *m) echo $(( ${n%m} * 1000000 ));; *) echo "$n";; esac; }

bash tools/setup.sh --bench
bin=""
s2s_binaries bin s2s-prep s2s-train
source tools/python-venv.sh subword-nmt subword-nmt==0.3.8
work=$(mktemp -d "${TMPDIR:-/tmp}/s2s-prep-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "CPU: $(cpu_name), $(nproc) cores; threads $threads"

timed() {  # timed LABEL CMD...: runs CMD, appends "LABEL SECONDS KB" to $work/times
  local label=$1; shift
  /usr/bin/time -f "$label %e %M" -a -o "$work/times" "$@" > /dev/null 2> "$work/last.err" || {
    echo "prep-scale: $label failed:" >&2; tail -5 "$work/last.err" >&2; exit 1; }
}
peak_anon() {  # peak_anon CMD...: prints "SECONDS PEAK_RSSANON_KB"
  local start end peak=0 v pid
  start=$(date +%s.%N)
  "$@" > /dev/null 2> "$work/last.err" & pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    v=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$v" ] && [ "$v" -gt "$peak" ] && peak=$v
    sleep 0.02
  done
  wait "$pid" || { echo "prep-scale: s2s-train failed:" >&2; tail -5 "$work/last.err" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" -v p="$peak" 'BEGIN { printf "%.2f %d\n", b - a, p }'
}

printf "%8s | %3s | %16s | %16s | %7s | %16s | %16s | %16s\n" pairs run "s2s-prep s, MB" "spm s, MB" "s2s/spm" "subword-nmt s" "train start s" "train RssAnon MB"
IFS=, read -ra sizes <<< "$pairs_list"
for size in "${sizes[@]}"; do
  n=$(count "$size"); c="$work/c$n"; mkdir -p "$c"
  lines=$(wc -l < corpora/bible-en-es/train.src)
  for side in src tgt; do
    # Whole copies, then the first lines of one more (no pipe closed early: pipefail).
    for _ in $(seq $(( n / lines ))); do cat "corpora/bible-en-es/train.$side"; done > "$c/train.$side"
    head -n $(( n % lines )) "corpora/bible-en-es/train.$side" >> "$c/train.$side"
    cp "corpora/bible-en-es/valid.$side" "corpora/bible-en-es/test.$side" "$c/"
  done
  for run in $(seq "$runs"); do
  : > "$work/times"
  timed s2s "$bin/s2s-prep" --corpus "$c" --name "c$n" --vocab-dir "$work/vocab" --data-dir "$work/data" -q \
        --source-lang en --target-lang es --threads "$threads"
  timed spm_train spm_train --input="$c/train.src,$c/train.tgt" --model_prefix="$work/spm$n" --model_type=bpe \
        --vocab_size=8000 --input_sentence_size=0 --character_coverage=1.0 --num_threads="$threads"
  timed spm_src spm_encode --model="$work/spm$n.model" --output="$work/enc.src" "$c/train.src"
  timed spm_tgt spm_encode --model="$work/spm$n.model" --output="$work/enc.tgt" "$c/train.tgt"
  snmt="-"
  if [ "$run" -eq 1 ] && [ "$n" -le "$(count "$snmt_max")" ]; then
    "$bin/s2s-prep" --corpus "$c" --name "w$n" --vocab-dir "$work/vocab" --data-dir "$work/data" --bpe-merges 0 --write-text -q
    t0=$(date +%s.%N)
    cat "$work/data/w$n/train.bpe.src" "$work/data/w$n/train.bpe.tgt" | subword-nmt learn-bpe -s 8000 > "$work/codes" 2>/dev/null
    for f in "$work/data/w$n"/train.bpe.*; do subword-nmt apply-bpe -c "$work/codes" < "$f" > "$work/applied"; done
    snmt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  fi
  read -r train_s train_kb < <(peak_anon "$bin/s2s-train" --data "$work/data/c$n" --vocab "$work/vocab/c$n" --model "$work/m$n" \
        --preset tiny --max-steps 1 --valid-every 0 --bleu-sentences 0 --threads "$threads")
  awk -v n="$n" -v run="$run" -v snmt="$snmt" -v ts="$train_s" -v tk="$train_kb" '
    { t[$1] = $2; m[$1] = $3 }
    END {
      spm_s = t["spm_train"] + t["spm_src"] + t["spm_tgt"]
      spm_m = m["spm_train"]; if (m["spm_src"] > spm_m) spm_m = m["spm_src"]; if (m["spm_tgt"] > spm_m) spm_m = m["spm_tgt"]
      printf "%8d | %3d | %7.1f, %6.0f | %7.1f, %6.0f | %6.2fx | %16s | %16.1f | %16.0f\n", n, run, t["s2s"], m["s2s"] / 1024,
             spm_s, spm_m / 1024, t["s2s"] / spm_s, snmt, ts, tk / 1024 }' "$work/times"
  rm -rf "$work/data/w$n" "$work/m$n"
  done
  rm -rf "$c"
done
