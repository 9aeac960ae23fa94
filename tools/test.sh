#!/usr/bin/env bash
# The test command: installs system packages if missing, builds everything
# (libraries, the s2s-* commands, the tests) and runs the whole suite: unit
# tests of every module and end-to-end tests that run the built commands.
# Usage: tools/test.sh [extra `swift test` arguments, e.g. --filter BPETests]
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh --test --mpi
# The LibreTranslate clients ServeClientTests runs against s2s-serve (from
# PyPI, once, into .build-venv/); without them that test reports skipped.
if (source tools/python-venv.sh libretranslate-clients libretranslatepy==2.1.4 deep-translator==1.11.4) >&2; then
  export S2S_CLIENTS_PYTHON="$PWD/.build-venv/libretranslate-clients/bin/python"
fi
# The catalog corpora (German, Russian, Chinese, Japanese from Debian's
# translation catalogs: tools/corpus/build-catalogs.sh, ~15 s) whose every
# line CatalogCorpusTests round-trips; without them that test reports skipped.
bash tools/corpus/build-catalogs.sh >&2 || echo "test.sh: the catalog corpora could not be built; CatalogCorpusTests will report skipped" >&2
# Release: the numeric tests (gradient checks, a model learning a toy task)
# run ~10x faster optimised, and the same build serves tools/demo.sh.
swift build -c release --build-tests
log=$(mktemp)
# Every test's scratch folder (TestPaths.temporaryFolder, Foundation's
# temporary directory) in one fresh TMPDIR, removed at the end: a run leaves
# nothing behind in /tmp.
test_tmp=$(mktemp -d "${TMPDIR:-/tmp}/s2s-tests.XXXXXX")
trap 'rm -f "$log"; rm -rf "$test_tmp"' EXIT
export TMPDIR=$test_tmp
status=0
swift test -c release --skip-build "$@" 2>&1 | tee "$log" || status=$?
# The library as its users meet it (tools/check/library.sh): DocC for S2S
# with no warning, and Examples/translate-lines built (.build-example/) and
# translating as s2s-translate does. Whole runs only; about 2.5 minutes
# from a fresh clone. It counts as one test. The folder is named so that
# library.sh uses the binaries just built as they are (a build of its own,
# without --build-tests, would compile every module again).
library_ran=0 library_failed=0
if [ $# -eq 0 ]; then
  library_ran=1
  bash tools/check/library.sh .build/release || { library_failed=1; status=1; }
fi
# Every fuzz target for a short while (tools/fuzz/run.sh; its own build in
# .build-fuzz/): a reader that regressed shows here. Whole runs only, not
# with arguments such as --filter; S2S_FUZZ_SECONDS=0 leaves it out.
fuzz_seconds=${S2S_FUZZ_SECONDS:-20}
fuzz_ran=0 fuzz_failed=0
if [ $# -eq 0 ] && [ "$fuzz_seconds" -gt 0 ]; then
  fuzz_ran=1
  bash tools/fuzz/run.sh all "$fuzz_seconds" || { fuzz_failed=1; status=1; }
fi
# One plain closing line with XCTest's totals (the suite is XCTest; the
# Swift Testing runner that follows it reports its own zero). Skipped tests
# (XCTSkip: a test that cannot run on this machine) are counted apart.
summary=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with " "$log" | tail -1 || true)
if [ -n "$summary" ]; then
  total=$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<< "$summary")
  skipped=0
  if grep -qE "with [0-9]+ tests? skipped" <<< "$summary"; then
    skipped=$(sed -E 's/.*with ([0-9]+) tests? skipped.*/\1/' <<< "$summary")
  fi
  # XCTest's "failures" counts failed assertions; count the failed tests.
  failed=$(grep -cE "^Test Case '.*' failed" "$log" || true)
  # The fuzzing and the library check count as one test each.
  total=$((total + fuzz_ran + library_ran))
  failed=$((failed + fuzz_failed + library_failed))
  echo "tests: $((total - failed - skipped)) passed, $failed failed, $skipped skipped"
fi
exit "$status"
