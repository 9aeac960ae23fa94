#!/usr/bin/env bash
# Builds corpora/bible-en-es/: an English–Spanish verse-aligned corpus from
# Debian's public-domain SWORD Bible modules (World English Bible and
# Reina-Valera 1909). See corpora/bible-en-es/README.md for what it does and
# why. Installs what it needs (root, or sudo). Deterministic: the same package
# versions give the same output bytes.
#
#   bash tools/corpus/build-bible.sh [OUT_DIR]    # default corpora/bible-en-es
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/lib.sh
source "$root/tools/lib.sh"
out=$root/corpora/bible-en-es
parse_options "$@" <<'EOF'
OUT_DIR     out
EOF

# sword-text-web: module engWEB2015eb; sword-text-sparv: module spaRV1909eb;
# python3-sword: the SWORD library's bindings for Debian's python3.
packages=(sword-text-web sword-text-sparv python3-sword)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "build-bible: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's interpreter, not whatever python3 is first on PATH (a pyenv or
# virtualenv Python cannot import the Sword module python3-sword installs).
py=/usr/bin/python3
if ! "$py" -c 'import Sword' 2>/dev/null; then
  echo "build-bible: $py cannot import Sword (python3-sword)" >&2
  exit 1
fi

versions="$(dpkg-query -W -f='${Package}=${Version},' \
  sword-text-web sword-text-sparv python3-sword libsword1.9.0 2>/dev/null || true)"

mkdir -p "$out"
# Keep the interpreter from writing __pycache__ next to the script.
PYTHONDONTWRITEBYTECODE=1 "$py" "$root/tools/corpus/bible_align.py" \
  --out "$out" \
  --readme "$out/README.md" \
  --versions "${versions%,}"
