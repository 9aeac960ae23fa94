"""Helpers for tools/compare/onmt.sh (run inside its venv).

  compare.py detok IN OUT              undo subword-nmt BPE ("@@ ") and the joiner marks (U+FFED)
  compare.py timev FILE                one JSON line from a /usr/bin/time -v report: wall_s, peak_rss_mb, exit
  compare.py sacrebleu HYP REF [TOK]   one JSON line: sacreBLEU 2.6.0 corpus BLEU (tokenisation TOK, default 13a) and chrF
  compare.py report RESULTS.json MD SVG   print the comparison table, write the Markdown and the SVG plot
"""
import json
import math
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import trainlog  # noqa: E402  (tools/trainlog.py)

JOINER = "\uffed"


def detokenize(tokens):
    """Exactly s2s's Tokenizer.detokenize: a leading mark glues a token to the
    previous one, a trailing mark to the next; the marks are dropped."""
    out = []
    previous_glues = False
    for i, token in enumerate(tokens):
        glued_left = token.startswith(JOINER)
        if glued_left:
            token = token[1:]
        glues_right = token.endswith(JOINER)
        if glues_right:
            token = token[:-1]
        if i > 0 and not glued_left and not previous_glues:
            out.append(" ")
        out.append(token)
        previous_glues = glues_right
    return "".join(out)


def undo_bpe(line):
    line = re.sub(r"@@( |$)", "", line.rstrip("\n"))
    return detokenize(line.split())


def cmd_detok(src, dst):
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as g:
        for line in f:
            g.write(undo_bpe(line) + "\n")


def parse_timev(path):
    wall = rss = user = system = None
    status = 0
    signal = None
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.strip()
        if line.startswith("Elapsed (wall clock) time"):
            value = line.rsplit(": ", 1)[1]
            seconds = 0.0
            for part in value.split(":"):
                seconds = seconds * 60 + float(part)
            wall = seconds
        elif line.startswith("User time (seconds)"):
            user = float(line.rsplit(": ", 1)[1])
        elif line.startswith("System time (seconds)"):
            system = float(line.rsplit(": ", 1)[1])
        elif line.startswith("Maximum resident set size"):
            rss = int(line.rsplit(": ", 1)[1]) / 1024
        elif line.startswith("Exit status"):
            status = int(line.rsplit(": ", 1)[1])
        elif line.startswith("Command terminated by signal"):
            signal = int(line.rsplit(" ", 1)[1])
    return {"wall_s": wall, "peak_rss_mb": rss, "user_s": user, "sys_s": system, "exit": status, "signal": signal}


def cmd_sacrebleu(hyp, ref, tokenize="13a"):
    import sacrebleu
    hyps = open(hyp, encoding="utf-8").read().split("\n")
    refs = open(ref, encoding="utf-8").read().split("\n")
    if hyps and hyps[-1] == "":
        hyps.pop()
    if refs and refs[-1] == "":
        refs.pop()
    if len(hyps) != len(refs):
        sys.exit(f"sacrebleu: {hyp} has {len(hyps)} lines, {ref} {len(refs)}")
    bleu = sacrebleu.corpus_bleu(hyps, [refs], tokenize=tokenize)
    chrf = sacrebleu.corpus_chrf(hyps, [refs])
    print(json.dumps({"bleu": bleu.score, "chrf": chrf.score, "version": sacrebleu.__version__,
                      "bleu_text": str(bleu), "chrf_text": str(chrf)}))


# ---------------------------------------------------------------- report

def training_summary(records):
    train = trainlog.of_kind(records, "train")
    valid = trainlog.of_kind(records, "valid")
    return {
        "median_tokens_per_s": trainlog.median_tokens_per_s(records),
        "mean_tokens_per_s": trainlog.mean_tokens_per_s(records),
        "windows": len(train),
        "valid_ppl": valid[-1]["ppl"] if valid else None,
        "valid_loss": valid[-1]["loss"] if valid else None,
        "valid_step": valid[-1]["step"] if valid else None,
        "curve": [(r["step"], r["elapsed_s"] / 60, r["loss"]) for r in train],
        "valid_curve": interpolate_minutes(valid, train),
    }


