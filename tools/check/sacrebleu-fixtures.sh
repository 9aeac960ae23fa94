#!/usr/bin/env bash
# Makes Tests/Fixtures/metrics/: a reference file (the first 300 lines of the
# Bible test set's Spanish side plus hand-picked edge cases), a hypothesis file
# derived from it by seeded edits (dropped, swapped, re-cased and re-punctuated
# words, empty lines), and expected.json with sacreBLEU's corpus BLEU and chrF
# for them, computed here with sacreBLEU itself. The Swift tests compare
# S2SMetrics against these numbers. Run by hand when the fixtures change.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
parse_options "$@" < /dev/null
source tools/python-venv.sh sacrebleu sacrebleu==2.6.0
out=Tests/Fixtures/metrics
mkdir -p "$out"
python3 - "$out" <<'PY'
import json, random, sys
import sacrebleu
out = sys.argv[1]
refs = open("corpora/bible-en-es/test.tgt", encoding="utf-8").read().split("\n")[:300]
refs += ["El precio es 1,000.50 dólares - no 5-3.", "A &amp; B &lt;tag&gt; &quot;x&quot;", "Línea con\ttabulador",
         "东京 と 大阪", "«¿Sí?» —dijo—.", "word", ""]
rng = random.Random(20261123)
hyps = []
for r in refs:
    words = r.split()
    edit = rng.random()
    if edit < 0.08:
        hyps.append("")
        continue
    out_words = []
    for w in words:
        x = rng.random()
        if x < 0.10: continue
        if x < 0.15: w = w.lower()
        if x < 0.18: w = w + ","
        if x < 0.20: w = w.replace(".", "")
        out_words.append(w)
        if rng.random() < 0.05: out_words.append(rng.choice(["y", "de", "la", "que", "el", "."]))
    if len(out_words) > 3 and rng.random() < 0.3:
        i = rng.randrange(len(out_words) - 1)
        out_words[i], out_words[i + 1] = out_words[i + 1], out_words[i]
    hyps.append(" ".join(out_words) + (" " if rng.random() < 0.1 else ""))
with open(f"{out}/ref.txt", "w", encoding="utf-8") as f: f.write("\n".join(refs) + "\n")
with open(f"{out}/hyp.txt", "w", encoding="utf-8") as f: f.write("\n".join(hyps) + "\n")
bleu = sacrebleu.corpus_bleu(hyps, [refs])
chrf = sacrebleu.corpus_chrf(hyps, [refs])
expected = {
    "sacrebleu_version": sacrebleu.__version__,
    "command": "tools/check/sacrebleu-fixtures.sh (sacrebleu.corpus_bleu(hyps, [refs]), sacrebleu.corpus_chrf(hyps, [refs]))",
    "bleu": bleu.score, "bleu_counts": bleu.counts, "bleu_totals": bleu.totals,
    "bleu_precisions": bleu.precisions, "bleu_bp": bleu.bp, "bleu_sys_len": bleu.sys_len, "bleu_ref_len": bleu.ref_len,
    "bleu_text": str(bleu), "chrf": chrf.score, "chrf_text": str(chrf),
    "lines": len(refs),
}
json.dump(expected, open(f"{out}/expected.json", "w"), indent=2, sort_keys=True)
print(bleu, "|", chrf)
PY
