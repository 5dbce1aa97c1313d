"""Statements under a label that stands alone on its line.

Why: the Cour des comptes du Sénégal (and the bodies it follows) prints "Recommandation n°3 :"
as a line of its own, then the statement on the next lines — sometimes after a blank line or
on the next page — with dashes and bullets of sub-actions ("La Cour demande au maire : - de
…; - de …"). There is no box: the statement ends where the next label, a heading or a body
paragraph begins. The page users cite is the label's.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Sequence

import regex as re

from extractors.footnote_areas import note_area, note_start
from extractors.recommendations.conventions import matches
from models.document import Document, Line

# A heading interrupts a statement: "2.1.3 Les violences", "2.1.Manquements", "1-2-3- Recours",
# "B- Non-respect", "III. GESTION", "C. Les marchés".
_HEADING = re.compile(r"^\s*(?:(?:\d+(?:[.-]\d+)*[.-]?|[IVXL]+\s*[.-]|[A-H]\s*[.-])\s*\p{Lu}"
                      r"|\d{1,2}(?:\.\d{1,2}){2,5}\.?\s+\p{Ll})")  # "2.2.1.2 le non-respect …", never "2011-819 du"
# A line that goes on an open statement after a gap: a bullet, or lower case.
_BULLET = re.compile(r"^\s*(?:[-–—•▪■●◦○§ü✓✔➢►*\uf000-\uf0ff]|o\s|\(?[a-z]\)|\(?[ivx]+\))")
_LOWER = re.compile(r"^\s*\p{Ll}")
_OPEN_END = re.compile(r"[:;,]\s*$|\b(?:de|du|des|la|le|les|à|au|aux|et|ou|en|par|pour|d['’]|l['’])\s*$")


def label_at(ln: Line, margin: float) -> re.Match | None:
    """The label a line consists of, if any. A keyword-less label ("n° 01") counts only in
    bold at the text margin: elsewhere it is a table cell or a reference."""
    text = ln.plain_text
    m = matches("label-alone", text)
    if m:
        return m
    m = matches("label-bare", text)
    if m and ln.bold and abs(ln.x0 - margin) < 12:
        return m
    return None


def text_margin(lines: Sequence[Line]) -> float:
    """The left edge most body lines of a page start at."""
    xs = Counter(round(l.x0) for l in lines)
    return float(xs.most_common(1)[0][0]) if xs else 0.0


def rows(lines: Sequence[Line]) -> list[Line]:
    """Pieces printed on one visual line joined left to right ("-" then its text, a lone ";")."""
    out: list[Line] = []
    for ln in sorted(lines, key=lambda l: (l.top, l.x0)):
        prev = out[-1] if out else None
        if prev is not None and abs(prev.top - ln.top) < 0.35 * max(ln.height, 1) and ln.x0 >= prev.x1 - 0.3 * ln.height:
            glue = "" if ln.x0 - prev.x1 < 0.12 * max(ln.height, 1) else " "  # a word cut at a ligature: "Off" "ice"
            out[-1] = replace(prev, text=prev.text + glue + ln.text, spans=(),
                              bbox=(prev.x0, min(prev.top, ln.top), max(prev.x1, ln.x1), max(prev.bottom, ln.bottom)))
        else:
            out.append(ln)
    return out


def is_heading(ln: Line) -> bool:
    return bool(_HEADING.match(ln.plain_text)) and ln.bold and len(ln.plain_text) > 3


def _stops(ln: Line, first: Line | None, margin: float) -> bool:
    """Whether `ln` can no longer belong to the statement: a label, a heading, a change of size."""
    return bool(label_at(ln, margin) or matches("label", ln.plain_text) or is_heading(ln))


def _other_size(ln: Line, first: Line, prev: Line) -> bool:
    """A line in another size ends the statement, unless it is a bullet the statement
    announced ("au : - Ministre …" printed a point smaller)."""
    return abs(ln.size - first.size) > 0.6 and not (ln.size < first.size and _goes_on(prev, ln))


def notes_below(rest: Sequence[Line], first: Line, doc: Document) -> bool:
    """The lines left on the page are its footnotes, all smaller than the statement: the
    first opens with a note number ("142La mission observe…" under a statement the page
    break cuts, LibreOffice relayout d p. 28), or they all stand under the page's separator
    rule (a note run on from the previous page opens the area, relayout h p. 43)."""
    if not rest or any(ln.size >= first.size - 0.6 for ln in rest):
        return False
    if note_start(rest[0]) is not None:
        return True
    area = note_area(doc.pages[rest[0].page - 1], doc.body_size)
    return bool(area) and rest[0].top >= min(ln.top for ln in area) - 1


def _goes_on(prev: Line, ln: Line, in_list: bool = False) -> bool:
    """After a gap or a page break: the statement is still open (ends with ":", ";", a
    preposition), or the line is the rest of a sentence, or another bullet of its list. A
    bullet after a closed sentence starts the report's own list of findings."""
    if _OPEN_END.search(prev.plain_text) or _LOWER.match(ln.plain_text):
        return True
    return bool(_BULLET.match(ln.plain_text)) and (in_list or not prev.plain_text.rstrip().endswith("."))


def statement_after(doc: Document, pno: int, lines: Sequence[Line], i: int, margin: float,
                    page_lines) -> list[Line]:
    """The lines of the statement that follows the label lines[i] (on page `pno`), over page
    breaks; `page_lines(page)` gives a page's body lines in reading order."""
    label = lines[i]
    h = max(label.height, 1.0)
    out: list[Line] = []
    cur, k, cur_pno = rows(lines[i + 1:]), 0, pno
    while True:
        if k >= len(cur):
            if cur_pno >= doc.page_count or cur_pno - pno > 1:
                break
            cur_pno += 1
            cur, k = rows(page_lines(doc.pages[cur_pno - 1])), 0
            continue
        ln = cur[k]
        first = out[0] if out else None
        if _stops(ln, first, margin):
            break
        if notes_below(cur[k:], first or label, doc):
            k = len(cur)  # the page's notes: the statement may go on over the break
            continue
        if first is None:
            if ln.page == label.page and ln.top - label.bottom > 3 * h:
                break  # nothing under the label: a label of a list or a table, not a statement
            out.append(ln)
            k += 1
            continue
        prev = out[-1]
        in_list = any(_BULLET.match(l.plain_text) for l in out)
        if _other_size(ln, first, prev):
            break
        if first.bold and not ln.bold and not prev.plain_text.rstrip().endswith(":"):
            break  # a bold statement, then the report's plain paragraphs
        if ln.page != prev.page:
            if not _goes_on(prev, ln, in_list):
                break
        else:
            gap = ln.top - prev.bottom
            if gap > 0.9 * h and not (gap < 3 * h and _goes_on(prev, ln, in_list)):
                break  # a blank line: the statement is over
            if ln.x0 < min(l.x0 for l in out) - 6:
                break
        out.append(ln)
        k += 1
    return out