def fmt(x, digits=1, unit=""):
    if x is None:
        return "—"
    if isinstance(x, int):
        return f"{x:,}{unit}"
    return f"{x:,.{digits}f}{unit}"


def ratio(a, b, digits=2):
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.{digits}f}×"


def plot_svg(curves, path, title):
    """curves: [(label, colour, [(step, minutes, loss)], [(step, minutes, loss)] valid)].
    Two panels: per-token training loss against the step and against the
    training clock (minutes, validation and saving excluded)."""
    W, H = 960, 420
    panel_w, panel_h = 400, 300
    lefts = [70, 550]
    top = 60
    all_loss = [p[2] for _, _, c, v in curves for p in c + v if p[2] is not None]
    if not all_loss:
        all_loss = [0.0, 1.0]
    y_lo = math.floor(min(all_loss))
    y_hi = math.ceil(max(all_loss))
    if y_hi <= y_lo:
        y_hi = y_lo + 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="24" text-anchor="middle" font-size="15">{escape(title)}</text>']
    for panel, (xi, xlabel) in enumerate([(0, "update (step)"), (1, "training clock (minutes)")]):
        left = lefts[panel]
        xs = [p[xi] for _, _, c, v in curves for p in c + v if p[xi] is not None]
        x_hi = max(xs) if xs else 1.0
        x_hi = nice_ceiling(x_hi)

        def X(x):
            return left + panel_w * x / x_hi

        def Y(y):
            return top + panel_h * (1 - (y - y_lo) / (y_hi - y_lo))
        out.append(f'<rect x="{left}" y="{top}" width="{panel_w}" height="{panel_h}" fill="none" stroke="#444"/>')
        for k in range(6):
            x = x_hi * k / 5
            out.append(f'<line x1="{X(x):.1f}" y1="{top + panel_h}" x2="{X(x):.1f}" y2="{top + panel_h + 5}" stroke="#444"/>')
            label = f"{x:.3g}" if x_hi < 10 else f"{x:.0f}"
            out.append(f'<text x="{X(x):.1f}" y="{top + panel_h + 18}" text-anchor="middle">{label}</text>')
        n_y = int(y_hi - y_lo)
        step_y = 1 if n_y <= 8 else 2
        y = y_lo
        while y <= y_hi:
            out.append(f'<line x1="{left}" y1="{Y(y):.1f}" x2="{left + panel_w}" y2="{Y(y):.1f}" stroke="#ddd"/>')
            out.append(f'<text x="{left - 6}" y="{Y(y) + 4:.1f}" text-anchor="end">{y}</text>')
            y += step_y
        out.append(f'<text x="{left + panel_w / 2}" y="{top + panel_h + 38}" text-anchor="middle">{xlabel}</text>')
        out.append(f'<text x="{left - 45}" y="{top + panel_h / 2}" text-anchor="middle" '
                   f'transform="rotate(-90 {left - 45} {top + panel_h / 2})">loss per target token (nats)</text>')
        for label, colour, curve, valid in curves:
            pts = [(X(p[xi]), Y(p[2])) for p in curve if p[xi] is not None]
            if pts:
                d = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
                out.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
            for p in valid:
                if p[xi] is None:
                    continue
                out.append(f'<circle cx="{X(p[xi]):.1f}" cy="{Y(p[2]):.1f}" r="3.5" fill="white" '
                           f'stroke="{colour}" stroke-width="1.5"/>')
    # legend
    lx, ly = lefts[1] + panel_w - 190, top + 14
    for i, (label, colour, _, _) in enumerate(curves):
        y = ly + 18 * i
        out.append(f'<line x1="{lx}" y1="{y}" x2="{lx + 24}" y2="{y}" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<circle cx="{lx + 12}" cy="{y}" r="3.5" fill="white" stroke="{colour}" stroke-width="1.5"/>')
        out.append(f'<text x="{lx + 30}" y="{y + 4}">{escape(label)}</text>')
    out.append(f'<text x="{lx}" y="{ly + 18 * len(curves) + 6}" font-size="11" fill="#555">'
               f'line: training; circles: validation</text>')
    out.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def nice_ceiling(x):
    if x <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(x))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * e >= x:
            return m * e
    return 10 * e


def escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


NOTES = [
    "OpenNMT-py `normalization: tokens`: its default, `sents`, divides the summed loss by the number of "
    "sentences; s2s averages it over target tokens. With Adam the scale matters mostly through the "
    "clipping at norm 5, which `sents` would make bite at almost every step.",
    "OpenNMT-py `bucket_size` = the number of training pairs: with the default 262,144 it fills its first "
    "bucket by reading the 30,000-pair corpus about nine times over (about 50 s before the first update, "
    "4 GB RSS). With one epoch a bucket it sorts an epoch by length, cuts batches of 64 sentences and "
    "shuffles them, like s2s's batcher.",
    "OpenNMT-py `num_workers: 0`: the default, 2, starts two data-loader processes that would compete "
    "for the two cores (and whose memory /usr/bin/time would not count with the trainer's).",
    "OpenNMT-py `bridge: false` (its default): the decoder starts from the encoder's final states, as "
    "s2s's (`bridge: copy`). Initialisation is each toolkit's own (OpenNMT-py: uniform ±0.1).",
    "OpenNMT-py's learning-rate decay (`start_decay_steps` 50,000) is never reached; s2s does not decay "
    "by default. Both: no warm-up, no label smoothing, teacher forcing.",
    "The budget: OpenNMT-py 3.5.1 has no wall-clock limit, so tools/compare/onmt_train_budget.py runs "
    "`onmt_train` in-process with hooks that only watch it: the same training clock as s2s-train's "
    "(loop time less validation and checkpoint writing), the batch iterator stops at the budget so "
    "OpenNMT-py ends its loop and writes its final checkpoint itself, then one last validation as s2s "
    "does. A `timeout --signal=INT` at twice the budget plus 10 minutes is only a safety net (then the "
    "newest checkpoint is used).",
    "s2s-train `--pass-tokens 4096`: a batch of more than 4,096 padded source+target tokens (64 long "
    "verses) runs in several passes whose gradients add up to the batch's; the update is the same batch of "
    "64 sentences, in less activation memory (OpenNMT-py's nearest equivalent would be smaller batches with "
    "`accum_count`). On the longest 1,280 training verses it cut s2s-train's peak RSS from 1,165 to 708 MB "
    "and its tokens/s by about 3%.",
    "s2s-translate `--precision auto` (its default): each decoder product the fastest, timed at load, of "
    "OpenBLAS, packed float32, packed bfloat16 (AVX512_BF16) and int8 (AVX512-VNNI, weights per column, rows per "
    "call, exact int32 sums) — `--show-plan` prints the choice; OpenNMT-py decodes in float32. Whether the "
    "reduced precision costs quality is measured: tools/compare/precision.sh and docs/PERFORMANCE.md.",
    "`onmt_translate -length_penalty none -max_length_ratio 2`: OpenNMT-py 3.5.1 defaults to the `avg` "
    "length penalty and to at most min(250, 1.25 × the batch's longest source + 5) tokens; s2s-translate "
    "defaults to no length penalty and 2 × each source + 10 subwords.",
]


def interpolate_minutes(valid, train):
    """s2s's validation records carry no clock: take it from the training records' steps."""
    points = [(r["step"], r["elapsed_s"]) for r in train]
    out = []
    for r in valid:
        t = r.get("elapsed_s")
        if t is None and points:
            before = [p for p in points if p[0] <= r["step"]]
            after = [p for p in points if p[0] >= r["step"]]
            if before and after and after[0][0] != before[-1][0]:
                (s0, t0), (s1, t1) = before[-1], after[0]
                t = t0 + (t1 - t0) * (r["step"] - s0) / (s1 - s0)
            elif before:
                t = before[-1][1]
        out.append((r["step"], None if t is None else t / 60, r["loss"]))
    return out


