#!/usr/bin/env bash
# Checks that s2s applies BPE exactly as subword-nmt does with the same codes:
# prepares the Bible corpus with s2s (8,000 merges), segments the valid set's
# word-level tokens with subword-nmt's apply-bpe using s2s's codes file, and
# reports the share of identical lines. A check to run by hand, not in CI.
# Usage: tools/check/bpe-vs-subword-nmt.sh [CORPUS_DIR] [MERGES]
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
# s2s's subwords, and its word-level tokens (no merges) as subword-nmt's input.
"$prep" --corpus "$corpus" --name bpe --vocab-dir "$work/vocab" --data-dir "$work/data" \
      --bpe-merges "$merges" --write-text -q
"$prep" --corpus "$corpus" --name words --vocab-dir "$work/vocab" --data-dir "$work/data" \
      --bpe-merges 0 --write-text -q

total=0; same=0
for side in src tgt; do
  subword-nmt apply-bpe -c "$work/vocab/bpe/bpe.codes" \
    < "$work/data/words/valid.bpe.$side" > "$work/theirs.$side"
  n=$(wc -l < "$work/theirs.$side")
  d=$(diff <(cat "$work/data/bpe/valid.bpe.$side") "$work/theirs.$side" | grep -c '^>' || true)
  echo "valid.$side: $((n - d)) of $n lines identical"
  if [ "$d" -gt 0 ]; then
    diff "$work/data/bpe/valid.bpe.$side" "$work/theirs.$side" | head -6
  fi
  total=$((total + n)); same=$((same + n - d))
done
awk -v s="$same" -v t="$total" 'BEGIN { printf "identical lines: %d of %d (%.2f%%)\n", s, t, 100 * s / t }'
