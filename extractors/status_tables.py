"""Status tables of follow-up reports: « Recommandation | Destinataire | État de mise en œuvre ».

A follow-up report (the Cour des comptes' « suivi des recommandations », an inspection's
« rapport de suivi ») lists the recommendations of an earlier report, one per row, with
a column holding a status term. This module finds such rows and returns one
`StatusObservation` each; resolving *which* earlier report they assess, and writing the
`statuses` rows, is `pipeline.statuses`' job.

Pure functions: a Document and/or its extracted tables in, observations out. The
extracted tables come first; when none of them is a status table (the table extractor
missed a ruled grid, or the table is drawn without rules), the Document's lines are read
as a grid: a line holding a whole status term, with a recommendation reference at the
left end of the same visual row.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from extractors.patterns.statuses import (
    EVIDENCE_HEADER, OWNER_HEADER, REC_HEADER, REC_REF, REVISED_TARGET_HEADER, STATUS_HEADER,
    TARGET_HEADER, classify_status, fold,
)
from models.document import Document, Line
from models.records import Table

MAX_STATUS_CELL = 160  # characters: a longer cell is prose, not a status term plus a remark


@dataclass(frozen=True)
class StatusObservation:
    """One row of a status table: recommendation n° `number` (of the assessed report) has
    `status` according to the report the table is printed in."""

    number: str
    status: str  # one of extractors.patterns.statuses.STATUSES
    source_term: str  # the status cell as printed (whitespace folded)
    page: int
    text: str | None = None  # the recommendation's wording, when the row repeats it
    owner: str | None = None
    evidence: str | None = None
    original_target: str | None = None
    revised_target: str | None = None
    context: str = ""  # caption and heading text around the table: names the assessed report
    method: str = "table"  # table | lines


def find_status_observations(doc: Document | None, tables: Sequence[Table] = ()) -> list[StatusObservation]:
    """Every status-table row found in the extracted tables, else in the Document's lines."""
    found: list[StatusObservation] = []
    for table in tables:
        found += observations_from_table(table, _context_for(doc, table))
    if not found and doc is not None:
        found = observations_from_lines(doc)
    seen, out = set(), []
    for obs in found:  # a table repeated on two pages (or read twice) yields one observation
        key = (obs.number, obs.status, obs.page)
        if key not in seen:
            seen.add(key)
            out.append(obs)
    return out


def _clean(cell: str | None) -> str:
    return " ".join((cell or "").split())


def _status_of_cell(cell: str) -> str | None:
    cell = _clean(cell)
    if not cell or len(cell) > MAX_STATUS_CELL:
        return None
    return classify_status(cell, whole=True) or classify_status(_lead(cell), whole=True)


def _lead(cell: str) -> str:
    """The status term before a remark: « Mise en œuvre incomplète : le décret… »."""
    for sep in (":", " – ", " - ", " — ", "(", ".", ";"):
        if sep in cell:
            return cell.split(sep, 1)[0]
    return cell


def observations_from_table(table: Table, context: str = "") -> list[StatusObservation]:
    """The rows of one extracted table that name a recommendation and give it a status."""
    rows = [[_clean(c) for c in r] for r in table.cells]
    if len(rows) < 1:
        return []
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    status_hits = [sum(1 for r in rows if _status_of_cell(r[c])) for c in range(ncols)]
    ref_hits = [sum(1 for r in rows if REC_REF.match(r[c])) for c in range(ncols)]
    status_col = max(range(ncols), key=lambda c: (status_hits[c], -c))
    if status_hits[status_col] == 0:
        return []
    ref_cols = [c for c in range(ncols) if c != status_col]
    if not ref_cols:
        return []
    ref_col = max(ref_cols, key=lambda c: (ref_hits[c], -c))
    if ref_hits[ref_col] == 0:
        return []
    header_idx = [i for i, r in enumerate(rows) if not REC_REF.match(r[ref_col])]
    headers = [fold(" ".join(rows[i][c] for i in header_idx[:3] if i < 3)) for c in range(ncols)]
    if status_hits[status_col] < 2 and not STATUS_HEADER.search(headers[status_col]):
        return []  # one stray « réalisée » in a data table is not a status table
    if status_hits[status_col] < 2 and not REC_HEADER.search(headers[ref_col]):
        return []
    # A bare number ("721") names a recommendation only under a header that says so
    # (fr-debian-reference: a package size beside « N/A » once read as a status row).
    explicit = sum(1 for r in rows if REC_REF.match(r[ref_col]) and not r[ref_col].strip().isdigit())
    if not explicit and not REC_HEADER.search(headers[ref_col]):
        return []
    if all(_status_of_cell(r[status_col]) in (None, "unknown") for r in rows):
        return []  # « N/A » alone says nothing about implementation
    roles = _column_roles(headers, {status_col, ref_col})
    out = []
    for r in rows:
        m = REC_REF.match(r[ref_col])
        status = _status_of_cell(r[status_col])
        if not m or not status:
            continue
        pick = lambda role: (r[roles[role]] or None) if role in roles else None  # noqa: E731
        out.append(StatusObservation(
            number=str(int(m["num"])), status=status, source_term=r[status_col],
            page=table.page, text=_clean(m["text"]) or None, owner=pick("owner"),
            evidence=pick("evidence"), original_target=pick("original_target"),
            revised_target=pick("revised_target"), context=context, method="table"))
    return out


