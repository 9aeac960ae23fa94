#!/usr/bin/env bash
# s2s against OpenNMT-py 3.5.1 on a corpus (the bundled Bible by default, or a
# catalog corpus from tools/corpus/build-catalogs.sh), side by side, on
# this machine: the same subword input (s2s-prep --write-text), the same
# model (2×512 LSTM encoder and decoder, 512-dim embeddings, general attention,
# input feeding, dropout 0.2), the same optimiser (Adam 1e-3, clipping at 5,
# batches of 64 sentences) and the same training budget, trained one after the
# other, never together; then each model translates the test books with beam 5
# and greedy at batch 32 and beam 5 at batch 1, every run timed whole with
# /usr/bin/time -v, every output scored with s2s-score and with sacreBLEU
# (BLEU tokenised for the target language as sacreBLEU chooses: zh for
# Chinese, char for Japanese and Korean, 13a otherwise), with the share of
# test lines whose format directives (%s, {name}, <b>) the output reproduces.
# Where the CPU has AVX512_BF16, s2s also trains the same model in bfloat16
# for the same budget (validation perplexity at equal updates, BLEU at the
# same time), and the float32 model also decodes with --shortlist 10 and
# with --precision float32.
# Prints the table and writes docs/RESULTS.md and docs/loss-curves.svg; for
# another corpus, its own section of docs/RESULTS.md (replaced on a rerun)
# and docs/loss-curves-NAME.svg.
#
# Uses the release binaries in .build/release (built when missing or older
# than their sources: tools/lib.sh).
# Installs OpenNMT-py 3.5.1, torch 2.2.2 (CPU use; its wheels bring ~5 GB of
# CUDA libraries), numpy<2 and sacreBLEU 2.6.0 into .build-venv/onmt the
# first time. Run nothing else heavy meanwhile: the machine is shared.
#
# Usage: tools/compare/onmt.sh [--corpus DIR] [--target-lang CODE] [--budget 25m] [--threads 2]
#                              [--work DIR] [--docs DIR] [--no-bfloat16]
#   --corpus   a corpus folder with train/valid/test .src/.tgt (default corpora/bible-en-es)
#   --target-lang  the target side's language (default: from the folder's name,
#              NAME-en-LANG, without a region: zh_CN is zh)
#   --budget   training time for each toolkit: 90s, 25m, 1h (default 25m), on
#              s2s-train's training clock (validation and checkpoints excluded)
#   --threads  threads for both toolkits (default 2)
#   --work     scratch folder: data, models, outputs, logs (default .build/compare-onmt);
#              its data/, vocab/, models/, onmt/, out/, results/ are made afresh
#   --docs     where RESULTS.md and loss-curves.svg go (default docs)
#   --no-bfloat16  skip s2s's bfloat16 training
# Whole run: about 3 × budget + 10 minutes (2 × without the bfloat16 row) on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
script_start=$(date +%s)
# What s2s is: the checkout at the start (and, below, when the binaries used were built).
s2s_version="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || s2s_version+=" with uncommitted changes"
s2s_version+=" (checkout at the start)"
# shellcheck source=tools/lib.sh
source tools/lib.sh

budget=25m threads=2 work=.build/compare-onmt docs=docs corpus=corpora/bible-en-es target_lang=
bf16=1; grep -qw avx512_bf16 /proc/cpuinfo || bf16=0
args=("$@")
parse_options "$@" <<'EOF'
--corpus DIR        corpus
--target-lang CODE  target_lang
--budget T          budget
--threads N         threads
--work DIR          work
--docs DIR          docs
--no-bfloat16       bf16=0
EOF
corpus=${corpus%/}
case $budget in
  *h) budget_s=$(( ${budget%h} * 3600 )) ;;
  *m) budget_s=$(( ${budget%m} * 60 )) ;;
  *s) budget_s=${budget%s} ;;
  *[!0-9]*|'') echo "--budget: expected e.g. 90s, 25m, 1h, not $budget" >&2; exit 2 ;;
  *) budget_s=$budget ;;
