#!/usr/bin/env bash
# The main job on a fresh machine (after the Swift toolchain): install the
# system packages, build, prepare the bundled English–Spanish Bible corpus
# into vocabularies and binary training data, and train a small model for a
# few minutes (S2S_DEMO_TIME, default 5m), with its progress bar, then
# translate a few English sentences and score the test books.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
parse_options "$@" < /dev/null

bash tools/setup.sh
echo "== building (release), what is missing or older than its sources"
bin=""
s2s_binaries bin s2s-prep s2s-train s2s-translate s2s-score

echo "== s2s-prep: corpora/bible-en-es -> vocab/bible-en-es, data/bible-en-es"
"$bin/s2s-prep" --corpus corpora/bible-en-es --bpe-merges 8000 --write-text --source-lang en --target-lang es

echo
echo "== what was written"
ls -l vocab/bible-en-es data/bible-en-es
echo
echo "-- vocab/bible-en-es/prep.json (excerpt)"
head -30 vocab/bible-en-es/prep.json
echo
echo "-- the first training pair as subwords (data/bible-en-es/train.bpe.*):"
echo "   en: $(head -1 data/bible-en-es/train.bpe.src)"
echo "   es: $(head -1 data/bible-en-es/train.bpe.tgt)"

echo
echo "== s2s-train: a small model for ${S2S_DEMO_TIME:-5m} (Ctrl-C stops it cleanly; --resume continues)"
rm -rf models/demo-bible
"$bin/s2s-train" --data data/bible-en-es --vocab vocab/bible-en-es --model models/demo-bible \
  --preset small --max-time "${S2S_DEMO_TIME:-5m}" --valid-every 200 --save-every 200
echo
echo "-- models/demo-bible:"
ls -l models/demo-bible
echo "-- the last validation record of models/demo-bible/train.jsonl:"
grep '"kind":"valid"' models/demo-bible/train.jsonl | tail -1

echo
echo "== s2s-translate: a few English sentences (a few minutes of training: expect rough Spanish)"
printf '%s\n' "In the beginning God created the heavens and the earth." \
  "The Lord is my shepherd." "Love one another." | "$bin/s2s-translate" --model models/demo-bible --beam-size 5
echo
echo "== the test books (Ruth, Esther, Jonah, Micah, James, 1 John, Philemon, Jude), greedy, scored:"
"$bin/s2s-translate" --model models/demo-bible --beam-size 1 --batch-size 64 < corpora/bible-en-es/test.src \
  > models/demo-bible/test.hyp
"$bin/s2s-score" --ref corpora/bible-en-es/test.tgt < models/demo-bible/test.hyp
echo
echo "Loss curve: models/demo-bible/plots/loss.svg (open it in a browser)"
