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
    lines = [line for chunk, size in _group_lines(raw.number, raw.glyphs)
             for line in _split_gaps(raw.number, chunk, borders, size)]
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


def _group_lines(page: int, glyphs: list[Glyph]) -> list[tuple[list[Glyph], float]]:
    """Consecutive glyphs on the same baseline band, moving right, form one line.

    Returns each line's glyphs with its largest glyph size. The line's main size and its
    last inked glyph are tracked as the line grows (they were recomputed per glyph,
    quadratic in the line length on long table rows). A glyph joins the line when it
    does not move back by more than 0.6 of the size (a new line, column or cell) and
    overlaps the line's band by at least 0.35 of the smaller height; that test is
    written inline, as this loop runs once per glyph of the report.
    """
    groups: list[tuple[list[Glyph], float]] = []
    current: list[Glyph] = []
    band_top = band_bottom = 0.0
    main = 0.0  # the largest glyph size in the current line
    last_size = last_x1 = 0.0  # of its last inked glyph
    for g in glyphs:
        text, x0, top, x1, bottom, size, _, _, _ = g
        if text == " ":
            if current:
                current.append(g)
            continue
        if current:
            big = last_size if last_size > size else size
            if big < 1.0:
                big = 1.0
            if not x0 < last_x1 - 0.6 * big:
                overlap = ((band_bottom if band_bottom < bottom else bottom)
                           - (band_top if band_top > top else top))
                need = band_bottom - band_top
                if bottom - top < need:
                    need = bottom - top
                if big < need:
                    need = big
                if overlap >= 0.35 * need:
                    current.append(g)
                    if size > main:
                        main = size
                    if size >= 0.8 * main:
                        if top < band_top:
                            band_top = top
                        if bottom > band_bottom:
                            band_bottom = bottom
                    last_size, last_x1 = size, x1
                    continue
            groups.append((current, main))
        current = [g]
        band_top, band_bottom = top, bottom
        main = size
        last_size, last_x1 = size, x1
    if current:
        groups.append((current, main))
    return groups


def _split_gaps(page: int, glyphs: list[Glyph], borders=(), size: float | None = None) -> list[Line]:
    """Split a line where a wide gap, or a drawn cell border, separates cells or columns.

    A short numbering token ("1.1.2", "IV.", "a)") followed by a tab stays with its
    heading text. `size` is the line's largest glyph size when the caller knows it.
    """
    if size is None:
        size = max((g.size for g in glyphs if g.text != " "), default=10.0)
    wide = 2.5 * size
    pieces: list[tuple[list[Glyph], list[Glyph]]] = []  # (glyphs, their ink)
    piece: list[Glyph] = []
    ink: list[Glyph] = []
    have_prev = False
    p_top = p_x1 = p_bottom = p_size = 0.0
    one_word = True  # the current piece is a single word so far (no space, no gap)
    saw_space = False
    for g in glyphs:
        text, x0, top, x1, bottom, g_size, _, _, _ = g
        if text == " ":
            piece.append(g)
            saw_space = True
            continue
        if have_prev:
            gap = x0 - p_x1
            if gap > 0.5 and borders and _border_between(borders, p_x1 - 0.5, x0 + 0.5,
                                                         top if top > p_top else p_top,
                                                         bottom if bottom < p_bottom else p_bottom):
                pieces.append((piece, ink))
                piece, ink = [], []
                one_word = True
            elif gap > wide:
                left = "".join(x.text for x in piece).strip()
                # Only a lone token is a heading number: table cells "15 15 | 21" set without
                # space characters must not read as the number "1515" (IGAS 2019 p. 18).
                if not (one_word and _NUMBERING_TOKEN.fullmatch(left)):
                    pieces.append((piece, ink))
                    piece, ink = [], []
                    one_word = True
                else:
                    one_word = False
            elif one_word and piece and (saw_space or gap > 0.18 * (g_size if g_size > p_size else p_size)):
                one_word = False
        saw_space = False
        piece.append(g)
        ink.append(g)
        have_prev = True
        p_top, p_x1, p_bottom, p_size = top, x1, bottom, g_size
    pieces.append((piece, ink))
    return [line for piece, ink in pieces if (line := make_line(page, piece, ink)) is not None]


def make_line(page: int, glyphs: list[Glyph], ink: list[Glyph] | None = None) -> Line | None:
    """One Line from its glyphs (spaces included), or None when it has no ink.

    `ink` is the same glyphs without the spaces, when the caller has it at hand. Its
    columns are read once (`zip`), so the statistics run at C speed.
    """
    if ink is None:
        ink = [g for g in glyphs if g.text != " "]
    if not ink:
        return None
    _, x0s, tops, x1s, bottoms, sizes, fonts, bolds, italics = zip(*ink)
    # The most common style wins; on a tie, the first seen (Counter keeps insertion order).
    (size, font, bold, italic), _ = Counter(zip(sizes, fonts, bolds, italics)).most_common(1)[0]
    floor = 0.8 * size
    if min(sizes) >= floor:
        baseline = max(bottoms)
    else:
        baseline = max((b for b, s in zip(bottoms, sizes) if s >= floor), default=None)
        if baseline is None:
            baseline = max(bottoms)
    spans = _spans(glyphs, size, baseline)
    text = _text_of(spans)
    if not text:
        return None
    bbox = (min(x0s), min(tops), max(x1s), max(bottoms))
    bold_share = sum(len(s.text.strip()) for s in spans if s.bold and not s.superscript)
    letters = sum(len(s.text.strip()) for s in spans if not s.superscript) or 1
    return Line(page, text, tuple(round(v, 2) for v in bbox), font, size, bold_share / letters >= 0.6, italic, tuple(spans))


def _spans(glyphs: list[Glyph], size: float, baseline: float) -> list[Span]:
    """Runs of one style (font, size, bold, italic, superscript) as Spans.

    A space, or a gap wider than 0.18 of the size, between two inked glyphs puts one
    " " into the text (spaces before the first ink or after the last count for nothing).
    """
    spans: list[Span] = []
    parts: list[str] = []  # the text of the current run
    key = None
    run_x0 = last_x1 = last_size = 0.0
    started = False  # an inked glyph has been seen
    pending_space = False
    small = 0.82 * size
    raised = baseline - 0.18 * size
    for g in glyphs:
        text, x0, _, x1, bottom, g_size, font, bold, italic = g
        if text == " ":
            pending_space = True
            continue
        k = (font, g_size, bold, italic, g_size <= small and bottom < raised)
        space = started and (pending_space or x0 - last_x1 > 0.18 * (g_size if g_size > last_size else last_size))
        if k != key:
            if started:
                spans.append(Span("".join(parts), run_x0, last_x1, *key))
            parts = [" ", text] if space else [text]
            run_x0 = x0
            key = k
        else:
            if space:
                parts.append(" ")
            parts.append(text)
        last_x1, last_size = x1, g_size
        started = True
        pending_space = False
    if started:
        spans.append(Span("".join(parts), run_x0, last_x1, *key))
    return spans


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