esac
[[ $budget_s =~ ^[0-9]+$ ]] && [ "$budget_s" -gt 0 ] || { echo "--budget: expected e.g. 90s, 25m, 1h" >&2; exit 2; }
[[ $threads =~ ^[0-9]+$ ]] && [ "$threads" -gt 0 ] || { echo "--threads: expected a positive integer" >&2; exit 2; }

for f in train valid test; do for side in src tgt; do
  [ -s "$corpus/$f.$side" ] || { echo "--corpus $corpus: no $f.$side there (a corpus folder holds train, valid and test .src/.tgt)" >&2; exit 2; }
done; done
corpus=$(cd "$corpus" && pwd)
corpus_name=$(basename "$corpus")
if [ -z "$target_lang" ]; then
  target_lang=${corpus_name##*-}; target_lang=${target_lang%%_*}; target_lang=${target_lang,,}
fi
[[ $target_lang =~ ^[a-z]{2,3}$ ]] || { echo "--target-lang: expected a language code such as de or zh, not '$target_lang'" >&2; exit 2; }

bin=""
s2s_binaries bin s2s-prep s2s-train s2s-translate s2s-score
s2s_version+="; binaries .build/release/s2s-train built $(date -u -r "$bin/s2s-train" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || echo '?')"
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null

mkdir -p "$work" "$docs"
work=$(cd "$work" && pwd)
docs=$(cd "$docs" && pwd)
data=$work/data/cmp vocab=$work/vocab/cmp
res=$work/results out=$work/out onmt=$work/onmt
rm -rf "$work/data" "$work/vocab" "$work/models" "$onmt" "$out" "$res"
mkdir -p "$res" "$out" "$onmt" "$work/models"
: > "$res/commands.sh"
report_every=20   # both toolkits: a point of the loss curve every 20 updates

say() { printf '\n== %s (%s)\n' "$*" "$(date +%H:%M:%S)" >&2; }
# record CMD...: append the command, with $root and $work shortened, to the list in RESULTS.md
record() {
  local line= arg
  for arg in "$@"; do
    case $arg in '<'|'>') line+="$arg " ;; *) line+="$(printf '%q' "$arg") " ;; esac
  done
  line=${line//$work/\$WORK}
  line=${line//$root\//}
  echo "${line% }" >> "$res/commands.sh"
}
# cpu_jiffies: the whole machine's busy and steal time so far (/proc/stat, in clock ticks), "BUSY, STEAL"
cpu_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 ", " $9 }' /proc/stat; }
# timed NAME CMD...: run CMD under /usr/bin/time -v (report in $res/NAME.timev)
timed() {
  local name=$1; shift
  /usr/bin/time -v -o "$res/$name.timev" "$@"
}

say "Python venv .build-venv/onmt"
# shellcheck disable=SC1091
source tools/python-venv.sh onmt opennmt-py==3.5.1 "torch==2.2.2" "numpy<2" sacrebleu==2.6.0 >&2
helper=$root/tools/compare/compare.py
export OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads
export CUDA_VISIBLE_DEVICES=   # CPU only, even where a GPU is present

say "s2s-prep: the shared subword input"
cmd=("$bin/s2s-prep" --corpus "$corpus" --name cmp --vocab-dir "$work/vocab" --data-dir "$work/data"
     --source-lang en --target-lang "$target_lang" --bpe-merges 8000 --write-text -q)
record "${cmd[@]}"; "${cmd[@]}"
for f in train valid test; do for side in src tgt; do
  [ -s "$data/$f.bpe.$side" ] || { echo "s2s-prep wrote no $data/$f.bpe.$side" >&2; exit 1; }
done; done
train_lines=$(wc -l < "$data/train.bpe.src")
valid_lines=$(wc -l < "$data/valid.bpe.src")
test_lines=$(wc -l < "$corpus/test.src")

