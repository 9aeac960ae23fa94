#!/usr/bin/env bash
# The test command: installs system packages if missing, builds everything
# (libraries, the s2s-* commands, the tests) and runs the whole suite: unit
# tests of every module and end-to-end tests that run the built commands.
# Usage: tools/test.sh [extra `swift test` arguments, e.g. --filter BPETests]
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
# Release: the numeric tests (gradient checks, a model learning a toy task)
# run ~10x faster optimised, and the same build serves tools/demo.sh.
swift build -c release --build-tests
swift test -c release --skip-build "$@"
