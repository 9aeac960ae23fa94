#!/usr/bin/env bash
# Two "hosts" on this machine for multi-host MPI tests: network namespaces
# s2s-h0 and s2s-h1 joined by a veth pair, with addresses 10.213.0.1 and
# 10.213.0.2 (/24) that exist only inside them. Nothing outside the two
# namespaces can reach or be reached through them. Needs root (ip netns).
#
# Usage: tools/mpi/netns-hosts.sh up      make them (idempotent)
#        tools/mpi/netns-hosts.sh down    remove them
set -euo pipefail
subnet_prefix=10.213.0
case "${1:-}" in
  up)
    for i in 0 1; do
      ip netns list | grep -qw "s2s-h$i" || ip netns add "s2s-h$i"
      ip -n "s2s-h$i" link set lo up
    done
    if ! ip -n s2s-h0 link show s2s-veth0 >/dev/null 2>&1; then
      ip link add s2s-veth0 netns s2s-h0 type veth peer name s2s-veth1 netns s2s-h1
      for i in 0 1; do
        ip -n "s2s-h$i" addr add "$subnet_prefix.$((i + 1))/24" dev "s2s-veth$i"
        ip -n "s2s-h$i" link set "s2s-veth$i" up
      done
    fi ;;
  down)
    for i in 0 1; do ip netns del "s2s-h$i" 2>/dev/null || true; done ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
