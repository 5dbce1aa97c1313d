"""Cell text as printed: lines of a cell folded into one string, words cut by the cell's
edge made whole.

Producers cut words in narrow cells in two ways: with a hyphen (LaTeX and InDesign
hyphenate: "mo-" + "bilisation") or, when one word is wider than the column, without any
(Word and LibreOffice Writer: "Fontaineblea" + "u - Melun", IGAS 2019, p. 39). Both are
undone here; the report's own words (Vocabulary) tell a cut from a compound or from two
words that only wrapped.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import regex

_WORD = regex.compile(r"\p{L}+")
_WORD_END = regex.compile(r"\p{L}+$")
_WORD_START = regex.compile(r"^\p{L}+")
_COMPOUND = regex.compile(r"\p{L}+(?:-\p{L}+)+")


@dataclass(frozen=True)
class Vocabulary:
    """The report's words, lower-cased, with how often each is printed, and its compounds
    (pairs of words printed whole around a hyphen: "non-respect", "gluco-aminé")."""

    words: Counter = field(default_factory=Counter)
    compounds: frozenset[str] = frozenset()


def vocabulary_of(lines) -> Vocabulary:
    """Words and compounds of the layout lines (`.text`) of a report, read once."""
    words: Counter = Counter()
    compounds: set[str] = set()
    for ln in lines:
        text = ln.text.lower()
        words.update(_WORD.findall(text))
        if "-" in text:
            for word in _COMPOUND.findall(text):
                parts = word.split("-")
                compounds.update(f"{a}-{b}" for a, b in zip(parts, parts[1:]))
    return Vocabulary(words, frozenset(compounds))


def fold_lines(texts: list[str], vocab: Vocabulary = Vocabulary()) -> str:
    """Join the lines of a cell: a line ending in a hyphen runs on ("(2014-" + "2016)").

    A word the producer hyphenated to fit the column is made whole again ("mo-" +
    "bilisation"; "Recomman-dations", Cour des comptes 2016, p. 155): a letter before the
    hyphen, a lower-case letter after it. A compound the report prints whole elsewhere
    ("non-respect", "demi-finale") keeps its hyphen.
    """
    out = ""
    for t in texts:
        t = t.strip()
        if not t:
            continue
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and t[:1].islower():
            left, right = _WORD_END.search(out[:-1]), _WORD_START.match(t)
            whole = f"{left.group(0) if left else ''}-{right.group(0) if right else ''}".lower()
            out = out + t if whole in vocab.compounds else out[:-1] + t
        elif out.endswith("-") and not out.endswith(" -"):
            out += t
        else:
            out = f"{out} {t}" if out else t
    return out


def cut_at_edge(prev: str, prev_chars: list[dict], text: str, chars: list[dict], bbox, vocab: Vocabulary) -> bool:
    """True when `text` (a cell line) carries on the word that `prev` (the line above)
    ends, cut without a hyphen because it is wider than the column.

    The line above is that one word, left-aligned like this line, and ends so near the
    cell's right side (its left padding mirrored: less than half the type size away) that
    this line's first letter would not have fit after it; this line opens in lower case; and the report prints the joined
    word, or both pieces are rare and printed together ("Prestatai" + "re", twice: a
    header repeated on the next page). Words the report uses ("Prévisions" over
    "définitives") and two lines of one width (centred) only wrapped.
    """
    if not prev_chars or not chars or " " in prev.strip() or not prev[-1:].isalpha() or not text[:1].islower():
        return False
    first, last, nxt = prev_chars[0], prev_chars[-1], chars[0]
    if abs(nxt["x0"] - first["x0"]) > 1.0:
        return False  # centred or indented lines: not a word cut at the edge
    inner_right = bbox[2] - max(first["x0"] - bbox[0], 0.0)
    room = inner_right - last["x1"]
    if room + 0.5 >= nxt["x1"] - nxt["x0"] or room > 0.5 * nxt.get("size", nxt["bottom"] - nxt["top"]):
        return False  # a letter would have fit, or the line stops short: it ended at a word ("Effectif" / "moyen")
    head = _WORD_START.match(text)
    if head is None:
        return False
    joined = (prev.strip() + head.group(0)).lower()
    if vocab.words[joined] > 0:
        return True
    if abs(chars[-1]["x1"] - last["x1"]) <= 1.5:
        return False  # two lines of one width, centred in a narrow column ("Rubrique" / "modifiée")
    piece = vocab.words[prev.strip().lower()]
    return piece <= 2 and vocab.words[head.group(0).lower()] <= max(1, piece)
