#!/usr/bin/env bash
# What training in bfloat16 costs and buys, on s2s alone: the comparison's
# model (tools/compare/onmt.sh: base preset, Adam 1e-3, clipping 5, dropout
# 0.2, 64 sentences a batch) trained on the bundled Bible corpus twice with
# the same seed and the same training-clock budget, `--precision float32`
# and `--precision bfloat16`, one after the other; validation every 200
# updates. Reports validation perplexity at equal updates (the criterion:
# within 2% of float32's), updates and tokens/s in the budget, and test BLEU
# and chrF of each model (beam 5, batch 32, s2s-translate's defaults), into
# docs/RESULTS.md between the precision markers. Names the CPU.
#
# Uses the release binaries in .build/release (built when missing or older
# than their sources: tools/lib.sh), or those in --bin DIR. Run nothing
# else heavy meanwhile: the budget is wall-clock on the training clock.
# Usage: tools/compare/precision.sh [--budget 20m | --steps N] [--seed 1] [--threads 2] [--work DIR] [--docs DIR] [--bin DIR]
#   --steps  instead of a time budget: N updates each (equal updates; the
#            results then do not depend on what else the machine runs)
# Whole run: about 2 × budget + 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
all_args="$*"
# shellcheck source=tools/lib.sh
source tools/lib.sh
budget=20m steps=0 seed=1 threads=2 work=.build/compare-precision docs=docs bin=""
parse_options "$@" <<'EOF'
--budget T      budget
--steps N       steps
--seed N        seed
--threads N     threads
--work DIR      work
--docs DIR      docs
--bin DIR       bin
EOF
grep -qw avx512_bf16 /proc/cpuinfo || { echo "this CPU has no AVX512_BF16: s2s trains in float32 only here" >&2; exit 2; }
# shellcheck source=tools/compare/lib.sh
source tools/compare/lib.sh
compare_setup p
: > "$work/runs.tsv"
stop=(--max-time "$budget")
[ "$steps" -gt 0 ] && { stop=(--max-steps "$steps"); budget="$steps updates"; }
for precision in float32 bfloat16; do
  say "s2s-train --precision $precision, $budget"
  "$bin/s2s-train" --data "$work/data/p" --vocab "$work/vocab/p" --model "$work/models/$precision" --preset base \
    --batch-tokens 0 --batch-size 64 --pass-tokens 4096 --learning-rate 0.001 --clip 5 --dropout 0.2 --seed "$seed" \
    "${stop[@]}" --threads "$threads" --valid-every 200 --save-every 200 --bleu-sentences 0 \
    --report-every 50 --precision "$precision" > "$work/$precision.train.log" 2>&1 \
    || { tail -20 "$work/$precision.train.log" >&2; echo "s2s-train $precision failed" >&2; exit 1; }
  tail -1 "$work/$precision.train.log" >&2
  hyp=$work/out/$precision.txt
  start=$(date +%s.%N)
  "$bin/s2s-translate" --model "$work/models/$precision" --batch-size 32 --threads "$threads" \
    < "$corpus/test.src" > "$hyp"
  end=$(date +%s.%N)
  printf '%s\t%s\t%s\n' "$precision" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')" \
    "$("$bin/s2s-score" --ref "$corpus/test.tgt" --json < "$hyp")" >> "$work/runs.tsv"
  tail -1 "$work/runs.tsv" >&2
done

say "report"
cpu=$(cpu_name)
python3 - "$work" "$docs/RESULTS.md" "$budget" "$threads" "$cpu" "${all_args:-(defaults)}" "$seed" <<'PY'
import json, os, subprocess, sys
sys.path.insert(0, os.path.join(os.getcwd(), "tools", "compare"))
sys.path.insert(0, os.path.join(os.getcwd(), "tools"))
from ablation import replace_section
import trainlog
work, results, budget, threads, cpu, command, seed = sys.argv[1:]
runs = {}
for line in open(os.path.join(work, "runs.tsv"), encoding="utf-8"):
    p, seconds, score = line.rstrip("\n").split("\t")
    runs[p] = {"seconds": float(seconds), **json.loads(score)}
rec = {p: trainlog.read(os.path.join(work, "models", p, "train.jsonl")) for p in ("float32", "bfloat16")}
valid = {p: trainlog.valid_by_step(rec[p]) for p in rec}
date = subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M UTC"], capture_output=True, text=True).stdout.strip()
lines = [
    "## Training in bfloat16 (s2s alone)",
    "",
    f"Measured {date} on {cpu} by `tools/compare/precision.sh {command}`: the comparison's model (base preset, "
    f"Adam 1e-3, clipping 5, dropout 0.2, 64 sentences a batch, seed {seed}, {threads} threads) trained for {budget} "
    "with `--precision float32` and with `--precision bfloat16`, one after the other. "
    "Validation perplexity at equal updates; test books (666 verses) translated by each model with "
    "s2s-translate's defaults (beam 5) at batch 32, scored by s2s-score.",
    "",
    "| updates | valid perplexity float32 | valid perplexity bfloat16 | bfloat16 / float32 |",
    "|---:|---:|---:|---:|",
]
for step in sorted(set(valid["float32"]) & set(valid["bfloat16"])):
    a, b = valid["float32"][step], valid["bfloat16"][step]
    lines.append(f"| {step:,} | {a:.2f} | {b:.2f} | {b / a:.3f} |")
lines += ["", "| precision | updates | tokens/s (median report) | test BLEU / chrF | seconds to translate |",
          "|---|---:|---:|---:|---:|"]
for p in ("float32", "bfloat16"):
    steps = trainlog.last_step(rec[p])
    tps = trainlog.median_tokens_per_s(rec[p], upper_middle=True) or float("nan")
    r = runs[p]
    lines.append(f"| {p} | {steps:,} | {tps:,.0f} | {r['bleu']:.2f} / {r['chrf']:.2f} | {r['seconds']:.1f} |")
replace_section(results, "\n".join(lines), begin="<!-- precision:begin (tools/compare/precision.sh writes this section) -->",
                end="<!-- precision:end -->")
print("\n".join(lines))
PY
