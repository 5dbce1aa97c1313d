"""Glyphs -> lines: the text lines of one page, built from its glyphs.

Glyphs are grouped into lines in content-stream order (which keeps columns and table
cells apart), wide gaps and drawn cell borders split them, and superscripts are marked so
footnote calls never glue onto numbers.
"""
from __future__ import annotations

import bisect
import operator
import re
from collections import Counter
from math import inf

from extractors.layout.backend import Glyph, RawPage
from extractors.layout.fragments import join_fragments
from extractors.layout.turns import by_turn, diagonal_lines, has_turned, unturn_line
from models.document import Line, Page, Span

_WHITESPACE = re.compile(r"\s+")
# A gap wider than this share of the size between two glyphs is a word space, as in
# poppler's pdftotext (minWordBreakSpace 0.1): PDFs that set word spaces as gaps, not
# space characters, read "sont les", not "sontles" (Etalab working paper p. 11).
WORD_GAP = 0.1
# A glyph of the same size set on another baseline starts a word, as in pdftotext (the
# Debian reference p. 126: a table cell's "config::ifupdown" runs under the next cell's
# "outil", 6 pt higher: "ifupdownoutil").
BASELINE_SHIFT = 0.4
_NUMBERING_TOKEN = re.compile(r"[\dIVXivx]{1,4}([.)]\d{0,3}){0,5}[.)]?|[A-Za-z][.)]|[•\-–]")


def build_page(raw: RawPage) -> Page:
    """The page's lines: upright text first, then text set at a quarter turn (`turns`)."""
    borders = cell_borders(raw.rules)
    lines = _page_lines(raw.number, raw.glyphs, borders)
    width, height = raw.width, raw.height
    if any(x0 < 0 or top < 0 or x1 > width or bottom > height for x0, top, x1, bottom in (ln.bbox for ln in lines)):
        lines = _page_lines(raw.number, _on_page(raw.glyphs, width, height), borders)
    lines = _without_overprints(lines)
    return Page(raw.number, raw.width, raw.height, tuple(lines), tuple(raw.rules), None, raw.image_count)


def _page_lines(page: int, glyphs: list[Glyph], borders) -> list[Line]:
    """Upright lines first, then each quarter turn's (built in its reading frame)."""
    if not has_turned(glyphs):
        return _lines_of(page, glyphs, borders)
    groups = by_turn(glyphs)
    lines = _lines_of(page, groups.pop(0, []), borders)
    for turn, turned in sorted(groups.items()):
        if turn != int(turn):
            lines += diagonal_lines(page, turned, turn)
            continue
        # Drawn borders are page boxes: they do not apply in a turned frame.
        lines += [unturn_line(line, turn) for line in _lines_of(page, turned, [])]
    return lines


def _on_page(glyphs: list[Glyph], width: float, height: float) -> list[Glyph]:
    """The glyphs printed on the page: those whose baseline lies off it are left out.

    Text set beyond the page's edge is never seen (the Debian reference, p. 53: a table
    running 300 pt below the bottom of the page; p. 244: a last row whose baseline falls
    just under it); pdftotext drops a glyph whose origin is off the page, and so does this.
    The baseline is taken a fifth of the box height above its bottom (the usual descent).
    It is called only for a page where a line reaches past an edge.
    """
    kept = []
    for g in glyphs:
        if g.text != " ":
            if g.turn:  # the box's middle stands for the origin of turned text
                x, y = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
                if x < 0 or x > width or y < 0 or y > height:
                    continue
            else:
                base = g.bottom - 0.2 * (g.bottom - g.top)
                if g.x1 < 0 or g.x0 > width or base < 0 or base > height:
                    continue
        kept.append(g)
    return kept


def _lines_of(page: int, glyphs: list[Glyph], borders) -> list[Line]:
    return [line for chunk, ink, size, widest in join_fragments(_group_lines(page, glyphs), WORD_GAP)
            for line in _split_gaps(page, chunk, ink, size, widest, borders)]