DECODES = (("beam5_b32", 5, 32), ("greedy_b32", 1, 32), ("beam5_b1", 5, 1))
# Other decodings of s2s's float32 model: output name, what differs from `--precision auto`.
VARIANTS = (("s2s_sl10", "`--shortlist 10`"), ("s2s_f32", "`--precision float32`"))


def load_decodes(res, name, test_lines):
    """The decoding runs NAME.KEY that onmt.sh scored, by KEY."""
    out = {}
    for key, _, _ in DECODES:
        base = os.path.join(res, f"{name}.{key}")
        if not os.path.exists(base + ".score.json"):
            continue
        tv = parse_timev(base + ".timev")
        score = json.load(open(base + ".score.json"))
        sb = json.load(open(base + ".sacrebleu.json"))
        out[key] = {"bleu": score["bleu"], "chrf": score["chrf"], "sacrebleu_bleu": sb["bleu"],
                    "sacrebleu_chrf": sb["chrf"], "wall_s": tv["wall_s"], "rss_mb": tv["peak_rss_mb"],
                    "tokenize": score.get("tokenize", "13a"), "directives_kept": score.get("directives_kept"),
                    "directive_lines": score.get("directive_lines"),
                    "sent_per_s": test_lines / tv["wall_s"] if tv["wall_s"] else None}
    return out


def load_results(work):
    """Everything onmt.sh left under WORK/results (and the train.jsonl files)."""
    res = os.path.join(work, "results")
    R = json.load(open(os.path.join(res, "meta.json"), encoding="utf-8"))
    R["commands"] = open(os.path.join(res, "commands.sh"), encoding="utf-8").read().rstrip("\n").split("\n")
    R["onmt_yaml"] = open(os.path.join(work, "onmt", "train.yaml"), encoding="utf-8").read()
    trainers = [("s2s", os.path.join(work, "models", "s2s", "train.jsonl")),
                ("onmt", os.path.join(work, "models", "onmt", "train.jsonl"))]
    if R["cpu_jiffies"].get("s2s_bf16"):
        trainers.append(("s2s_bf16", os.path.join(work, "models", "s2s_bf16", "train.jsonl")))
    for name, jsonl in trainers:
        t = {"train_jsonl": jsonl}
        tv = parse_timev(os.path.join(res, f"{name}.train.timev"))
        t["train_wall_s"], t["train_rss_mb"] = tv["wall_s"], tv["peak_rss_mb"]
        t["train_cpu_s"] = (tv["user_s"] or 0) + (tv["sys_s"] or 0)
        (busy0, steal0), (busy1, steal1) = R["cpu_jiffies"][name]
        t["others_cpu_s"] = max((busy1 - busy0) / R["clk_tck"] - t["train_cpu_s"], 0.0)
        t["steal_s"] = (steal1 - steal0) / R["clk_tck"]
        t["steps"] = trainlog.last_step(trainlog.read(jsonl, missing_ok=True), default=None)
        t["decode"] = load_decodes(res, name, R["test_lines"])
        R[name] = t
    for name, _ in VARIANTS:
        R[name] = {"decode": load_decodes(res, name, R["test_lines"])}
    return R


