#!/usr/bin/python3
"""Build a verse-aligned English-Spanish corpus from two SWORD Bible modules.

Reads the raw OSIS text of every verse of engWEB2015eb (World English Bible,
NRSVA versification) and spaRV1909eb (Reina-Valera 1909, KJV versification)
through Debian's python3-sword bindings, strips the markup itself (instead of
using diatheke's plain renderer, which glues words where footnotes were,
breaks poetry over lines and leaks Strong's numbers), aligns verses by
reference (book, chapter, verse), splits train/valid/test and writes
one-sentence-a-line files.

Run it with Debian's interpreter (/usr/bin/python3): a pyenv or other
Python on PATH cannot import the `Sword` module that python3-sword installs.
Apart from `Sword`, only the Python 3.11 standard library is used.

    /usr/bin/python3 tools/corpus/bible_align.py --out corpora/bible-en-es

The output is a pure function of the two modules' text: no timestamps, no
hash-order dependence, so repeated runs give identical bytes.
"""

from __future__ import annotations

import argparse
import collections
import html
import json
import os
import re
import sys
import unicodedata

SRC_MODULE = "engWEB2015eb"  # English (source)
TGT_MODULE = "spaRV1909eb"  # Spanish (target)

# Books held out as the test set (OSIS book names).
TEST_BOOKS = ("Ruth", "Esth", "Jonah", "Mic", "Jas", "1John", "Phlm", "Jude")
VALID_EVERY = 100  # every 100th remaining verse (canonical order) is valid

# Where the Reina-Valera 1909 module stores Spanish-numbered text in KJV
# verse slots, the same reference holds different text on the two sides.
# These ranges (inclusive, found by comparing the texts; see README) are
# dropped as "versification mismatch" rather than mis-paired.
VERSIFICATION_MISMATCH: tuple[tuple[str, str], ...] = ()

# Enclitic object pronouns that RV1909 marks as translator-added
# (<transChange>) directly after a verb: "sáca<tc>lo</tc>" is "sácalo".
ENCLITICS = {"lo", "la", "los", "las", "le", "les", "me", "te", "se", "nos", "os"}
# ...but after these words the pronoun is a separate word ("no lo hizo",
# "Dios lo permitiere"); every such case in the module was checked by hand.
NOT_ENCLITIC_HOSTS = {
    "como", "cuánto", "dios", "ellos", "gentes", "jehová", "josué", "no",
    "os", "que", "y",
}

TAG_RE = re.compile(r"<[^>]*>|[^<]+")
ATTR_RE = re.compile(r'([A-Za-z:]+)="([^"]*)"')
WS_RE = re.compile(r"\s+")
LETTER_RE = re.compile(r"[^\W\d_]", re.UNICODE)

# Elements whose whole content is dropped.
DROP_ELEMENTS = {"note", "speaker"}  # footnotes/cross references; Song of
# Songs speaker labels ("Beloved", "Friends"), which are editorial headings.
# Elements that mark a line/paragraph/structure boundary: replaced by a space.
BOUNDARY_ELEMENTS = {
    "l", "lg", "lb", "p", "div", "chapter", "milestone", "item", "list",
    "title", "br",
}


# --------------------------------------------------------------------------
# Reading the modules
# --------------------------------------------------------------------------

def read_module(name: str) -> list[tuple[str, str]]:
    """Every verse of the module's own versification, as (osisRef, raw OSIS)."""
    import Sword  # Debian python3-sword; only needed here

    mgr = Sword.SWMgr()
    mod = mgr.getModule(name)
    if mod is None:
        sys.exit(f"bible_align: SWORD module {name} is not installed")
    vk = Sword.VerseKey.castTo(mod.createKey())
    vk.setIntros(False)
    vk.setAutoNormalize(False)
    out = []
    for testament in (1, 2):
        vk.setTestament(testament)
        for book in range(1, vk.getBookMax() + 1):
            vk.setTestament(testament)
            vk.setBook(book)
            vk.setChapter(1)
            vk.setVerse(1)
            for chapter in range(1, vk.getChapterMax() + 1):
                vk.setChapter(chapter)
                vk.setVerse(1)
                for verse in range(1, vk.getVerseMax() + 1):
                    vk.setVerse(verse)
                    mod.setKey(vk)
                    out.append((vk.getOSISRef(), mod.getRawEntry()))
    return out


