#!/usr/bin/env bash
# mpirun's remote launcher (plm_rsh_agent) for the hosts netns-hosts.sh
# makes: where mpirun would run `ssh HOST COMMAND`, this runs COMMAND in
# HOST's network namespace, under a UTS namespace of its own so that the
# "host" has its own hostname (Open MPI tells hosts apart by name).
# Usage (by mpirun): netns-agent.sh [ssh options] HOST COMMAND...
set -euo pipefail
while [[ "${1:-}" == -* ]]; do shift; done   # ssh options mpirun may pass
host=$1; shift
case $host in
  10.213.0.1|s2s-h0) ns=s2s-h0 ;;
  10.213.0.2|s2s-h1) ns=s2s-h1 ;;
  *) echo "netns-agent: unknown host $host (known: 10.213.0.1, 10.213.0.2)" >&2; exit 2 ;;
esac
exec ip netns exec "$ns" unshare --uts sh -c 'hostname "$0"; exec sh -c "$1"' "$ns" "$*"
