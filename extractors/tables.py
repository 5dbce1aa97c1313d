"""Tables: caption, cells, source and notes, one record per table even over several pages.

Candidate pages come from the Document (a table caption, or ruling lines forming a grid of
at least two columns), so pdfplumber's table finder runs on a handful of pages, opened
once per report. Ruled grids are read with pdfplumber's lines strategy; a captioned table
without rules is read from its whitespace (table_cells.text_table) inside the block of
lines its caption announces, never elsewhere, so running text is not turned into cells. A grid that
runs to the bottom of a page and resumes at the top of the next one with the same number
of columns is one table (a repeated header row is dropped). A ruled grid without caption
is kept with number None only when it holds data side by side (table_shape): a frame, a
box, shaded lines or a two-column page are body text, and their lines stay in the
Document for the other extractors.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from extractors.layout import Backend, open_backend
from extractors.patterns.notes_tables import CAPTION, SOURCE, TABLE_NOTE
from extractors.table_captions import (Caption, find_captions, lines_after, page_notes, read_source_and_notes,
                                       text_block, untitled_caption)
from extractors.table_shape import grid_shape
from extractors.cell_text import Vocabulary, vocabulary_of
from extractors.table_cells import FoundTable, GlyphPage, glyph_chars, page_edges, ruled_tables, text_table
from models.document import Document, Page
from models.records import Problem, Table

NEAR = 4.0  # how many body line heights may separate a caption from its table


def extract_tables(doc: Document) -> tuple[list[Table], list[Problem]]:
    """All tables of the report in reading order, with the problems met on the way."""
    body = doc.body_size  # computed once: the property walks every line of the report
    captions = find_captions(doc, body)
    table_caps = [c for c in captions if c.kind == "table"]
    grids = {p.number for p in doc.pages if has_grid(p)}
    pages = sorted(set(c.page for c in table_caps) | grids)
    if not pages:
        return [], []
    problems: list[Problem] = []
    found: dict[int, list[FoundTable]] = {}
    glyphs = _Glyphs(doc, problems)
    try:
        for n in pages:
            gp = glyphs.page(n)
            try:
                found[n] = ruled_tables(gp, n) if gp is not None and n in grids else []
            except Exception as exc:  # a damaged page must not stop the report
                problems.append(Problem("table_unreadable", f"page {n}: {exc}", n))
                found[n] = []
        for n in found:  # a "grid" holding a caption inside is two tables read as one
            found[n] = [g for g in found[n] if not any(_inside(c, g) and not _title_row(c, g) for c in table_caps)]
        below = captions_below(doc, body, table_caps, found)
        assigned = _assign(doc, body, captions, found, glyphs, problems, below)
    finally:
        glyphs.close()
    tables = _list_of_tables_dropped(_build(doc, body, assigned, below), problems)
    return tables, problems


def _list_of_tables_dropped(tables: list[Table], problems: list[Problem]) -> list[Table]:
    """Drop caption-only entries whose label has a real table elsewhere (a list of tables)."""
    with_cells = {t.label for t in tables if t.cells and t.label}
    kept = [t for t in tables if t.cells or not t.label or t.label not in with_cells]
    dropped = {(t.page, t.label) for t in tables if t not in kept}
    problems[:] = [p for p in problems if not (p.kind == "table_cells_missing" and (p.page, p.subject) in dropped)]
    return kept


class _Glyphs:
    """Characters of the pages the tables need, the PDF opened once, and only when needed.

    Most pages come from the candidate list; a table without rules that runs over a page
    break asks for its neighbour page on the way.
    """

    def __init__(self, doc: Document, problems: list[Problem]) -> None:
        self.doc, self.problems = doc, problems
        self.cache: dict[int, GlyphPage | None] = {}
        self.reader: Backend | None = None
        self.vocab: Vocabulary | None = None  # read from the whole report, once

    def page(self, n: int) -> GlyphPage | None:
        if n not in self.cache:
            try:
                self.cache[n] = GlyphPage(self.doc.pages[n - 1], self._chars(n), vocab=self._vocab())
            except Exception as exc:  # a damaged page must not stop the report
                self.problems.append(Problem("table_unreadable", f"page {n}: {exc}", n))
                self.cache[n] = None
        return self.cache[n]

    def _vocab(self) -> Vocabulary:
        if self.vocab is None:
            self.vocab = vocabulary_of(ln for p in self.doc.pages for ln in p.lines)
        return self.vocab

    def _chars(self, n: int) -> list[dict]:
        if self.reader is None:
            self.reader = open_backend(self.doc.path, self.doc.backend)
        return glyph_chars(self.reader.glyphs(n))

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
            self.reader = None


def captions_below(doc: Document, body: float, captions: list[Caption], found) -> bool:
    """True when the report prints its table captions under the tables.

    A report is consistent, so the captions vote: one followed at once by its "Source :"
    line closes its table; otherwise the nearer grid (above or below) tells.
    """
    above = below = 0
    for cap in captions:
        page = doc.pages[cap.page - 1]
        nxt = lines_after(page, cap.bottom + 0.5, 0.0, page.width)
        nxt = [ln for ln in nxt if ln not in cap.lines]
        if nxt and nxt[0].top - cap.bottom <= 1.5 * body and (SOURCE.match(nxt[0].plain_text)
                                                               or TABLE_NOTE.match(nxt[0].plain_text)):
            below += 1
            continue
        grids = found.get(cap.page, [])
        d_up = min((cap.top - g.bbox[3] for g in grids if g.bbox[3] <= cap.top + 2), default=None)
        d_down = min((g.bbox[1] - cap.bottom for g in grids if g.bbox[1] >= cap.bottom - 2), default=None)
        if d_up is not None and (d_down is None or d_up < d_down) and d_up <= NEAR * body * 1.4:
            below += 1
        elif d_down is not None and d_down <= NEAR * body * 1.4:
            above += 1
    return below > above


def has_grid(page: Page) -> bool:
    """True when the page's rules outline at least two columns and two rows."""
    if len(page.rules) < 4:
        return False
    edges = page_edges(page)
    xs = [e["x0"] for e in edges if e["orientation"] == "v"]
    ys = [e["top"] for e in edges if e["orientation"] == "h"]
    # Positions closer than 8 pt are one border (the two sides of a thick frame line).
    return _clusters(xs, 8) >= 3 and _clusters(ys, 4) >= 3


