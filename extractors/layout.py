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
from math import inf
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
_WHITESPACE = re.compile(r"\s+")
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
    lines = [line for chunk, ink, size, widest in _group_lines(raw.number, raw.glyphs)
             for line in _split_gaps(raw.number, chunk, ink, size, widest, borders)]
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


def _group_lines(page: int, glyphs: list[Glyph]) -> list[tuple[list[Glyph], list[Glyph], float, float]]:
    """Consecutive glyphs on the same baseline band, moving right, form one line.

    Returns each line's glyphs, its inked glyphs (spaces left out), its largest glyph
    size and the widest gap between two consecutive inked glyphs: `_split_gaps` needs
    them all, and they cost little here. The line's main size and its last inked glyph
    are tracked as the line grows (they were recomputed per glyph, quadratic in the line
    length on long table rows). A glyph joins the line when it does not move back by
    more than 0.6 of the size (a new line, column or cell) and overlaps the line's band
    by at least 0.35 of the smaller height. This loop runs once per glyph of the report:
    a glyph inside the band (98% of them) overlaps it by its whole height, always enough,
    and cannot widen the band, so both are only worked out for the others.
    """
    groups: list[tuple[list[Glyph], list[Glyph], float, float]] = []
    current: list[Glyph] = []
    ink: list[Glyph] = []
    band_top = band_bottom = 0.0
    main = 0.0  # the largest glyph size in the current line
    widest = -inf  # the widest gap between two inked glyphs of the current line
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
                # (`bottom - top >= 0` leaves a NaN height to the full test)
                inside = band_top <= top and bottom <= band_bottom and bottom - top >= 0
                if inside or _overlaps_band(band_top, band_bottom, top, bottom, big):
                    current.append(g)
                    ink.append(g)
                    if x0 - last_x1 > widest:
                        widest = x0 - last_x1
                    if size > main:
                        main = size
                    if not inside and size >= 0.8 * main:
                        if top < band_top:
                            band_top = top
                        if bottom > band_bottom:
                            band_bottom = bottom
                    last_size, last_x1 = size, x1
                    continue
            groups.append((current, ink, main, widest))
        current = [g]
        ink = [g]
        band_top, band_bottom = top, bottom
        main = size
        widest = -inf
        last_size, last_x1 = size, x1
    if current:
        groups.append((current, ink, main, widest))
    return groups


def _overlaps_band(band_top: float, band_bottom: float, top: float, bottom: float, big: float) -> bool:
    """The glyph overlaps the band by at least 0.35 of the smaller height (and of `big`)."""
    overlap = ((band_bottom if band_bottom < bottom else bottom)
               - (band_top if band_top > top else top))
    need = band_bottom - band_top
    if bottom - top < need:
        need = bottom - top
    if big < need:
        need = big
    return overlap >= 0.35 * need


def _split_gaps(page: int, glyphs: list[Glyph], ink: list[Glyph], size: float, widest: float,
                borders) -> list[Line]:
    """Split a line where a wide gap, or a drawn cell border, separates cells or columns.

    A short numbering token ("1.1.2", "IV.", "a)") followed by a tab stays with its
    heading text. `ink`, `size` and `widest` are the line's figures from `_group_lines`.
    Most lines have no gap wider than `wide` and no drawn edge in their way: they are
    built whole, without the glyph loop.
    """
    wide = 2.5 * size
    columns = tuple(zip(*ink))
    if not widest > wide and not _edge_within(columns, borders):
        line = _line_of(page, glyphs, columns)
        return [] if line is None else [line]
    pieces: list[tuple[list[Glyph], list[Glyph]]] = []  # (glyphs, their ink)
    piece: list[Glyph] = []
    ink = []
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


def _edge_within(columns, borders) -> bool:
    """Whether a drawn edge may stand between two of the line's inked glyphs.

    `_split_gaps` looks for one across the vertical middle of two neighbours; it can only
    find one standing between the line's leftmost right side and its rightmost left side,
    and overlapping the line's height. The comparisons are written so that a NaN
    coordinate answers yes (the glyph loop then decides).
    """
    _, x0s, tops, x1s, bottoms = columns[:5]
    if not borders or len(x0s) < 2:
        return False
    right = max(x0s) + 0.5
    i = bisect.bisect_left(borders, (min(x1s) - 0.5,))
    if i == len(borders) or borders[i][0] > right:
        return False
    y_top, y_bottom = min(min(tops), min(bottoms)), max(max(tops), max(bottoms))
    for x, b_top, b_bottom in borders[i:]:
        if x > right:
            return False
        if not (b_top > y_bottom or b_bottom < y_top):
            return True
    return False


def make_line(page: int, glyphs: list[Glyph], ink: list[Glyph] | None = None) -> Line | None:
    """One Line from its glyphs (spaces included), or None when it has no ink.

    `ink` is the same glyphs without the spaces, when the caller has it at hand.
    """
    if ink is None:
        ink = [g for g in glyphs if g.text != " "]
    if not ink:
        return None
    return _line_of(page, glyphs, tuple(zip(*ink)))


