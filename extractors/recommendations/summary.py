"""The summary of recommendations: a table (or a list) that repeats every recommendation.

Why: the table gives what the body rarely does — the addressee ("Autorité responsable"),
the theme rows that group recommendations, the printed page of the body statement — and its
own wording, which may differ from the body's. Columns come in any order; the header row
names them. Rows are rebuilt from the column x-positions and from the ruling lines of the
cells (IGAS 2019 pp. 5-7: the number "1" sits in the middle of its row, content-stream order
is number, text lines, owner lines, page), else from vertical gaps (summary_rows.py: a label
centred on its row joins the block of lines around it; summary_header.py reads the header).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from typing import Sequence

import regex as re

from extractors.recommendations.patterns import (LIST_ENTRY, LIST_TITLE, NUMBER_CELL, NUMBER_LEAD,
                                                 PLAIN_ITEM, TRAILING_OWNER,
                                                 STATEMENT)
from extractors.footnote_areas import note_area
from extractors.patterns.headings import PART as HEADING_PART
from extractors.recommendations.body import _TAGS, _join, _number, _page_lines
from extractors.recommendations.summary_header import _Columns, _header, _header_pieces, _text_width
from extractors.recommendations.summary_rows import centred_rows
from models.document import BBox, Document, Line, Page

# A number printed at the start of the text cell when the table has no number column.
_LEADING_NO = re.compile(r"^\s*(?:R\s?|n\s*°\s*)?(?P<num>\d{1,3})\s*[.):–—-]\s+(?P<text>\S.*)$")


@dataclass(frozen=True)
class SummaryRow:
    number: int | str  # str when numbered per part, as printed ("2.3")
    text: str
    owner: str | None  # as printed, line breaks folded to spaces
    owner_cell: str | None  # as printed, with the cell's line breaks (a signal for splitting)
    page: int  # physical page of the row
    bbox: BBox
    theme: str | None = None
    printed_page: str | None = None
    label: str | None = None
    deadline: str | None = None
    priority: str | None = None


def _cell_edges(page: Page) -> list[tuple[float, float, float]]:
    """Vertical borders of table cells as (x, top, bottom): vertical rules, and the sides of
    drawn cell rectangles. An x counts only if borders run there over several lines' height
    (a table grid), not around one highlighted word."""
    raw: list[tuple[float, float, float]] = []
    for r in page.rules:
        x0, top, x1, bottom = r.bbox
        if r.is_vertical:
            raw.append(((x0 + x1) / 2, top, bottom))
        elif not r.is_horizontal and x1 - x0 > 8 and bottom - top > 6:
            raw += [(x0, top, bottom), (x1, top, bottom)]
    if not raw:
        return []
    length: dict[int, float] = {}
    for x, top, bottom in raw:
        length[round(x / 3)] = length.get(round(x / 3), 0) + bottom - top
    return [(x, t, b) for x, t, b in raw
            if sum(length.get(round(x / 3) + d, 0) for d in (-1, 0, 1)) > 40]


def _split_at_edges(page: Page, lines: Sequence[Line]) -> list[Line]:
    """Cut Lines that run across a vertical cell border into one Line per cell.

    Why: with a narrow column the layout stage may join two cells whose gap is small
    ("N° Recommandation", "2020 Premier ministre ;"); the table is then unreadable. The cut
    goes at a space: between two header names when the line is a header ("N°" |
    "Recommandation"), else where the estimated width of the text right of the cut fills the
    next cell from its usual left padding to the line's end."""
    edges = _cell_edges(page)
    if not edges:
        return list(lines)
    # Sorted by x, so that each line only looks at the borders within its width (a NaN x
    # crosses no line and would break the order).
    edges = sorted(e for e in edges if e[0] == e[0])
    xs = [x for x, _, _ in edges]
    crossed: list[list[float]] = []
    for ln in lines:
        mid = (ln.top + ln.bottom) / 2
        within = edges[bisect_right(xs, ln.x0 + 2):bisect_left(xs, ln.x1 - 2)]
        inner = sorted({round(x, 1) for x, t, b in within if t - 1 <= mid <= b + 1})
        merged: list[float] = []
        for x in inner:
            if not merged or x - merged[-1] > 3:
                merged.append(x)
        crossed.append(merged)
    if not any(crossed):
        return list(lines)
    # points per width unit, measured on the lines that sit inside one cell
    ratios = sorted((l.x1 - l.x0) / (_text_width(l.plain_text) * l.size) for l, xs in zip(lines, crossed)
                    if not xs and len(l.plain_text) > 12)
    ratio = ratios[len(ratios) // 2] if ratios else 1 / 1000
    out: list[Line] = []
    for ln, xs in zip(lines, crossed):
        out += _cut_line(ln, xs, lines, ratio * ln.size) if xs else [ln]
    return out


def _left_padding(x: float, lines: Sequence[Line]) -> float:
    """How far the text of a cell starts right of its left border, from the page's lines."""
    gaps = sorted(l.x0 - x for l in lines if 0.5 < l.x0 - x < 12)
    return gaps[len(gaps) // 2] if gaps else 3.0


def _cut_line(ln: Line, xs: list[float], lines: Sequence[Line], scale: float) -> list[Line]:
    text = ln.plain_text.strip()
    words = text.split(" ")
    if len(words) < 2:
        return [ln]
    pieces = _header_pieces(words, len(xs) + 1) if len(words) <= 8 else None
    if pieces is None:
        # last resort, one border at a time from the right: the piece after the border
        # starts at its padding and ends at the line's end; its estimated width says where
        pieces, rest, end = [], words, ln.x1
        for x in reversed(xs):
            start = x + _left_padding(x, lines)
            best = min(range(1, len(rest)), default=None,
                       key=lambda i: abs(end - start - scale * _text_width(" ".join(rest[i:]))))
            if best is None:
                break
            pieces.insert(0, " ".join(rest[best:]))
            rest = rest[:best]
            end = x
        pieces.insert(0, " ".join(rest))
        if len(pieces) != len(xs) + 1:
            return [ln]
    bounds = [ln.x0] + [x + _left_padding(x, lines) for x in xs] + [ln.x1]
    return [replace(ln, text=p, spans=(), bbox=(bounds[i] if i else ln.x0, ln.top,
                                                xs[i] - 1 if i < len(xs) else ln.x1, ln.bottom))
            for i, p in enumerate(pieces)]


def _table_lines(lines: Sequence[Line], cols: _Columns, top: float) -> list[Line]:
    """Lines under the header down to the end of the table (a wide vertical gap)."""
    out: list[Line] = []
    bottom = top
    for ln in sorted((l for l in lines if l.top >= top - 1), key=lambda l: l.top):
        if ln.x0 < cols.left - 15 or (out and ln.top - bottom > 4 * max(ln.height, 1)):
            break
        out.append(ln)
        bottom = max(bottom, ln.bottom)
    return out


def _row_bands(page: Page, lines: list[Line], cols: _Columns) -> list[list[Line]]:
    """Group the table's lines into rows: between horizontal rules when the cells are ruled,
    else where the vertical gap between stacked lines opens up."""
    if not lines:
        return []
    top, bottom = min(l.top for l in lines), max(l.bottom for l in lines)
    reach = max(l.height for l in lines)  # the rule under a repeated header sits above the first line
    ys: set[float] = set()
    for r in page.rules:  # thin rules give their middle, drawn cell rectangles both edges
        x0, r_top, x1, r_bottom = r.bbox
        if x1 < cols.left - 5 or x0 > cols.right + 5 or r.is_vertical:
            continue
        edges = [(r_top + r_bottom) / 2] if r.is_horizontal else [r_top, r_bottom]
        ys.update(round(y, 0) for y in edges if top - reach <= y <= bottom + 12)
    ys = sorted(ys)
    bounds: list[float] = []
    for y in ys:
        if not bounds or y - bounds[-1] > 3:
            bounds.append(y)
    bands: list[list[Line]] = []
    # running headers/footers count only inside the ruled cells (see find_summary_table)
    lines = [l for l in lines
             if l.role == "body" or (len(bounds) >= 2 and bounds[0] - 1 < l.top and l.bottom < bounds[-1] + 1)]
    if not lines:
        return []
    top, bottom = min(l.top for l in lines), max(l.bottom for l in lines)
    if len(bounds) >= 2:
        edges = ([top - 5] if bounds[0] > top + 3 else []) + bounds  # below the last rule: not the table
        for a, b in zip(edges, edges[1:]):
            band = [l for l in lines if a <= (l.top + l.bottom) / 2 < b]
            if band:
                bands.append(band)
        return bands
    if cols.x_of("number") is not None:
        # a label glued to the first line of its text is cut off it; a theme line across
        # the columns stays whole
        pieces = [p for l in lines for p in [_split_cells(l, cols)]]
        pieces = [p for ps, l in zip(pieces, lines)
                  for p in (ps if len(ps) > 1 and NUMBER_CELL.match(ps[0].plain_text) else [l])]
        rows = centred_rows(pieces, lambda l: cols.role_of(l) == "number",
                            lambda t: NUMBER_CELL.match(t) is not None)
        if rows is not None:
            return rows
    cur: list[Line] = []
    cur_bottom = None
    for ln in sorted(lines, key=lambda l: l.top):
        if cur and ln.top - cur_bottom > 0.35 * max(ln.height, 1):
            bands.append(cur)
            cur = []
        cur.append(ln)
        cur_bottom = ln.bottom if cur_bottom is None or len(cur) == 1 else max(cur_bottom, ln.bottom)
    if cur:
        bands.append(cur)
    return bands


def _cell(lines: Sequence[Line], sep: str = " ") -> str:
    ordered = sorted(lines, key=lambda l: (round(l.top, 0), l.x0))
    if sep == " ":
        return _join([l.plain_text for l in ordered])
    return sep.join(l.plain_text.strip().replace("\x02", "-") for l in ordered)


def _split_cells(ln: Line, cols: _Columns) -> list[Line]:
    """Cut a line that the PDF glued across a column border back into its cells: a number
    glued to the first line of its text ("15 Garantir …", IGAS 2019 p. 6, one span), an
    owner glued to the number at its right ("Ministère de la justice (DACG) 3"), else at the
    space nearest to where the column starts, in proportion to the text's width."""
    inside = [(r, x) for r, x in cols.starts if ln.x0 + 6 < x < ln.x1 - 4]
    if not inside:
        return [ln]
    role, x = inside[0]
    t = ln.plain_text
    own = cols.role_of(ln)
    m = None
    if own in ("number", "page"):
        m = re.match(r"^\s*((?:Recommandation\s*)?(?:R\s?|n\s*°\s*)?\d{1,4}\.?)\s+(\S.*)$", t)
    elif role in ("number", "page"):
        m = re.match(r"^(.*\S)\s+((?:R\s?)?\d{1,4})\s*$", t)
    if m:
        left, right = m.group(1), m.group(2)
    else:
        cut = round((x - ln.x0) / max(ln.x1 - ln.x0, 1) * len(t))
        spaces = [i for i, c in enumerate(t) if c == " "]
        if not spaces:
            return [ln]
        cut = min(spaces, key=lambda i: abs(i - cut))
        left, right = t[:cut], t[cut + 1:]
    a = replace(ln, text=left, bbox=(ln.x0, ln.top, x - 1, ln.bottom), spans=())
    b = replace(ln, text=right, bbox=(x, ln.top, ln.x1, ln.bottom), spans=())
    return [a] + _split_cells(b, cols)


def _parse_rows(page: Page, bands: list[list[Line]], cols: _Columns, theme: str | None,
                rows: list[SummaryRow]) -> str | None:
    for band in bands:
        # a line across a column start: a full-width theme row (or a glued cell, cut below)
        crossing = any(l.x0 < x - 6 and l.x1 > x + 6 for l in band for _, x in cols.starts[1:])
        band = [piece for ln in band for piece in _split_cells(ln, cols)]
        by_role: dict[str, list[Line]] = {}
        for ln in band:
            by_role.setdefault(cols.role_of(ln), []).append(ln)
        number = label = printed = None
        text_lines = by_role.get("text", [])
        if "number" in by_role:
            cell = _cell(by_role["number"])
            # a number cell wrapped or cut ("8 – page" / "21") still holds a number
            m = NUMBER_CELL.match(cell) or (None if crossing else NUMBER_LEAD.match(cell))
            if m:
                number, label = _number(m.group("num")), cell
                printed = m.groupdict().get("page")
        elif text_lines:
            first = sorted(text_lines, key=lambda l: l.top)[0]
            m = STATEMENT.match(first.plain_text) or _LEADING_NO.match(first.plain_text)
            if m:
                number = _number(m.group("label") if "label" in m.groupdict() and m.group("label") else m.group("num"))
                label = first.plain_text[: m.start("text")].strip(" :–-")
                text_lines = [replace(first, text=m.group("text"), spans=())] + \
                    [l for l in text_lines if l is not first]
        if number is None:
            whole = _cell(band)
            if not whole:
                continue
            # a theme row spans the columns (or is bold, or fills one cell that is not the
            # text); a plain row without number at the top of a page ends the previous row
            if rows and rows[-1].page < page.number and not crossing and not all(l.bold for l in band):
                prev = rows[-1]  # a row cut by the page break goes on here
                more = _cell(by_role.get("owner", []), sep="\n")
                rows[-1] = replace(prev, text=_join([prev.text, _cell(text_lines)]),
                                   owner=_join([prev.owner or "", more]) or None,
                                   owner_cell="\n".join(c for c in (prev.owner_cell, more) if c) or None)
            elif crossing or all(l.bold for l in band) or len(by_role) == 1 and "text" not in by_role or not rows:
                theme = whole
            continue
        owner_cell = _cell(by_role.get("owner", []), sep="\n") or None
        rows.append(SummaryRow(
            number=number, text=_cell(text_lines), owner=_join([owner_cell]) if owner_cell else None,
            owner_cell=owner_cell, page=page.number,
            bbox=(min(l.x0 for l in band), min(l.top for l in band), max(l.x1 for l in band), max(l.bottom for l in band)),
            theme=theme, printed_page=_cell(by_role.get("page", [])) or printed, label=label,
            deadline=_cell(by_role.get("deadline", [])) or None, priority=_cell(by_role.get("priority", [])) or None))
    return theme


def _follows(a: int | str, b: int | str) -> bool:
    """Whether number b comes right after a: 7 → 8, or per part "2.3" → "2.4" / "3.1"."""
    if isinstance(a, int) and isinstance(b, int):
        return b == a + 1
    pa, pb = re.findall(r"\d+", str(a)), re.findall(r"\d+", str(b))
    if len(pa) != 2 or len(pb) != 2:
        return False
    (x, y), (u, v) = map(int, pa), map(int, pb)
    return (u == x and v == y + 1) or (u == x + 1 and v == 1)


def find_summary_table(doc: Document) -> list[SummaryRow]:
    """Rows of the summary table(s), over as many pages as the table runs."""
    rows: list[SummaryRow] = []
    theme = None
    cols = None
    for page in doc.pages:
        # a number cell printed at the same place on every page can be taken for a running
        # header, footer or page label by the layout stage (fixture "split-summary"): ruled rows read them
        lines = _split_at_edges(page, _page_lines(page, ("body", "footer", "header", "page_label")))
        head = _header(lines)
        if head is not None:
            cols, top = head
        elif cols is not None and rows and rows[-1].page == page.number - 1:
            top = min((l.top for l in lines), default=0)  # the table goes on without its header
        else:
            cols = None
            continue
        lines = _above_notes(page, lines, doc.body_size)
        body = _table_lines(lines, cols, top + 0.5)
        if head is None:
            # without a repeated header the page continues the table only if its rows carry
            # on the numbering (a body page with "R1 - …" paragraphs must not pass)
            trial = list(rows)
            trial_theme = _parse_rows(page, _row_bands(page, body, cols), cols, theme, trial)
            new = trial[len(rows):]
            if not new or not _follows(rows[-1].number, new[0].number) \
                    or any(not _follows(a.number, b.number) for a, b in zip(new, new[1:])):
                cols = None
                continue
            rows[:] = trial
            theme = trial_theme
            continue
        theme = _parse_rows(page, _row_bands(page, body, cols), cols, theme, rows)
    return rows


def _above_notes(page: Page, lines: list[Line], body_size: float) -> list[Line]:
    """The lines above the page's footnotes: a note under the end of the table ("29 novembre
    2017, circulaire…", a LibreOffice report) is no row numbered 29."""
    notes = note_area(page, body_size)
    if not notes:
        return lines
    top = min(ln.top for ln in notes) - 1
    return [ln for ln in lines if ln.top < top]


def find_summary_list(doc: Document) -> list[SummaryRow]:
    """Entries of a list of recommendations printed as lines under its title (ANSSI annex
    "Liste des recommandations": ". R31 . I R E Sécurisation … PAM" and the page at right;
    Cour des comptes: "1. Renforcer … (ministère de l'intérieur)." under bold theme lines)."""
    best: list[SummaryRow] = []
    for page in doc.pages:
        lines = _page_lines(page)
        for ln in lines:
            if not LIST_TITLE.match(ln.plain_text) or not (ln.bold or ln.size > doc.body_size + 1):
                continue
            rows: list[SummaryRow] = []
            state = {"theme": None, "ended": False, "body_size": doc.body_size}
            for p in doc.pages[page.number - 1:]:
                got = _list_page(p, _page_lines(p), ln.top if p is page else -1, rows, state)
                if state["ended"] or (not got and p is not page):
                    break
            if len(rows) > len(best):
                best = rows
    return [_with_owner(r) for r in best]


# "Recommandation n° 1 (ministère de l'intérieur) : Renforcer …" read by LIST_ENTRY as
# number 1 and text "(ministère de l'intérieur) : Renforcer …": the owner leads the text.
_LEADING_OWNER = re.compile(r"^\((?P<owner>(?:[^()]|\([^()]*\)){2,300})\)\s*[:：–—-]\s*(?P<text>\S.*)$")


def _with_owner(row: SummaryRow) -> SummaryRow:
    """Move the addressees printed in parentheses (before the colon of a "Recommandation n° 1
    (owner) :" entry, or at the end of a numbered item) from the text to the owner."""
    if row.owner:
        return row
    m = _LEADING_OWNER.match(row.text)
    if m is None and row.label and not row.label.upper().startswith("R"):
        m = TRAILING_OWNER.search(row.text)
    if m is None or re.fullmatch(r"[\d\s,.;–-]*|p\.?\s*\d+", m.group("owner")):
        return row  # "(p. 12)" or "(2019)" is no addressee
    text = m.group("text") if "text" in m.groupdict() and m.group("text") else row.text[: m.start()]
    owner = _join([m.group("owner")])
    return replace(row, text=text.strip().rstrip(" .;"), owner=owner, owner_cell=owner)


def _list_page(page: Page, lines: list[Line], top: float, rows: list[SummaryRow], state: dict | None = None) -> int:
    """Entries of one page of a list: the pieces of a visual row are joined, a number alone
    at the right margin is the printed page of the body statement. A bold line that is no
    entry is a theme; a larger line or a part title after the entries ends the list."""
    state = state if state is not None else {"theme": None, "ended": False, "body_size": 0}
    got = 0
    visual: list[list[Line]] = []
    for ln in sorted((l for l in lines if l.top > top), key=lambda l: (l.top, l.x0)):
        if visual and abs(visual[-1][0].top - ln.top) < 0.5 * max(ln.height, 1):
            visual[-1].append(ln)
        else:
            visual.append([ln])
    for row in visual:
        row.sort(key=lambda l: l.x0)
        printed = None
        if len(row) > 1 and re.fullmatch(r"\d{1,4}", row[-1].plain_text.strip()) and row[-1].x0 > page.width * 0.7:
            printed = row[-1].plain_text.strip()
            row = row[:-1]
        t = " ".join(l.plain_text.strip() for l in row).strip()
        bbox = (row[0].x0, min(l.top for l in row), max(l.x1 for l in row), max(l.bottom for l in row))
        m = LIST_ENTRY.match(t)
        if m and m.group("text"):
            rows.append(SummaryRow(number=_number(m.group("num")), text=_TAGS.sub("", m.group("text").strip(" .")),
                                   owner=None, owner_cell=None, page=page.number, bbox=bbox, printed_page=printed,
                                   label=t[: m.start("num")].strip(" .•■") + m.group("num"), theme=state["theme"]))
            got += 1
            continue
        m = PLAIN_ITEM.match(t)
        n = _number(m.group("num")) if m else None
        if m and not all(l.bold for l in row) and (
                _follows(rows[-1].number, n) if rows else str(n) in ("1", "1.1")):
            rows.append(SummaryRow(number=n, text=m.group("text").strip(), owner=None, owner_cell=None,
                                   page=page.number, bbox=bbox, printed_page=printed,
                                   label=m.group("num"), theme=state["theme"]))
            got += 1
            continue
        prev = rows[-1] if rows else None
        line_h = max(bbox[3] - bbox[1], 1)
        close = prev is not None and prev.page == page.number and 0 <= bbox[1] - prev.bbox[3] < 0.8 * line_h
        if close and t and (bbox[0] > prev.bbox[0] + 5 or (
                prev.label == str(prev.number) and abs(bbox[0] - prev.bbox[0]) < 3 and not all(l.bold for l in row))):
            # the entry's title wraps (indented, or at the margin for a plain numbered item)
            rows[-1] = SummaryRow(**{**prev.__dict__, "text": _join([prev.text, t]),
                                     "bbox": (prev.bbox[0], prev.bbox[1], max(prev.bbox[2], bbox[2]), bbox[3])})
        elif t and (max(l.size for l in row) > state["body_size"] + 1 or HEADING_PART.match(t)):
            if rows:  # the next part or chapter: the list is over
                state["ended"] = True
                break
        elif t and all(l.bold for l in row) and len(t) < 150:
            state["theme"] = t  # a theme line groups the entries after it
    return got