def variants_section(R, a, onmt, dec):
    """The float32 model decoded otherwise (shortlist, float32 products), against auto and OpenNMT-py."""
    lines = ["", "### The same s2s model decoded otherwise", "",
             "| run | sentences/s | / auto | / OpenNMT-py | BLEU | chrF | BLEU, auto | chrF, auto |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, how in VARIANTS:
        v = R[name]
        for key, label in (("beam5_b32", "beam 5, batch 32"), ("greedy_b32", "greedy, batch 32"),
                           ("beam5_b1", "beam 5, batch 1")):
            if key not in v["decode"]:
                continue
            x = dec(v, key, "sent_per_s")
            lines.append(f"| {how}, {label} | {fmt(x, 1)} | {ratio(x, dec(a, key, 'sent_per_s'))} | "
                         f"{ratio(x, dec(onmt, key, 'sent_per_s'))} | {fmt(dec(v, key, 'bleu'), 2)} | "
                         f"{fmt(dec(v, key, 'chrf'), 2)} | {fmt(dec(a, key, 'bleu'), 2)} | {fmt(dec(a, key, 'chrf'), 2)} |")
    return lines + [""] if len(lines) > 5 else []


def bfloat16_section(tk, dec):
    """s2s trained in bfloat16 for the same budget, against s2s in float32."""
    if "s2s_bf16" not in tk:
        return []
    a, h = tk["s2s"], tk["s2s_bf16"]
    pa = trainlog.valid_by_step(trainlog.read(a["train_jsonl"], missing_ok=True))
    ph = trainlog.valid_by_step(trainlog.read(h["train_jsonl"], missing_ok=True))
    lines = ["", "### s2s trained in bfloat16 (`s2s-train --precision bfloat16`, the same budget)", "",
             "| measure | s2s float32 | s2s bfloat16 | bfloat16 / float32 |", "|---|---:|---:|---:|"]

    def row(label, x, y, digits=1):
        lines.append(f"| {label} | {fmt(x, digits)} | {fmt(y, digits)} | {ratio(y, x, 3)} |")
    row("training tokens/s (median of report windows)", a["median_tokens_per_s"], h["median_tokens_per_s"], 0)
    row("updates (steps) done", a["steps"], h["steps"])
    row("validation perplexity at the last step", a["valid_ppl"], h["valid_ppl"], 2)
    for key, label in (("beam5_b32", "beam 5"), ("greedy_b32", "greedy")):
        row(f"test BLEU, {label}", dec(a, key, "bleu"), dec(h, key, "bleu"), 2)
        row(f"test chrF, {label}", dec(a, key, "chrf"), dec(h, key, "chrf"), 2)
    row("peak RSS, training (MB)", a["train_rss_mb"], h["train_rss_mb"], 0)
    shared = sorted(set(pa) & set(ph))
    lines += ["", "Validation perplexity at equal updates (the goal: bfloat16 within 2% of float32):", "",
              "| update | float32 | bfloat16 | bfloat16 / float32 |", "|---:|---:|---:|---:|"]
    lines += [f"| {s:,} | {pa[s]:.2f} | {ph[s]:.2f} | {ph[s] / pa[s]:.3f} |" for s in shared]
    return lines + [""]


def cmd_report(work, md_path, svg_path):
    R = load_results(work)
    tk = {}
    for name in [n for n in ("s2s", "onmt", "s2s_bf16") if n in R]:
        t = R[name]
        s = training_summary(trainlog.read(t["train_jsonl"], missing_ok=True))
        s.update(t)
        tk[name] = s
    a, b = tk["s2s"], tk["onmt"]

    def dec(t, key, field):
        d = t["decode"].get(key)
        return d.get(field) if d else None

    rows = []

    def row(label, x, y, xs, ys, r=True, digits=2):
        rows.append((label, xs, ys, ratio(x, y, digits) if r else "—"))

    row("training tokens/s, source+target (median of report windows)", a["median_tokens_per_s"],
        b["median_tokens_per_s"], fmt(a["median_tokens_per_s"], 0), fmt(b["median_tokens_per_s"], 0))
    row("training tokens/s, source+target (whole run)", a["mean_tokens_per_s"], b["mean_tokens_per_s"],
        fmt(a["mean_tokens_per_s"], 0), fmt(b["mean_tokens_per_s"], 0))
    row("updates (steps) done", a["steps"], b["steps"], fmt(a["steps"]), fmt(b["steps"]))
    row("training process wall-clock (s)", a["train_wall_s"], b["train_wall_s"],
        fmt(a["train_wall_s"], 0), fmt(b["train_wall_s"], 0))
    row(f"validation perplexity (at the last step)", a["valid_ppl"], b["valid_ppl"],
        fmt(a["valid_ppl"], 2), fmt(b["valid_ppl"], 2))
    for key, label in (("beam5_b32", "beam 5"), ("greedy_b32", "greedy")):
        row(f"test BLEU, {label}", dec(a, key, "bleu"), dec(b, key, "bleu"),
            fmt(dec(a, key, "bleu"), 2), fmt(dec(b, key, "bleu"), 2))
        row(f"test chrF, {label}", dec(a, key, "chrf"), dec(b, key, "chrf"),
            fmt(dec(a, key, "chrf"), 2), fmt(dec(b, key, "chrf"), 2))
        if dec(a, key, "directive_lines"):
            row(f"test lines with directives all kept (%), {label}", dec(a, key, "directives_kept"),
                dec(b, key, "directives_kept"), fmt(dec(a, key, "directives_kept"), 1),
                fmt(dec(b, key, "directives_kept"), 1))
    for key, label in (("beam5_b32", "beam 5, batch 32"), ("greedy_b32", "greedy, batch 32"),
                       ("beam5_b1", "beam 5, batch 1")):
        row(f"decoding sentences/s, {label}", dec(a, key, "sent_per_s"), dec(b, key, "sent_per_s"),
            fmt(dec(a, key, "sent_per_s"), 1), fmt(dec(b, key, "sent_per_s"), 1))
    row("peak RSS, training (MB)", a["train_rss_mb"], b["train_rss_mb"],
        fmt(a["train_rss_mb"], 0), fmt(b["train_rss_mb"], 0))
    for key, label in (("beam5_b32", "beam 5, batch 32"), ("greedy_b32", "greedy, batch 32"),
                       ("beam5_b1", "beam 5, batch 1")):
        row(f"peak RSS, decoding {label} (MB)", dec(a, key, "rss_mb"), dec(b, key, "rss_mb"),
            fmt(dec(a, key, "rss_mb"), 0), fmt(dec(b, key, "rss_mb"), 0))

    table = ["| measure | s2s | OpenNMT-py 3.5.1 | s2s / OpenNMT-py |", "|---|---:|---:|---:|"]
    table += [f"| {l} | {x} | {y} | {r} |" for l, x, y, r in rows]

    metric_rows = ["| output | BLEU (s2s-score) | BLEU (sacreBLEU) | chrF (s2s-score) | chrF (sacreBLEU) | agree |",
                   "|---|---:|---:|---:|---:|---|"]
    all_agree = True
    outputs = {"s2s": ("s2s", tk["s2s"]), **{name: ("s2s " + how.strip("`"), R[name]) for name, how in VARIANTS},
               "s2s_bf16": ("s2s trained in bfloat16", tk.get("s2s_bf16", {"decode": {}})),
               "onmt": ("OpenNMT-py", tk["onmt"])}
    for name, (label, t) in outputs.items():
        for key in ("beam5_b32", "greedy_b32", "beam5_b1"):
            d = t["decode"].get(key)
            if not d:
                continue
            ok = (abs(d["bleu"] - d["sacrebleu_bleu"]) < 0.005 and abs(d["chrf"] - d["sacrebleu_chrf"]) < 0.005)
            all_agree &= ok
            metric_rows.append(f"| {label} {key.replace('_', ' ')} | {d['bleu']:.2f} | {d['sacrebleu_bleu']:.2f} | "
                               f"{d['chrf']:.2f} | {d['sacrebleu_chrf']:.2f} | {'yes' if ok else 'NO'} |")

    extra = variants_section(R, tk["s2s"], b, dec) + bfloat16_section(tk, dec)

    corpus = R.get("corpus", "bible-en-es")
    bible = corpus == "bible-en-es"
    tokenize = dec(a, "beam5_b32", "tokenize") or "13a"
    directive_lines = dec(a, "beam5_b32", "directive_lines")
    budget_min = R["budget_s"] / 60
    reference_min = 25 if bible else 12   # the budgets the published comparisons use
    short = R["budget_s"] < reference_min * 60
    corpus_title = "the Bible corpus" if bible else f"{corpus} (en→{R.get('target_lang', '?')})"
    lines = [f"# s2s against OpenNMT-py 3.5.1 on {corpus_title}", ""]
    if short:
        lines += [f"> **Short run ({budget_min:g} minutes of training each): a check that the comparison works, "
                  f"not the comparison.** The reference run is `tools/compare/onmt.sh` with a "
                  f"{reference_min}-minute budget.", ""]
    old = open(md_path, encoding="utf-8").read() if os.path.exists(md_path) else ""
    others = sorted(set(re.findall(r"<!-- corpus-([^:]+):begin", old)) - {corpus})
    if bible and others:
        lines += ["The same comparison on other corpora, each run on its own, follows at the end: "
                  + ", ".join(f"`{name}`" for name in others) + ".", ""]
    lines += [
        f"Made by `tools/compare/onmt.sh {R['args']}` on {R['date']}; the whole script took "
        f"{R.get('script_wall_s', 0) / 60:.1f} minutes.",
        "",
        "## Machine and versions",
        "",
        f"- CPU: {R['machine']['cpu']}, {R['machine']['cores']} cores (`nproc`), {R['machine']['memory']} memory; "
        f"{R['machine']['os']}, kernel {R['machine']['kernel']}",
        f"- threads: {R['threads']} for both (s2s `--threads`; OpenNMT-py `OMP_NUM_THREADS`, `MKL_NUM_THREADS`, "
        f"`torch.set_num_threads`), CPU only",
        f"- s2s: commit {R['versions']['s2s']}, {R['versions']['swift']}",
        f"- OpenNMT-py {R['versions']['onmt']}, torch {R['versions']['torch']}, numpy {R['versions']['numpy']}, "
        f"sacreBLEU {R['versions']['sacrebleu']}, Python {R['versions']['python']}",
        f"- training budget: {budget_min:g} minutes each on the training clock (time in the training loop, "
        f"validation and checkpoint writing excluded, as `s2s-train --max-time` counts it); the two trainings "
        f"ran one after the other, as did every decoding run",
        f"- CPU time taken by other processes while each toolkit trained (the machine's busy time from "
        f"/proc/stat less the trainer's user+system time): s2s {a['others_cpu_s']:.0f} s, OpenNMT-py "
        f"{b['others_cpu_s']:.0f} s, against {a['train_cpu_s']:.0f} s and {b['train_cpu_s']:.0f} s used by the "
        f"trainers themselves; time stolen by the hypervisor: {a['steal_s']:.0f} s and {b['steal_s']:.0f} s",
        "",
        "## Results",
        "",
        *table,
        "",
        "Ratios are s2s / OpenNMT-py: above 1 means more for s2s (faster, for the speeds; more memory, for "
        "RSS; a better score, for BLEU and chrF; a worse one for perplexity).",
        "",
        "- Training tokens/s: source tokens + target tokens (without padding; the target side counts `<EOS>`) "
        "per second of the training clock, from s2s's `train.jsonl` `tokens_per_s` records and from "
        "OpenNMT-py's own statistics (the same `n_src_words`, `n_words` it prints as `src/tgt tok/s`), "
        "both over the same training clock "
        f"(report windows of {R['report_every']} updates; 'whole run' is all the windows' tokens over their seconds).",
        f"- Validation perplexity: per target token, teacher forcing, no dropout, on valid.bpe "
        f"({R['valid_lines']} pairs), at the last step (s2s {a['valid_step']}, OpenNMT-py {b['valid_step']}).",
        "- s2s translates with `model.safetensors` (its best model by validation loss); OpenNMT-py with its "
        "final checkpoint.",
        "- Decoding: the whole process timed (loading the model included) on the "
        f"{R['test_lines']} test sentences; s2s reads raw text and does its own tokenisation, BPE and "
        "detokenisation, OpenNMT-py reads test.bpe.src (its output's BPE and joiner marks are undone "
        "afterwards, untimed). Peak RSS is /usr/bin/time's maximum resident set size.",
        f"- BLEU and chrF: `s2s-score` (sacreBLEU's defaults but the tokenisation: {tokenize}, chosen from the "
        f"target language as sacreBLEU chooses it; exp smoothing; chrF2); the same outputs scored "
        f"with sacreBLEU {R['versions']['sacrebleu']} (`tokenize='{tokenize}'`):" + (" they agree to 0.01." if all_agree else
                                                          " **they do not all agree**, see below."),
        *([f"- Directives kept: of the {directive_lines} test lines whose reference has format directives "
           "(`%s`, `%1$d`, `{name}`, `\\n`, `<b>`), the share whose output has exactly the reference's "
           "(`s2s-score --directives`)."] if directive_lines else []),
        "",
        *metric_rows,
        *extra,
        "",
        f"![training loss]({os.path.basename(svg_path)})",
        "",
        f"`{os.path.basename(svg_path)}`: per-token training loss over each report window against the update and against "
        "the training clock; circles are validation losses.",
        "",
        "## Commands",
        "",
        "```sh",
        *R["commands"],
        "```",
        "",
        "OpenNMT-py's training configuration (`onmt_train -config`):",
        "",
        "```yaml",
        R["onmt_yaml"].rstrip("\n"),
        "```",
        "",
        "## Settings that had to be made equal by hand",
        "",
        *[f"- {n}" for n in NOTES],
        "",
    ]
    if bible:
        # Keep the sections tools/compare/ablation.sh and overnight.sh wrote, and the other corpora's.
        names = ["ablation", "overnight"] + sorted(set(re.findall(r"<!-- (corpus-[^:]+):begin", old)))
        for name in names:
            begin, end = f"<!-- {name}:begin", f"<!-- {name}:end -->"
            if begin in old and end in old:
                lines += [old[old.index(begin):old.index(end) + len(end)], ""]
    else:
        # Another corpus: its own section of RESULTS.md, every heading one level down, replaced on a rerun.
        begin, end = f"<!-- corpus-{corpus}:begin -->", f"<!-- corpus-{corpus}:end -->"
        section = "\n".join([begin, *[("#" + l if re.match(r"#+ ", l) else l) for l in lines], end])
        if begin in old and end in old:
            lines = [old[:old.index(begin)] + section + old[old.index(end) + len(end):]]
        else:
            lines = [old.rstrip("\n") + "\n\n" + section + "\n" if old else section + "\n"]
    for path in (md_path, svg_path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(md_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    curves = [("s2s", "#1f77b4", a["curve"], a["valid_curve"])]
    if "s2s_bf16" in tk:
        curves.append(("s2s bfloat16", "#2ca02c", tk["s2s_bf16"]["curve"], tk["s2s_bf16"]["valid_curve"]))
    curves.append(("OpenNMT-py 3.5.1", "#d62728", b["curve"], b["valid_curve"]))
    plot_svg(curves,
             svg_path, f"Training loss, {'Bible en→es' if bible else corpus}, 2×512 LSTM, {budget_min:g} min each, "
                       f"{R['threads']} threads")
    print("\n".join(table))
    print()
    print("\n".join(metric_rows))


def main():
    cmd, *args = sys.argv[1:]
    if cmd == "detok":
        cmd_detok(*args)
    elif cmd == "timev":
        print(json.dumps(parse_timev(args[0])))
    elif cmd == "sacrebleu":
        cmd_sacrebleu(*args)
    elif cmd == "report":
        cmd_report(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
