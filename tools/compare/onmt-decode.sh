#!/usr/bin/env bash
# Times again the three decodings of tools/compare/onmt.sh (beam 5 batch 32,
# greedy batch 32, beam 5 batch 1) on the two models an earlier onmt.sh run
# left in its work folder: each decoding of s2s then of OpenNMT-py, the same
# commands as onmt.sh, RUNS rounds, nothing else between them. Prints, per
# round, sentences/s of both and the ratio: the benchmark's three runs
# against the peer, without training the models again. The outputs must stay
# the same lines as onmt.sh's (s2s's are deterministic; a change of
# binaries between the runs shows as different scores, printed too). The
# corpus and its target language are the ones that onmt.sh run used (its
# results/meta.json).
# Uses the release binaries in .build/release (built when missing or older
# than their sources: tools/lib.sh) and onmt.sh's Python venv.
# Usage: tools/compare/onmt-decode.sh [--work DIR] [--runs 3] [--threads 2]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
# shellcheck source=tools/lib.sh
source tools/lib.sh
work=.build/compare-onmt runs=3 threads=2
parse_options "$@" <<'EOF'
--work DIR      work
--runs N        runs
--threads N     threads
EOF
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "--runs: expected a positive integer" >&2; exit 2; }
[[ $threads =~ ^[1-9][0-9]*$ ]] || { echo "--threads: expected a positive integer" >&2; exit 2; }
bin=""
s2s_binaries bin s2s-translate s2s-score
[ -f "$work/models/s2s/model.safetensors" ] || { echo "no s2s model in $work/models/s2s: run tools/compare/onmt.sh first" >&2; exit 2; }
onmt_model=$(ls "$work"/models/onmt/model_step_*.pt 2>/dev/null | sort -V | tail -1)
[ -n "$onmt_model" ] || { echo "no OpenNMT-py checkpoint in $work/models/onmt: run tools/compare/onmt.sh first" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
# shellcheck disable=SC1091
source tools/python-venv.sh onmt opennmt-py==3.5.1 "torch==2.2.2" "numpy<2" sacrebleu==2.6.0 >&2
export OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads CUDA_VISIBLE_DEVICES=
# The corpus of the onmt.sh run (meta.json; runs before --corpus existed were the Bible's).
read -r corpus_name target_lang < <(python - "$work/results/meta.json" <<'PY'
import json, sys
try:
    meta = json.load(open(sys.argv[1]))
except OSError:
    meta = {}
print(meta.get("corpus", "bible-en-es"), meta.get("target_lang", "es"))
PY
)
corpus=$root/corpora/$corpus_name
[ -s "$corpus/test.src" ] || { echo "no $corpus/test.src: the corpus of the onmt.sh run in $work" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lines=$(wc -l < "$corpus/test.src")

# seconds FILE: the wall-clock seconds of a /usr/bin/time -f %e report.
seconds() { tail -1 "$1"; }
echo "corpus: $corpus_name; CPU: $(cpu_name), $(nproc) cores; s2s $(git rev-parse --short HEAD); OpenNMT-py $onmt_model" >&2
printf '%-4s %-11s %12s %12s %8s  %s\n' run decoding "s2s sent/s" "onmt sent/s" ratio "s2s BLEU"
for run in $(seq 1 "$runs"); do
  for spec in "beam5_b32 5 32" "greedy_b32 1 32" "beam5_b1 5 1"; do
    read -r key beam batch <<< "$spec"
    /usr/bin/time -f %e -o "$tmp/s2s.time" "$bin/s2s-translate" --model "$work/models/s2s" --beam-size "$beam" \
      --batch-size "$batch" --threads "$threads" --precision auto < "$corpus/test.src" > "$tmp/s2s.txt" 2> "$tmp/s2s.log" \
      || { cat "$tmp/s2s.log" >&2; exit 1; }
    /usr/bin/time -f %e -o "$tmp/onmt.time" onmt_translate -model "$onmt_model" -src "$work/data/cmp/test.bpe.src" \
      -output "$tmp/onmt.bpe" -beam_size "$beam" -batch_size "$batch" -batch_type sents -gpu -1 \
      -length_penalty none -max_length_ratio 2 -report_time > "$tmp/onmt.log" 2>&1 || { tail -20 "$tmp/onmt.log" >&2; exit 1; }
    bleu=$("$bin/s2s-score" --ref "$corpus/test.tgt" --target-lang "$target_lang" --json < "$tmp/s2s.txt" | python -c 'import json,sys; print("%.2f" % json.load(sys.stdin)["bleu"])')
    awk -v r="$run" -v k="$key" -v l="$lines" -v a="$(seconds "$tmp/s2s.time")" -v b="$(seconds "$tmp/onmt.time")" -v s="$bleu" \
      'BEGIN { printf "%-4s %-11s %12.1f %12.1f %7.2fx  %s\n", r, k, l / a, l / b, b / a, s }'
  done
done
