#!/usr/bin/env bash
# The S2S library as its users meet it: its DocC documentation builds with
# no warning (every public symbol documented, every link resolved), and
# Examples/translate-lines, a package of its own that depends on s2s by
# path, builds and translates a tiny model's test lines exactly as the
# built s2s-translate does. tools/test.sh runs it after the suite.
#
# Usage: tools/check/library.sh [BIN]   BIN: the folder of the built s2s-prep,
#                                       s2s-train and s2s-translate, used as it is
#                                       (default: .build/release, built there when
#                                       missing or older than the sources)
# Prints what it checked and how long each part took; exits 1 at the first failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
bin=""
parse_options "$@" <<'EOF'
BIN     bin
EOF
s2s_binaries bin s2s-prep s2s-train s2s-translate
work=$(mktemp -d "${TMPDIR:-/tmp}/s2s-library.XXXXXX")
trap 'rm -rf "$work"' EXIT
seconds() { echo $(( $(date +%s) - $1 )); }

# DocC: symbol graphs of S2S and its catalog; any warning fails.
start=$(date +%s)
swift package generate-documentation --target S2S > "$work/docc.log" 2>&1 \
  || { tail -20 "$work/docc.log" >&2; echo "library.sh: generate-documentation failed" >&2; exit 1; }
if grep -E "warning:|error:" "$work/docc.log" | grep -v "^warning: '[^']*': found [0-9]* file(s) which are unhandled" > "$work/warnings"; then
  cat "$work/warnings" >&2; echo "library.sh: DocC warned (above): document every public symbol, fix every link" >&2; exit 1
fi
echo "library: DocC for S2S built with no warning ($(seconds "$start") s)"

# The example: its own build folder (.build-example, beside the package's).
# Twice if need be: an incremental build can miss a source file added to
# the path dependency since the last one (SwiftPM 6.3), and finds it then.
start=$(date +%s)
build_example() { swift build --package-path Examples/translate-lines --scratch-path .build-example > "$work/example.log" 2>&1; }
build_example || build_example \
  || { tail -30 "$work/example.log" >&2; echo "library.sh: Examples/translate-lines does not build" >&2; exit 1; }
echo "library: Examples/translate-lines built ($(seconds "$start") s)"

# A tiny toy-reverse model (seconds), and its test lines with an empty one.
start=$(date +%s)
(cd "$work" && "$bin/s2s-prep" --corpus "$OLDPWD/Tests/Fixtures/toy-reverse" --name toy -q \
   && "$bin/s2s-train" --data data/toy --vocab vocab/toy --model models/toy --preset tiny --batch-tokens 0 \
        --batch-size 32 --learning-rate 0.005 --max-steps 200 --valid-every 1000 --save-every 1000 \
        --bleu-sentences 0 --threads 1 > train.log 2>&1) \
  || { tail -5 "$work/train.log" >&2; echo "library.sh: training the tiny model failed" >&2; exit 1; }
{ head -20 Tests/Fixtures/toy-reverse/test.src; echo; sed -n 21,40p Tests/Fixtures/toy-reverse/test.src; } > "$work/lines.txt"
# The same OpenBLAS kernels in both: s2s-translate would re-execute itself
# with better ones where OpenBLAS chose generic kernels; a library cannot.
S2S_NO_REEXEC=1 "$bin/s2s-translate" --model "$work/models/toy" --precision float32 < "$work/lines.txt" > "$work/command.txt"
.build-example/debug/translate-lines "$work/models/toy" < "$work/lines.txt" > "$work/example.txt"
cmp -s "$work/command.txt" "$work/example.txt" \
  || { diff "$work/command.txt" "$work/example.txt" | head >&2; echo "library.sh: the example's translations differ from s2s-translate's" >&2; exit 1; }
echo "library: the example translated $(wc -l < "$work/lines.txt") lines as s2s-translate does ($(seconds "$start") s)"
