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

# The RV1909 module stores its text in KJV verse slots, but in a few places
# it keeps the Spanish (Hebrew-style) verse division, so the same slot holds
# a different verse than the WEB's. Found by aligning each book with a
# length/proper-name dynamic-programming aligner and checking every
# disagreement by hand (see README).
#
# Runs of verses that RV1909 has under another reference:
# (first KJV verse, first RV1909 slot, number of verses). Verses are counted
# in versification order, so a run may cross a chapter end.
RV_SHIFTED: tuple[tuple[str, str, int], ...] = (
    ("Num.12.16", "Num.13.1", 32),    # Num 13 starts one verse earlier
    ("Num.29.40", "Num.30.1", 15),    # Num 30 likewise
    ("1Sam.23.29", "1Sam.24.1", 21),  # 1 Sam 24 likewise
    ("1Kgs.22.44", "1Kgs.22.45", 8),  # 1 Kgs 22:43 is two verses in RV1909
    ("1Chr.21.16", "1Chr.21.17", 13),  # 1 Chr 21:15 is two verses
    ("2Chr.33.12", "2Chr.33.11", 14),  # 2 Chr 33:10-11 is one verse
    ("Job.38.39", "Job.39.1", 3),     # Job 39 starts three verses earlier,
    ("Job.39.1", "Job.39.4", 26),     # ...
    ("Job.40.6", "Job.40.1", 19),     # and Job 40 five verses later
    ("Hos.11.12", "Hos.12.1", 13),    # Hos 12 starts one verse earlier
    ("Jonah.1.17", "Jonah.2.1", 9),   # Jonah 2 likewise
    ("2Cor.13.14", "2Cor.13.13", 1),  # 2 Cor 13:12-13 is one verse
)
# KJV verses whose text RV1909 divides differently: two verses in one slot
# (typically at the end of a shifted run) or a clause on the other side of
# a verse end. Their pairs are dropped: (first, last) inclusive.
BOUNDARY_DIFFERS: tuple[tuple[str, str], ...] = (
    ("Num.13.32", "Num.13.33"),
    ("Num.30.15", "Num.30.16"),
    ("Judg.14.18", "Judg.14.20"),
    ("1Sam.10.25", "1Sam.10.26"),
    ("1Sam.15.24", "1Sam.15.25"),
    ("1Sam.17.55", "1Sam.17.56"),
    ("1Sam.24.21", "1Sam.24.22"),
    ("2Sam.2.31", "2Sam.2.32"),
    ("2Sam.20.25", "2Sam.20.26"),
    ("1Kgs.16.29", "1Kgs.16.30"),
    ("1Kgs.18.33", "1Kgs.18.34"),
    ("1Kgs.22.43", "1Kgs.22.43"),
    ("1Kgs.22.52", "1Kgs.22.53"),
    ("2Kgs.4.30", "2Kgs.4.31"),
    ("1Chr.1.30", "1Chr.1.32"),
    ("1Chr.2.34", "1Chr.2.35"),
    ("1Chr.21.15", "1Chr.21.15"),
    ("1Chr.21.29", "1Chr.21.30"),
    ("1Chr.27.30", "1Chr.27.31"),
    ("2Chr.33.10", "2Chr.33.11"),
    ("Job.35.15", "Job.35.16"),
    ("Job.39.27", "Job.40.5"),
    ("Ps.137.3", "Ps.137.4"),
    ("Jer.51.21", "Jer.51.22"),
    ("Hos.12.13", "Hos.12.14"),
    ("Jonah.2.9", "Jonah.2.10"),
    ("Mark.6.27", "Mark.6.28"),
    ("Luke.7.18", "Luke.7.19"),
    ("Acts.11.25", "Acts.11.26"),
    ("Acts.19.40", "Acts.19.41"),
    ("2Cor.13.12", "2Cor.13.13"),
)
# WEB (NRSVA) puts the doxology of Romans 16:25-27 at the end of Rom 14:23
# (its 14:24-26); the KJV-versified RV1909 has it at 16:25-27, where WEB is
# empty. The doxology is cut from WEB's 14:23; 16:25-27 is then dropped as
# empty on the WEB side.
WEB_CUT = {"Rom.14.23": "Now to him who is able"}
# RV1909 ends each Pauline epistle and Hebrews with the KJV-style
# subscription ("Fué escrita de Corinto á los Romanos, enviada por medio de
# Febe..."), which is not in WEB: cut from the book's last verse.
SUBSCRIBED_BOOKS = (
    "Rom", "1Cor", "2Cor", "Gal", "Eph", "Phil", "Col", "1Thess", "2Thess",
    "1Tim", "2Tim", "Titus", "Phlm", "Heb",
)
SUBSCRIPTION_RE = re.compile(r"(?<=Amén\.)\s+[^.]*\b(?:[Ee]scrita|[Ee]nviada)\b.*$")

