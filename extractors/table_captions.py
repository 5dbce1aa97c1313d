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

from extractors.patterns.notes_tables import CAPTION, CAPTION_BARE, NOTE_START, SOURCE, TABLE_KINDS, TABLE_NOTE
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
    m = CAPTION.match(line.plain_text) or _bare_caption(line)
    if not m or _LEADERS.search(line.text):
        return None
    label = m.group("label")
    numbered = label is not None and "n" in (m.groupdict().get("marker") or "n°")
    if line.size > 1.3 * body and not numbered:
        return None  # a heading "Tableau de bord :"; "Tableau n° 01 :" set large is a caption (OFNAC 2021)
    kind = "table" if m.group("kind").lower() in TABLE_KINDS else "figure"
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
        if any(o is not nxt and abs(o.top - nxt.top) < 2 for o in lines[i + 1:i + 12]):
            break  # a row of cells ("Années | 2018 | 2019"), bold like the caption (PRODAC 2023, p. 12)
        taken.append(nxt)
        texts.append(nxt.plain_text)
    number = int(label) if label and label.isdigit() else None
    return Caption(page.number, kind, number, label, " ".join(t for t in texts if t).strip(), tuple(taken))


def _bare_caption(line: Line):
    """"Tableau n° 27 activités…": a caption without a separator, on a bold line only."""
    m = CAPTION_BARE.match(line.plain_text)
    if m and all(s.bold for s in line.spans if s.text.strip() and not s.superscript):
        return m
    return None


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


# -- the block of lines a caption announces (tables drawn without rules) ----------------

# "1.2", "IV.", "A)", "a)", and "1-" (section headings, Cour des comptes du Sénégal 2017, p. 236)
_NUMBERED = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.\-)]?|[IVXLC]+\.|[A-Z][.)]|[a-z]\))\s")


def page_notes(page: Page, body: float) -> set[int]:
    """ids of the footnote lines at the foot of `page`, under a rule or not.

    Without a separator rule, the notes are the last block of the page: tightly spaced
    lines no larger than the body text, opened by a line that starts with a note number
    (a superscript or a plain "12 "), set apart from what is above by a wider gap.
    """
    from extractors.footnotes import note_area  # the footnote extractor owns the rule case

    area = note_area(page, body)
    if area:
        return {id(ln) for ln in area}
    lines = sorted((ln for ln in page.lines if ln.is_body and ln.text.strip()), key=lambda ln: ln.top)
    block: list[Line] = []
    for ln in reversed(lines):
        if ln.size > body + 0.1 or (block and block[-1].top - ln.bottom > 0.6 * ln.size):
            break
        block.append(ln)
    block.reverse()
    start = next((k for k, ln in enumerate(block) if _opens_note(ln)), None)
    if start is None or start and block[start].top - block[start - 1].bottom <= 0.6 * block[start].size:
        return set()  # no note number, or the note block is glued to lines above it
    if any(ln.x0 > block[start].x0 + 2 * body for ln in block[start:]):
        return set()  # notes are set flush left; rows of a table spread over columns
    return {id(ln) for ln in block[start:]}


def _opens_note(ln: Line) -> bool:
    if ln.spans and ln.spans[0].superscript and ln.spans[0].text.strip().isdigit():
        return True
    return bool(NOTE_START.match(ln.text))


def text_block(doc: Document, body: float, cap: Caption, forward: bool) -> list[tuple[int, list[Line]]]:
    """The lines of a table without rules, from its caption down (or up), per page.

    The block stops at a source, note or caption line, at a wide vertical gap, and at
    running text: a wide line of many words, or a short line glued to one (the last line
    of the paragraph above a table must not become its first row). A block that reaches
    the edge of the page goes on over the page break (footnotes and running headers
    skipped), so a table split over two pages is read whole.
    """
    parts: list[tuple[int, list[Line]]] = []
    n, y = cap.page, (cap.bottom if forward else cap.top)
    while 1 <= n <= doc.page_count and len(parts) < 12:
        page = doc.pages[n - 1]
        lines = _table_lines(page, body, cap)
        if not lines:
            break
        left, right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
        if forward:
            cand = [ln for ln in lines if ln.top >= y - 1]
        else:
            cand = [ln for ln in lines if ln.bottom <= y + 1][::-1]
        block, open_end = _block(cand, body, left, right, forward)
        if not block:
            break
        parts.append((n, block))
        if not open_end:
            break
        n, y = (n + 1, 0.0) if forward else (n - 1, page.height)
    return parts


def _table_lines(page: Page, body: float, cap: Caption) -> list[Line]:
    """Lines a table may use: rows near the top may have been taken for running headers
    (their shapes repeat from page to page), so only the page margins' headers, footers and
    labels, the footnotes and the caption itself are left out."""
    notes = page_notes(page, body)
    margin = 0.08 * page.height
    return sorted((ln for ln in page.lines if ln.text.strip() and ln.role != "page_label" and id(ln) not in notes
                   and ln not in cap.lines
                   and (ln.is_body or margin < ln.top and ln.bottom < page.height - margin)),
                  key=lambda ln: (ln.top, ln.x0))


