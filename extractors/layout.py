"""Layout stage: read a PDF once into the Document / Page / Line model.

Glyphs are grouped into lines in content-stream order (which keeps columns and table
cells apart), superscripts are marked so footnote calls never glue onto numbers, and
running headers, footers and printed page labels are recognised by repetition across
pages, not by fixed margins.
"""
from __future__ import annotations

import bisect
import hashlib
import os
import re
from collections import Counter
from typing import Iterable

from extractors.pdf_backends import Glyph, RawPage, open_pages
from models.document import Document, Line, Page, Span
from models.errors import NoTextLayer

_PAGE_LABEL = re.compile(
    r"""^\s*(?:
        [-–—]\s*(?P<a>\d{1,4})\s*[-–—]          # "- 12 -"
      | (?:page|p\.)\s*(?P<b>\d{1,4})(?:\s*(?:/|sur|of)\s*\d{1,4})?   # "Page 12 sur 40"
      | (?P<c>\d{1,4})\s*(?:/|sur|of)\s*\d{1,4}   # "12/40"
      | (?P<d>\d{1,4})                          # "12"
      | (?P<e>[ivxlc]{1,7})                     # roman labels of front matter
    )\s*$""",
    re.I | re.X,
)
_DIGITS = re.compile(r"\d+")
_NUMBERING_TOKEN = re.compile(r"[\dIVXivx]{1,4}([.)]\d{0,3}){0,5}[.)]?|[A-Za-z][.)]|[•\-–]")
HEADER_ZONE = 0.14  # share of the page height where running headers/footers may sit


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_document(path: str, backend: str = "pdfium", sha256: str | None = None) -> Document:
    """Open the PDF once and build the layout model; raise a SuiviError when it cannot."""
    count, raw_pages, outline, pdf_title = open_pages(path, backend)
    pages = [build_page(raw) for raw in raw_pages]
    if not any(p.has_text for p in pages):
        raise NoTextLayer(f"{path}: no text layer (image-only PDF, {count} page{'s' if count > 1 else ''}); re-run with --ocr")
    pages = mark_running_lines(pages)
    return Document(
        path=str(path),
        file_name=os.path.basename(path),
        sha256=sha256 or sha256_file(path),
        pages=tuple(pages),
        outline=outline,
        pdf_title=pdf_title,
        backend=backend,
    )


# -- glyphs -> lines -----------------------------------------------------------------------

def build_page(raw: RawPage) -> Page:
    borders = cell_borders(raw.rules)
    lines = [line for chunk in _group_lines(raw.number, raw.glyphs)
             for line in _split_gaps(raw.number, chunk, borders)]
    return Page(raw.number, raw.width, raw.height, tuple(lines), tuple(raw.rules), None, raw.image_count)


def cell_borders(rules) -> list[tuple[float, float, float]]:
    """Vertical edges drawn on the page, (x, top, bottom), sorted by x.

    Thin vertical rules and the side edges of drawn rectangles (cell borders, shaded
    cells) separate table cells even when the gap between their texts is narrow: a
    9 pt "N°" column beside "Recommandation" must not read as one cell.
    """
    edges = []
    for rule in rules:
        x0, top, x1, bottom = rule.bbox
        if bottom - top < 4.0:
            continue
        if x1 - x0 <= 2.0:
            edges.append(((x0 + x1) / 2, top, bottom))
        else:
            edges.append((x0, top, bottom))
            edges.append((x1, top, bottom))
    edges.sort()
    return edges


def _border_between(borders, left: float, right: float, top: float, bottom: float) -> bool:
    """A drawn edge runs between x=left and x=right across the glyphs' vertical middle."""
    if not borders or right - left < 0.5:
        return False
    mid = (top + bottom) / 2
    i = bisect.bisect_left(borders, (left,))
    while i < len(borders) and borders[i][0] <= right:
        _, b_top, b_bottom = borders[i]
        if b_top <= mid <= b_bottom:
            return True
        i += 1
    return False


