#!/usr/bin/env bash
# The README's "train overnight" recipe, measured: trains the base preset on
# the bundled Bible corpus with the recipe's options for --hours, copies the
# best model so far aside every --every minutes, then translates the test
# books with each copy (s2s-translate's defaults: beam 5) and scores them
# with s2s-score. Prints a table — time, updates, best validation BLEU
# (greedy, 303 verses), test BLEU and chrF — and writes it to OUT/results.md.
# Nothing else should run meanwhile: the time axis is wall-clock.
# Usage: tools/compare/overnight.sh [--hours H] [--every MIN] [--bin DIR] [--out DIR]
#   --bin DIR  the s2s-* binaries to use (default: build .build/release);
#              copy them aside first to keep building while this runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
hours=8; every=60; bin=""; out=.build/overnight
while [ $# -gt 0 ]; do
  case $1 in
    --hours) hours=$2; shift 2 ;;
    --every) every=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$bin" ]; then
  bash tools/setup.sh
  swift build -c release >&2
  bin=.build/release
fi

model=$out/model
rm -rf "$model" "$out/snapshots"
mkdir -p "$out/snapshots"
"$bin/s2s-prep" --corpus corpora/bible-en-es >&2
"$bin/s2s-train" --data data/bible-en-es --vocab vocab/bible-en-es --model "$model" \
    --preset base --max-time "${hours}h" --valid-every 500 --bleu-sentences 303 \
    --best-metric bleu --decay-patience 3 --early-stop 8 2> "$out/train.log" &
train=$!
start=$(date +%s)
end=$((start + $(python3 -c "print(int(float('$hours') * 3600))")))
k=1
while :; do
  target=$((start + k * every * 60))
  [ "$target" -lt "$end" ] || break
  while [ "$(date +%s)" -lt "$target" ] && kill -0 "$train" 2>/dev/null; do sleep 10; done
  kill -0 "$train" 2>/dev/null || break
  snap=$out/snapshots/$((k * every))min
  mkdir -p "$snap"
  # The model folder minus checkpoints: config, vocabularies, BPE codes, the best model so far.
  find "$model" -maxdepth 1 -type f -exec cp {} "$snap/" \;
  k=$((k + 1))
done
wait "$train"
final=$out/snapshots/end
mkdir -p "$final"
find "$model" -maxdepth 1 -type f -exec cp {} "$final/" \;

{
  echo "| snapshot | updates | best valid BLEU (greedy) | test BLEU (beam 5) | test chrF |"
  echo "|---|---:|---:|---:|---:|"
  for snap in $(ls -d "$out"/snapshots/*min 2>/dev/null | sort -V) "$final"; do
    [ -f "$snap/model.safetensors" ] || continue
    "$bin/s2s-translate" --model "$snap" < corpora/bible-en-es/test.src > "$snap/test.hyp"
    "$bin/s2s-score" --ref corpora/bible-en-es/test.tgt --hyp "$snap/test.hyp" --json > "$snap/score.json"
    python3 - "$snap" <<'PY'
import json, sys
snap = sys.argv[1]
records = [json.loads(l) for l in open(f"{snap}/train.jsonl")]
steps = max((r["step"] for r in records if "step" in r), default=0)
bleus = [r["bleu"] for r in records if r.get("kind") == "valid" and "bleu" in r]
score = json.load(open(f"{snap}/score.json"))
name = snap.rstrip("/").split("/")[-1]
print(f"| {name} | {steps:,} | {max(bleus) if bleus else float('nan'):.2f} | {score['bleu']:.2f} | {score['chrf']:.2f} |")
PY
  done
} | tee "$out/results.md"
