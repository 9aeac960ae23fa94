"""s2s-train's run log, MODEL/train.jsonl, for the scripts of tools/: one JSON
record a line, told apart by "kind":

  train          every --report-every updates: step, epoch, loss, ppl,
                 tokens_per_s (over the window since the last report), lr,
                 teacher_forcing, grad_norm, elapsed_s (the training clock)
  valid          every --valid-every updates: step, loss, ppl, accuracy, and
                 bleu and chrf with --bleu-sentences
  gradient_flow  with --gradient-flow, at each validation: step, norms (one a
                 source position)

(tools/compare/onmt_train_budget.py writes OpenNMT-py's run in the same
format.) Reading it and what the scripts compute from it live here; plain
Python 3, no packages. Import it with tools/ on sys.path:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import trainlog

As a command, for the shell scripts:

  trainlog.py without-clock FILE
      each record without its wall-clock fields (elapsed_s, tokens_per_s),
      one a line: what two builds must agree on (tools/check/same-results.sh)
  trainlog.py rate FILE [--per-update]
      training tokens/s, the mean over the train records after the first
      (warm-up: first batches, page faults); with --per-update, also the
      seconds an update takes there and the tokens it processes
      (tools/bench/allreduce.sh)
"""
import json
import statistics
import sys

# What differs from run to run of the same build on the same data.
CLOCK_FIELDS = ("elapsed_s", "tokens_per_s")


def read(path, missing_ok=False):
    """Every record of the file at `path`, in order (blank lines skipped).
    With missing_ok, a missing file reads as no records."""
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        if missing_ok:
            return []
        raise


def of_kind(records, kind):
    """The records of one kind ("train", "valid", "gradient_flow"), in order."""
    return [r for r in records if r.get("kind") == kind]


def last_step(records, default=0):
    """The highest update number any record reports (default when none does)."""
    return max((r["step"] for r in records if "step" in r), default=default)


def last(records, kind):
    """The last record of a kind, or None."""
    found = of_kind(records, kind)
    return found[-1] if found else None


def valid_by_step(records):
    """Validation perplexity by update: {step: ppl}."""
    return {r["step"]: r["ppl"] for r in of_kind(records, "valid")}


def median_tokens_per_s(records, upper_middle=False):
    """The median of the train records' tokens/s (one a report window), or
    None without train records. With upper_middle, an even count gives the
    upper of the two middle values rather than their mean (as
    tools/compare/precision.sh's table has always been computed)."""
    rates = sorted(r["tokens_per_s"] for r in of_kind(records, "train") if "tokens_per_s" in r)
    if not rates:
        return None
    return rates[len(rates) // 2] if upper_middle else statistics.median(rates)


def mean_tokens_per_s(records):
    """Tokens/s over the whole run: the tokens of every report window over
    the training clock, or None when no time passed."""
    tokens = seconds = 0.0
    previous = 0.0
    for r in of_kind(records, "train"):
        dt = r["elapsed_s"] - previous
        previous = r["elapsed_s"]
        tokens += r["tokens_per_s"] * dt
        seconds += dt
    return tokens / seconds if seconds > 0 else None


def rate_after_first(records):
    """(tokens/s, seconds an update) over the train records after the first:
    the mean of their tokens/s, and the training clock from the first record
    to the last over the updates between them."""
    train = of_kind(records, "train")
    later = train[1:]
    rate = sum(r["tokens_per_s"] for r in later) / len(later)
    seconds = (later[-1]["elapsed_s"] - train[0]["elapsed_s"]) / (later[-1]["step"] - train[0]["step"])
    return rate, seconds


def without_clock(record):
    """The record without its wall-clock fields."""
    return {k: v for k, v in record.items() if k not in CLOCK_FIELDS}


def main(argv):
    usage = "usage: trainlog.py without-clock FILE | trainlog.py rate FILE [--per-update]"
    if argv[:1] == ["without-clock"] and len(argv) == 2:
        for r in read(argv[1]):
            print(without_clock(r))
    elif argv[:1] == ["rate"] and len(argv) in (2, 3) and argv[2:] in ([], ["--per-update"]):
        rate, seconds = rate_after_first(read(argv[1]))
        print(f"{rate} {seconds} {rate * seconds}" if argv[2:] else rate)
    else:
        print(usage, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
