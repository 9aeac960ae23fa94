#!/usr/bin/env bash
# Runs an mpirun job across two hosts made on this machine (netns-hosts.sh):
# rank 0 on 10.213.0.1 (namespace s2s-h0, where mpirun runs), rank 1 on
# 10.213.0.2 (s2s-h1, started through netns-agent.sh as Open MPI would start
# it over ssh), Open MPI's TCP transport only, on the veth pair only. The
# namespaces are removed afterwards. Needs root.
#
# Usage: tools/mpi/two-hosts.sh [more mpirun options] PROGRAM [ARGS...]
# e.g.   tools/mpi/two-hosts.sh .build/release/s2s-train --data … --model …
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "two-hosts: needs root (ip netns)" >&2; exit 2; }
command -v mpirun >/dev/null || { echo "two-hosts: no mpirun (tools/setup.sh --mpi)" >&2; exit 2; }
trap 'bash "$here/netns-hosts.sh" down' EXIT
bash "$here/netns-hosts.sh" up
quoted=$(printf '%q ' "$@")
exported="-x PATH"
[ -n "${LD_LIBRARY_PATH:-}" ] && exported+=" -x LD_LIBRARY_PATH"
ip netns exec s2s-h0 unshare --uts sh -c "hostname s2s-h0; exec mpirun --allow-run-as-root \
  --host 10.213.0.1,10.213.0.2 -np 2 --mca plm_rsh_agent $here/netns-agent.sh \
  --mca btl tcp,self --mca btl_tcp_if_include 10.213.0.0/24 --mca oob_tcp_if_include 10.213.0.0/24 \
  $exported --wdir $(printf '%q' "$PWD") $quoted"
