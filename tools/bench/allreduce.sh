#!/usr/bin/env bash
# Data-parallel training's communication and its pay-off on this machine:
#  1. one allreduce (sum) of the reference model's gradient (s2s-bench
#     allreduce: 2×512 LSTMs, vocabularies of 10,000, about 25.6 M floats)
#     between 2 processes over shared memory, and over the veth pair between
#     two hosts made as network namespaces (tools/mpi/two-hosts.sh; needs
#     root), TCP only;
#  2. s2s-train's tokens/s with 2 processes × 1 thread (mpirun) against
#     1 process × 2 threads, on the bundled corpus at the base preset, the
#     same batches (--shares 2 in both).
# Prints the CPU, each figure and the ratio. Run nothing else meanwhile.
# Usage: tools/bench/allreduce.sh [--steps 40] [--repeats 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
steps=40 repeats=10
parse_options "$@" <<'EOF'
--steps N     steps
--repeats N   repeats
EOF
[[ $steps =~ ^[0-9]+$ ]] && [ "$steps" -ge 20 ] || { echo "--steps takes an integer ≥ 20" >&2; exit 2; }
[[ $repeats =~ ^[0-9]+$ ]] && [ "$repeats" -gt 0 ] || { echo "--repeats takes a positive integer" >&2; exit 2; }
bash tools/setup.sh --mpi
bin=""
s2s_binaries bin s2s-bench s2s-prep s2s-train
echo "CPU: $(cpu_name), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
mpi=(mpirun --allow-run-as-root --oversubscribe)

echo "== one allreduce of the reference gradient, 2 processes"
echo "shared memory: $("${mpi[@]}" -np 2 "$bin/s2s-bench" allreduce --repeats "$repeats")"
if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null; then
  echo "veth (two hosts, TCP): $(bash tools/mpi/two-hosts.sh "$bin/s2s-bench" allreduce --repeats "$repeats" | grep '^{')"
else
  echo "veth (two hosts, TCP): skipped (needs root and ip)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin/s2s-prep" --corpus corpora/bible-en-es --name bible --data-dir "$work/data" --vocab-dir "$work/vocab" -q
common=(--data "$work/data/bible" --vocab "$work/vocab/bible" --preset base --shares 2 --max-steps "$steps"
        --report-every 10 --valid-every 0 --save-every 0 --bleu-sentences 0)
# Tokens/s over the reports after the first (warm-up: first batches, page
# faults); with --per-update, also the seconds and tokens an update there
# (the scaling model's t_batch and B: docs/SCALING.md).
rate() { python3 tools/trainlog.py rate "$@"; }
echo "== s2s-train --preset base, $steps updates (tokens/s after the first 10)"
"$bin/s2s-train" "${common[@]}" --model "$work/models/one" --threads 2 2> "$work/one.log"
read -r one update_s update_tokens < <(rate "$work/models/one/train.jsonl" --per-update)
"${mpi[@]}" -np 2 "$bin/s2s-train" "${common[@]}" --model "$work/models/two" --threads 1 2> "$work/two.log"
two=$(rate "$work/models/two/train.jsonl")
cmp -s "$work/models/one/model.safetensors" "$work/models/two/model.safetensors" \
  && same="the same model, bit for bit" || same="MODELS DIFFER"
awk -v a="$one" -v b="$two" -v same="$same" 'BEGIN {
  printf "1 process × 2 threads:   %8.0f tokens/s\n2 processes × 1 thread:  %8.0f tokens/s  (%.2f×; %s)\n", a, b, b / a, same }'
echo "one update, 1 process: $update_s s, $update_tokens source+target tokens"
