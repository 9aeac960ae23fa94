#!/usr/bin/env python3
"""Generate a toy sequence-to-sequence task for tests.

Each source line is a random string of pseudo-words drawn from a fixed
20-symbol alphabet of short syllables, 3 to 10 symbols long (uniform); the
target is the same string (--task copy) or the string reversed
(--task reverse). Writes OUT/{train,valid,test}.{src,tgt}: UTF-8, one
sentence a line, symbols separated by single spaces, a newline after every
line.

Deterministic: the output depends only on the arguments. One
random.Random(seed) draws the train, then the valid, then the test lines, in
that order; a source string already drawn (in any split) is drawn again, so
the three splits share no source line.

    python3 tools/toy/make-toy.py --task reverse --n 2000 --seed 1 --out DIR

Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import os
import random
import sys

# 20 pseudo-words: distinct two-letter lower-case ASCII syllables (one
# consonant, one vowel), none a prefix of another.
ALPHABET = (
    "ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu",
    "na", "pe", "qi", "ro", "su", "ta", "ve", "wi", "xo", "zu",
)


def make_split(rng: random.Random, n: int, min_len: int, max_len: int, seen: set) -> list[list[str]]:
    out = []
    while len(out) < n:
        length = rng.randint(min_len, max_len)
        seq = [rng.choice(ALPHABET) for _ in range(length)]
        key = " ".join(seq)
        if key in seen:
            continue
        seen.add(key)
        out.append(seq)
    return out


def target(seq: list[str], task: str) -> list[str]:
    if task == "copy":
        return list(seq)
    if task == "reverse":
        return seq[::-1]
    raise ValueError(task)


def write_lines(path: str, lines: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Generate a toy copy/reverse seq2seq task.")
    ap.add_argument("--task", choices=("copy", "reverse"), required=True)
    ap.add_argument("--n", type=int, required=True, help="training pairs")
    ap.add_argument("--n-valid", type=int, default=100, help="validation pairs (default 100)")
    ap.add_argument("--n-test", type=int, default=100, help="test pairs (default 100)")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--min-len", type=int, default=3, help="shortest string (default 3)")
    ap.add_argument("--max-len", type=int, default=10, help="longest string (default 10)")
    ap.add_argument("--out", required=True, help="output folder (created if missing)")
    args = ap.parse_args(argv)

    if not 1 <= args.min_len <= args.max_len:
        ap.error("need 1 <= --min-len <= --max-len")
    if min(args.n, args.n_valid, args.n_test) < 0:
        ap.error("sizes must not be negative")
    possible = sum(len(ALPHABET) ** k for k in range(args.min_len, args.max_len + 1))
    if args.n + args.n_valid + args.n_test > possible // 2:
        ap.error(f"too many pairs for {possible} distinct strings")

    rng = random.Random(args.seed)
    seen: set = set()
    splits = {
        "train": make_split(rng, args.n, args.min_len, args.max_len, seen),
        "valid": make_split(rng, args.n_valid, args.min_len, args.max_len, seen),
        "test": make_split(rng, args.n_test, args.min_len, args.max_len, seen),
    }
    os.makedirs(args.out, exist_ok=True)
    for name, seqs in splits.items():
        write_lines(os.path.join(args.out, f"{name}.src"), [" ".join(s) for s in seqs])
        write_lines(os.path.join(args.out, f"{name}.tgt"), [" ".join(target(s, args.task)) for s in seqs])
    print(
        f"make-toy: {args.task} seed {args.seed}: "
        + ", ".join(f"{k} {len(v)}" for k, v in splits.items())
        + f" -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