def _line_of(page: int, glyphs: list[Glyph], columns) -> Line | None:
    """`make_line` from the ink's columns (`zip(*ink)`), so the statistics run at C speed."""
    _, x0s, tops, x1s, bottoms = columns[:5]
    spans, (size, font, _, italic) = _styled_spans(glyphs, columns)
    text = _text_of(spans)
    if not text:
        return None
    bbox = (round(min(x0s), 2), round(min(tops), 2), round(max(x1s), 2), round(max(bottoms), 2))
    bold_share = sum(len(s.text.strip()) for s in spans if s.bold and not s.superscript)
    letters = sum(len(s.text.strip()) for s in spans if not s.superscript) or 1
    return Line(page, text, bbox, font, size, bold_share / letters >= 0.6, italic, tuple(spans))


def _styled_spans(glyphs: list[Glyph], columns) -> tuple[list[Span], tuple[float, str, bool, bool]]:
    """The line's spans and its main style (size, font, bold, italic).

    The most common style wins; on a tie, the first seen. Most lines are set in one style
    from end to end, which `tuple.count` confirms without hashing every glyph's style; as
    a positive size never sits below 0.82 of itself, such a line has no superscript and
    is one span.
    """
    _, x0s, _, x1s, bottoms, sizes, fonts, bolds, italics = columns
    style = size, font, bold, italic = sizes[0], fonts[0], bolds[0], italics[0]
    n = len(sizes)
    if (sizes.count(size) == n and fonts.count(font) == n and bolds.count(bold) == n
            and italics.count(italic) == n and size > 0.82 * size):
        return [Span(_plain_text(glyphs, size), x0s[0], x1s[-1], font, size, bold, italic, False)], style
    # Counter keeps insertion order, so a tie goes to the first seen.
    style, _ = Counter(zip(sizes, fonts, bolds, italics)).most_common(1)[0]
    return _spans(glyphs, style[0], _baseline(bottoms, sizes, style[0])), style


def _baseline(bottoms, sizes, size: float) -> float:
    """The lowest bottom among the glyphs of at least 0.8 of the main size."""
    floor = 0.8 * size
    if min(sizes) >= floor:
        return max(bottoms)
    baseline = max((b for b, s in zip(bottoms, sizes) if s >= floor), default=None)
    return max(bottoms) if baseline is None else baseline


def _plain_text(glyphs: list[Glyph], size: float) -> str:
    """The text of a line in one style: `_spans` with a single run and a fixed gap.

    Only three fields of each glyph are read, by index (unpacking a NamedTuple goes
    through its iterator, slower on a loop run once per glyph of the report).
    """
    min_gap = 0.18 * size
    parts: list[str] = []
    last_x1 = 0.0
    pending_space = False
    for g in glyphs:
        text = g[0]
        if text == " ":
            pending_space = True
            continue
        if parts and (pending_space or g[1] - last_x1 > min_gap):
            parts.append(" ")
        parts.append(text)
        last_x1 = g[3]
        pending_space = False
    return "".join(parts)


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
    text = spans[0].text if len(spans) == 1 else "".join(s.text for s in spans)
    # Only a run of spaces or a whitespace other than " " (never printable) can change.
    if "  " in text or not text.isprintable():
        text = _WHITESPACE.sub(" ", text)
    return text.strip()


# -- running headers, footers, page labels -------------------------------------------------

def _shape(text: str) -> str:
    return _DIGITS.sub("#", _WHITESPACE.sub(" ", text.strip().lower()))


def label_of(text: str) -> str | None:
    m = _PAGE_LABEL.match(text)
    if not m:
        return None
    return next(v for v in m.groupdict().values() if v)


def mark_running_lines(pages: list[Page]) -> list[Page]:
    """Mark lines repeated near the top or bottom of many pages as header/footer/label."""
    n = len(pages)
    margins = [_margin_lines(page) for page in pages]
    shapes: Counter[str] = Counter()
    for lines in margins:
        shapes.update({shape for _, _, shape, _ in lines})
    threshold = max(2, int(0.3 * n)) if n >= 3 else n + 1
    running = {s for s, c in shapes.items() if c >= threshold}
    label_offsets = _label_offsets(pages, margins)
    out = []
    for page, lines in zip(pages, margins):
        new_lines = list(page.lines)
        label = None
        for i, line, shape, lab in lines:
            role = line.role
            if lab is not None and _label_fits(lab, page.number, label_offsets):
                role, label = "page_label", lab
            elif shape in running:
                role = "header" if line.top < page.height / 2 else "footer"
            if role != line.role:
                new_lines[i] = _with_role(line, role)
        out.append(Page(page.number, page.width, page.height, tuple(new_lines), page.rules, label, page.image_count))
    return out


def _margin_lines(page: Page) -> list[tuple[int, Line, str, str | None]]:
    """The page's lines in the header and footer zones, with their index, shape and label.

    Worked out once per line, as all three passes of `mark_running_lines` need them.
    """
    top_zone, bottom_zone = page.height * HEADER_ZONE, page.height * (1 - HEADER_ZONE)
    return [(i, line, _shape(line.text), label_of(line.text))
            for i, line in enumerate(page.lines)
            if line.bbox[3] <= top_zone or line.bbox[1] >= bottom_zone]


def _label_offsets(pages: list[Page], margins: list[list[tuple[int, Line, str, str | None]]]) -> set[int]:
    """Offsets (physical page - printed number) shared by enough margin numbers."""
    offsets: Counter[int] = Counter()
    for page, lines in zip(pages, margins):
        for _, _, _, lab in lines:
            if lab and lab.isdigit():
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
