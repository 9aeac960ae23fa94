#!/usr/bin/env bash
# Benchmarks s2s-prep against subword-nmt on the same text and merges, in one
# run: s2s-prep's whole job (read, NFKC, ICU segmentation, joint BPE learning,
# applying BPE to every split, vocabularies, shards) versus subword-nmt's
# learn-bpe (joint, on the training text) + apply-bpe (every split, both
# sides) on s2s's word-level tokens. Prints both times and the ratio, and ICU
# segmentation throughput in words/s. Do not run while something else builds.
# Usage: tools/bench/prep.sh [CORPUS_DIR] [MERGES]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
corpus=corpora/bible-en-es merges=8000
parse_options "$@" <<'EOF'
CORPUS_DIR    corpus
MERGES        merges
EOF

bash tools/setup.sh
bin=""
s2s_binaries bin s2s-prep
source tools/python-venv.sh subword-nmt subword-nmt==0.3.8
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prep=$bin/s2s-prep

now() { date +%s.%N; }

# Word-level tokens for subword-nmt (not timed: its input is s2s's output).
"$prep" --corpus "$corpus" --name words --vocab-dir "$work/vocab" --data-dir "$work/data" \
      --bpe-merges 0 --write-text -q

t0=$(now)
"$prep" --corpus "$corpus" --name bench --vocab-dir "$work/vocab" --data-dir "$work/data" \
      --bpe-merges "$merges" 2> "$work/s2s.log"
t1=$(now)
cat "$work/data/words/train.bpe.src" "$work/data/words/train.bpe.tgt" \
  | subword-nmt learn-bpe -s "$merges" > "$work/codes" 2>/dev/null
for f in "$work"/data/words/*.bpe.*; do
  subword-nmt apply-bpe -c "$work/codes" < "$f" > "$f.out"
done
t2=$(now)

grep -E "segmented|learned|applied" "$work/s2s.log" | sed 's/^/  /'
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
  s = b - a; p = c - b
  printf "s2s-prep (whole job):                 %7.2f s\n", s
  printf "subword-nmt learn-bpe + apply-bpe:    %7.2f s\n", p
  printf "speed-up: %.1fx\n", p / s
}'
