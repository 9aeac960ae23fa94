#!/usr/bin/env bash
# Sourced by the check and benchmark scripts: makes (once) and activates a
# throwaway Python venv under .build-venv/NAME with the given pip packages.
# Usage: source tools/python-venv.sh NAME PACKAGE...
_venv_name=$1; shift
_venv_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.build-venv/$_venv_name"
# The marker names the packages, so a changed list or a half-finished
# install (no marker) starts the venv again.
_venv_marker="$_venv_dir/.installed"
if [ "$(cat "$_venv_marker" 2>/dev/null)" != "$*" ]; then
  echo "setting up a Python venv in $_venv_dir: $*" >&2
  rm -rf "$_venv_dir"
  python3 -m venv "$_venv_dir"
  "$_venv_dir/bin/pip" install -q --disable-pip-version-check "$@"
  echo "$*" > "$_venv_marker"
fi
# shellcheck disable=SC1091
source "$_venv_dir/bin/activate"