def _running(ln: Line, left: float, right: float) -> bool:
    """A line of running text: wide, many words."""
    return ln.x1 - ln.x0 > 0.8 * (right - left) and len(ln.plain_text.split()) > 8


def _block(lines: list[Line], body: float, left: float, right: float, forward: bool):
    """Consecutive table lines in walking order, and whether they ran to the page's edge."""
    out: list[Line] = []
    prev = None
    for k, ln in enumerate(lines):
        text = ln.plain_text
        if SOURCE.match(text) or TABLE_NOTE.match(text) or CAPTION.match(text):
            return out, False
        gap = (ln.top - prev.bottom) if (prev and forward) else ((prev.top - ln.bottom) if prev else 0)
        if prev is not None and gap > (2.5 if ln.is_body else 1.2) * body:
            return out, False
        if _running(ln, left, right):
            return out, False  # a line of running text, not a row of cells
        beyond = lines[k + 1] if k + 1 < len(lines) else None
        if beyond is not None and _running(beyond, left, right) and abs(beyond.size - ln.size) <= 0.3 \
                and abs(beyond.x0 - ln.x0) <= 2 and (beyond.top - ln.bottom if forward else ln.top - beyond.bottom) \
                <= 0.6 * ln.size:
            return out, False  # the first or last line of a paragraph
        out.append(ln)
        prev = ln
    return out, True


def untitled_caption(doc: Document, body: float, grid, below: bool) -> Caption | None:
    """A title printed without "Tableau" right above the grid (under it when the report
    prints captions under its tables): a line or two set apart from the text, no bigger
    than a heading would be, not numbered like a heading, not a sentence of running text.

    The title is bold, or set smaller than the body text in a block of its own (a gap
    above it wider than its line spacing): producers that embed fonts as Type 3 (Chromium
    with CFF fonts) give no font name, so a bold title can read as regular. Producers
    leave up to about a line and a half between title and rules (LaTeX, LibreOffice).
    """
    page = doc.pages[grid.page - 1]
    x0, top, x1, bottom = grid.bbox
    lines = sorted((ln for ln in page.lines if ln.is_body and ln.text.strip() and ln.x1 > x0 and ln.x0 < x1),
                   key=lambda ln: ln.top)
    if below:
        near = [ln for ln in lines if ln.top >= bottom - 1][:4]
    else:
        near = [ln for ln in lines if ln.bottom <= top + 1][::-1][:4]
    taken: list[Line] = []
    edge = bottom if below else top
    for ln in near[:3]:
        gap = (ln.top - edge) if below else (edge - ln.bottom)
        limit = 1.5 * body if not taken else 1.2 * taken[-1].size  # fonts with a tall line (Libertine)
        if gap > limit or gap < -1 or ln.size > body + 0.6 or ln.size < 0.75 * body:
            break
        if taken and (abs(ln.size - taken[0].size) > 0.3 or ln.bold != taken[0].bold):
            break
        if any(o is not ln and abs(o.top - ln.top) < 2 for o in page.lines if o.is_body and o.text.strip()):
            break  # a row of cells over the grid, not a title
        taken.append(ln)
        edge = ln.bottom if below else ln.top
    if not taken:
        return None
    taken.sort(key=lambda ln: ln.top)
    text = " ".join(ln.plain_text.strip() for ln in taken)
    if (CAPTION.match(text) or SOURCE.match(text) or TABLE_NOTE.match(text) or _NUMBERED.match(text)
            or len(text.split()) > 30 or len(text) < 8 or text.rstrip().endswith((".", ":", ";", ","))):
        return None
    spans = [s for ln in taken for s in ln.spans if s.text.strip() and not s.superscript]
    if all(s.bold for s in spans):
        return Caption(page.number, "table", None, None, text, tuple(taken))
    if any(s.bold for s in spans) or taken[0].size > body - 0.4 or not _apart(taken, near, below):
        return None  # a bold lead-in of a paragraph, or the last lines of one
    return Caption(page.number, "table", None, None, text, tuple(taken))


def _apart(taken: list[Line], near: list[Line], below: bool) -> bool:
    """The title lines form a block of their own: the nearest other line on the far side
    is further from them than their own line spacing (or there is none)."""
    rest = [ln for ln in near if ln not in taken]
    if not rest:
        return True
    other = rest[0]
    gap = (other.top - taken[-1].bottom) if below else (taken[0].top - other.bottom)
    inner = min((b.top - a.bottom for a, b in zip(taken, taken[1:])), default=0.25 * taken[0].size)
    return gap > inner + 0.3 * taken[0].size
