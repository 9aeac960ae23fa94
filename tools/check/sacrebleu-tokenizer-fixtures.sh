#!/usr/bin/env bash
# Makes Tests/Fixtures/metrics/tokenizers/: adversarial lines in many
# scripts (adversarial.ref, and adversarial.hyp made from it by seeded
# edits), and expected.json with, for each tokenisation s2s-score offers
# (13a, intl, zh, char, none), sacreBLEU's tokens of every line (the
# adversarial ones and the first 100 of Tests/Fixtures/metrics/ref.txt) and
# its corpus BLEU on both fixture pairs — computed here with sacreBLEU 2.6.0
# itself. The Swift tests compare S2SMetrics against them. Run by hand when
# the fixtures change.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
parse_options "$@" < /dev/null
source tools/python-venv.sh sacrebleu sacrebleu==2.6.0
out=Tests/Fixtures/metrics/tokenizers
mkdir -p "$out"
python3 - "$out" <<'PY'
import json, random, sys
import sacrebleu
from sacrebleu.metrics import BLEU
out = sys.argv[1]
refs = [
    "东京和大阪。我爱你！今天是2024年12月7日，气温-3.5度。",
    "《红楼梦》是“中国”古典小说之一（清代），共120回…",
    "日本語のテキスト、テストです。「東京」へ行きます！",
    "Привет, мир! Это тест №5: «цитата» — и т.д.",
    "Größe: 3,5 m² — „Zitat“ ‚klein‘ ¿Qué? ¡Sí! 1.000,50 €",
    "مرحبا بالعالم، كيف حالك؟ ١٢٣٫٤",
    "Price: $1,000.50 (€900) 50% off... a+b=c <tag> & ©2024 ™ x^2 ~y |z| `q`",
    "x-1, 3-4 1.000,5 e.g. U.S.A. year 1999.",
    "ｆｕｌｌｗｉｄｔｈ　ｓｐａｃｅ ＡＢＣ！（１２３）",
    "emoji 😀 👍🏽 ☃ ★ ♥ → ⇒ ∑ ∞ ≤ ≥ ± × ÷",
    "‘single’ “double” … – — • † ‰ ′ ″ ‹a› «b»",
    "e\u0301 café naïve coöperate Åström",
    "สวัสดีครับ ทดสอบ ๑๒๓",
    "안녕하세요, 세계! 2024년.",
    "नमस्ते दुनिया। यह एक परीक्षण है॥",
    "A &amp; B &lt;tag&gt; &quot;x&quot; <skipped> end-",
    "Tab\tseparated\u00a0nbsp\u2009thin space",
    "Ελληνικά; ερώτηση; «Ναι»·",
    "עברית: שלום, עולם! (בדיקה)",
    "%s %1$d {name} &File <b>bold</b> \\n",
    "file_name.txt v2.0-beta_1 #tag @user 10:30 a.m.",
    "",
    "word",
]
rng = random.Random(20261207)
hyps = []
for r in refs:
    words = r.split()
    if rng.random() < 0.05:
        hyps.append("")
        continue
    o = []
    for w in words:
        x = rng.random()
        if x < 0.12: continue
        if x < 0.20 and len(w) > 2: w = w[: len(w) // 2] + w[len(w) // 2 + 1 :]
        o.append(w)
    if len(o) > 3 and rng.random() < 0.4:
        i = rng.randrange(len(o) - 1)
        o[i], o[i + 1] = o[i + 1], o[i]
    hyps.append(" ".join(o))
with open(f"{out}/adversarial.ref", "w", encoding="utf-8") as f: f.write("\n".join(refs) + "\n")
with open(f"{out}/adversarial.hyp", "w", encoding="utf-8") as f: f.write("\n".join(hyps) + "\n")
bible_ref = open("Tests/Fixtures/metrics/ref.txt", encoding="utf-8").read().split("\n")[:-1]
bible_hyp = open("Tests/Fixtures/metrics/hyp.txt", encoding="utf-8").read().split("\n")[:-1]
lines = refs + hyps + bible_ref[:100]
expected = {"sacrebleu_version": sacrebleu.__version__, "command": "tools/check/sacrebleu-tokenizer-fixtures.sh",
            "lines": lines, "tokenizers": {}}
for name in ["13a", "intl", "zh", "char", "none"]:
    bleu = BLEU(tokenize=name)
    # What BLEU counts n-grams of: the tokeniser's output of the rstripped line, split on white space.
    tokens = [bleu.tokenizer(l.rstrip()).split() for l in lines]
    scores = {}
    for pair, (h, r) in {"adversarial": (hyps, refs), "metrics": (bible_hyp, bible_ref)}.items():
        metric = BLEU(tokenize=name)
        s = metric.corpus_score(h, [r])
        scores[pair] = {"score": s.score, "counts": s.counts, "totals": s.totals, "sys_len": s.sys_len,
                        "ref_len": s.ref_len, "text": str(s), "signature": str(metric.get_signature())}
    expected["tokenizers"][name] = {"tokens": tokens, "bleu": scores}
json.dump(expected, open(f"{out}/expected.json", "w", encoding="utf-8"), sort_keys=True, ensure_ascii=False)
for name, v in expected["tokenizers"].items(): print(name, v["bleu"]["adversarial"]["text"], "|", v["bleu"]["metrics"]["text"])
PY