def _clusters(values: list[float], tolerance: float) -> int:
    count, last = 0, None
    for v in sorted(values):
        if last is None or v - last > tolerance:
            count += 1
        last = v
    return count


def _assign(doc, body: float, captions: list[Caption], found, glyphs, problems,
            below_first: bool) -> list[tuple[Caption | None, FoundTable]]:
    """Pair each table caption with the grid next to it: right below it, or right above
    it first when the report prints its captions under the tables (`below_first`)."""
    claimed: set[int] = set()
    pairs: list[tuple[Caption | None, FoundTable]] = []
    for cap in captions:
        grids = [g for g in found.get(cap.page, []) if id(g) not in claimed]
        titled = [g for g in grids if cap.kind == "table" and _inside(cap, g) and _title_row(cap, g)]
        if titled:
            claimed.add(id(titled[0]))
            pairs.append((cap, _without_title(cap, titled[0])))
            continue
        below = [g for g in grids if g.bbox[1] >= cap.bottom - 2 and g.bbox[1] - cap.bottom <= NEAR * body * 1.4]
        above = [g for g in grids if g.bbox[3] <= cap.top + 2 and cap.top - g.bbox[3] <= NEAR * body * 1.4]
        under = min(below, key=lambda g: g.bbox[1]) if below else None
        over = max(above, key=lambda g: g.bbox[3]) if above else None
        if below_first and over is None and not grids:
            over = _grid_closing_previous_page(doc, body, cap, found, claimed)
        grid = (over or under) if below_first else (under or over)
        if grid is None and not below_first and cap.kind == "table":
            grid = _grid_opening_next_page(doc, body, cap, found, claimed)
        if grid is None and cap.kind == "table":
            grid = text_grid(doc, body, cap, glyphs, below_first)
        if grid is None:
            if cap.kind == "table":
                problems.append(Problem("table_cells_missing", f"aucune cellule lue pour « {cap.text[:60]} »",
                                        cap.page, cap.label))
                pairs.append((cap, FoundTable(cap.page, _bbox(cap), (), False)))
            continue
        claimed.add(id(grid))
        if cap.kind == "table":
            pairs.append((cap, grid))
    for n, grids in found.items():
        for g in grids:
            if id(g) not in claimed:
                pairs.append((None, g))
    pairs.sort(key=lambda p: (p[1].page, p[1].bbox[1], p[0] is not None))
    return pairs


