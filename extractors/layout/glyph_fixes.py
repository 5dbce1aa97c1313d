"""Glyphs that stand for several letters, put back as one glyph per letter.

Producers set ligatures ("ﬁ", "ﬂ", "ﬀ", "ﬃ") as one glyph. Readers report them either as
one ligature character with a wide box (pdfminer, pdfium on most fonts) or as several
letters sharing the same box (pdfium on Montserrat, OFNAC 2023 p. 26 "conﬂit"): the
second letter then seems to move back by a glyph width and starts a new line, and the
word is cut ("conf" … "lit"). Both become one glyph per letter, the box shared out.
"""
from __future__ import annotations

import re

from extractors.layout.backend import Glyph
from models.document import TextIssue

_SURROGATE = re.compile("[\ud800-\udfff]")

LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
             "\ufb05": "st", "\ufb06": "st"}


def expand_ligatures(glyphs: list[Glyph]) -> list[Glyph]:
    """Each ligature glyph as its letters, side by side within its box."""
    out: list[Glyph] = []
    for g in glyphs:
        letters = LIGATURES.get(g.text)
        if letters is None:
            out.append(g)
            continue
        out.extend(_share_out(g, letters))
    return out


def split_shared_boxes(glyphs: list[Glyph]) -> list[Glyph]:
    """Runs of consecutive letters reported with one and the same box, shared out."""
    out: list[Glyph] = []
    i, n = 0, len(glyphs)
    while i < n:
        g = glyphs[i]
        j = i + 1
        if g.text != " " and g.x1 > g.x0:
            while (j < n and glyphs[j].text != " " and glyphs[j].x0 == g.x0 and glyphs[j].x1 == g.x1
                   and glyphs[j].top == g.top):
                j += 1
        if j - i == 1:
            out.append(g)
        else:
            out.extend(_share_out(g, "".join(x.text for x in glyphs[i:j])))
        i = j
    return out


def _share_out(g: Glyph, letters: str) -> list[Glyph]:
    """The box cut into one slice per letter, in the glyph's reading direction."""
    n = len(letters)
    if g.turn in (0, 2):
        step = (g.x1 - g.x0) / n
        cuts = [(g.x0 + k * step, g.x0 + (k + 1) * step) for k in range(n)]
        if g.turn == 2:  # upside down: the first letter is the rightmost
            cuts.reverse()
        return [g._replace(text=ch, x0=a, x1=b) for ch, (a, b) in zip(letters, cuts)]
    step = (g.bottom - g.top) / n
    cuts = [(g.top + k * step, g.top + (k + 1) * step) for k in range(n)]
    if g.turn == 1:  # read bottom to top: the first letter is the lowest
        cuts.reverse()
    return [g._replace(text=ch, top=a, bottom=b) for ch, (a, b) in zip(letters, cuts)]


def valid_unicode(text: str, page: int) -> tuple[str, list[TextIssue]]:
    """`text` with lone surrogates (a damaged text layer) as U+FFFD, and the issue to report.

    SQLite, JSON and the browser refuse them (a flipped byte in the Debian reference,
    p. 198); the layout stage is where text is made valid, once, for every later stage.
    """
    if not _SURROGATE.search(text):
        return text, []
    fixed, count = _SURROGATE.subn("\ufffd", text)
    return fixed, [TextIssue("invalid_unicode", page,
                             f"{count} caractère{'s' if count > 1 else ''} invalide{'s' if count > 1 else ''} "
                             f"(demi-paire de substitution) remplacé{'s' if count > 1 else ''} par U+FFFD", count)]
