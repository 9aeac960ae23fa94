#!/usr/bin/env python3
"""The time of one data-parallel update on N machines, and the speed-up it
gives, from measured figures (docs/SCALING.md explains the model):

    t(N) = K * t_batch / N  +  2 (N-1)/N * bytes / bandwidth  +  2 (N-1) * latency

t_batch: one machine's compute time for one batch (forward, backward,
update); K: --accumulate; the rest is a ring allreduce of the gradient.
One machine needs no allreduce: t(1) = K * t_batch.

Usage: scaling_model.py --batch-seconds S --floats F [--latency-us 50]
Prints Markdown tables: the speed-up for N = 2..64 at 1, 10 and 100 Gb/s,
K = 1 and 8, and the smallest update (in tokens) at which adding machines
still pays."""
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--batch-seconds", type=float, required=True, help="one machine's time for one batch")
parser.add_argument("--batch-tokens", type=float, required=True, help="source+target tokens in that batch")
parser.add_argument("--floats", type=int, required=True, help="gradient size (floats)")
parser.add_argument("--latency-us", type=float, default=50, help="one message's latency (µs)")
a = parser.parse_args()
gradient_bytes = 4 * a.floats
latency = a.latency_us * 1e-6


def update_seconds(n, k, gbits):
    if n == 1:
        return k * a.batch_seconds
    bandwidth = gbits * 1e9 / 8
    return k * a.batch_seconds / n + 2 * (n - 1) / n * gradient_bytes / bandwidth + 2 * (n - 1) * latency


ns = [2, 4, 8, 16, 32, 64]
print("| network | --accumulate | " + " | ".join(f"N = {n}" for n in ns) + " |")
print("|---|---:|" + "---:|" * len(ns))
for gbits in [1, 10, 100]:
    for k in [1, 8]:
        speedups = [update_seconds(1, k, gbits) / update_seconds(n, k, gbits) for n in ns]
        print(f"| {gbits} Gb/s | {k} | " + " | ".join(f"{s:.1f}×" for s in speedups) + " |")
print()
# Going from N to N+1 machines pays while K t_batch > 2 bytes / bandwidth
# (+ the latency terms): an update of fewer tokens than this is faster on
# fewer machines.
tokens_per_second = a.batch_tokens / a.batch_seconds
print("| network | allreduce of the gradient (N → ∞) | adding machines pays above (tokens an update) | that is, batches of this size × --accumulate |")
print("|---|---:|---:|---:|")
for gbits in [1, 10, 100]:
    ring = 2 * gradient_bytes / (gbits * 1e9 / 8)
    tokens = ring * tokens_per_second
    print(f"| {gbits} Gb/s | {ring * 1000:.0f} ms | {tokens:,.0f} | {tokens / a.batch_tokens:.2f} |")
