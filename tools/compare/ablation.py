"""The ablation table of tools/compare/ablation.sh, written into RESULTS.md.

  ablation.py WORK RESULTS.md --budget 5m --seed 1 --ss-k 50 --threads 2

Reads WORK/runs.tsv (model, key, beam, length penalty, seconds, s2s-score
JSON) and WORK/models/NAME/train.jsonl, and replaces the section between
BEGIN and END in RESULTS.md (appended when absent; the file is made when
missing). Plain Python 3, no packages.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import trainlog  # noqa: E402  (tools/trainlog.py)

BEGIN = "<!-- ablation:begin (tools/compare/ablation.sh writes this section) -->"
END = "<!-- ablation:end -->"

LABELS = {
    "general": "general attention, teacher forcing",
    "none": "no attention",
    "none-reversed": "no attention, source reversed",
    "general-ss": "general attention, scheduled sampling",
    "gru": "general attention, GRU",
    "rnn": "general attention, Elman RNN",
    "bidirectional": "general attention, bidirectional encoder",
    "residual": "general attention, residual connections",
    "pyramid": "general attention, pyramidal encoder",
}


def training(work, name):
    records = trainlog.read(os.path.join(work, "models", name, "train.jsonl"))
    train, valid = trainlog.last(records, "train"), trainlog.last(records, "valid")
    return {
        "steps": trainlog.last_step(records),
        "valid_ppl": valid["ppl"] if valid else None,
        "teacher_forcing_end": train.get("teacher_forcing") if train else None,
    }


def replace_section(path, section, begin=BEGIN, end=END):
    """Writes `section` between the markers `begin` and `end` of the file at
    `path` (appended when they are absent), atomically."""
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Results\n"
    block = f"{begin}\n{section.rstrip()}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("work")
    ap.add_argument("results")
    ap.add_argument("--budget", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--ss-k", required=True)
    ap.add_argument("--threads", required=True)
    ap.add_argument("--command", required=True, help="the options ablation.sh ran with, for the text")
    a = ap.parse_args()

    runs = {}
    with open(os.path.join(a.work, "runs.tsv"), encoding="utf-8") as f:
        for line in f:
            model, key, beam, lp, seconds, score = line.rstrip("\n").split("\t")
            runs[(model, key)] = {"beam": int(beam), "lp": float(lp), "seconds": float(seconds), **json.loads(score)}

    def cell(model, key):
        r = runs.get((model, key))
        return f"{r['bleu']:.2f} / {r['chrf']:.2f}" if r else "—"

    date = subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M UTC"], capture_output=True, text=True).stdout.strip()
    lines = [
        "## What the quality features buy (s2s alone)",
        "",
        f"Measured {date} by `tools/compare/ablation.sh {a.command}`: every variant "
        f"is the base preset (2×512 LSTM, 512-dim embeddings, input feeding where there is attention, dropout 0.2, "
        f"Adam 1e-3, clipping 5, 64 sentences a batch) trained for **{a.budget}** with seed "
        f"{a.seed} and {a.threads} thread{'' if a.threads == '1' else 's'} — shorter than the comparison's budget so that all variants fit in one "
        "sitting; the differences, not the absolute scores, are the point. Test books (666 verses), "
        "BLEU / chrF from s2s-score (equal to sacreBLEU 2.6.0), batch 32. Read it with its budget in mind: "
        "a short budget shows what helps early in training; effects that need a trained model (source "
        "reversal, scheduled sampling, wider beams) can stay hidden until a longer budget.",
        "",
        "| variant | updates | valid perplexity | greedy BLEU / chrF | beam 5 BLEU / chrF |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, label in LABELS.items():
        if not os.path.exists(os.path.join(a.work, "models", name, "train.jsonl")):
            continue
        t = training(a.work, name)
        if name == "general-ss" and t["teacher_forcing_end"] is not None:
            label += f" (inverse-sigmoid, K = {a.ss_k}; gold fed with p = {t['teacher_forcing_end']:.2f} at the end)"
        ppl = f"{t['valid_ppl']:.1f}" if t["valid_ppl"] is not None else "—"
        lines.append(f"| {label} | {t['steps']} | {ppl} | {cell(name, 'greedy')} | {cell(name, 'beam5')} |")
    lines += [
        "",
        "Search, on the first model (general attention, teacher forcing); the length penalty is GNMT's "
        "lp(Y) = ((5 + |Y|)/6)^α:",
        "",
        "| search | α = 0 | α = 0.6 | seconds (α = 0) |",
        "|---|---:|---:|---:|",
    ]
    for label, k0, k1 in (("beam 1 (greedy)", "greedy", None), ("beam 5", "beam5", "beam5-lp"),
                          ("beam 10", "beam10", "beam10-lp")):
        secs = runs.get(("general", k0), {}).get("seconds")
        lines.append(f"| {label} | {cell('general', k0)} | {cell('general', k1) if k1 else '(same)'} | "
                     f"{secs:.1f} |" if secs is not None else f"| {label} | — | — | — |")
    replace_section(a.results, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