def _inside(cap: Caption, grid: FoundTable) -> bool:
    return (cap.page == grid.page and grid.bbox[1] < cap.top and cap.bottom < grid.bbox[3]
            and grid.bbox[0] - 2 <= cap.lines[0].x0 <= grid.bbox[2])


def _title_row(cap: Caption, grid: FoundTable) -> bool:
    """The caption is printed in the grid's first row (a shaded title cell, OFNAC 2021)."""
    first = next((r for r in grid.rows if any(c.strip() for c in r)), ())
    return any(CAPTION.match(c) for c in first if c.strip())


def _without_title(cap: Caption, grid: FoundTable) -> FoundTable:
    """The grid without the rows that only repeat its caption."""
    said = " ".join(cap.text.split())
    rows = list(grid.rows)
    while rows and all(not c.strip() or CAPTION.match(c) or " ".join(c.split()) in said for c in rows[0]):
        rows.pop(0)
    return replace(grid, rows=tuple(rows))


def _grid_opening_next_page(doc, body, cap: Caption, found, claimed) -> FoundTable | None:
    """A caption that ends its page, over a grid that opens the next one (Gorée 2022, p. 31)."""
    page = doc.pages[cap.page - 1]
    notes = page_notes(page, body)
    if cap.page >= doc.page_count or any(ln.top >= cap.bottom and ln not in cap.lines and id(ln) not in notes
                                         for ln in page.lines if ln.is_body and ln.text.strip()):
        return None
    grids = [g for g in found.get(cap.page + 1, []) if id(g) not in claimed]
    if not grids:
        return None
    first = min(grids, key=lambda g: g.bbox[1])
    nxt = doc.pages[cap.page]
    return None if any(ln.is_body and ln.text.strip() and ln.bottom <= first.bbox[1] for ln in nxt.lines) else first


def _grid_closing_previous_page(doc, body, cap: Caption, found, claimed) -> FoundTable | None:
    """A caption printed first on its page, under a grid that ended the page before."""
    page = doc.pages[cap.page - 1]
    if any(ln.bottom <= cap.top for ln in page.lines if ln.is_body and ln.text.strip()):
        return None
    grids = [g for g in found.get(cap.page - 1, []) if id(g) not in claimed]
    if not grids:
        return None
    last = max(grids, key=lambda g: g.bbox[3])
    prev = doc.pages[cap.page - 2]
    tail = [ln for ln in prev.lines if ln.is_body and ln.top > last.bbox[3]]
    notes = page_notes(prev, body)
    return last if all(id(ln) in notes for ln in tail) else None


def _bbox(cap: Caption):
    ls = cap.lines
    return (min(ln.x0 for ln in ls), ls[0].top, max(ln.x1 for ln in ls), ls[-1].bottom)


def text_grid(doc: Document, body: float, cap: Caption, glyphs, below_first: bool) -> FoundTable | None:
    """Whitespace-aligned table announced by `cap`: the block of lines it sits on, which
    may run over page breaks (on the way down, or up when captions are printed under)."""
    for forward in ((False, True) if below_first else (True, False)):
        parts = text_block(doc, body, cap, forward)
        if sum(len(ls) for _, ls in parts) >= 2:
            break
    else:
        return None
    found = []
    for n, block in sorted(parts, key=lambda p: p[0]):
        gp = glyphs.page(n)
        page = doc.pages[n - 1]
        text = [ln for ln in page.lines if ln.is_body and ln.text.strip()]
        if gp is None or not text:
            continue
        left, right = min(ln.x0 for ln in text), max(ln.x1 for ln in text)
        top, bottom = min(ln.top for ln in block) - 1, max(ln.bottom for ln in block) + 1
        t = text_table(gp, n, (min(left, min(ln.x0 for ln in block)) - 2, top,
                               max(right, max(ln.x1 for ln in block)) + 2, bottom))
        if t is not None:
            found.append(t)
    if not found:
        return None
    rows = list(found[0].rows)
    for t in found[1:]:
        more = list(t.rows)
        k = 0
        while k < len(more) and k < len(rows) and more[k] == rows[k]:
            k += 1  # the header repeated on the new page
        rows += more[k:]
    first = found[0]
    return FoundTable(first.page, first.bbox, tuple(rows), False, found[-1].page if len(found) > 1 else None,
                      found[-1].bbox)


