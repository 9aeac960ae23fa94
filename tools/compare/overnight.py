"""The train-overnight table of tools/compare/overnight.sh, written into RESULTS.md.

  overnight.py OUT RESULTS.md --command "--hours 2 --every 30"

Reads OUT/snapshots/*/ (each a copy of the model folder: train.jsonl, and
score.json and seconds from scoring the test books) and replaces the section
between BEGIN and END in RESULTS.md (appended when absent). Plain Python 3.
"""
import argparse
import json
import math
import os
import re
import sys
import time

from ablation import replace_section

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import trainlog  # noqa: E402  (tools/trainlog.py)

BEGIN = "<!-- overnight:begin (tools/compare/overnight.sh writes this section) -->"
END = "<!-- overnight:end -->"


def snapshot_row(path):
    records = trainlog.read(os.path.join(path, "train.jsonl"))
    train = trainlog.of_kind(records, "train")
    valid = trainlog.last(records, "valid")
    bleus = [r["bleu"] for r in trainlog.of_kind(records, "valid") if "bleu" in r]
    score = json.load(open(os.path.join(path, "score.json"), encoding="utf-8"))
    seconds = float(open(os.path.join(path, "seconds"), encoding="utf-8").read())
    return {
        "name": os.path.basename(path.rstrip("/")),
        "steps": trainlog.last_step(records),
        "elapsed_h": max((r.get("elapsed_s", 0) for r in train), default=0) / 3600,
        "tokens_per_s": trainlog.median_tokens_per_s(records) or 0,
        "valid_ppl": valid["ppl"] if valid else math.nan,
        "valid_bleu": max(bleus) if bleus else math.nan,
        "bleu": score["bleu"], "chrf": score["chrf"], "seconds": seconds,
    }


def order(name):
    m = re.match(r"(\d+)min$", name)
    return (0, int(m.group(1))) if m else (1, 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("results")
    ap.add_argument("--command", required=True, help="the options overnight.sh ran with, for the text")
    ap.add_argument("--remark", default="", help="a sentence on the conditions of the run")
    a = ap.parse_args()
    snaps = os.path.join(a.out, "snapshots")
    names = sorted((n for n in os.listdir(snaps) if os.path.exists(os.path.join(snaps, n, "score.json"))), key=order)
    rows = [snapshot_row(os.path.join(snaps, n)) for n in names]
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "## Train overnight: BLEU after N hours (s2s alone)",
        "",
        f"Measured {date} by `tools/compare/overnight.sh {a.command}`: the README's recipe (`s2s-train --preset base "
        "--valid-every 500 --bleu-sentences 303 --best-metric bleu --decay-patience 3 --early-stop 8`, batches of "
        "4,096 padded tokens, 2 threads) on the bundled Bible corpus, the best model so far (by greedy BLEU on the "
        "303 validation verses) copied aside on the way; each copy then translates the 666 test verses with "
        "s2s-translate's defaults (beam 5, bfloat16 where the CPU has it) and s2s-score scores them. "
        "Hours are the training clock (validation and checkpoints excluded)." + (" " + a.remark if a.remark else ""),
        "",
        "| snapshot | training hours | updates | tokens/s (median) | valid perplexity | best valid BLEU (greedy) "
        "| test BLEU / chrF (beam 5) | seconds to translate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['name']} | {r['elapsed_h']:.2f} | {r['steps']:,} | {r['tokens_per_s']:,.0f} | "
                     f"{r['valid_ppl']:.2f} | {r['valid_bleu']:.2f} | {r['bleu']:.2f} / {r['chrf']:.2f} | "
                     f"{r['seconds']:.1f} |")
    replace_section(a.results, "\n".join(lines), BEGIN, END)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