# Enclitic object pronouns that RV1909 marks as translator-added
# (<transChange>) directly after a verb: "sáca<tc>lo</tc>" is "sácalo".
ENCLITICS = {"lo", "la", "los", "las", "le", "les", "me", "te", "se", "nos", "os"}
# ...but after these words the pronoun is a separate word ("no lo hizo",
# "Dios lo permitiere"); every such case in the module was checked by hand.
NOT_ENCLITIC_HOSTS = {
    "como", "cuánto", "dios", "ellos", "gentes", "jehová", "josué", "no",
    "os", "que", "y",
}

# How often each clean-up fired, for the README (deterministic counts).
FIXES: collections.Counter = collections.Counter()

TAG_RE = re.compile(r"<[^>]*>|[^<]+")
ATTR_RE = re.compile(r'([A-Za-z:]+)="([^"]*)"')
WS_RE = re.compile(r"\s+")

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
    if a in "“‘([{¿¡—-/":
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
                if _needs_space(prev, text):
                    if side == "rv" and _is_enclitic_join(prev, text, toks, i):
                        FIXES[f"{side}: enclitic pronoun joined to its verb"] += 1
                    else:
                        FIXES[f"{side}: space put back where markup was removed"] += 1
                        parts.append(" ")
            pending_join = False
            parts.append(text)
            continue
        name, is_end, is_empty = _tag_name(tok)
        attrs = dict(ATTR_RE.findall(tok))
        # Everything after the end of the book (the WEB glossary after
        # Rev 22:21, for one) is not verse text.
        if (name == "div" and attrs.get("type") in ("glossary", "introduction")) or (
            name == "div" and attrs.get("type") == "book" and "eID" in attrs
        ):
            if any(not t.startswith("<") and t.strip() for t in toks[i:]):
                FIXES[f"{side}: text after the end of a book cut ({display_ref(ref)})"] += 1
            break
        if name in DROP_ELEMENTS and not is_empty:
            if not is_end and skip == 0:
                FIXES[f"{side}: `<{name}>` dropped"] += 1
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
    # The WEB module has a stray space before punctuation where markup was
    # (Luke 12:6 "assaria coins</q> <note/> <q>?", John 16:18).
    text = re.sub(r"(?<=\S) +([,.;:!?])", r"\1", text)
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
    else:
        for ref, marker in WEB_CUT.items():
            cut = texts[ref].find(marker)
            if cut <= 0:
                raise SystemExit(f"bible_align: {marker!r} not found in {ref}")
            texts[ref] = texts[ref][:cut].rstrip()
            FIXES["web: Rom 16:25-27 doxology cut from Rom 14:23"] += 1
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
            texts[ref], n = ACROSTIC_RE.subn("", texts[ref], count=1)
            FIXES["rv: Ps 119 acrostic letter dropped"] += n
    last_of_book: dict[str, str] = {}
    for ref, text in texts.items():
        if text:
            last_of_book[split_ref(ref)[0]] = ref
    for book in SUBSCRIBED_BOOKS:
        ref = last_of_book[book]
        texts[ref], n = SUBSCRIPTION_RE.subn("", texts[ref])
        if n != 1:
            raise SystemExit(f"bible_align: no subscription found in {ref}")
        FIXES["rv: epistle subscription cut"] += 1
    case_table = build_case_table(list(texts.values()))
    for ref in texts:
        if ref.endswith(".1"):
            text, run = fix_opening_caps(texts[ref], case_table)
            if run:
                FIXES["rv: capitalised chapter opening recased"] += 1
            if ref in drop_title_at and run:
                # RV1909 runs the superscription into verse 1; the verse
                # proper starts at the capitalised opening.
                cut = texts[ref].index(run)
                while cut > 0 and texts[ref][cut - 1] in "¿¡(“‘«":
                    cut -= 1
                text = text[cut:]
            texts[ref] = text
        if ref in OPENING_FIXES:
            old, new = OPENING_FIXES[ref]
            if not texts[ref].startswith(old):
                raise SystemExit(f"bible_align: {ref} does not start with {old!r}")
            texts[ref] = new + texts[ref][len(old):]
            FIXES["rv: capitalised chapter opening recased"] += 1


