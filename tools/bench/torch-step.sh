#!/usr/bin/env bash
# PyTorch reference for one training step of s2s's seq2seq model (forward,
# backward, clipping, Adam) at the reference shape; see the docstring of
# tools/bench/torch_step.py for the model, the FLOP formula and the output.
# Prints one JSON line on stdout and a summary on stderr. Do not run while
# something else builds. Installs torch 2.2.2 (~2.5 GB with its CUDA wheels,
# run on CPU) into .build-venv/torch the first time.
# Usage: tools/bench/torch-step.sh [--threads N] [--steps N] [--batch B]
#          [--src-len S] [--tgt-len T] [--vocab V] [--emb E] [--hidden H]
#          [--layers L]
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/python-venv.sh torch torch==2.2.2 "numpy<2" >&2
exec python tools/bench/torch_step.py "$@"