# s2s_train NAME PRECISION: s2s-train into $work/models/NAME; its CPU jiffies before and after in cpu_NAME.
s2s_train() {
  local name=$1 precision=$2
  say "s2s-train ($precision): ${budget_s} s"
  local before
  before=$(cpu_jiffies)
  cmd=("$bin/s2s-train" --data "$data" --vocab "$vocab" --model "$work/models/$name" --preset base
       --batch-tokens 0 --batch-size 64 --pass-tokens 4096 --learning-rate 0.001 --clip 5 --dropout 0.2 --max-time "${budget_s}s"
       --threads "$threads" --valid-every 200 --save-every 200 --bleu-sentences 0 --report-every "$report_every"
       --precision "$precision")
  record "${cmd[@]}"
  timed "$name.train" "${cmd[@]}" > "$res/$name.train.log" 2>&1 \
    || { tail -20 "$res/$name.train.log" >&2; echo "s2s-train failed (log: $res/$name.train.log)" >&2; exit 1; }
  tail -3 "$res/$name.train.log" >&2
  printf -v "cpu_$name" '[%s], [%s]' "$before" "$(cpu_jiffies)"
}
# float32 against OpenNMT-py's float32; the bfloat16 row beside it.
s2s_train s2s float32
cpu_s2s_bf16=
[ "$bf16" = 1 ] && s2s_train s2s_bf16 bfloat16

say "OpenNMT-py: onmt_build_vocab"
cat > "$onmt/vocab.yaml" <<EOF
save_data: $onmt/vocab
src_vocab: $onmt/vocab.src
tgt_vocab: $onmt/vocab.tgt
overwrite: true
data:
  train:
    path_src: $data/train.bpe.src
    path_tgt: $data/train.bpe.tgt
    weight: 1
EOF
cmd=(onmt_build_vocab -config "$onmt/vocab.yaml" -n_sample -1 -num_threads "$threads")
record "${cmd[@]}"
"${cmd[@]}" > "$res/onmt.vocab.log" 2>&1 || { tail -20 "$res/onmt.vocab.log" >&2; exit 1; }

# The same model and optimiser as s2s-train --preset base with the options above.
mkdir -p "$work/models/onmt"
cat > "$onmt/train.yaml" <<EOF
src_vocab: $onmt/vocab.src
tgt_vocab: $onmt/vocab.tgt
data:
  train:
    path_src: $data/train.bpe.src
    path_tgt: $data/train.bpe.tgt
    weight: 1
  valid:
    path_src: $data/valid.bpe.src
    path_tgt: $data/valid.bpe.tgt
save_model: $work/models/onmt/model
save_checkpoint_steps: 200
keep_checkpoint: 2
seed: 1
model_task: seq2seq
encoder_type: rnn
decoder_type: rnn
rnn_type: LSTM
layers: 2
hidden_size: 512
word_vec_size: 512
global_attention: general
input_feed: 1
bridge: false
dropout: [0.2]
label_smoothing: 0.0
optim: adam
learning_rate: 0.001
max_grad_norm: 5
batch_size: 64
batch_type: sents
normalization: tokens
bucket_size: $train_lines
num_workers: 0
valid_steps: 200
valid_batch_size: 64
train_steps: 10000000
report_every: $report_every
world_size: 1
gpu_ranks: []
EOF

say "OpenNMT-py: onmt_train: ${budget_s} s"
cpu_onmt_before=$(cpu_jiffies)
safety=$(( 2 * budget_s + 600 ))
cmd=(timeout --signal=INT --kill-after=60 "$safety"
     python "$root/tools/compare/onmt_train_budget.py" --budget-seconds "$budget_s" --threads "$threads"
     --jsonl "$work/models/onmt/train.jsonl" -- -config "$onmt/train.yaml" -log_file "$res/onmt.train.onmtlog")