def split_ref(osis: str) -> tuple[str, int, int]:
    book, chapter, verse = osis.split(".")
    return book, int(chapter), int(verse)


# --------------------------------------------------------------------------
# Markup stripping
# --------------------------------------------------------------------------

def _tag_name(tag: str) -> tuple[str, bool, bool]:
    """(name, is_end, is_empty) of a tag string like '<w lemma="...">'."""
    body = tag[1:-1].strip()
    is_end = body.startswith("/")
    if is_end:
        body = body[1:]
    is_empty = body.endswith("/")
    if is_empty:
        body = body[:-1]
    name = body.split(None, 1)[0] if body else ""
    return name, is_end, is_empty


def _needs_space(before: str, after: str) -> bool:
    """Whether text that was glued across removed markup needs a space.

    `before` is the text emitted so far, `after` the text that follows.
    A space is needed when a word (or closing punctuation) meets the start
    of a new word: 'God<note/>created' -> 'God created', 'said.<note/>Then'
    -> 'said. Then'; but not before punctuation: 'God<note/>,' -> 'God,'.
    """
    if not before or not after:
        return False
    a, b = before[-1], after[0]
    if a.isspace() or b.isspace():
        return False
    if a in "“‘([{¿¡—-/" :
        return False
    if b.isalnum() or b in "“([{¿¡":
        return True
    return False


def strip_osis(ref: str, raw: str, side: str, keep_psalm_titles: bool) -> str:
    """One verse of OSIS -> plain text (side is "web" or "rv").

    Footnotes, cross references and speaker labels are dropped with their
    content; structural elements (poetry lines, paragraphs, ...) become a
    space; inline elements (<w>, <q>, <transChange>, ...) are dropped, keeping
    their text. Wherever markup was removed between two pieces of text that
    had no space between them, _needs_space() decides whether to put one:
    both modules lost spaces at such points ("God<note/>created",
    "justicia.”</q>Then", RV's "allí<transChange>también"). The one exception
    is RV's translator-added enclitic pronoun, glued to its verb
    ("sáca<transChange>lo</transChange>" -> "sácalo").
    """
    book, chapter, _ = split_ref(ref)
    parts: list[str] = []
    pending_join = False  # markup was removed since the last text
    skip = 0  # depth inside dropped elements
    title_keep: list[bool] = []  # for each open <title>: keep its text?
    toks = TAG_RE.findall(raw)
    for i, tok in enumerate(toks):
        if not tok.startswith("<"):
            if skip or not all(title_keep):
                continue
            text = html.unescape(tok)
            if pending_join and parts:
                prev = parts[-1]
                if _needs_space(prev, text) and not (
                    side == "rv" and _is_enclitic_join(prev, text, toks, i)
                ):
                    parts.append(" ")
            pending_join = False
            parts.append(text)
            continue
        name, is_end, is_empty = _tag_name(tok)
        attrs = dict(ATTR_RE.findall(tok))
        # Everything after the end of the book (the WEB glossary after
        # Rev 22:21, for one) is not verse text.
        if name == "div" and attrs.get("type") in ("glossary", "introduction"):
            break
        if name == "div" and attrs.get("type") == "book" and "eID" in attrs:
            break
        if name in DROP_ELEMENTS and not is_empty:
            skip += -1 if is_end else 1
            pending_join = True
            continue
        if name == "title" and not is_empty:
            if is_end:
                if title_keep:
                    title_keep.pop()
            else:
                title_keep.append(
                    keep_psalm_titles
                    and attrs.get("canonical") == "true"
                    and attrs.get("type") == "psalm"
                    # Ps 119's acrostic letters (ALEPH, BETH, ...) are section
                    # headings, not text: dropped on both sides.
                    and not (book == "Ps" and chapter == 119)
                )
            parts.append(" ")
            pending_join = False
            continue
        if skip:
            continue
        if name in BOUNDARY_ELEMENTS:
            parts.append(" ")
            pending_join = False
        else:
            pending_join = True
    return "".join(parts)


