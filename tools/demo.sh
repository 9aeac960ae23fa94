#!/usr/bin/env bash
# The main job on a fresh machine (after the Swift toolchain): install the
# system packages, build, prepare the bundled English–Spanish Bible corpus
# into vocabularies and binary training data, and train a small model for a
# few minutes (S2S_DEMO_TIME, default 3m), with its progress bar.
# Translation joins this script when s2s-translate lands.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
echo "== building (release)"
swift build -c release --product s2s-prep
swift build -c release --product s2s-train
bin=.build/release

echo "== s2s-prep: corpora/bible-en-es -> vocab/bible-en-es, data/bible-en-es"
"$bin/s2s-prep" --corpus corpora/bible-en-es --bpe-merges 8000 --write-text

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
echo "== s2s-train: a small model for ${S2S_DEMO_TIME:-3m} (Ctrl-C stops it cleanly; --resume continues)"
rm -rf models/demo-bible
"$bin/s2s-train" --data data/bible-en-es --vocab vocab/bible-en-es --model models/demo-bible \
  --preset small --max-time "${S2S_DEMO_TIME:-3m}" --valid-every 200 --save-every 200
echo
echo "-- models/demo-bible:"
ls -l models/demo-bible
echo "-- the last validation record of models/demo-bible/train.jsonl:"
grep '"kind":"valid"' models/demo-bible/train.jsonl | tail -1
