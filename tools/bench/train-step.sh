#!/usr/bin/env bash
# One full training step (forward, backward, clipping, Adam) at the reference
# shape — 2-layer LSTM encoder and decoder, E = H = 512, general attention,
# input feeding, dropout 0.2, B = 64, S = T = 30, V = 10,000 — in s2s and in
# PyTorch (tools/bench/torch_step.py, CPU torch in a venv), one after the
# other in the same run, with the same thread count. Prints both JSON lines
# and the ratios. s2s also reports the OpenBLAS sgemm ceiling and the step's
# GEMM floor (every GEMM of the step timed alone at its shape, summed).
# With --precision bfloat16, s2s trains in bfloat16 (s2s-train --precision
# bfloat16) and PyTorch runs twice, in float32 and under bfloat16 autocast;
# the floor is then the bfloat16 GEMM floor. Names the CPU first.
# Do not run while something else builds or benchmarks.
# Usage: tools/bench/train-step.sh [--threads N] [--steps N] [--precision float32|bfloat16]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
threads=2; steps=5; precision=float32
parse_options "$@" <<'EOF'
--threads N     threads
--steps N       steps
--precision P   precision
EOF

bash tools/setup.sh
bin=""
s2s_binaries bin s2s-bench
echo "CPU: $(cpu_name)"
ours=$("$bin/s2s-bench" train-step --threads "$threads" --steps "$steps" --precision "$precision")
theirs=$(tools/bench/torch-step.sh --threads "$threads" --steps "$steps")
autocast='{}'
[ "$precision" = bfloat16 ] && autocast=$(tools/bench/torch-step.sh --threads "$threads" --steps "$steps" --autocast)
echo "$ours"
echo "$theirs"
[ "$precision" = bfloat16 ] && echo "$autocast"
python3 - "$ours" "$theirs" "$autocast" <<'PY'
import json, sys
s, t, ac = json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"s2s:     {s['ms_per_step']:8.1f} ms/step  {s['tokens_per_s']:7.0f} tokens/s  {s['gflops']:6.1f} GFLOP/s  "
      f"peak RSS {s['peak_rss_mb']:.0f} MB  (BLAS kernels: {s['blas_core']})")
print(f"PyTorch: {t['ms_per_step']:8.1f} ms/step  {t['tokens_per_s']:7.0f} tokens/s  {t['gflops']:6.1f} GFLOP/s  "
      f"peak RSS {t['peak_rss_mb']:.0f} MB  (torch {t['version']})")
if ac:
    print(f"PyTorch bfloat16 autocast: {ac['ms_per_step']:8.1f} ms/step  {ac['tokens_per_s']:7.0f} tokens/s  "
          f"peak RSS {ac['peak_rss_mb']:.0f} MB")
print(f"s2s ({s['precision']}) / PyTorch float32 tokens/s: {s['tokens_per_s'] / t['tokens_per_s']:.2f}x")
if ac:
    print(f"s2s ({s['precision']}) / PyTorch bfloat16 autocast tokens/s: {s['tokens_per_s'] / ac['tokens_per_s']:.2f}x")
ceiling = "bfloat16 GEMM" if s.get("precision") == "bfloat16" else "sgemm"
print(f"{ceiling} ceiling {s['sgemm_ceiling_gflops']:.1f} GFLOP/s; s2s at {100 * s['fraction_of_ceiling']:.0f}% of it, "
      f"PyTorch at {100 * t['gflops'] / s['sgemm_ceiling_gflops']:.0f}%")
print(f"s2s step / GEMM floor: {s['ms_per_step']:.1f} / {s['gemm_floor_ms']:.1f} ms = {s['step_over_floor']:.2f}")
print(f"s2s time inside products: {s['in_products_ms']:.1f} ms of the step (floor {s['gemm_floor_ms']:.1f} ms); "
      f"outside them: {s['ms_per_step'] - s['in_products_ms']:.1f} ms")
print(f"s2s one core idle: workers waiting for work {s['workers_waiting_ms']:.1f} ms (serial parts), "
      f"caller waiting for workers {s['caller_waiting_ms']:.1f} ms (uneven parts)")
PY
