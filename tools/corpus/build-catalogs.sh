#!/usr/bin/env bash
# Builds corpora/catalogs-en-LANG/ (train, valid, test) for each LANG from
# the gettext catalogs of a fixed list of Debian packages (tools/corpus/
# catalogs.py says how pairs and splits are made). The packages are fetched
# with `apt-get download` into .build-catalogs/ and unpacked there, never
# installed. The same package versions give the same corpora, byte for byte.
# Usage: tools/corpus/build-catalogs.sh [--out DIR] [LANG...]   (default: de ru zh_CN ja)
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
out=corpora langs=()
parse_options "$@" <<'EOF'
--out DIR     out
LANG...       langs
EOF
[ ${#langs[@]} -eq 0 ] && langs=(de ru zh_CN ja)

# Large catalogs in many languages; gnupg-l10n is the test split, tar and
# wget the validation split (catalogs.py).
packages=(apt binutils-common bison coreutils diffutils dpkg e2fsprogs evolution-common findutils gawk gcc-12-locales
          gettext gimp-data git gnome-control-center-data gnupg-l10n grep inkscape libglib2.0-data libgtk-3-common make
          nano parted sed tar util-linux-locales wget)
cache=.build-catalogs
mkdir -p "$cache/debs" "$cache/packages"
missing=()
for p in "${packages[@]}"; do ls "$cache/debs/${p}"_*.deb >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-catalogs: downloading ${#missing[@]} packages" >&2
  ( cd "$cache/debs" && apt-get download -qq "${missing[@]}" 2>/dev/null ) || {
    apt-get update -qq >/dev/null
    ( cd "$cache/debs" && apt-get download -qq "${missing[@]}" )
  }
fi
rm -rf "$cache/packages" && mkdir -p "$cache/packages"
for p in "${packages[@]}"; do
  deb=$(ls "$cache/debs/${p}"_*.deb | sort | tail -1)
  version=$(dpkg-deb -f "$deb" Version)
  dpkg-deb -x "$deb" "$cache/packages/${p}_${version}"
done
python3 tools/corpus/catalogs.py "$cache/packages" "$out" "${langs[@]}"
