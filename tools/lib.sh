#!/usr/bin/env bash
# What the scripts of tools/ do alike. Sourced, never run, after a script's
# `set -euo pipefail` and its `cd` to the repository root:
#   # shellcheck source=tools/lib.sh
#   source tools/lib.sh
#
#   parse_options "$@" <<'EOF'    the script's arguments, declared one a line:
#   --steps N       steps          an option with a value: steps=VALUE
#   --score-only    score_only=1   an option without one: sets score_only to 1
#   CORPUS_DIR      corpus         an operand, in order: corpus=VALUE
#   LANG...         langs          the operands left, appended to the array langs
#   EOF
#       A variable keeps its value (the default) unless the arguments set it.
#       -h and --help print the usage and exit 0; an option not declared, an
#       option without its value and an operand too many exit 2 with a
#       message that names it. No getopt: options come as `--name VALUE`.
#   usage          the script's header comment, from line 2 to `set -euo
#                  pipefail`, without the "# " (what --help prints)
#   die MESSAGE    "SCRIPT: MESSAGE" on standard error, exit 2
#   s2s_binaries VAR TOOL...
#                  the s2s-* commands TOOL... in the folder $VAR, by the one
#                  policy of tools/ for them:
#                  - VAR empty (the script was given no folder): the folder
#                    is the repository's .build/release (absolute, set into
#                    VAR), and a TOOL that is missing there or older than its
#                    sources is built (tools/setup.sh, then swift build -c
#                    release --product TOOL; its output on standard error);
#                  - VAR set (--bin DIR and the like: binaries copied aside on
#                    purpose): used as it is, made absolute; a TOOL missing
#                    there is an error.
#                  A TOOL's sources: Package.swift and the Sources/ folders of
#                  the modules linked into it (SwiftPM's Objects.LinkFileList;
#                  all of Sources/ when that is missing). Only those: a change
#                  to another target does not rebuild it, since a
#                  `swift build --product` after tools/test.sh's
#                  `--build-tests` build recompiles every module (SwiftPM
#                  switches testability) and the next test build again.
#   cpu_name       the CPU in one line: its model name, family and model, and
#                  which of avx512f, avx512_bf16, avx512_vnni and amx_tile
#                  it has (what s2s's decoding paths depend on), e.g.
#                  "Intel(R) Xeon(R) Processor (family 6 model 143; avx512f
#                  avx512_bf16 avx512_vnni amx_tile)"