def _column_roles(headers: list[str], taken: set[int]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for c, h in enumerate(headers):
        if c in taken or not h:
            continue
        if OWNER_HEADER.search(h):
            roles.setdefault("owner", c)
        elif EVIDENCE_HEADER.search(h):
            roles.setdefault("evidence", c)
        elif TARGET_HEADER.search(h) and REVISED_TARGET_HEADER.search(h):
            roles.setdefault("revised_target", c)
        elif TARGET_HEADER.search(h):
            roles.setdefault("original_target", c)
    return roles


def _context_for(doc: Document | None, table: Table, n_lines: int = 8) -> str:
    """The caption plus the lines printed above the table on its page."""
    parts = [table.caption or ""]
    if doc is not None and 1 <= table.page <= doc.page_count:
        page = doc.pages[table.page - 1]
        top = table.bbox[1] if table.bbox else None
        above = [ln.text for ln in page.body_lines if top is None or ln.bottom <= top + 1]
        parts += above[:n_lines] if top is None else above[-n_lines:]
    return " ".join(p for p in parts if p)


def observations_from_lines(doc: Document) -> list[StatusObservation]:
    """Read status rows from the page lines (tables the table extractor did not return).

    Only pages at or after a status-column header (« État de mise en œuvre », « Statut »)
    are read, and a status line counts only with a recommendation reference at the left
    end of its visual row.
    """
    out: list[StatusObservation] = []
    armed = False
    for page in doc.pages:
        lines = sorted(page.body_lines, key=lambda ln: (round(ln.top), ln.x0))
        header = next((ln for ln in lines if _is_status_header(ln)), None)
        armed = armed or header is not None
        if not armed:
            continue
        start = header.bottom if header is not None else 0.0
        context = " ".join(ln.text for ln in lines if header is not None and ln.bottom <= header.top + 1)
        for i, ln in enumerate(lines):
            if ln.top < start or header is not None and abs(ln.top - header.top) < 2:
                continue
            col_x0 = header.x0 if header is not None else None
            if col_x0 is not None and ln.x0 < col_x0 - 2 < ln.x1:
                # The layout joined two cells into one line ("Premier ministre (SDFE) Mise
                # en œuvre incomplète"): the status is the longest tail that is a term.
                term = _status_tail(ln.text)
            elif col_x0 is not None and ln.x0 < col_x0 - 2:
                continue
            else:
                term = _status_block(lines, i)
            if term is None:
                continue
            status, source = term
            row = [o for o in lines if o.x0 < ln.x0 - 2 and abs(o.top - ln.top) < max(3.0, 0.4 * ln.size)]
            if not row:
                continue
            first = min(row, key=lambda o: o.x0)
            m = REC_REF.match(first.text)
            if not m:
                continue
            out.append(StatusObservation(
                number=str(int(m["num"])), status=status, source_term=source, page=page.number,
                text=_clean(m["text"]) or None, context=context[-600:], method="lines"))
    return out


def _is_status_header(ln: Line) -> bool:
    f = fold(ln.text)
    return len(f) < 60 and bool(STATUS_HEADER.search(f)) and classify_status(ln.text) is None


def _status_tail(text: str) -> tuple[str, str] | None:
    words = text.split()
    for k in range(1, len(words)):  # longest tail first, never the whole line
        tail = " ".join(words[k:])
        status = _status_of_cell(tail)
        if status:
            return status, tail
    return None


def _status_block(lines: list[Line], i: int) -> tuple[str, str] | None:
    """The status term starting on line i, joined with the lines wrapped under it."""
    ln = lines[i]
    parts, last = [ln.text], ln
    for o in lines[i + 1:]:
        if o.top - last.bottom > 0.6 * ln.size:
            break
        if abs(o.x0 - ln.x0) < 2 and o.top > last.top:
            parts.append(o.text)
            last = o
    for k in range(len(parts), 0, -1):  # the longest stack that is a whole term
        text = _clean(" ".join(parts[:k]))
        status = _status_of_cell(text)
        if status:
            return status, text
    return None