def _is_enclitic_join(prev: str, text: str, toks: list[str], i: int) -> bool:
    """prev + text meet at a <transChange> start: is text an enclitic pronoun?"""
    # Only when the text right after the opening tag is exactly one pronoun
    # that is closed by </transChange>.
    if i == 0 or not toks[i - 1].startswith("<transChange"):
        return False
    if i + 1 >= len(toks) or not toks[i + 1].startswith("</transChange"):
        return False
    if text.lower() not in ENCLITICS:
        return False
    m = re.search(r"(\w+)$", prev)
    if not m:
        return False
    return m.group(1).lower() not in NOT_ENCLITIC_HOSTS


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    text = WS_RE.sub(" ", text).strip()
    return text


# --------------------------------------------------------------------------
# RV1909's capitalised chapter openings
# --------------------------------------------------------------------------

WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
SENTENCE_END = ".!?:;¿¡“‘«(—"

# One-off openings the generic rule cannot see (checked by hand):
# Judg 2:1 reads "Y El ángel" (the run is "Y" plus a capitalised "El"), and
# Luke 1:5 opens the narrative after the prologue with "HUBO".
OPENING_FIXES = {
    "Judg.2.1": ("Y El ángel", "Y el ángel"),
    "Luke.1.5": ("HUBO en", "Hubo en"),
}