record env OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" "${cmd[@]}"
set +e
timed onmt.train "${cmd[@]}" > "$res/onmt.train.log" 2>&1
status=$?
set -e
cpu_onmt_after=$(cpu_jiffies)
if [ "$status" -ne 0 ]; then
  grep -q '"kind": "end"' "$work/models/onmt/train.jsonl" 2>/dev/null && status=0
  echo "onmt_train exited with status $status (log: $res/onmt.train.log); using its newest checkpoint" >&2
fi
grep -v 'corpora loaded so far\|^[[:space:]]*\* train' "$res/onmt.train.log" | tail -3 >&2
# The newest checkpoint that loads (one cut by the safety timeout may be partial).
onmt_model=$(python - "$work/models/onmt" <<'PY'
import glob, re, sys, torch
paths = glob.glob(sys.argv[1] + "/model_step_*.pt")
for path in sorted(paths, key=lambda p: -int(re.search(r"_step_(\d+)\.pt$", p).group(1))):
    try:
        torch.load(path, map_location="cpu")
    except Exception as e:
        print(f"unreadable checkpoint {path} ({e}): skipped", file=sys.stderr)
        continue
    print(path)
    break
PY
)
[ -n "$onmt_model" ] || { echo "OpenNMT-py wrote no usable checkpoint (log: $res/onmt.train.log)" >&2; exit 1; }
echo "OpenNMT-py model: $onmt_model" >&2

# score NAME KEY: s2s-score and sacreBLEU on $out/NAME.KEY.txt, and a line of the run.
score() {
  local name=$1 key=$2 lines
  lines=$(wc -l < "$out/$name.$key.txt")
  [ "$lines" -eq "$test_lines" ] || { echo "$out/$name.$key.txt: $lines lines, expected $test_lines" >&2; exit 1; }
  "$bin/s2s-score" --ref "$corpus/test.tgt" --target-lang "$target_lang" --directives --json \
    < "$out/$name.$key.txt" > "$res/$name.$key.score.json"
  python "$helper" sacrebleu "$out/$name.$key.txt" "$corpus/test.tgt" "$(python -c 'import json,sys; print(json.load(open(sys.argv[1]))["tokenize"])' "$res/$name.$key.score.json")" \
    > "$res/$name.$key.sacrebleu.json"
  printf '%-8s %-11s %s  %s\n' "$name" "$key" "$(python "$helper" timev "$res/$name.$key.timev")" \
    "$(cat "$res/$name.$key.score.json")" >&2
}
# s2s_decode NAME MODEL KEY BEAM BATCH PRECISION [OPTION...]: s2s-translate with MODEL into $out/NAME.KEY.txt, scored.
s2s_decode() {
  local name=$1 model=$2 key=$3 beam=$4 batch=$5 precision=$6
  shift 6
  say "decoding $key: s2s-translate ($name)"
  cmd=("$bin/s2s-translate" --model "$work/models/$model" --beam-size "$beam" --batch-size "$batch"
       --threads "$threads" --precision "$precision" "$@")
  record "${cmd[@]}" "<" "$corpus/test.src" ">" "$out/$name.$key.txt"
  timed "$name.$key" "${cmd[@]}" < "$corpus/test.src" > "$out/$name.$key.txt" 2> "$res/$name.$key.log" \
    || { cat "$res/$name.$key.log" >&2; exit 1; }
  score "$name" "$key"
}
# decode KEY BEAM BATCH: both toolkits, one after the other; score both outputs.
decode() {
  local key=$1 beam=$2 batch=$3
  s2s_decode s2s s2s "$key" "$beam" "$batch" auto
  say "decoding $key: onmt_translate"
  cmd=(onmt_translate -model "$onmt_model" -src "$data/test.bpe.src" -output "$out/onmt.$key.bpe"
       -beam_size "$beam" -batch_size "$batch" -batch_type sents -gpu -1
       -length_penalty none -max_length_ratio 2 -report_time)
  record "${cmd[@]}"
  timed "onmt.$key" "${cmd[@]}" > "$res/onmt.$key.log" 2>&1 || { tail -20 "$res/onmt.$key.log" >&2; exit 1; }
  record python tools/compare/compare.py detok "$out/onmt.$key.bpe" "$out/onmt.$key.txt"
  python "$helper" detok "$out/onmt.$key.bpe" "$out/onmt.$key.txt"
  score onmt "$key"
}
record "$bin/s2s-score" --ref "$corpus/test.tgt" --target-lang "$target_lang" --directives --json "<" "$out/NAME.KEY.txt"
decode beam5_b32 5 32
decode greedy_b32 1 32
decode beam5_b1 5 1
# The same model with the lexical shortlist (s2s-prep's shortlist.tsv): 10 targets a source subword.
s2s_decode s2s_sl10 s2s beam5_b32 5 32 auto --shortlist 10
s2s_decode s2s_sl10 s2s greedy_b32 1 32 auto --shortlist 10
s2s_decode s2s_sl10 s2s beam5_b1 5 1 auto --shortlist 10
# And in float32 products: what auto's choice (int8 or bfloat16 where faster) does to the scores.
s2s_decode s2s_f32 s2s beam5_b32 5 32 float32
s2s_decode s2s_f32 s2s greedy_b32 1 32 float32
if [ "$bf16" = 1 ]; then
  s2s_decode s2s_bf16 s2s_bf16 beam5_b32 5 32 auto
  s2s_decode s2s_bf16 s2s_bf16 greedy_b32 1 32 auto
