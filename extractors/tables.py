"""Tables: caption, cells, source and notes, one record per table even over several pages.

Candidate pages come from the Document (a table caption, or ruling lines forming a grid of
at least two columns), so pdfplumber's table finder runs on a handful of pages, opened
once per report. Ruled grids are read with pdfplumber's lines strategy; a captioned table
without rules is read from its whitespace (table_cells.text_table) inside the block of
lines its caption announces, never elsewhere, so running text is not turned into cells. A grid that
runs to the bottom of a page and resumes at the top of the next one with the same number
of columns is one table (a repeated header row is dropped). A ruled grid without caption
is kept with number None; a one-cell box (a boxed recommendation) is not a table.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from extractors.footnotes import note_area
from extractors.patterns.notes_tables import CAPTION, SOURCE, TABLE_NOTE
from extractors.table_captions import Caption, find_captions, lines_after, read_source_and_notes
from extractors.table_cells import FoundTable, GlyphPage, glyph_chars, page_edges, ruled_tables, text_table
from models.document import Document, Page
from models.records import Problem, Table

NEAR = 4.0  # how many body line heights may separate a caption from its table


def extract_tables(doc: Document) -> tuple[list[Table], list[Problem]]:
    """All tables of the report in reading order, with the problems met on the way."""
    body = doc.body_size  # computed once: the property walks every line of the report
    captions = find_captions(doc, body)
    table_caps = [c for c in captions if c.kind == "table"]
    pages = sorted(set(c.page for c in table_caps) | {p.number for p in doc.pages if has_grid(p)})
    if not pages:
        return [], []
    problems: list[Problem] = []
    found: dict[int, list[FoundTable]] = {}
    plumber_pages = {}
    for n, chars in page_chars(doc, pages, problems):
        try:
            plumber_pages[n] = GlyphPage(doc.pages[n - 1], chars)
            found[n] = ruled_tables(plumber_pages[n], n) if has_grid(doc.pages[n - 1]) else []
        except Exception as exc:  # a damaged page must not stop the report
            problems.append(Problem("table_unreadable", f"page {n}: {exc}", n))
            found[n] = []
    assigned = _assign(doc, body, captions, found, plumber_pages, problems)
    tables = _list_of_tables_dropped(_build(doc, body, assigned), problems)
    return tables, problems


def _list_of_tables_dropped(tables: list[Table], problems: list[Problem]) -> list[Table]:
    """Drop caption-only entries whose label has a real table elsewhere (a list of tables)."""
    with_cells = {t.label for t in tables if t.cells and t.label}
    kept = [t for t in tables if t.cells or not t.label or t.label not in with_cells]
    dropped = {(t.page, t.label) for t in tables if t not in kept}
    problems[:] = [p for p in problems if not (p.kind == "table_cells_missing" and (p.page, p.subject) in dropped)]
    return kept


def page_chars(doc: Document, numbers: list[int], problems: list[Problem]):
    """(page, chars) for the candidate pages, the PDF opened once with the layout backend."""
    if doc.backend == "pdfium":
        import pypdfium2 as pdfium

        from extractors.pdf_backends import _pdfium_page

        pdf = pdfium.PdfDocument(doc.path)
        try:
            for n in numbers:
                try:
                    yield n, glyph_chars(_pdfium_page(pdf, n - 1).glyphs)
                except Exception as exc:  # a damaged page must not stop the report
                    problems.append(Problem("table_unreadable", f"page {n}: {exc}", n))
        finally:
            pdf.close()
        return
    import pdfplumber

    with pdfplumber.open(doc.path) as pdf:
        for n in numbers:
            try:
                yield n, [c for c in pdf.pages[n - 1].chars if c.get("upright", True)]
            except Exception as exc:
                problems.append(Problem("table_unreadable", f"page {n}: {exc}", n))


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


def _assign(doc, body: float, captions: list[Caption], found, plumber_pages, problems) -> list[tuple[Caption | None, FoundTable]]:
    """Pair each table caption with the grid right below (or above) it."""
    claimed: set[int] = set()
    pairs: list[tuple[Caption | None, FoundTable]] = []
    for cap in captions:
        grids = found.get(cap.page, [])
        below = [g for g in grids if id(g) not in claimed and g.bbox[1] >= cap.bottom - 2
                 and g.bbox[1] - cap.bottom <= NEAR * body * 1.4]
        above = [g for g in grids if id(g) not in claimed and g.bbox[3] <= cap.top + 2
                 and cap.top - g.bbox[3] <= NEAR * body * 1.4]
        grid = min(below, key=lambda g: g.bbox[1]) if below else (max(above, key=lambda g: g.bbox[3]) if above else None)
        if grid is None and cap.kind == "table" and cap.page in plumber_pages:
            grid = _text_grid(doc, body, cap, plumber_pages[cap.page])
        if grid is None:
            if cap.kind == "table":
                problems.append(Problem("table_cells_missing", f"no cells found for « {cap.text[:60]} »",
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
    pairs.sort(key=lambda p: (p[1].page, p[1].bbox[1]))
    return pairs


def _bbox(cap: Caption):
    ls = cap.lines
    return (min(ln.x0 for ln in ls), ls[0].top, max(ln.x1 for ln in ls), ls[-1].bottom)


def _text_grid(doc: Document, body: float, cap: Caption, plumber_page) -> FoundTable | None:
    """Whitespace-aligned table announced by `cap`: the block of lines it sits on."""
    page = doc.pages[cap.page - 1]
    # Rows of a table near the page top may have been taken for running headers (their
    # shapes repeat from page to page), so every role but the page label is considered.
    lines = sorted((ln for ln in page.lines if ln.role != "page_label" and ln.text.strip() and ln not in cap.lines),
                   key=lambda ln: ln.top)
    area = note_area(page, body) or []
    lines = [ln for ln in lines if ln not in area]
    if not lines:
        return None
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    after = [ln for ln in lines if ln.top >= cap.bottom - 1]
    before = [ln for ln in lines if ln.bottom <= cap.top + 1][::-1]
    block = _block(after, body, left, right, forward=True)
    if not block:
        block = _block(before, body, left, right, forward=False)
    if len(block) < 2:
        return None
    top = min(ln.top for ln in block) - 1
    bottom = max(ln.bottom for ln in block) + 1
    return text_table(plumber_page, cap.page, (left - 2, top, right + 2, bottom))


def _block(lines, body: float, left: float, right: float, forward: bool):
    """Consecutive table lines: stop at a source/note line, a paragraph line or a wide gap."""
    out = []
    prev = None
    for ln in lines:
        text = ln.plain_text
        if SOURCE.match(text) or TABLE_NOTE.match(text) or CAPTION.match(text):
            break
        gap = (ln.top - prev.bottom) if (prev and forward) else ((prev.top - ln.bottom) if prev else 0)
        if prev is not None and gap > (2.5 if ln.is_body else 1.2) * body:
            break
        if prev is None and not ln.is_body:
            break
        if ln.x1 - ln.x0 > 0.8 * (right - left) and len(text.split()) > 8:
            break  # a line of running text, not a row of cells
        out.append(ln)
        prev = ln
    return out


def _build(doc: Document, body: float, pairs) -> list[Table]:
    tables: list[Table] = []
    ends: list[float] = []  # bottom of each table's last part, where its source is sought
    last_grid: FoundTable | None = None
    for cap, grid in pairs:
        if cap is None and tables and last_grid is not None and _continues(doc, body, last_grid, grid):
            prev = tables[-1]
            rows = list(grid.rows)
            if rows and prev.cells and rows[0] == prev.cells[0]:
                rows = rows[1:]  # the header repeated on the new page
            tables[-1] = replace(prev, cells=prev.cells + tuple(rows), page_end=grid.page)
            ends[-1] = grid.bbox[3]
            last_grid = grid
            continue
        if cap is None and grid.n_cols < 2:
            continue
        tables.append(Table(cap.number if cap else None, cap.text if cap else None, cap.page if cap else grid.page,
                            grid.rows, None, None, grid.bbox, None, cap.label if cap else None))
        ends.append(max(grid.bbox[3], cap.bottom if cap and cap.page == grid.page else 0.0))
        last_grid = grid
    return [_with_source(doc, body, t, end) for t, end in zip(tables, ends)]


def _continues(doc: Document, body: float, prev: FoundTable, grid: FoundTable) -> bool:
    """`grid` opens its page and `prev` closes the page before, with as many columns."""
    if grid.page != prev.page + 1 or grid.n_cols != prev.n_cols:
        return False
    page_prev, page = doc.pages[prev.page - 1], doc.pages[grid.page - 1]
    area_prev = note_area(page_prev, body) or []
    tail = [ln for ln in page_prev.lines if ln.is_body and ln.top > prev.bbox[3] and ln not in area_prev]
    head = [ln for ln in page.lines if ln.is_body and ln.bottom < grid.bbox[1]]
    return not tail and not head


def _with_source(doc: Document, body: float, table: Table, bottom: float) -> Table:
    """Attach the "Source : …" and notes printed right under the table's last part."""
    last = table.page_end or table.page
    page = doc.pages[last - 1]
    x0, x1 = 0.0, page.width
    area = {id(ln) for ln in note_area(page, body) or []}
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
