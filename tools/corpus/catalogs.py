"""Parallel English -> LANG corpora from Debian packages' gettext catalogs.

Called by build-catalogs.sh with the folder of extracted packages (one
sub-folder per package, named PACKAGE_VERSION) and the languages. Every
translated message of a package's LANG catalogs (/usr/share/locale/LANG/
LC_MESSAGES/*.mo) is a pair: msgid -> msgstr, a plural's msgid -> msgstr[0]
and msgid_plural -> each further form. The compiled catalogs hold no fuzzy
entries. Context prefixes (msgctxt) are dropped; newlines and tabs inside a
message are written as the two characters \\n and \\t (the way the catalogs'
sources write them), so each message stays one line; format directives
(%s, %1$d, {name}) and markup are kept as they are. Pairs whose two sides are
equal (untranslated) or empty are dropped.

Splits are by package, so the test set is no paraphrase of training: test
and valid hold the packages named below, train the rest. A pair already in
an earlier split, and a valid or test pair whose English side is in
training, is dropped (the splits are taken in the order train, valid, test).
"""
import collections, json, os, struct, sys

TEST_PACKAGES = ["gnupg-l10n"]
VALID_PACKAGES = ["tar", "wget"]


def read_mo(path):
    """(msgid, msgstr) byte strings of a compiled catalog, in its order."""
    data = open(path, "rb").read()
    order = "<" if struct.unpack("<I", data[:4])[0] == 0x950412DE else ">"
    _, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    for i in range(count):
        length, offset = struct.unpack(order + "2I", data[originals + 8 * i: originals + 8 * i + 8])
        t_length, t_offset = struct.unpack(order + "2I", data[translations + 8 * i: translations + 8 * i + 8])
        yield data[offset:offset + length], data[t_offset:t_offset + t_length]


def one_line(text):
    return text.replace("\r", "").replace("\n", "\\n").replace("\t", "\\t").strip()


def pairs(path):
    for msgid, msgstr in read_mo(path):
        if not msgid:
            continue  # the catalog's header
        try:
            source, target = msgid.decode("utf-8"), msgstr.decode("utf-8")
        except UnicodeDecodeError:
            continue  # a catalog in another encoding: none of the chosen ones
        source = source.split("\x04", 1)[-1]  # msgctxt
        sources, targets = source.split("\x00"), target.split("\x00")
        if len(sources) == 1:
            yield one_line(sources[0]), one_line(targets[0])
        else:
            yield one_line(sources[0]), one_line(targets[0])
            for form in targets[1:]:
                yield one_line(sources[1]), one_line(form)


def catalogs(root, package_dir, lang):
    folder = os.path.join(root, package_dir, "usr/share/locale", lang, "LC_MESSAGES")
    if not os.path.isdir(folder):
        return []
    return sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".mo"))


def build(root, lang, out):
    packages = sorted(os.listdir(root))
    split_of = {}
    for p in packages:
        name = p.split("_")[0]
        split_of[p] = "test" if name in TEST_PACKAGES else "valid" if name in VALID_PACKAGES else "train"
    seen, train_sources = set(), set()
    kept = {s: [] for s in ("train", "valid", "test")}
    counts = collections.defaultdict(lambda: collections.Counter())
    for split in ("train", "valid", "test"):
        for p in packages:
            if split_of[p] != split:
                continue
            for mo in catalogs(root, p, lang):
                for source, target in pairs(mo):
                    reason = None
                    if not source or not target:
                        reason = "empty"
                    elif source == target:
                        reason = "untranslated"
                    elif (source, target) in seen:
                        reason = "duplicate"
                    elif split != "train" and source in train_sources:
                        reason = "source in train"
                    counts[p][reason or "kept"] += 1
                    if reason:
                        continue
                    seen.add((source, target))
                    if split == "train":
                        train_sources.add(source)
                    kept[split].append((source, target))
    os.makedirs(out, exist_ok=True)
    for split, items in kept.items():
        for side, k in (("src", 0), ("tgt", 1)):
            with open(os.path.join(out, f"{split}.{side}"), "w", encoding="utf-8") as f:
                f.write("".join(item[k] + "\n" for item in items))
    return {split: len(items) for split, items in kept.items()}, {p: dict(c) for p, c in counts.items()}, split_of


NAMES = {"de": "German", "ru": "Russian", "zh": "Chinese", "ja": "Japanese", "ar": "Arabic", "fr": "French", "es": "Spanish"}


def readme(lang, sizes, counts, split_of):
    code = lang.split("_")[0]
    name = NAMES.get(code, lang) + (f" ({lang})" if "_" in lang else "")
    lines = [f"# catalogs-en-{lang}: English–{name} pairs from Debian's translation catalogs", "",
             "Built by `tools/corpus/build-catalogs.sh " + lang + "` (not committed: the catalogs are under their",
             "packages' licences, mostly the GPL; build the corpus where you use it). Source (`.src`) is",
             f"English (the messages' msgid), target (`.tgt`) is {name} (msgstr). Prepare it with",
             f"`s2s-prep --corpus corpora/catalogs-en-{lang} --source-lang en --target-lang {code}`.",
             "", "| split | pairs |", "| --- | ---: |"]
    lines += [f"| {s} | {sizes[s]} |" for s in ("train", "valid", "test")]
    lines += ["", "| package | version | split | pairs kept | dropped: duplicate | untranslated | empty | source in train |",
              "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for p in sorted(counts):
        name, version = p.split("_", 1)
        c = counts[p]
        lines.append(f"| {name} | {version} | {split_of[p]} | {c.get('kept', 0)} | {c.get('duplicate', 0)} | "
                     f"{c.get('untranslated', 0)} | {c.get('empty', 0)} | {c.get('source in train', 0)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    root, out_root, langs = sys.argv[1], sys.argv[2], sys.argv[3:]
    for lang in langs:
        out = os.path.join(out_root, f"catalogs-en-{lang}")
        sizes, counts, split_of = build(root, lang, out)
        open(os.path.join(out, "README.md"), "w", encoding="utf-8").write(readme(lang, sizes, counts, split_of))
        print(f"catalogs-en-{lang}: " + ", ".join(f"{s} {n}" for s, n in sizes.items()), file=sys.stderr)
