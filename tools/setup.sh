#!/usr/bin/env bash
# Installs the system packages s2s builds against: ICU (tokeniser), OpenBLAS
# (matrix work) and pkg-config (finds OpenBLAS). Idempotent and quiet when
# everything is already there. Run as root (or with sudo available).
# Usage: tools/setup.sh           what building and running s2s needs
#        tools/setup.sh --test    also what the tests use: chromium (the
#                                 server page's browser test), python3-venv, iproute2
#        tools/setup.sh --bench   also wrk (tools/bench/serve.sh's load) and sentencepiece
#                                 (tools/bench/prep-scale.sh's peer)
#        tools/setup.sh --mpi     also Open MPI 4 (training on several
#                                 processes or machines: mpirun s2s-train)
set -euo pipefail
# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test=0 bench=0 mpi=0
parse_options "$@" <<'EOF'
--test      test=1
--bench     bench=1
--mpi       mpi=1
EOF
packages=(libicu-dev libopenblas-dev pkg-config)
if [ "$test" = 1 ]; then
  # iproute2: the two-host MPI test's network namespaces.
  packages+=(chromium iproute2)
  # A Python with its own venv module (pyenv's) needs no package.
  python3 -c "import venv, ensurepip" 2>/dev/null || packages+=(python3-venv)
fi
[ "$bench" = 0 ] || packages+=(wrk sentencepiece)
[ "$mpi" = 0 ] || packages+=(openmpi-bin libopenmpi-dev)
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