def _group_lines(page: int, glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Consecutive glyphs on the same baseline band, moving right, form one line.

    The line's main size and its last inked glyph are tracked as the line grows (they
    were recomputed per glyph, quadratic in the line length on long table rows).
    """
    groups: list[list[Glyph]] = []
    current: list[Glyph] = []
    band_top = band_bottom = 0.0
    main = 0.0  # the largest glyph size in the current line
    last: Glyph | None = None  # its last inked glyph
    for g in glyphs:
        if g.text == " ":
            if current:
                current.append(g)
            continue
        if last is not None and _joins(last.size, last.x1, band_top, band_bottom, g):
            current.append(g)
            if g.size > main:
                main = g.size
            if g.size >= 0.8 * main:
                if g.top < band_top:
                    band_top = g.top
                if g.bottom > band_bottom:
                    band_bottom = g.bottom
            last = g
            continue
        if current:
            groups.append(current)
        current = [g]
        band_top, band_bottom = g.top, g.bottom
        main = g.size
        last = g
    if current:
        groups.append(current)
    return groups


def _joins(last_size: float, last_x1: float, top: float, bottom: float, g: Glyph) -> bool:
    """Does `g` continue the line whose band is (top, bottom) and last glyph ends at last_x1?"""
    size = last_size if last_size > g.size else g.size
    if size < 1.0:
        size = 1.0
    if g.x0 < last_x1 - 0.6 * size:  # moved back: a new line, column or cell
        return False
    g_top, g_bottom = g.top, g.bottom
    overlap = (bottom if bottom < g_bottom else g_bottom) - (top if top > g_top else g_top)
    need = bottom - top
    if g_bottom - g_top < need:
        need = g_bottom - g_top
    if size < need:
        need = size
    return overlap >= 0.35 * need


def _split_gaps(page: int, glyphs: list[Glyph], borders=()) -> list[Line]:
    """Split a line where a wide gap, or a drawn cell border, separates cells or columns.

    A short numbering token ("1.1.2", "IV.", "a)") followed by a tab stays with its
    heading text.
    """
    ink = [g for g in glyphs if g.text != " "]
    size = max((g.size for g in ink), default=10.0)
    pieces: list[list[Glyph]] = [[]]
    prev: Glyph | None = None
    one_word = True  # the current piece is a single word so far (no space, no gap)
    saw_space = False
    for g in glyphs:
        if g.text == " ":
            pieces[-1].append(g)
            saw_space = True
            continue
        gap = g.x0 - prev.x1 if prev is not None else 0.0
        if prev is not None and gap > 0.5 and _border_between(borders, prev.x1 - 0.5, g.x0 + 0.5,
                                                               max(prev.top, g.top), min(prev.bottom, g.bottom)):
            pieces.append([])
            one_word = True
        elif prev is not None and gap > 2.5 * size:
            left = "".join(x.text for x in pieces[-1]).strip()
            # Only a lone token is a heading number: table cells "15 15 | 21" set without
            # space characters must not read as the number "1515" (IGAS 2019 p. 18).
            if not (one_word and _NUMBERING_TOKEN.fullmatch(left)):
                pieces.append([])
                one_word = True
            else:
                one_word = False
        elif one_word and prev is not None and pieces[-1] and (
                saw_space or gap > 0.18 * (g.size if g.size > prev.size else prev.size)):
            one_word = False
        saw_space = False
        pieces[-1].append(g)
        prev = g
    return [line for piece in pieces if (line := make_line(page, piece)) is not None]


def make_line(page: int, glyphs: list[Glyph]) -> Line | None:
    ink = [g for g in glyphs if g.text != " "]
    if not ink:
        return None
    # The most common style wins; on a tie, the first seen (Counter keeps insertion order).
    weights = Counter([(g.size, g.font, g.bold, g.italic) for g in ink])
    (size, font, bold, italic), _ = weights.most_common(1)[0]
    if _mostly_small(ink, size):
        size = max(size, max(g.size for g in ink))
    floor = 0.8 * size
    baseline = max((g.bottom for g in ink if g.size >= floor), default=None)
    if baseline is None:
        baseline = max(g.bottom for g in ink)
    spans = _spans(ink_and_spaces(glyphs), size, baseline)
    text = _text_of(spans)
    if not text:
        return None
    bbox = (min([g.x0 for g in ink]), min([g.top for g in ink]), max([g.x1 for g in ink]),
            max([g.bottom for g in ink]))
    bold_share = sum(len(s.text.strip()) for s in spans if s.bold and not s.superscript)
    letters = sum(len(s.text.strip()) for s in spans if not s.superscript) or 1
    return Line(page, text, tuple(round(v, 2) for v in bbox), font, size, bold_share / letters >= 0.6, italic, tuple(spans))


def _mostly_small(ink: list[Glyph], size: float) -> bool:
    return False


def ink_and_spaces(glyphs: list[Glyph]) -> list[Glyph]:
    out: list[Glyph] = []
    for g in glyphs:
        if g.text == " " and (not out or out[-1].text == " "):
            continue
        out.append(g)
    while out and out[-1].text == " ":
        out.pop()
    return out


def _spans(glyphs: list[Glyph], size: float, baseline: float) -> list[Span]:
    spans: list[Span] = []
    run: list[Glyph] = []
    key = None
    last_ink: Glyph | None = None
    pending_space = False
    for g in glyphs:
        if g.text == " ":
            pending_space = True
            continue
        sup = g.size <= 0.82 * size and g.bottom < baseline - 0.18 * size
        gap = last_ink is not None and g.x0 - last_ink.x1 > 0.18 * (
            g.size if g.size > last_ink.size else last_ink.size)
        k = (g.font, g.size, g.bold, g.italic, sup)
        if run and (k != key):
            spans.append(_span(run, key))
            run = []
        if (pending_space or gap) and run:
            run.append(Glyph(" ", run[-1].x1, g.top, g.x0, g.bottom, g.size, g.font, g.bold, g.italic))
        elif (pending_space or gap) and spans and not run:
            run.append(Glyph(" ", spans[-1].x1, g.top, g.x0, g.bottom, g.size, g.font, g.bold, g.italic))
        run.append(g)
        key = k
        last_ink = g
        pending_space = False
    if run:
        spans.append(_span(run, key))
    return spans


def _span(run: list[Glyph], key) -> Span:
    font, size, bold, italic, sup = key
    ink = [g for g in run if g.text != " "]
    return Span("".join(g.text for g in run), ink[0].x0 if ink else run[0].x0, run[-1].x1, font, size, bold, italic, sup)


def _text_of(spans: list[Span]) -> str:
    return re.sub(r"\s+", " ", "".join(s.text for s in spans)).strip()


# -- running headers, footers, page labels -------------------------------------------------

def _shape(text: str) -> str:
    return _DIGITS.sub("#", re.sub(r"\s+", " ", text.strip().lower()))


def label_of(text: str) -> str | None:
    m = _PAGE_LABEL.match(text)
    if not m:
        return None
    return next(v for v in m.groupdict().values() if v)


def mark_running_lines(pages: list[Page]) -> list[Page]:
    """Mark lines repeated near the top or bottom of many pages as header/footer/label."""
    n = len(pages)
    shapes: Counter[str] = Counter()
    for page in pages:
        seen = set()
        for line in page.lines:
            if _in_margin(line, page) and (s := _shape(line.text)) not in seen:
                seen.add(s)
                shapes[s] += 1
    threshold = max(2, int(0.3 * n)) if n >= 3 else n + 1
    running = {s for s, c in shapes.items() if c >= threshold}
    label_offsets = _label_offsets(pages)
    out = []
    for page in pages:
        new_lines = []
        label = None
        for line in page.lines:
            role = line.role
            if _in_margin(line, page):
                lab = label_of(line.text)
                if lab is not None and _label_fits(lab, page.number, label_offsets):
                    role, label = "page_label", lab
                elif _shape(line.text) in running:
                    role = "header" if line.top < page.height / 2 else "footer"
            new_lines.append(line if role == line.role else _with_role(line, role))
        out.append(Page(page.number, page.width, page.height, tuple(new_lines), page.rules, label, page.image_count))
    return out


def _in_margin(line: Line, page: Page) -> bool:
    return line.bottom <= page.height * HEADER_ZONE or line.top >= page.height * (1 - HEADER_ZONE)


def _label_offsets(pages: list[Page]) -> set[int]:
    """Offsets (physical page - printed number) shared by enough margin numbers."""
    offsets: Counter[int] = Counter()
    for page in pages:
        for line in page.lines:
            if _in_margin(line, page) and (lab := label_of(line.text)) and lab.isdigit():
                offsets[page.number - int(lab)] += 1
    need = max(2, int(0.2 * len(pages))) if len(pages) >= 3 else 1
    return {off for off, c in offsets.items() if c >= need}


def _label_fits(label: str, page_number: int, offsets: set[int]) -> bool:
    if not label.isdigit():
        return False
    return (page_number - int(label)) in offsets


def _with_role(line: Line, role) -> Line:
    return Line(line.page, line.text, line.bbox, line.font, line.size, line.bold, line.italic, line.spans, role)


_SUPERSCRIPT = str.maketrans("0123456789,", "⁰¹²³⁴⁵⁶⁷⁸⁹,")


def _readable(line: Line) -> str:
    """The line with footnote calls printed as superscripts: "1 939²", never "1 9392"."""
    if not any(s.superscript for s in line.spans):
        return line.text
    parts = []
    for span in line.spans:
        text = span.text
        if span.superscript and text.strip().replace(",", "").isdigit():
            text = text.strip().translate(_SUPERSCRIPT)
            if parts:
                parts[-1] = parts[-1].rstrip()
        parts.append(text)
    return " ".join("".join(parts).split())


def page_texts(doc: Document) -> Iterable[tuple[int, str | None, str]]:
    """(page, printed label, text) for the full-text `pages` table."""
    for page in doc.pages:
        yield page.number, page.label, "\n".join(_readable(line) for line in page.lines)
