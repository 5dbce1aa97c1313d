"""Reading table cells with pdfplumber's table finder, on the few pages that need it.

This is the one extractor that asks the backend for a page region (DESIGN.md, stage 3):
the layout model has lines, not cell boundaries. Cell text is rebuilt from the page's
characters with superscript footnote calls dropped ("Dont AFIS⁴⁰" is the cell
"Dont AFIS", the note is found by the footnote extractor), and merged cells read as ""
in the columns they cover.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pdfplumber.table import TableFinder, TableSettings
from pdfplumber.utils import extract_words

from extractors.cell_text import Vocabulary, cut_at_edge, fold_lines
from models.document import BBox, Page

LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
TEXT = {"vertical_strategy": "text", "horizontal_strategy": "text", "text_x_tolerance": 2,
        "min_words_vertical": 2, "min_words_horizontal": 1}


class GlyphPage:
    """The little of a pdfplumber page that its table finder needs, built without pdfminer.

    Parsing a page with pdfminer costs about half a second; the characters come instead
    from the layout backend (pypdfium2) and the ruling edges from the layout model, so
    pdfplumber's own grid logic (`TableFinder`) runs on them in milliseconds.
    """

    def __init__(self, page: Page, chars: list[dict], bbox: BBox | None = None,
                 vocab: Vocabulary = Vocabulary()) -> None:
        self.width, self.height = page.width, page.height
        self.vocab = vocab  # the report's words, to undo cuts in cells (cell_text.py)
        self.bbox = bbox or (0.0, 0.0, page.width, page.height)
        x0, top, x1, bottom = self.bbox
        self.chars = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
        self.edges = [e for e in page_edges(page) if e["x1"] >= x0 and e["x0"] <= x1 and e["bottom"] >= top and e["top"] <= bottom]
        self._page = page

    def within_bbox(self, bbox: BBox) -> "GlyphPage":
        return GlyphPage(self._page, self.chars, bbox, self.vocab)

    def extract_words(self, **kwargs) -> list[dict]:
        return extract_words(self.chars, **kwargs)

    def find_tables(self, settings: dict):
        return TableFinder(self, TableSettings.resolve(settings)).tables


def glyph_chars(glyphs) -> list[dict]:
    """Backend glyphs as pdfplumber-style char dicts; blanks and zero-width glyphs dropped.

    A glyph that follows a space in the page's text carries `space_before`: producers
    that kern tightly (Chromium, WeasyPrint, LibreOffice with Linux Libertine) leave less
    than a fifth of the type size between "dispositif" and "Ac.Sé", and the layout stage
    reads the space character, so the cells do too (one rule for both).
    """
    out = []
    append = out.append
    space = False
    for g in glyphs:
        text = g.text
        if not text.strip():
            space = True
            continue
        if g.x1 <= g.x0:
            continue
        append({"text": text, "x0": g.x0, "x1": g.x1, "top": g.top, "bottom": g.bottom,
                "doctop": g.top, "width": g.x1 - g.x0, "height": g.bottom - g.top,
                "size": g.size, "fontname": g.font, "upright": True, "object_type": "char",
                "space_before": space})
        space = False
    return out


def page_edges(page: Page) -> list[dict]:
    """Ruling lines and the four sides of each rectangle, as pdfplumber edges."""
    out = []

    def edge(x0, top, x1, bottom, orientation):
        out.append({"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                    "width": x1 - x0, "height": bottom - top, "orientation": orientation,
                    "object_type": "rect_edge"})

    for r in page.rules:
        x0, top, x1, bottom = r.bbox
        if r.is_horizontal:
            y = (top + bottom) / 2
            edge(x0, y, x1, y, "h")
        elif r.is_vertical:
            x = (x0 + x1) / 2
            edge(x, top, x, bottom, "v")
        elif x1 - x0 > 2 and bottom - top > 2:
            edge(x0, top, x1, top, "h")
            edge(x0, bottom, x1, bottom, "h")
            edge(x0, top, x0, bottom, "v")
            edge(x1, top, x1, bottom, "v")
    for x0, top, x1, bottom in _open_sides(out):
        edge(x0, top, x0, bottom, "v")
        edge(x1, top, x1, bottom, "v")
    return out


def _open_sides(edges: list[dict]) -> list[tuple[float, float, float, float]]:
    """Outer borders of grids drawn without them (DocBook / LaTeX tables).

    Rows ruled across the same width, with column rules between them but no rule on the
    left and right sides: pdfplumber would drop the first and last columns, so the sides
    are added where the horizontal rules end.
    """
    rows: list[list[float]] = []  # [y, x0, x1] of each horizontal rule, joined per height
    for e in sorted((e for e in edges if e["orientation"] == "h"), key=lambda e: e["top"]):
        if rows and abs(e["top"] - rows[-1][0]) <= 1.5:
            rows[-1][1], rows[-1][2] = min(rows[-1][1], e["x0"]), max(rows[-1][2], e["x1"])
        else:
            rows.append([e["top"], e["x0"], e["x1"]])
    verticals = [e for e in edges if e["orientation"] == "v"]
    out = []
    i = 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and abs(rows[j + 1][1] - rows[i][1]) <= 3 and abs(rows[j + 1][2] - rows[i][2]) <= 3:
            j += 1
        if j > i:
            x0, x1, top, bottom = rows[i][1], rows[i][2], rows[i][0], rows[j][0]
            inner = [v for v in verticals if x0 + 3 < v["x0"] < x1 - 3 and v["top"] < bottom and v["bottom"] > top]
            sides = [v for v in verticals if abs(v["x0"] - x0) <= 3 or abs(v["x0"] - x1) <= 3]
            if inner and not sides:
                out.append((x0, top, x1, bottom))
        i = j + 1
    return out


@dataclass(frozen=True)
class FoundTable:
    """A grid found on one page (or a table without rules read over several): its first
    page and bbox, its rows of cell texts, and where it ends when on another page."""

    page: int
    bbox: BBox
    rows: tuple[tuple[str, ...], ...]
    ruled: bool
    page_end: int | None = None
    last_bbox: BBox | None = None

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def ruled_tables(plumber_page, page_no: int) -> list[FoundTable]:
    """Tables drawn with ruling lines on the page (at least two rows and two columns)."""
    out = []
    for tb in plumber_page.find_tables(LINES):
        rows = _rows(plumber_page, tb)
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2 and _filled_columns(rows) >= 2:
            out.append(FoundTable(page_no, tuple(round(v, 2) for v in tb.bbox), rows, True))
    return out


def text_table(plumber_page, page_no: int, region: BBox) -> FoundTable | None:
    """A whitespace-aligned table inside `region` (used only where a caption announces one).

    Columns are the vertical bands of white that no word crosses on any row. A band
    holding only header words (left-aligned titles over right-aligned figures) joins the
    band to its right, so "Plaintes" heads the column of "100" and not a column of its own.
    """
    x0, top, x1, bottom = region
    crop = plumber_page.within_bbox((max(x0, 0), max(top, 0), min(x1, plumber_page.width),
                                     min(bottom, plumber_page.height)))
    if not crop.chars:
        return None
    visual = [(ln, _words(ln)) for ln in _group(crop.chars)]
    visual = [(ln, w) for ln, w in visual if w]
    if len(visual) < 2:
        return None
    # Columns from every visual line, then wrapped lines folded into their row.
    groups = _bands([(w[0], w[1], k) for k, (_, ws) in enumerate(visual) for w in ws])
    row_of = _row_of_lines(visual, groups)
    n_rows = row_of[-1] + 1
    if n_rows < 2:
        return None
    groups = [(g0, g1, {row_of[k] for k in ks}) for g0, g1, ks in groups]
    per_row = [sum(1 for _, _, ks in groups if r in ks) for r in range(n_rows)]
    widest = max(per_row)
    first_data = next(r for r in range(n_rows) if per_row[r] == widest)
    header = set(range(first_data))
    if len(groups) > widest:
        header.add(0)  # more bands than cells in any row: the first row is out of line
    merged: list[list[float]] = []
    start: float | None = None  # left edge of header-only bands waiting for their column
    for g0, g1, row_ids in groups:
        if row_ids <= header:
            start = g0 if start is None else start
            continue
        merged.append([g0 if start is None else start, g1])
        start = None
    if start is not None and merged:
        merged[-1][1] = groups[-1][1]
    if len(merged) < 2:
        return None
    cells = [[""] * len(merged) for _ in range(n_rows)]
    for k, (_, ws) in enumerate(visual):
        row = cells[row_of[k]]
        for w0, w1, text in ws:
            centre = (w0 + w1) / 2
            j = min(range(len(merged)), key=lambda c: 0 if merged[c][0] <= centre <= merged[c][1]
                    else min(abs(centre - merged[c][0]), abs(centre - merged[c][1])))
            row[j] = fold_lines([row[j], text], plumber_page.vocab)
    cells = [tuple(r) for r in cells]
    box = (min(c["x0"] for c in crop.chars), min(c["top"] for c in crop.chars),
           max(c["x1"] for c in crop.chars), max(c["bottom"] for c in crop.chars))
    return FoundTable(page_no, tuple(round(v, 2) for v in box), tuple(cells), False)


def _row_of_lines(visual, groups) -> list[int]:
    """Row index of each visual line: the lines of a wrapped cell are one row.

    Rows set apart by a wider gap than the lines inside them (cell padding) give two
    gap levels: a line at the small gap continues the row above. With one gap level
    every line is a row. A line that puts a figure under a figure of the row above
    starts a row of its own (a tight table of numbers with one wider gap).
    """
    tops = [min(c["top"] for c in ln) for ln, _ in visual]
    bottoms = [max(c["bottom"] for c in ln) for ln, _ in visual]
    size = sorted(max(c["size"] for c in ln) for ln, _ in visual)[len(visual) // 2]
    gaps = [tops[k] - bottoms[k - 1] for k in range(1, len(visual))]
    small = min(gaps)
    two_levels = max(gaps) > small + 0.3 * size
    band_of = {}
    for gi, (g0, g1, ks) in enumerate(groups):
        for k in ks:
            band_of.setdefault(k, []).append((g0, g1, gi))

    def figures(k) -> set[int]:
        return {gi for g0, g1, gi in band_of.get(k, []) for w0, w1, t in visual[k][1]
                if g0 <= (w0 + w1) / 2 <= g1 and _FIGURE.fullmatch(t)}

    out = [0]
    row_figures = figures(0)
    for k in range(1, len(visual)):
        mine = figures(k)
        if two_levels and gaps[k - 1] <= small + 0.3 * size and not (mine & row_figures):
            out.append(out[-1])
            row_figures |= mine
        else:
            out.append(out[-1] + 1)
            row_figures = mine
    return out


_FIGURE = re.compile(r"[-+−]?\s?\d[\d\s  .,]*\s?[%‰€$]?")  # a figure: "1 005", "2,24", "+ 88 %"


def _words(line: list[dict]) -> list[tuple[float, float, str]]:
    """Words of one visual line: characters closer than half the type size."""
    out: list[list] = []
    for c in line:
        if not c["text"].strip():
            continue
        if out and c["x0"] - out[-1][1] <= 0.5 * c["size"]:
            out[-1][1] = c["x1"]
            out[-1][2].append(c)
        else:
            out.append([c["x0"], c["x1"], [c]])
    return [(a, b, _line_text(cs)) for a, b, cs in out]


def _bands(words: list[tuple[float, float, int]]) -> list[tuple[float, float, set[int]]]:
    """Merge overlapping word spans into column bands, remembering which rows fill each."""
    bands: list[list] = []
    for w0, w1, k in sorted(words):
        if bands and w0 < bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], w1)
            bands[-1][2].add(k)
        else:
            bands.append([w0, w1, {k}])
    return [(a, b, ks) for a, b, ks in bands]


def _filled_columns(rows) -> int:
    width = max(len(r) for r in rows)
    return sum(1 for j in range(width) if any(j < len(r) and r[j] for r in rows))


def _rows(plumber_page, tb) -> tuple[tuple[str, ...], ...]:
    x0, top, x1, bottom = tb.bbox
    chars = [c for c in plumber_page.chars if x0 - 1 <= c["x0"] and c["x1"] <= x1 + 1
             and top - 1 <= c["top"] and c["bottom"] <= bottom + 1]
    mids = [(c["top"] + c["bottom"]) / 2 for c in chars]  # once, not once per row
    rows = []
    for row in tb.rows:
        r_top, r_bottom = row.bbox[1], row.bbox[3]
        rows.append((row, [c for c, mid in zip(chars, mids) if r_top - 0.5 <= mid <= r_bottom + 0.5]))
    owner = _overflow(rows)
    return tuple(tuple(cell_text(in_row, c, plumber_page.vocab, owner) if c is not None else "" for c in row.cells)
                 for row, in_row in rows)


def _overflow(rows) -> dict[int, float]:
    """Letters of a word that runs over a column rule, moved back to its cell.

    LaTeX (an overfull box) and fpdf2 let a word wider than its column run past the rule:
    "Prestatair|e" then "Date" in the next cell, the letters glued. The column's text
    starts at the same padding after the rule on every other row; the glued letters
    printed inside that padding belong to the word on the left. Returns, per letter's id,
    the x its cell is read at.
    """
    lines = []  # (boundaries of the row's cells, the row's visual lines)
    for row, in_row in rows:
        bounds = sorted({round(c[0], 1) for c in row.cells if c is not None})[1:]
        if bounds and in_row:
            lines.append((bounds, _group(in_row)))
    pads: dict[float, float] = {}
    runs = []  # (boundary, the letters right of it, glued to a word left of it)
    for bounds, visual in lines:
        for line in visual:
            mids = [(c["x0"] + c["x1"]) / 2 for c in line]
            for j, b in enumerate(bounds):
                k = next((i for i, m in enumerate(mids) if m > b), None)
                if k is None or j + 1 < len(bounds) and mids[k] > bounds[j + 1]:
                    continue  # nothing in this cell on this line
                c, p = line[k], line[k - 1] if k else None
                if p is not None and p["x0"] < b and _glued(p, c):
                    runs.append((b, line[k:]))
                else:
                    pads[b] = min(pads.get(b, c["x0"] - b), c["x0"] - b)
    owner: dict[int, float] = {}
    for b, run in runs:
        if pads.get(b, 0.0) <= 0.5:
            continue
        prev = None
        for c in run:
            if c["x0"] >= b + pads[b] - 0.3 or (prev is not None and not _glued(prev, c)):
                break
            owner[id(c)] = b - 1.0  # inside the left cell, beyond the 0.5 pt the cells allow
            prev = c
    return owner


def _glued(left: dict, right: dict) -> bool:
    """Two letters of one word: no space between them in the page text, no gap."""
    return not right.get("space_before") and right["x0"] - left["x1"] <= 0.1 * right["size"]


def cell_text(chars, bbox, vocab: Vocabulary = Vocabulary(), owner: dict[int, float] | None = None) -> str:
    """Text of the characters inside `bbox`, superscript calls dropped, lines folded
    (`owner`: the x at which a letter is read, when not at its centre, see _overflow)."""
    x0, top, x1, bottom = bbox
    owner = owner or {}
    inside = [c for c in chars if x0 - 0.5 <= owner.get(id(c), (c["x0"] + c["x1"]) / 2) <= x1 + 0.5
              and top - 0.5 <= (c["top"] + c["bottom"]) / 2 <= bottom + 0.5]
    if not inside:
        return ""
    lines = _group(inside)
    texts: list[str] = []
    kept_chars: list[list[dict]] = []
    for line in lines:
        size = max(c["size"] for c in line if c["text"].strip()) if any(c["text"].strip() for c in line) else 0
        normal = [c for c in line if c["size"] >= 0.82 * size]
        base = max((c["bottom"] for c in normal), default=0)
        kept = [c for c in line if not (c["size"] < 0.82 * size and c["bottom"] < base - 0.18 * size)]
        text = _line_text(kept)
        if texts and cut_at_edge(texts[-1], kept_chars[-1], text, kept, bbox, vocab):
            texts[-1] += text  # "Fontaineblea" + "u - Melun": one word wider than the column
            kept_chars[-1] = kept
            continue
        texts.append(text)
        kept_chars.append(kept)
    return fold_lines(texts, vocab)


def _group(chars) -> list[list[dict]]:
    """Characters into visual lines by vertical overlap, each sorted left to right."""
    lines: list[list[dict]] = []
    # (top, bottom, size) of the tallest character of each line so far: tuples, as the
    # inner loop runs over every line for every character (3,000 of them in a big table)
    refs: list[tuple[float, float, float]] = []
    for c in sorted(chars, key=lambda c: (round(c["bottom"], 0), c["x0"])):
        top, bottom = c["top"], c["bottom"]
        height = bottom - top
        for k, (r_top, r_bottom, r_size) in enumerate(refs):
            if min(r_bottom, bottom) - max(r_top, top) > 0.3 * min(r_bottom - r_top, height):
                lines[k].append(c)
                if c["size"] > r_size:
                    refs[k] = (top, bottom, c["size"])
                break
        else:
            lines.append([c])
            refs.append((top, bottom, c["size"]))
    lines.sort(key=lambda ln: min(c["top"] for c in ln))
    return [sorted(ln, key=lambda c: c["x0"]) for ln in lines]


def _line_text(chars) -> str:
    out = ""
    prev = None
    for c in chars:
        gap = c["x0"] - prev["x1"] if prev is not None else 0.0
        if prev is not None and (gap > 0.2 * max(c["size"], 1) or (c.get("space_before") and gap > -0.5)) \
                and not out.endswith(" "):
            out += " "
        out += c["text"]
        prev = c
    return " ".join(out.split())
