"""Table captions, sources and notes as printed around a table, read from the layout model.

A caption is a line opening with "Tableau 3 :", "Tableau n° 3 –", "Tableau :" or "Table 2:"
(figure captions, "Graphique 4 :", are found too so that a chart is never taken for a
table); it may wrap over a few lines of the same type size. The source ("Source : …",
kept whole with its prefix, as the report prints it) and notes ("Note :", "Lecture :",
"Champ :") are the lines just under the table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.patterns.notes_tables import CAPTION, SOURCE, TABLE_KINDS, TABLE_NOTE
from models.document import Document, Line, Page

_LEADERS = re.compile(r"(?:\.{3,}|…{2,}|\s\.\s\.)\s*\d{1,4}\s*$")  # "…… 13" in a list of tables


@dataclass(frozen=True)
class Caption:
    page: int
    kind: str  # "table" or "figure"
    number: int | None
    label: str | None
    text: str
    lines: tuple[Line, ...]

    @property
    def top(self) -> float:
        return self.lines[0].top

    @property
    def bottom(self) -> float:
        return self.lines[-1].bottom


def find_captions(doc: Document, body: float) -> list[Caption]:
    """Every table or figure caption in the body, in reading order (`body`: body text size)."""
    out: list[Caption] = []
    for page in doc.pages:
        lines = sorted((ln for ln in page.lines if ln.is_body and ln.text.strip()), key=lambda ln: ln.top)
        i = 0
        while i < len(lines):
            cap = _caption_at(page, lines, i, body)
            if cap is None:
                i += 1
                continue
            out.append(cap)
            i += len(cap.lines)
    return out


def _caption_at(page: Page, lines: list[Line], i: int, body: float) -> Caption | None:
    line = lines[i]
    m = CAPTION.match(line.plain_text)
    if not m or _LEADERS.search(line.text) or line.size > 1.3 * body:
        return None
    kind = "table" if m.group("kind").lower() in TABLE_KINDS else "figure"
    label = m.group("label")
    if label is None and m.group("sep") not in ":–—-":
        return None  # "Tableau." alone is no caption
    if label is None and not m.group("text"):
        return None
    if kind == "table" and m.group("kind") == "Table" and label is None:
        return None  # English "Table:" without a number is too weak
    taken = [line]
    texts = [m.group("text").strip()]
    for nxt in lines[i + 1:]:
        prev = taken[-1]
        if nxt.top - prev.bottom > 0.8 * prev.size or abs(nxt.size - line.size) > 0.3:
            break
        if nxt.bold != line.bold or CAPTION.match(nxt.text) or SOURCE.match(nxt.text):
            break
        if nxt.x0 > prev.x1 or nxt.x1 < prev.x0:
            break
        taken.append(nxt)
        texts.append(nxt.plain_text)
    number = int(label) if label and label.isdigit() else None
    return Caption(page.number, kind, number, label, " ".join(t for t in texts if t).strip(), tuple(taken))


def lines_after(page: Page, y: float, x0: float, x1: float) -> list[Line]:
    """Body lines starting below `y` that overlap the span [x0, x1], top to bottom."""
    return sorted((ln for ln in page.lines if ln.is_body and ln.top >= y - 1 and ln.x1 > x0 and ln.x0 < x1
                   and ln.text.strip()), key=lambda ln: ln.top)


def read_source_and_notes(lines: list[Line], body: float) -> tuple[str | None, str | None, int]:
    """Source and notes from the lines just under a table; also how many lines they use."""
    source: list[str] = []
    notes: list[str] = []
    current: list[str] | None = None
    used = 0
    prev: Line | None = None
    for ln in lines:
        text = ln.plain_text
        if SOURCE.match(text):
            current = source
        elif TABLE_NOTE.match(text):
            current = notes
        elif current is None or prev is None:
            break
        elif ln.top - prev.bottom > 0.45 * max(ln.size, prev.size) or abs(ln.size - prev.size) > 0.5:
            break  # a paragraph gap or a change of type size ends the source
        elif CAPTION.match(text):
            break
        current.append(text)
        used += 1
        prev = ln
    return (" ".join(source) or None), (" ".join(notes) or None), used