_lib_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The script, found again after its cd to the root when run by a relative path.
_lib_script=$0
[[ $_lib_script == /* ]] || [ -f "$_lib_script" ] || _lib_script=${OLDPWD:-.}/$0

usage() { sed -n '2,/^set -euo/p' "$_lib_script" | sed '$d' | sed 's/^# \{0,1\}//'; }

die() { echo "${_lib_script##*/}: $*" >&2; exit 2; }

parse_options() {
  local -A _po_value=() _po_flag=() _po_meta=()
  local -a _po_operands=()
  local _po_rest="" _po_name _po_a _po_b _po_arg _po_next=0
  while read -r _po_name _po_a _po_b; do
    case $_po_name in
      '') ;;
      --*)
        if [ -n "$_po_b" ]; then _po_value[$_po_name]=$_po_b; _po_meta[$_po_name]=$_po_a
        elif [[ $_po_a == ?*=* ]]; then _po_flag[$_po_name]=$_po_a
        else die "parse_options: '$_po_name $_po_a': expected '--name META variable' or '--name variable=VALUE'"
        fi ;;
      *...) _po_rest=$_po_a ;;
      *) _po_operands+=("$_po_a") ;;
    esac
  done
  while [ $# -gt 0 ]; do
    _po_arg=$1; shift
    case $_po_arg in
      -h|--help) usage; exit 0 ;;
      --)
        # Everything after -- is an operand, even when it starts with -.
        for _po_arg in "$@"; do _parse_operand "$_po_arg"; done
        break ;;
      -?*)
        if [ -n "${_po_value[$_po_arg]+x}" ]; then
          [ $# -gt 0 ] || die "$_po_arg needs a value (${_po_meta[$_po_arg]}; see --help)"
          printf -v "${_po_value[$_po_arg]}" '%s' "$1"; shift
        elif [ -n "${_po_flag[$_po_arg]+x}" ]; then
          printf -v "${_po_flag[$_po_arg]%%=*}" '%s' "${_po_flag[$_po_arg]#*=}"
        else
          die "unknown option $_po_arg (see --help)"
        fi ;;
      *) _parse_operand "$_po_arg" ;;
    esac
  done
}
# One operand, into the next declared operand's variable or the rest's array
# (parse_options's locals, seen here by bash's dynamic scope).
_parse_operand() {
  if [ "$_po_next" -lt ${#_po_operands[@]} ]; then
    printf -v "${_po_operands[$_po_next]}" '%s' "$1"
    _po_next=$((_po_next + 1))
  elif [ -n "$_po_rest" ]; then
    [[ $_po_rest =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "parse_options: '$_po_rest' is not a variable name"
    eval "$_po_rest+=(\"\$1\")"
  else
    die "unexpected argument $1 (see --help)"
  fi
}

s2s_binaries() {
  local _sb_var=$1 _sb_dir _sb_tool
  shift
  _sb_dir=${!_sb_var}
  if [ -n "$_sb_dir" ]; then
    [ -d "$_sb_dir" ] || die "no folder $_sb_dir (of the s2s-* commands to use)"
    _sb_dir=$(cd "$_sb_dir" && pwd)
    for _sb_tool in "$@"; do
      [ -x "$_sb_dir/$_sb_tool" ] || die "no $_sb_dir/$_sb_tool (the folder given holds no $_sb_tool)"
    done
  else
    _sb_dir=$_lib_root/.build/release
    local _sb_setup=0
    for _sb_tool in "$@"; do
      _binary_current "$_sb_dir/$_sb_tool" && continue
      if [ "$_sb_setup" = 0 ]; then bash "$_lib_root/tools/setup.sh"; _sb_setup=1; fi
      echo "building $_sb_tool (missing or older than its sources): swift build -c release --product $_sb_tool" >&2
      (cd "$_lib_root" && swift build -c release --product "$_sb_tool") >&2 \
        || die "swift build -c release --product $_sb_tool failed (above)"
    done
  fi
  printf -v "$_sb_var" '%s' "$_sb_dir"
}
# Whether the binary exists and is newer than Package.swift and the sources
# of the modules linked into it.
_binary_current() {
  local binary=$1 list module folder
  local -a sources=("$_lib_root/Package.swift")
  [ -x "$binary" ] || return 1
  list=$(dirname "$binary")/$(basename "$binary").product/Objects.LinkFileList
  if [ -f "$list" ]; then
    # Lines such as /…/release/S2SText.build/Tokenizer.swift.o; executables'
    # modules spell their name with _ (s2s_prep.build for Sources/s2s-prep).
    while read -r module; do
      folder=$_lib_root/Sources/$module
      [ -d "$folder" ] || folder=$_lib_root/Sources/${module//_/-}
      [ -d "$folder" ] && sources+=("$folder")
    done < <(sed -n 's|.*/\([^/]*\)\.build/[^/]*$|\1|p' "$list" | sort -u)
  else
    sources+=("$_lib_root/Sources")
  fi
  [ -z "$(find "${sources[@]}" -newer "$binary" -print -quit)" ]
}

cpu_name() {
  local name family model flags have="" f
  name=$(sed -n '/^model name/{s/^[^:]*: *//p;q}' /proc/cpuinfo 2>/dev/null || true)
  [ -n "$name" ] || name=$(lscpu 2>/dev/null | sed -n '/^Model name/{s/^[^:]*: *//p;q}' || true)
  family=$(sed -n '/^cpu family/{s/^[^:]*: *//p;q}' /proc/cpuinfo 2>/dev/null || true)
  model=$(sed -n '/^model[[:space:]]*:/{s/^[^:]*: *//p;q}' /proc/cpuinfo 2>/dev/null || true)
  flags=$(sed -n '/^flags/{s/^[^:]*: *//p;q}' /proc/cpuinfo 2>/dev/null || true)
  for f in avx512f avx512_bf16 avx512_vnni amx_tile; do
    [[ " $flags " == *" $f "* ]] && have+=" $f"
  done
  printf '%s' "${name:-unknown CPU}"
  if [ -n "$family" ]; then
    printf ' (family %s model %s%s)' "$family" "$model" "${have:+;$have}"
  elif [ -n "$have" ]; then
    printf ' (%s)' "${have# }"
  fi
  printf '\n'
}
