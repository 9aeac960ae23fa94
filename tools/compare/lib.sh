#!/usr/bin/env bash
# Sourced by tools/compare/ablation.sh and precision.sh, after tools/lib.sh:
# what they do alike before training. Needs `root` (the repository), `bin`
# (--bin DIR, or empty for .build/release), `work` and `docs`.
#   compare_setup NAME   finds (or builds) the four commands into $bin
#                        (s2s_binaries, tools/lib.sh), makes $work and
#                        $docs (absolute from here on), empties $work's data/,
#                        vocab/, models/ and out/, and prepares the bundled
#                        Bible corpus as NAME (8,000 merges) into $work
#   say TEXT             a progress line with the time, on standard error
say() { printf '\n== %s (%s)\n' "$*" "$(date +%H:%M:%S)" >&2; }

compare_setup() {
  local name=$1
  s2s_binaries bin s2s-prep s2s-train s2s-translate s2s-score
  mkdir -p "$work" "$docs"
  work=$(cd "$work" && pwd)
  docs=$(cd "$docs" && pwd)
  corpus=$root/corpora/bible-en-es
  rm -rf "$work/data" "$work/vocab" "$work/models" "$work/out"
  mkdir -p "$work/models" "$work/out"
  say "s2s-prep"
  "$bin/s2s-prep" --corpus "$corpus" --name "$name" --vocab-dir "$work/vocab" --data-dir "$work/data" --bpe-merges 8000 -q
}
