#!/usr/bin/env python3
"""The table of tools/toy/long-range.sh: exact-match accuracy per length
bucket for each configuration, its updates, and the gradient-flow ratio of
the first to the last source position at the last validation. Prints it and,
with --results, writes it into that file's long-range section."""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "compare"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ablation import replace_section  # noqa: E402
import trainlog  # noqa: E402  (tools/trainlog.py)

BUCKETS = ["5-10", "20-30", "50-60", "90-100"]


def exact(work, name, bucket):
    ref = open(os.path.join(work, f"bucket-{bucket}", "test.tgt"), encoding="utf-8").read().split("\n")[:-1]
    path = os.path.join(work, f"{name}.{bucket}.hyp")
    hyp = open(path, encoding="utf-8").read().split("\n")[:-1] if os.path.exists(path) else []
    if len(hyp) != len(ref):
        return None
    return 100.0 * sum(h == r for h, r in zip(hyp, ref)) / len(ref)


def flow(work, name):
    path = os.path.join(work, "models", name, "train.jsonl")
    if not os.path.exists(path):
        return None, 0
    records = trainlog.read(path)
    steps = trainlog.last_step(records)
    flow = trainlog.last(records, "gradient_flow")
    if not flow:
        return None, steps
    n = flow["norms"]
    return (n[0] / n[-1] if n and n[-1] > 0 else None), steps


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--task", required=True)
    ap.add_argument("--steps", required=True)
    ap.add_argument("--hidden", required=True)
    ap.add_argument("--results")
    a = ap.parse_args()
    lines = [
        f"### Long-range toy task ({a.task}; tools/toy/long-range.sh --task {a.task} --steps {a.steps} --hidden {a.hidden})",
        "",
        f"1 layer, {a.hidden} units, 64-dim embeddings, no dropout, batches of 32, Adam 0.002, {a.steps} updates each (1 thread),"
        " greedy decoding; exact-match accuracy (%) on 100 test strings per length bucket; ‖∂L/∂h_1‖ / ‖∂L/∂h_n‖ at"
        " the last validation (the first source position's gradient against the last's, over the 32 longest"
        " validation sentences: below 1, the gradient shrinks towards the start).",
        "",
        "| cell | attention | clip | updates | " + " | ".join(f"len {b}" for b in BUCKETS) + " | ‖∂L/∂h_1‖/‖∂L/∂h_n‖ |",
        "|---|---|---:|---:|" + "---:|" * len(BUCKETS) + "---:|",
    ]
    for cell in ["rnn", "gru", "lstm"]:
        for attention in ["none", "general"]:
            for clip in ["0", "5"]:
                name = f"{cell}-{attention}-clip{clip}"
                ratio, steps = flow(a.work, name)
                cells = [exact(a.work, name, b) for b in BUCKETS]
                lines.append(f"| {cell} | {attention} | {clip} | {steps:,} | "
                             + " | ".join("—" if c is None else f"{c:.0f}" for c in cells)
                             + f" | {'—' if ratio is None else f'{ratio:.2g}'} |")
    table = "\n".join(lines)
    print(table)
    if a.results:
        replace_section(a.results, table, begin="<!-- long-range: begin -->", end="<!-- long-range: end -->")
    return 0


if __name__ == "__main__":
    sys.exit(main())