fi
for name in s2s onmt; do
  for key in beam5_b32 greedy_b32 beam5_b1; do
    echo "== $name.$key.txt (first 2 lines)"; head -2 "$out/$name.$key.txt"
  done
done > "$res/samples.txt"

say "report"
python - "$res/meta.json" <<EOF
import json, platform, subprocess, sys
import numpy, onmt, sacrebleu, torch
def sh(c):
    try:
        return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return "?"
os_name = sh(". /etc/os-release && echo \$PRETTY_NAME") or platform.platform()
s2s = "$s2s_version"
meta = {
    "args": "${args[*]:-}".strip() or "(defaults)",
    "corpus": "$corpus_name", "target_lang": "$target_lang",
    "date": sh("date -u '+%Y-%m-%d %H:%M UTC'"),
    "budget_s": $budget_s, "threads": $threads, "report_every": $report_every,
    "train_lines": $train_lines, "valid_lines": $valid_lines, "test_lines": $test_lines,
    "script_wall_s": $(date +%s) - $script_start,
    "machine": {"cpu": "$(cpu_name)", "cores": sh("nproc"),
                "memory": sh("free -g | awk '/^Mem:/ {print \$2 \" GiB\"}'"), "os": os_name, "kernel": platform.release()},
    "versions": {"s2s": s2s, "swift": sh("swift --version 2>/dev/null | head -1") or "Swift (version unknown)",
                 "onmt": onmt.__version__, "torch": torch.__version__, "numpy": numpy.__version__,
                 "sacrebleu": sacrebleu.__version__, "python": platform.python_version()},
    "onmt_model": "$onmt_model",
    "clk_tck": $(getconf CLK_TCK),
    "cpu_jiffies": {"s2s": [$cpu_s2s], "onmt": [[$cpu_onmt_before], [$cpu_onmt_after]],
                    **({"s2s_bf16": [$cpu_s2s_bf16]} if "$cpu_s2s_bf16" else {})},
}
json.dump(meta, open(sys.argv[1], "w"), indent=2)
EOF
svg=$docs/loss-curves.svg
[ "$corpus_name" = bible-en-es ] || svg=$docs/loss-curves-$corpus_name.svg
python "$helper" report "$work" "$docs/RESULTS.md" "$svg"
echo >&2
echo "wrote $docs/RESULTS.md and $svg; outputs, logs and models in $work" >&2