# --------------------------------------------------------------------------
# Alignment, split, output
# --------------------------------------------------------------------------

def expand_ranges(ranges, order: list[str]) -> set[str]:
    index = {r: i for i, r in enumerate(order)}
    out = set()
    for lo, hi in ranges:
        out.update(order[index[lo]:index[hi] + 1])
    return out


def rv_slot_map(order: list[str]) -> dict[str, str]:
    """KJV reference -> RV1909 slot holding that verse (identity elsewhere)."""
    index = {r: i for i, r in enumerate(order)}
    slots = {r: r for r in order}
    for kjv, rv, count in RV_SHIFTED:
        for k in range(count):
            slots[order[index[kjv] + k]] = order[index[rv] + k]
    return slots


def align(src_verses, tgt_verses, src_text, tgt_text):
    """Pairs (ref, src, tgt) in the target module's canonical order + stats."""
    src_refs = [r for r, _ in src_verses]
    tgt_refs = [r for r, _ in tgt_verses]
    src_set, tgt_set = set(src_refs), set(tgt_refs)
    src_books = {split_ref(r)[0] for r in src_refs}
    tgt_books = {split_ref(r)[0] for r in tgt_refs}
    slots = rv_slot_map(tgt_refs)
    boundary = expand_ranges(BOUNDARY_DIFFERS, tgt_refs)
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
        s, t = src_text[ref], tgt_text[slots[ref]]
        if ref in boundary:
            drop("pair: verse boundaries differ (RV1909 divides the text otherwise)", ref)
        elif not s and not t:
            drop("pair: empty on both sides", ref)
        elif not s:
            drop("pair: empty in WEB (verse absent from its text base or merged)", ref)
        elif not t:
            drop("pair: empty in RV1909 (verse merged into a neighbour)", ref)
        else:
            pairs.append((ref, s, t))
    used = [slots[ref] for ref, _, _ in pairs]
    if len(used) != len(set(used)):
        dup = sorted({r for r in used if used.count(r) > 1})
        raise SystemExit(f"bible_align: RV1909 slots paired twice: {dup[:10]}")
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
    ap.add_argument("--readme", help="write the corpus README (Markdown) here")
    ap.add_argument(
        "--versions", default="",
        help="installed Debian packages, 'name=version,name=version' (for the README)",
    )
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
        "fixes": dict(sorted(FIXES.items())),
        "books_aligned": len({split_ref(r)[0] for r, _, _ in pairs}),
    }
    versions = dict(v.split("=", 1) for v in args.versions.split(",") if v)
    for pkg, checked in CHECKED_VERSIONS.items():
        if versions and versions.get(pkg) != checked:
            print(
                f"bible_align: warning: {pkg} is {versions.get(pkg)}, the verse tables "
                f"were checked against {checked}; re-check RV_SHIFTED/BOUNDARY_DIFFERS",
                file=sys.stderr,
            )
    if args.readme:
        samples = [p for p in pairs if p[0] in README_SAMPLES]
        with open(args.readme, "w", encoding="utf-8", newline="\n") as f:
            f.write(render_readme(stats, versions, keep_titles, samples))
    if args.stats:
        with open(args.stats, "w", encoding="utf-8") as f:
            json.dump(stats, f, ensure_ascii=False, indent=2)
            f.write("\n")
    for name, st in stats["splits"].items():
        print(f"{name}: {st['pairs']} pairs, {st['src_tokens']} en / {st['tgt_tokens']} es tokens")
    for reason, n in stats["dropped"].items():
        print(f"dropped {n}: {reason}")
    return 0


