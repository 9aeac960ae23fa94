#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of every reader of a file or a line a
# user gives: the targets are Sources/S2SFuzzTargets/ (one file each).
#
# Usage: tools/fuzz/run.sh TARGET SECONDS [libFuzzer flags...]
#        tools/fuzz/run.sh all SECONDS [libFuzzer flags...]   every target in turn
#        tools/fuzz/run.sh list                               the targets
#        tools/fuzz/run.sh seeds      rewrite Tests/Fixtures/fuzz/*/seed-* (FuzzSeeds.swift)
# e.g.   tools/fuzz/run.sh tokenize 600
#        tools/fuzz/run.sh all 20          (what tools/test.sh and CI run)
#
# The targets are the folders of Tests/Fixtures/fuzz/: safetensors (any
# safetensors file, then as an s2s checkpoint), shard (.s2sb), vocabulary,
# bpe-codes (codes files, then BPE applied), config (config.json), prep
# (prep.json), lines (the line reader), tokenize (normalise, tokenise and
# BPE one line; properties detokenize(tokenize(x)) == normalize(x) and
# BPE joins back), shortlist (shortlist.tsv over two small vocabularies),
# request (s2s-serve's request decoding: JSON, form or query fields, both APIs).
#
# Builds tools/fuzz/ (a package over the root's S2SFuzzTargets) into
# .build-fuzz/ with -sanitize=fuzzer,address, optimised (about 3x the runs
# of a debug build; the checks that trap stay), incrementally. Each run starts
# from the working corpus .build-fuzz/corpus/TARGET/ (kept between runs),
# topped up with the seeds in Tests/Fixtures/fuzz/TARGET/ and a few real
# fixtures, and runs for SECONDS (-max_total_time) with -timeout=10 (a hang)
# and -rss_limit_mb=2048 (a leak or a runaway allocation). The full log is
# .build-fuzz/logs/TARGET.log.
#
# A crash, hang, leak or violated property stops the target: the input is
# written under .build-fuzz/artifacts/TARGET/, its path printed, and the
# script exits 1 (with `all`, after running the other targets). Replay one:
#   S2S_FUZZ_TARGET=TARGET SWIFT_BACKTRACE=enable=no .build-fuzz/release/s2s-fuzz FILE
# Minimise it (the same with -minimize_crash=1 -runs=10000 before FILE; the
# smallest is the last minimized-from-* written), fix the reader, then keep
# it as Tests/Fixtures/fuzz/TARGET/finding-WHAT: S2SFuzzTests replays every
# file there in the ordinary test run.
#
# SWIFT_BACKTRACE=enable=no: otherwise Swift's backtracer holds the process
# after a crash, and libFuzzer never writes the input.
set -euo pipefail
cd "$(dirname "$0")/../.."

fixtures=Tests/Fixtures/fuzz
work=.build-fuzz
mapfile -t targets < <(find "$fixtures" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)

