#!/usr/bin/env bash
# The test command: installs system packages if missing, builds everything
# (libraries, the s2s-* commands, the tests) and runs the whole suite: unit
# tests of every module and end-to-end tests that run the built commands.
# Usage: tools/test.sh [extra `swift test` arguments, e.g. --filter BPETests]
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
swift build --build-tests
swift test --skip-build "$@"
