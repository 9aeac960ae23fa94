#!/usr/bin/env bash
# Installs the system packages s2s builds against: ICU (tokeniser), OpenBLAS
# (matrix work) and pkg-config (finds OpenBLAS). Idempotent and quiet when
# everything is already there. Run as root (or with sudo available).
set -euo pipefail

packages=(libicu-dev libopenblas-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