def _without_overprints(lines: list[Line]) -> list[Line]:
    """Lines drawn twice at the same place (a text block printed over itself for a
    bolder look: pdfplumber's issue 71 example) are read once, as pdftotext does."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for line in lines:
        key = (line.text, round(line.bbox[0]), round(line.bbox[1]))
        if key in seen:
            continue
        seen.add(key)
        out.append(line)
    return out


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
        text, x0, top, x1, bottom, size, _, _, _, _ = g
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
        text, x0, top, x1, bottom, g_size, _, _, _, _ = g
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
            elif one_word and piece and (saw_space or gap > WORD_GAP * (g_size if g_size > p_size else p_size)):
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
    top, bottom = min(tops), max(bottoms)
    spans, (size, font, _, italic) = _styled_spans(glyphs, columns, bottom - top)
    text = _text_of(spans)
    if not text:
        return None
    bbox = (round(min(x0s), 2), round(top, 2), round(max(x1s), 2), round(bottom, 2))
    bold_share = sum(len(s.text.strip()) for s in spans if s.bold and not s.superscript)
    letters = sum(len(s.text.strip()) for s in spans if not s.superscript) or 1
    return Line(page, text, bbox, font, size, bold_share / letters >= 0.6, italic, tuple(spans))


def _styled_spans(glyphs: list[Glyph], columns, extent: float = inf) -> tuple[list[Span], tuple[float, str, bool, bool]]:
    """The line's spans and its main style (size, font, bold, italic).

    The most common style wins; on a tie, the first seen. Most lines are set in one style
    from end to end, which `tuple.count` confirms without hashing every glyph's style; as
    a positive size never sits below 0.82 of itself, such a line has no superscript and
    is one span.
    """
    _, x0s, _, x1s, bottoms, sizes, fonts, bolds, italics = columns[:9]
    style = size, font, bold, italic = sizes[0], fonts[0], bolds[0], italics[0]
    n = len(sizes)
    if (sizes.count(size) == n and fonts.count(font) == n and bolds.count(bold) == n
            and italics.count(italic) == n and size > 0.82 * size):
        # A line no taller than a glyph and BASELINE_SHIFT has no baseline step (most lines).
        level = extent <= (1.0 + BASELINE_SHIFT) * size
        return [Span(_plain_text(glyphs, size, _tracking(x0s, x1s), level), x0s[0], x1s[-1], font, size, bold,
                     italic, False)], style
    # Counter keeps insertion order, so a tie goes to the first seen.
    style, _ = Counter(zip(sizes, fonts, bolds, italics)).most_common(1)[0]
    return _spans(glyphs, style[0], _baseline(bottoms, sizes, style[0]), _tracking(x0s, x1s)), style


def _tracking(x0s, x1s) -> float:
    """The spacing a line adds between all its letters (character spacing, tracking).

    Readers' boxes leave it out, so a heading set with wide tracking ("R A P P O RT",
    OFNAC 2023 p. 10) shows a gap between every two letters; word spaces are gaps wider
    than this plus WORD_GAP of the size. Read as the lower fifth of the gaps between
    neighbours, 0 for most lines (and for lines of fewer than five glyphs).
    """
    if len(x0s) < 5:
        return 0.0
    gaps = sorted(map(operator.sub, x0s[1:], x1s[:-1]))
    low = gaps[len(gaps) // 5]
    return low if low > 0.0 else 0.0


def _baseline(bottoms, sizes, size: float) -> float:
    """The lowest bottom among the glyphs of at least 0.8 of the main size."""
    floor = 0.8 * size
    if min(sizes) >= floor:
        return max(bottoms)
    baseline = max((b for b, s in zip(bottoms, sizes) if s >= floor), default=None)
    return max(bottoms) if baseline is None else baseline


def _plain_text(glyphs: list[Glyph], size: float, tracking: float = 0.0, level: bool = True) -> str:
    """The text of a line in one style: `_spans` with a single run and a fixed gap.

    Only the fields needed are read, by index (unpacking a NamedTuple goes through its
    iterator, slower on a loop run once per glyph of the report). `level`: all the line's
    glyphs sit on one baseline (most lines), so no baseline step needs looking for.
    """
    min_gap = WORD_GAP * size + tracking
    parts: list[str] = []
    last_x1 = 0.0
    pending_space = False
    if level:
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
    shift = BASELINE_SHIFT * size
    last_bottom = 0.0
    for g in glyphs:
        text = g[0]
        if text == " ":
            pending_space = True
            continue
        if parts and (pending_space or g[1] - last_x1 > min_gap or abs(g[4] - last_bottom) > shift):
            parts.append(" ")
        parts.append(text)
        last_x1, last_bottom = g[3], g[4]
        pending_space = False
    return "".join(parts)


def _spans(glyphs: list[Glyph], size: float, baseline: float, tracking: float = 0.0) -> list[Span]:
    """Runs of one style (font, size, bold, italic, superscript) as Spans.

    A space, a gap wider than WORD_GAP of the size or a step to another baseline
    (BASELINE_SHIFT) between two inked glyphs puts one
    " " into the text (spaces before the first ink or after the last count for nothing).
    """
    spans: list[Span] = []
    parts: list[str] = []  # the text of the current run
    key = None
    run_x0 = last_x1 = last_size = last_bottom = 0.0
    started = False  # an inked glyph has been seen
    pending_space = False
    small = 0.82 * size
    raised = baseline - 0.18 * size
    for g in glyphs:
        text, x0, _, x1, bottom, g_size, font, bold, italic, _ = g
        if text == " ":
            pending_space = True
            continue
        k = (font, g_size, bold, italic, g_size <= small and bottom < raised)
        big = g_size if g_size > last_size else last_size
        space = started and (pending_space or x0 - last_x1 > WORD_GAP * big + tracking
                             or g_size == last_size and abs(bottom - last_bottom) > BASELINE_SHIFT * g_size)
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
        last_x1, last_size, last_bottom = x1, g_size, bottom
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