# The Debian package versions the tables above were checked against.
CHECKED_VERSIONS = {"sword-text-web": "426.0-1", "sword-text-sparv": "2.60-1"}

README_SAMPLES = ("Gen.1.1", "Ruth.1.1", "Ps.23.1", "Ps.23.2", "Gen.19.12", "John.11.35")


def render_readme(stats, versions, keep_titles, samples) -> str:
    v = stats["verses"]
    sp = stats["splits"]
    total_pairs = sum(x["pairs"] for x in sp.values())
    pkg = lambda name: versions.get(name, "(not recorded)")  # noqa: E731
    lines = []
    add = lines.append
    add("# bible-en-es: verse-aligned English–Spanish Bible corpus")
    add("")
    add("Generated by `bash tools/corpus/build-bible.sh` (which runs")
    add("`tools/corpus/bible_align.py`); do not edit by hand — change the scripts and")
    add("rebuild. The build is deterministic: the same packages give the same bytes.")
    add("")
    add("Source (`.src`) is English, target (`.tgt`) is Spanish. Files:")
    add("")
    add("| file | content |")
    add("| --- | --- |")
    add("| `{train,valid,test}.src` | English verses, one per line (UTF-8, no tabs, no empty lines) |")
    add("| `{train,valid,test}.tgt` | Spanish verses; line *i* translates line *i* of `.src` |")
    add("| `{train,valid,test}.ref` | the verse reference of line *i*, e.g. `Gen 1:1` (OSIS book names) |")
    add("")
    add("## Sources and licence")
    add("")
    add("| side | SWORD module | Debian package | version | versification |")
    add("| --- | --- | --- | --- | --- |")
    add(f"| en | `{SRC_MODULE}` — World English Bible (2020 stable text, with deuterocanon) "
        f"| `sword-text-web` | {pkg('sword-text-web')} | NRSVA |")
    add(f"| es | `{TGT_MODULE}` — Reina-Valera 1909 | `sword-text-sparv` | {pkg('sword-text-sparv')} | KJV |")
    add("")
    add(f"Read with Debian's SWORD bindings (`python3-sword` {pkg('python3-sword')}, "
        f"`libsword1.9.0` {pkg('libsword1.9.0')}).")
    add("")
    add("Both texts are in the **public domain** (their module files say")
    add("`DistributionLicense=Public Domain`), and so is this derived corpus. Note that")
    add("\"World English Bible\" is a trademark of eBible.org, which asks that a changed")
    add("text not be called by that name: the English side here is *derived from* the")
    add("WEB (footnotes and headings removed, see below), not the WEB itself.")
    add("")
    add("## Counts")
    add("")
    add("| | verses |")
    add("| --- | ---: |")
    add(f"| `{SRC_MODULE}` verse slots (NRSVA, 66 books + deuterocanon) | {v[SRC_MODULE]} |")
    add(f"| … with text after cleaning | {v[SRC_MODULE + ' non-empty']} |")
    add(f"| `{TGT_MODULE}` verse slots (KJV, 66 books) | {v[TGT_MODULE]} |")
    add(f"| … with text after cleaning | {v[TGT_MODULE + ' non-empty']} |")
    add(f"| **aligned pairs** ({stats['books_aligned']} books) | **{stats['aligned']}** |")
    add("")
    add("Dropped, by reason (a verse reference counts once):")
    add("")
    add("| reason | verses | where |")
    add("| --- | ---: | --- |")
    for reason, n in stats["dropped"].items():
        where = ", ".join(stats["dropped_refs"][reason])
        add(f"| {reason} | {n} | {where} |")
    add("")
    add("Splits (tokens = whitespace-separated words, punctuation attached):")
    add("")
    add("| split | pairs | en tokens | es tokens | what |")
    add("| --- | ---: | ---: | ---: | --- |")
    what = {
        "train": "everything else",
        "valid": f"every {VALID_EVERY}th non-test verse, in canonical order",
        "test": "the books " + ", ".join(TEST_BOOKS),
    }
    for name in ("train", "valid", "test"):
        x = sp[name]
        add(f"| {name} | {x['pairs']} | {x['src_tokens']} | {x['tgt_tokens']} | {what[name]} |")
    add(f"| total | {total_pairs} | {sum(x['src_tokens'] for x in sp.values())} "
        f"| {sum(x['tgt_tokens'] for x in sp.values())} | |")
    add("")
    add("Clean-up counts (how often each rule fired):")
    add("")
    for k, n in stats["fixes"].items():
        add(f"- {k}: {n}")
    add("")
    add("Samples:")
    add("")
    add("| ref | en | es |")
    add("| --- | --- | --- |")
    for ref, s_, t_ in samples:
        add(f"| {display_ref(ref)} | {s_} | {t_} |")
    add("")
    add("## Rebuild")
    add("")
    add("```sh")
    add("bash tools/corpus/build-bible.sh")
    add("```")
    add("")
    add("It installs `sword-text-web`, `sword-text-sparv` and `python3-sword` with")
    add("apt-get when they are missing (root, or sudo), then runs the aligner with")
    add("`/usr/bin/python3` — Debian's interpreter, because `python3-sword` cannot be")
    add("imported from a pyenv or virtualenv Python. The aligner itself takes a few")
    add("seconds.")
    add("")
    add(DECISIONS.format(
        titles="kept on both sides" if keep_titles else "dropped on both sides (`--drop-psalm-titles`)",
    ))
    return "\n".join(lines) + "\n"