def is_caps_word(w: str) -> bool:
    letters = [ch for ch in w if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def build_case_table(texts: list[str]) -> dict[str, str]:
    """Preferred casing of each word, from its sentence-internal uses.

    For every lower-cased word, count how often it appears capitalised
    ("Jehová") or in lower case ("aconteció") where it is not the first word
    of a sentence; the majority wins (ties and unseen words: lower case).
    All-caps uses are not counted.
    """
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for text in texts:
        prev_end = 0
        for m in WORD_RE.finditer(text):
            w = m.group(0)
            gap = text[prev_end:m.start()]
            prev_end = m.end()
            if m.start() == 0 or any(ch in SENTENCE_END for ch in gap):
                continue
            if is_caps_word(w) and len(w) > 1:
                continue
            form = "cap" if w[0].isupper() else "low" if w.islower() else None
            if form:
                counts[w.lower()][form] += 1
    table = {}
    folded: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for low, c in sorted(counts.items()):
        table[low] = low[:1].upper() + low[1:] if c["cap"] > c["low"] else low
        folded[fold(low)].update(c)
    # Fallback for spellings seen only with other diacritics ("ACHAB" is
    # written "Achâb" elsewhere): keyed by the accent-free form.
    for key, c in sorted(folded.items()):
        table.setdefault("~" + key, "cap" if c["cap"] > c["low"] else "low")
    return table


def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def recase(word: str, case_table: dict[str, str]) -> str:
    low = word.lower()
    if low in case_table:
        return case_table[low]
    if case_table.get("~" + fold(low)) == "cap":
        return low[:1].upper() + low[1:]
    if "-" in low:
        return "-".join(recase(part, case_table) for part in word.split("-"))
    return low


def fix_opening_caps(text: str, case_table: dict[str, str]) -> tuple[str, str]:
    """Undo RV1909's capitalised first word(s) of a chapter.

    Finds the first all-caps word of two or more letters, extends the run
    backwards over single capital letters ("Y", "A") and forwards over the
    following all-caps words, and recases the run: its first word gets an
    initial capital and lower case after it; the other words take the
    casing they usually have inside a sentence (so "Y DAVID huyó" becomes
    "Y David huyó" and "A TI, oh Jehová" becomes "A ti, oh Jehová").
    Returns (new text, the run as found), the run being "" when none.
    """
    words = list(WORD_RE.finditer(text))
    first = next(
        (i for i, m in enumerate(words) if len(m.group(0)) > 1 and is_caps_word(m.group(0))),
        None,
    )
    if first is None:
        return text, ""
    start = first
    while start > 0 and len(words[start - 1].group(0)) == 1 and words[start - 1].group(0).isupper():
        # only when nothing but spaces/punctuation separates them
        start -= 1
    end = first
    while end + 1 < len(words) and is_caps_word(words[end + 1].group(0)):
        end += 1
    out = []
    pos = 0
    for i in range(start, end + 1):
        m = words[i]
        w = m.group(0)
        if i == start:
            new = w[:1] + w[1:].lower()
        else:
            new = recase(w, case_table)
        out.append(text[pos:m.start()])
        out.append(new)
        pos = m.end()
    out.append(text[pos:])
    run = text[words[start].start():words[end].end()]
    return "".join(out), run


# --------------------------------------------------------------------------
# Per-module clean-up
# --------------------------------------------------------------------------

ACROSTIC_RE = re.compile(r"^[A-Z]+\.?\s+")


def clean_module(verses, side: str, keep_psalm_titles: bool, titled=frozenset()) -> dict[str, str]:
    texts = {}
    for ref, raw in verses:
        texts[ref] = normalise(strip_osis(ref, raw, side, keep_psalm_titles))
    if side == "rv":
        fix_rv(texts, set() if keep_psalm_titles else set(titled))
    return texts


def psalm_title_refs(verses) -> set[str]:
    """Refs whose WEB text carries a canonical psalm title (Ps 119 excluded)."""
    return {
        ref for ref, raw in verses
        if ref.startswith("Ps.") and not ref.startswith("Ps.119.")
        and re.search(r'<title[^>]*type="psalm"', raw)
    }


def fix_rv(texts: dict[str, str], drop_title_at: set[str]) -> None:
    """RV1909-specific fixes, in place."""
    # Ps 119: the Hebrew letter heading each 8-verse stanza is part of the
    # verse text ("ALEPH. BIENAVENTURADOS los...", "BETH ¿Con qué..."); WEB
    # marks the same letters as titles, which strip_osis drops.
    for stanza in range(22):
        ref = f"Ps.119.{stanza * 8 + 1}"
        if ref in texts:
            texts[ref] = ACROSTIC_RE.sub("", texts[ref], count=1)
    case_table = build_case_table(list(texts.values()))
    for ref in texts:
        if ref.endswith(".1"):
            text, run = fix_opening_caps(texts[ref], case_table)
            if ref in drop_title_at and run:
                # RV1909 runs the superscription into verse 1; the verse
                # proper starts at the capitalised opening.
                text = text[texts[ref].index(run):]
            texts[ref] = text
        if ref in OPENING_FIXES:
            old, new = OPENING_FIXES[ref]
            if texts[ref].startswith(old):
                texts[ref] = new + texts[ref][len(old):]


# --------------------------------------------------------------------------
# Alignment, split, output
# --------------------------------------------------------------------------

def in_ranges(ref: str, ranges) -> bool:
    book, chapter, verse = split_ref(ref)
    for lo, hi in ranges:
        lb, lc, lv = split_ref(lo)
        hb, hc, hv = split_ref(hi)
        if book == lb == hb and (lc, lv) <= (chapter, verse) <= (hc, hv):
            return True
    return False


def align(src_verses, tgt_verses, src_text, tgt_text):
    """Pairs (ref, src, tgt) in the target module's canonical order + stats."""
    src_refs = [r for r, _ in src_verses]
    tgt_refs = [r for r, _ in tgt_verses]
    src_set, tgt_set = set(src_refs), set(tgt_refs)
    src_books = {split_ref(r)[0] for r in src_refs}
    tgt_books = {split_ref(r)[0] for r in tgt_refs}
    dropped: collections.Counter = collections.Counter()
    dropped_refs: dict[str, list[str]] = collections.defaultdict(list)

    def drop(reason: str, ref: str) -> None:
        dropped[reason] += 1
        dropped_refs[reason].append(ref)

    for ref in src_refs:
        if ref in tgt_set:
            continue
        if split_ref(ref)[0] not in tgt_books:
            drop("en: book not in RV1909 (deuterocanonical)", ref)
        else:
            drop("en: verse not in KJV versification", ref)
    for ref in tgt_refs:
        if ref in src_set:
            continue
        if split_ref(ref)[0] not in src_books:
            drop("es: book not in WEB", ref)
        else:
            drop("es: verse not in NRSVA versification", ref)

    pairs = []
    for ref in tgt_refs:
        if ref not in src_set:
            continue
        s, t = src_text[ref], tgt_text[ref]
        if in_ranges(ref, VERSIFICATION_MISMATCH):
            drop("pair: versification mismatch (same reference, different text)", ref)
        elif not s and not t:
            drop("pair: empty on both sides", ref)
        elif not s:
            drop("pair: empty in WEB (text merged into a neighbouring verse)", ref)
        elif not t:
            drop("pair: empty in RV1909 (text merged into a neighbouring verse)", ref)
        else:
            pairs.append((ref, s, t))
    return pairs, dropped, dropped_refs


def display_ref(ref: str) -> str:
    book, chapter, verse = split_ref(ref)
    return f"{book} {chapter}:{verse}"


def split_pairs(pairs):
    test = [p for p in pairs if split_ref(p[0])[0] in TEST_BOOKS]
    rest = [p for p in pairs if split_ref(p[0])[0] not in TEST_BOOKS]
    valid = [p for i, p in enumerate(rest, 1) if i % VALID_EVERY == 0]
    train = [p for i, p in enumerate(rest, 1) if i % VALID_EVERY != 0]
    return {"train": train, "valid": valid, "test": test}


def check_line(text: str, ref: str) -> None:
    if not text or "\t" in text or "\n" in text or "\r" in text or text != text.strip():
        raise SystemExit(f"bible_align: bad line at {ref}: {text!r}")
    if "<" in text or ">" in text:
        raise SystemExit(f"bible_align: markup left at {ref}: {text!r}")


def write_lines(path: str, lines: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")


def tokens(lines) -> int:
    return sum(len(line.split()) for line in lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--stats", help="write counts as JSON here")
    ap.add_argument(
        "--drop-psalm-titles", action="store_true",
        help="drop the psalm superscriptions (kept by default, see README)",
    )
    args = ap.parse_args(argv)
    keep_titles = not args.drop_psalm_titles

    src_verses = read_module(SRC_MODULE)
    tgt_verses = read_module(TGT_MODULE)
    src_text = clean_module(src_verses, "web", keep_titles)
    tgt_text = clean_module(tgt_verses, "rv", keep_titles, psalm_title_refs(src_verses))

    pairs, dropped, dropped_refs = align(src_verses, tgt_verses, src_text, tgt_text)
    for ref, s, t in pairs:
        check_line(s, ref)
        check_line(t, ref)
    splits = split_pairs(pairs)

    os.makedirs(args.out, exist_ok=True)
    for name, items in splits.items():
        write_lines(os.path.join(args.out, f"{name}.src"), [s for _, s, _ in items])
        write_lines(os.path.join(args.out, f"{name}.tgt"), [t for _, _, t in items])
        write_lines(os.path.join(args.out, f"{name}.ref"), [display_ref(r) for r, _, _ in items])

    src_order = {r: i for i, (r, _) in enumerate(src_verses)}
    tgt_order = {r: i for i, (r, _) in enumerate(tgt_verses)}
    stats = {
        "verses": {
            SRC_MODULE: len(src_verses),
            SRC_MODULE + " non-empty": sum(1 for v in src_text.values() if v),
            TGT_MODULE: len(tgt_verses),
            TGT_MODULE + " non-empty": sum(1 for v in tgt_text.values() if v),
        },
        "aligned": len(pairs),
        "dropped": dict(sorted(dropped.items())),
        "dropped_refs": {
            k: compress_refs(v, src_order if k.startswith("en:") else tgt_order)
            for k, v in sorted(dropped_refs.items())
        },
        "splits": {
            name: {
                "pairs": len(items),
                "src_tokens": tokens(s for _, s, _ in items),
                "tgt_tokens": tokens(t for _, _, t in items),
            }
            for name, items in splits.items()
        },
        "test_books": list(TEST_BOOKS),
    }
    if args.stats:
        with open(args.stats, "w", encoding="utf-8") as f:
            json.dump(stats, f, ensure_ascii=False, indent=2)
            f.write("\n")
    for name, st in stats["splits"].items():
        print(f"{name}: {st['pairs']} pairs, {st['src_tokens']} en / {st['tgt_tokens']} es tokens")
    for reason, n in stats["dropped"].items():
        print(f"dropped {n}: {reason}")
    return 0


def compress_refs(refs: list[str], order: dict[str, int]) -> list[str]:
    """['Tob.1.1', 'Tob.1.2', ..., 'Tob.14.15'] -> ['Tob.1.1-Tob.14.15']:
    runs of verses that are consecutive in `order`, for a readable summary."""
    out: list[str] = []
    run: list[str] = []
    for ref in refs:
        if run and order[ref] != order[run[-1]] + 1:
            out.append(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}")
            run = []
        run.append(ref)
    if run:
        out.append(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}")
    return out


if __name__ == "__main__":
    sys.exit(main())
