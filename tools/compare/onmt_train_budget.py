"""onmt_train under the same clock as s2s-train --max-time.

Usage: python onmt_train_budget.py --budget-seconds S --jsonl FILE [--threads N] -- ONMT_TRAIN_ARGS...

Runs OpenNMT-py's own `onmt_train` entry point (onmt.bin.train.main) in this
process, with four small hooks on onmt.trainer.Trainer and the model saver
(nothing of OpenNMT-py's model, loss, optimiser or batching is changed):

* the training clock counts what s2s-train's counts: time inside the training
  loop, less the time spent validating and saving checkpoints;
* when the clock reaches the budget, the batch iterator stops, so
  OpenNMT-py's loop ends normally and writes its final checkpoint
  (model_step_N.pt);
* then the model is validated once more (unless the last step was a
  validation step), as s2s-train does at the end of a run;
* every report (report_every) and validation is also written to FILE as a
  JSON line in s2s's train.jsonl format: {"kind":"train","step","loss"
  (per target token),"ppl","tokens_per_s" (source + target tokens over
  training-clock seconds),"elapsed_s"} and {"kind":"valid","step","loss",
  "ppl","accuracy"}.
"""
import argparse
import json
import math
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget-seconds", type=float, required=True)
    ap.add_argument("--jsonl", required=True)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("onmt_args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    onmt_args = a.onmt_args[1:] if a.onmt_args[:1] == ["--"] else a.onmt_args

    import torch
    if a.threads > 0:
        torch.set_num_threads(a.threads)
        torch.set_num_interop_threads(1)

    import onmt.trainer
    import onmt.models.model_saver as model_saver
    import onmt.bin.train

    log = open(a.jsonl, "w", encoding="utf-8")

    def write(record):
        log.write(json.dumps(record) + "\n")
        log.flush()

    clock = {"start": None, "excluded": 0.0, "window_start": 0.0, "stopped_at": None}

    def training_seconds():
        if clock["start"] is None:
            return 0.0
        return time.monotonic() - clock["start"] - clock["excluded"]

    def excluded(fn):
        def wrapper(*args, **kwargs):
            t = time.monotonic()
            try:
                return fn(*args, **kwargs)
            finally:
                clock["excluded"] += time.monotonic() - t
        return wrapper

    Trainer = onmt.trainer.Trainer
    original_train = Trainer.train
    original_validate = Trainer.validate
    original_report = Trainer._maybe_report_training
    timed_validate = excluded(original_validate)

    def validate(self, valid_iter, moving_average=None):
        stats = timed_validate(self, valid_iter, moving_average=moving_average)
        step = self.optim.training_step - 1
        write({"kind": "valid", "step": step, "loss": stats.xent(), "ppl": stats.ppl(),
               "accuracy": stats.accuracy() / 100, "elapsed_s": training_seconds()})
        return stats

    def report(self, step, num_steps, learning_rate, report_stats):
        every = self.report_manager.report_every if self.report_manager is not None else 0
        if every > 0 and step % every == 0 and report_stats.n_words > 0:
            now = training_seconds()
            seconds = max(now - clock["window_start"], 1e-9)
            clock["window_start"] = now
            loss = report_stats.loss / report_stats.n_words
            write({"kind": "train", "step": step, "loss": loss, "ppl": math.exp(min(loss, 100)),
                   "tokens_per_s": (report_stats.n_src_words + report_stats.n_words) / seconds,
                   "src_tokens_per_s": report_stats.n_src_words / seconds,
                   "tgt_tokens_per_s": report_stats.n_words / seconds,
                   "lr": learning_rate, "elapsed_s": now})
        return original_report(self, step, num_steps, learning_rate, report_stats)

    def budgeted(iterator):
        for item in iterator:
            if training_seconds() >= a.budget_seconds:
                clock["stopped_at"] = training_seconds()
                return
            yield item

    def train(self, train_iter, train_steps, save_checkpoint_steps=5000, valid_iter=None, valid_steps=10000):
        clock["start"] = time.monotonic()
        stats = original_train(self, budgeted(train_iter), train_steps,
                               save_checkpoint_steps=save_checkpoint_steps,
                               valid_iter=valid_iter, valid_steps=valid_steps)
        step = self.optim.training_step - 1
        if valid_iter is not None and step % valid_steps != 0:
            valid_stats = self.validate(valid_iter, moving_average=self.moving_average)
            self._report_step(self.optim.learning_rate(), step, valid_stats=valid_stats)
        write({"kind": "end", "step": step, "training_s": training_seconds(),
               "budget_s": a.budget_seconds, "loop_wall_s": time.monotonic() - clock["start"],
               "excluded_s": clock["excluded"]})
        return stats

    Trainer.train = train
    Trainer.validate = validate
    Trainer._maybe_report_training = report
    model_saver.ModelSaverBase.save = excluded(model_saver.ModelSaverBase.save)

    sys.argv = ["onmt_train"] + onmt_args
    onmt.bin.train.main()


if __name__ == "__main__":
    main()