usage() { sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
if [ "$1" = list ]; then printf '%s\n' "${targets[@]}"; exit 0; fi
name=$1 seconds=0
if [ "$name" != seeds ]; then
  [ $# -ge 2 ] || usage
  seconds=$2
  shift 2
  [[ "$seconds" =~ ^[0-9]+$ ]] || usage
fi
if [ "$name" = seeds ]; then
  run=()
elif [ "$name" = all ]; then
  run=("${targets[@]}")
elif [ -d "$fixtures/$name" ]; then
  run=("$name")
else
  echo "fuzz: no target $name; the targets: ${targets[*]}" >&2
  exit 2
fi

bash tools/setup.sh
mkdir -p "$work/logs"
# Coverage for the libraries too: SwiftPM gives --sanitize fuzzer to the
# executable and the C targets only.
start=$SECONDS
# SwiftPM does not notice files added to or removed from the targets of a
# path dependency (the root package, here) and would build from a stale
# plan: plan afresh when the list of source files changes.
fingerprint=$({ find Sources tools/fuzz/Sources -type f | sort; cat Package.swift tools/fuzz/Package.swift; } | cksum)
if [ "$(cat "$work/sources.cksum" 2>/dev/null)" != "$fingerprint" ]; then
  rm -f "$work/release.yaml" "$work"/*/release/description.json
fi
if ! swift build -c release --package-path tools/fuzz --scratch-path "$work" \
    --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer > "$work/logs/build.log" 2>&1; then
  grep -v "Cannot export local symbol" "$work/logs/build.log" | tail -40 >&2
  echo "fuzz: build failed (log: $work/logs/build.log)" >&2
  exit 1
fi
echo "$fingerprint" > "$work/sources.cksum"
binary=$work/release/s2s-fuzz
echo "fuzz: built $binary in $((SECONDS - start)) s"
if [ "$name" = seeds ]; then
  S2S_FUZZ_WRITE_SEEDS=$PWD/$fixtures "$binary"
  echo "fuzz: wrote the seeds in $fixtures/*/seed-*"
  exit 0
fi

# Real fixtures besides the seeds, cut to a few KB.
extra_seeds() {
  local corpus=$1
  case "$2" in
    safetensors) cp Tests/Fixtures/python-safetensors/checkpoint.safetensors "$corpus/python-checkpoint.safetensors" ;;
    vocabulary) head -n 120 vocab/bible-en-es/src.vocab > "$corpus/bible-src.vocab" ;;
    bpe-codes) head -n 120 vocab/bible-en-es/bpe.codes > "$corpus/bible.codes" ;;
    prep) cp vocab/bible-en-es/prep.json "$corpus/bible-prep.json" ;;
    shortlist) ;;  # the bundled one is over other vocabularies: the seed only
    lines) head -c 2048 Tests/Fixtures/toy-copy/valid.src > "$corpus/toy-valid.src" ;;
    tokenize)
      # NFKC (first byte 0) over a few Bible lines of each language.
      local k=0
      while IFS= read -r line; do
        { printf '\0'; printf '%s' "$line"; } > "$corpus/bible-$k"; k=$((k + 1))
      done < <(head -n 4 corpora/bible-en-es/valid.src; head -n 4 corpora/bible-en-es/valid.tgt)
      ;;
  esac
}

failed=()
for target in "${run[@]}"; do
  corpus=$work/corpus/$target
  artifacts=$work/artifacts/$target
  log=$work/logs/$target.log
  mkdir -p "$corpus" "$artifacts"
  cp "$fixtures/$target"/* "$corpus/"
  extra_seeds "$corpus" "$target"
  status=0
  began=$SECONDS
  S2S_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no \
    "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" "$corpus" > "$log" 2>&1 &
  pid=$!
  # A background command of a script ignores Ctrl-C: pass it on.
  trap 'kill -INT "$pid" 2>/dev/null; wait "$pid"; rm -f /dev/shm/s2s-fuzz-"$pid"-* /tmp/s2s-fuzz-"$pid"-*; exit 130' INT TERM
  wait "$pid" || status=$?
  trap - INT TERM
  # A crash leaves the input file of a target that reads a path (InputFile).
  rm -f /dev/shm/s2s-fuzz-"$pid"-* /tmp/s2s-fuzz-"$pid"-*
  took=$((SECONDS - began))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(grep -oE 'cov: [0-9]+' <<< "$last" | cut -d' ' -f2 || true)
  ft=$(grep -oE 'ft: [0-9]+' <<< "$last" | cut -d' ' -f2 || true)
  corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<< "$last" | cut -d' ' -f2 || true)
  summary="fuzz $target: ${runs:-?} runs in ${took} s (${speed:-?}/s), cov ${cov:-?} ft ${ft:-?}, corpus ${corp:-?} (inputs/bytes), peak rss ${rss:-?} MB"
  if [ "$status" -eq 0 ]; then
    echo "$summary: ok"
  else
    failed+=("$target")
    echo "$summary: FAILED (libFuzzer exit $status)"
    grep -v "Cannot export local symbol" "$log" | grep -E "Fatal error|ERROR:|SUMMARY|^ *#[0-9]+ 0x.* in .*S2S" | head -20 | sed 's/^/  /'
    input=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
    if [ -n "$input" ]; then
      echo "  input: $input"
      echo "  replay: S2S_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no $binary $input"
    fi
    echo "  log: $log"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}"
  exit 1
fi