def _build(doc: Document, body: float, pairs, below: bool = False) -> list[Table]:
    tables: list[Table] = []
    ends: list[float] = []  # bottom of each table's last part, where its source is sought
    last_grid: FoundTable | None = None
    for cap, grid in pairs:
        closing = cap is not None and below and tables and tables[-1].caption is None
        data = grid_shape(grid.rows).is_data
        # A grid that carries on a captioned table is part of it whatever its shape: the
        # caption announced a table, and long cells of text are still its rows.
        carries_on = cap is None and (data or (bool(tables) and tables[-1].caption is not None))
        if (carries_on or closing) and tables and last_grid is not None \
                and _continues(doc, body, last_grid, grid):
            prev = tables[-1]
            rows = list(grid.rows)
            if rows and prev.cells and rows[0] == prev.cells[0]:
                rows = rows[1:]  # the header repeated on the new page
            prev = replace(prev, cells=prev.cells + tuple(rows), page_end=grid.page)
            if cap is not None:  # the caption printed under the table's last part
                prev = replace(prev, number=cap.number, caption=cap.text, label=cap.label)
            tables[-1] = prev
            ends[-1] = max(grid.bbox[3], cap.bottom if cap is not None and cap.page == grid.page else 0.0)
            last_grid = grid
            continue
        if cap is None and (grid.n_cols < 2 or not data):
            continue  # a frame, a box or a two-column page: body text, not a table
        if cap is None:
            cap = untitled_caption(doc, body, grid, below)
        last = grid.page_end or grid.page
        tables.append(Table(cap.number if cap else None, cap.text if cap else None,
                            min(cap.page, grid.page) if cap else grid.page, grid.rows, None,
                            grid.page_end, grid.bbox, None, cap.label if cap else None))
        end = grid.last_bbox[3] if grid.last_bbox else grid.bbox[3]
        ends.append(max(end, cap.bottom if cap and cap.page == last else 0.0))
        last_grid = grid
    return [_with_source(doc, body, t, end) for t, end in zip(tables, ends)]


def _continues(doc: Document, body: float, prev: FoundTable, grid: FoundTable) -> bool:
    """`grid` opens its page and `prev` closes the page before, with as many columns.

    Footnotes printed at the foot of the page (under a rule or not) do not end the table.
    """
    if grid.page != (prev.page_end or prev.page) + 1 or grid.n_cols != prev.n_cols:
        return False
    page_prev, page = doc.pages[grid.page - 2], doc.pages[grid.page - 1]
    notes = page_notes(page_prev, body)
    end = (prev.last_bbox or prev.bbox)[3]
    tail = [ln for ln in page_prev.lines if ln.is_body and ln.top > end and id(ln) not in notes]
    head = [ln for ln in page.lines if ln.is_body and ln.bottom < grid.bbox[1]]
    return not tail and not head


def _with_source(doc: Document, body: float, table: Table, bottom: float) -> Table:
    """Attach the "Source : …" and notes printed right under the table's last part."""
    last = table.page_end or table.page
    page = doc.pages[last - 1]
    x0, x1 = 0.0, page.width
    area = page_notes(page, body)
    after = [ln for ln in lines_after(page, bottom, x0, x1) if id(ln) not in area]
    lines = _skip_caption([ln for ln in after if ln.top - bottom <= NEAR * body * 1.4])
    source, notes, _ = read_source_and_notes(lines, body)
    if source is None and notes is None and not after and last < doc.page_count:
        nxt = doc.pages[last]  # the source pushed to the top of the next page
        head = lines_after(nxt, 0, x0, x1)
        source, notes, _ = read_source_and_notes(head[:6], body)
    return replace(table, source=source, notes=notes)


def _skip_caption(lines: Iterable) -> list:
    """Lines after a caption printed under its table (the source comes after it)."""
    lines = list(lines)
    if lines and CAPTION.match(lines[0].plain_text):
        i = 1
        while i < len(lines) and lines[i].size == lines[0].size and lines[i].top - lines[i - 1].bottom < 0.8 * lines[0].size:
            i += 1
        return lines[i:]
    return lines