DECISIONS = """## Decisions

**Reading the text.** The raw OSIS markup of every verse is read through the
SWORD bindings and stripped by the aligner. SWORD's own plain-text rendering
(what `diatheke` prints) breaks poetry over several lines, glues words where a
footnote was removed ("Godcreated") and leaks Strong's numbers into RV1909
(`<G5547>`); working from the markup avoids these at the source and leaves
headings under the aligner's control:

- *Footnotes and cross references* (`<note>`) are dropped with their content.
  Both modules lost the space that stood where such markup sat
  (`God<note/>created`, `righteousness.”</q>Then`, RV's
  `allí<transChange>también`), so wherever markup is removed between a word
  (or closing punctuation) and the start of a new word, a space is put back;
  none is added before punctuation (`God<note/>,` stays "God,"). The only
  exception is RV1909's translator-added enclitic pronoun glued to its verb
  (`sáca<transChange>lo</transChange>` → "sácalo", "Júramelo"); after the few
  non-verbs where the pronoun is a separate word ("no lo", "Dios lo") a space
  is kept. All such spots were checked by hand.
- *Words added by the translators* (RV1909 `<transChange type="added">`,
  italics in print) are kept as text, as printed.
- *Poetry* (`<l>`, `<lg>`) and paragraph marks become spaces, so each verse is
  one line; whitespace is collapsed; a stray space before punctuation is removed.
- *Strong's numbers* live in attributes (`lemma="strong:G5547"`) and never reach
  the text.
- *The WEB glossary* that follows Rev 22:21 in the module (after the end of the
  book) is cut off, as is anything after a book's end.
- *Headings.* The WEB has no section headings in the 66 books; its speaker
  labels in the Song of Songs ("Beloved", "Friends") are dropped. The psalm
  superscriptions ("A Psalm by David.") are canonical text in both modules —
  WEB marks them `<title canonical="true" type="psalm">`, RV1909 runs them into
  verse 1 ("Salmo de David. Jehová es mi pastor") — and are {titles}, so
  verse 1 stays a faithful pair (the two modules have superscriptions on exactly
  the same psalms). The Hebrew letters heading the stanzas of Psalm 119
  (ALEPH, BETH, …) are section headings and are dropped on both sides.
- *RV1909's subscriptions* at the end of the Pauline epistles and Hebrews
  ("Fué escrita de Corinto á los Romanos, enviada por medio de Febe…"), which
  the WEB lacks, are cut from the last verse.

**Capitals at chapter openings.** RV1909 prints the first word(s) of every
chapter in capitals ("Y ACONTECIÓ en los días…", "A TI, oh Jehová…"). In verse
1 of each chapter the run of all-caps words (with a single capital letter just
before it, such as "Y" or "A") is recased: the first word keeps its initial
capital and is lower-cased after it; every other word takes the casing it
usually has inside a sentence elsewhere in RV1909 (majority of its
sentence-internal uses), so proper names stay capitalised ("Y DAVID huyó" →
"Y David huyó", "JEHOVÁ es mi pastor" → "Jehová es mi pastor") and other words
go to lower case ("Y aconteció", "A ti"). In the Psalms the run follows the
superscription and is found the same way. Two openings the rule cannot see
were fixed by name: Judg 2:1 ("Y El ángel" → "Y el ángel") and Luke 1:5, where
the narrative after Luke's prologue opens "HUBO en los días". All-caps words
*inside* verses are genuine and left alone: the divine name where RV1909 prints
it so ("Yo soy JEHOVÁ", "JAH"), inscriptions ("SANTIDAD Á JEHOVÁ", "MENE,
MENE, TEKEL", "ESTE ES JESUS EL REY DE LOS JUDIOS"), and the church names in
Revelation 2–3. The WEB has no such artefact (its only all-caps words are the
same kind of inscriptions, "HOLY TO YAHWEH"), so it is not touched. Spelling is
otherwise RV1909's own (accented "á", "fué", "Achâb").

**Versification.** The WEB module uses the NRSVA scheme and includes the
deuterocanonical books; RV1909 uses the KJV scheme and has the 66 books.
Verses are paired by reference (book, chapter, verse). Deuterocanonical books,
and the two NRSVA-only references (3 John 1:15, Rev 12:18, both empty in the
WEB), have no Spanish side and are dropped. Verses that are empty on one side
after cleaning are dropped: the WEB leaves out verses absent from its Greek
text base (Luke 17:36, Acts 8:37, 15:34, 24:7) and has Rom 16:25-27 at the end
of Rom 14 (NRSVA numbering); the doxology is therefore cut from WEB's Rom 14:23
and Rom 16:25-27 are dropped.

The RV1909 module stores its text in KJV slots but in a few chapters keeps the
Spanish (Hebrew-style) verse division, so the same reference holds different
verses (Num 13 starts with KJV Num 12:16; Job 39 starts with KJV Job 38:39;
Jonah 2 starts with KJV Jonah 1:17; …). These were found by aligning every
book with a length- and proper-name-based dynamic-programming aligner and
checking each disagreement by hand. Where whole runs are shifted, the Spanish
verse is taken from the slot where RV1909 has it (table `RV_SHIFTED` in
`bible_align.py`; the reference in `.ref` is the KJV/English one). Where
RV1909 puts two verses in one slot or moves a clause across a verse end, the
affected verses are dropped (table `BOUNDARY_DIFFERS`; counted above as
"verse boundaries differ"). Smaller clause-level differences in verse division,
and differences of text base (RV1909 follows the Textus Receptus: 1 John 5:7
includes the Johannine comma, Acts 9:5-6 has the longer reading, …) remain:
they are real translation pairs, just looser ones.

The WEB says "Yahweh" where RV1909 says "Jehová" (and "Yah" for "JAH").
"""


def compress_refs(refs: list[str], order: dict[str, int]) -> list[str]:
    """['Tob.1.1', 'Tob.1.2', ..., 'Tob.14.15'] -> ['Tob 1:1 – Tob 14:15']:
    runs of verses that are consecutive in `order`, for a readable summary."""
    out: list[str] = []
    run: list[str] = []

    def flush():
        first, last = display_ref(run[0]), display_ref(run[-1])
        out.append(first if len(run) == 1 else f"{first} – {last}")

    for ref in refs:
        if run and order[ref] != order[run[-1]] + 1:
            flush()
            run = []
        run.append(ref)
    if run:
        flush()
    return out


if __name__ == "__main__":
    sys.exit(main())
