#!/usr/bin/env bash
# The main job on a fresh machine (after the Swift toolchain): install the
# system packages, build, and prepare the bundled English–Spanish Bible corpus
# into vocabularies and binary training data. Later stages (training,
# translation) join this script as they land.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
echo "== building (release)"
swift build -c release --product s2s-prep
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
