"""Earlier reports' recommendations that this report reprints with a status.

Why: a follow-up table ("N° | Recommandation | Responsable | Réalisée | En cours | Non
réalisée", an X in one status column) or a "suivi des recommandations" chapter restates the
recommendations of an earlier report and says how far each went. They are not this report's
own: they become `EarlierRecommendation`s, never part of its numbering. Three ways of
printing are read here:
- status columns marked with an X (one column per status, the header is the term);
- one status column ("Degré de la mise en œuvre": "Totalement", "Partiel-lement", la Poste
  2016 annex 9, pp. 215-217), through `status_tables`;
- prose under status headings ("Les recommandations effectivement mises en œuvre", then
  "✔ la recommandation n°3 : la Cour demande …", Cour des comptes du Sénégal 2017, p. 209).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import regex as re

from extractors.patterns.statuses import (OWNER_HEADER, REC_HEADER, REC_REF, STATUS_HEADER, classify_status,
                                          fold)
from extractors.recommendations.addressees import addressees
from extractors.recommendations.conventions import matches
from extractors.recommendations.lists import Row, join_text, page_rows
from extractors.status_tables import _context_for, observations_from_table
from models.document import Document
from models.records import EarlierRecommendation, Table

# A mark in a status column: "X", "x", a tick, a bullet, "oui".
MARK = re.compile(r"^\s*(?:[xX×✔✓☑●•■]|oui|OUI|Oui)\s*$")
# A header cell that says the rows are recommendations: "Recommandation", "Libellé Recommandation".
_NAMES_RECOMMENDATIONS = re.compile(r"recommand|recommend|preconis|proposition|conclusion")
# The title an earlier report is cited by: the text in « » of the caption or the lines above.
CITED = re.compile(r"«\s*(?P<title>[^«»]{5,300}?)\s*»")
# A recommendation reprinted in prose: "✔ la recommandation n°3 : …", "Recommandation n°9 :",
# "la conclusion n°4 :" (a control under the 1990 law speaks of conclusions).
PROSE_ITEM = re.compile(
    r"""
    ^[\s✔✓•➢►\-–\p{Co}\ufffd]*                          # a tick or bullet (or a glyph left unread)
    (?:la\s+|La\s+)?(?P<kind>[Rr]ecommandation|[Cc]onclusion|RECOMMANDATION)\s*
    (?:n\s*[°ºo˚]\s*|N\s*[°ºo˚]\s*)(?P<num>\d{1,3})            # "n°3"
    \s*[:.–-]\s*(?P<text>.*)$
    """,
    re.VERBOSE,
)
# A status heading: "Les recommandations effectivement mises en œuvre", "Les conclusions en
# cours de mise en œuvre", "Les recommandations sans objet".
STATUS_HEADING = re.compile(
    r"^\s*(?:[IVX]+|\d+(?:\.\d+)*|[A-Ha-h])?\s*[.)–-]?\s*(?:les\s+)?(?:recommandations|conclusions)\s+\S",
    re.IGNORECASE)


def _clean(cell: str | None) -> str:
    return " ".join((cell or "").replace("-\n", "").split())


def _cited(context: str) -> str | None:
    m = CITED.search(context)
    return _clean(m.group("title")) if m else None


def _header_status(header: str) -> str | None:
    return classify_status(header, whole=True) if header else None


def earlier_from_table(table: Table, context: str = "",
                       out: list[EarlierRecommendation] | None = None) -> list[EarlierRecommendation]:
    """The rows of one follow-up table, X-marked status columns or one status column, added
    to `out` (the records of the tables before: a row continued from the previous page
    extends the last of them)."""
    out = [] if out is None else out
    rows = [[_clean(c) for c in r] for r in table.cells]
    if not rows:
        return []
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    head = rows[0]
    if not any(_NAMES_RECOMMENDATIONS.search(fold(h)) for h in head):
        return out  # "Numéro du marché | … | En cours": a data table with a status word (ACBEP 2024)
    marks = {c: h for c, h in enumerate(head) if _header_status(h)}
    cites = _cited(context) or _cited(table.caption or "")
    if len(marks) >= 2:
        return _marked_rows(table, rows, head, marks, cites, out)
    return _status_column_rows(table, rows, head, cites, context, out)


def _column(head: list[str], pattern: re.Pattern, taken: set[int]) -> int | None:
    return next((c for c, h in enumerate(head) if c not in taken and h and pattern.search(fold(h))), None)


def _number(cell: str) -> str | None:
    """The recommendation number of a cell: "1 3" (digits set apart by a narrow column) is 13."""
    cell = re.sub(r"^(\d)\s(\d)(?:\s(\d))?$", lambda m: "".join(g for g in m.groups() if g), cell.strip())
    m = REC_REF.match(cell)
    return str(int(m["num"])) if m else None


def _columns(head: list[str], taken: set[int]) -> tuple[int | None, int | None, int | None]:
    number_col = _column(head, re.compile(r"^(?:n|no|numero|rec|reco)$"), taken)
    text_col = _column(head, re.compile(r"recommandation|libelle|recommendation|intitule"), taken | {number_col})
    owner_col = _column(head, OWNER_HEADER, taken | {number_col, text_col})
    return number_col, text_col, owner_col


def _marked_rows(table: Table, rows: list[list[str]], head: list[str], marks: dict[int, str],
                 cites: str | None, out: list[EarlierRecommendation]) -> list[EarlierRecommendation]:
    number_col, text_col, owner_col = _columns(head, set(marks))
    for r in rows[1:]:
        marked = [c for c in marks if MARK.match(r[c])]
        number = _number(r[number_col]) if number_col is not None else None
        text = r[text_col] if text_col is not None else None
        if not marked:
            if out and number is None and text:  # the row goes on from the previous page
                out[-1] = _extend(out[-1], text)
            continue
        out.append(EarlierRecommendation(
            number=number, text=text or None,
            owner=(r[owner_col] or None) if owner_col is not None else None, page=table.page,
            status=_header_status(marks[marked[0]]), status_term=marks[marked[0]], cites=cites))
    return out


def _extend(rec: EarlierRecommendation, text: str) -> EarlierRecommendation:
    return replace(rec, text=join_text([rec.text or "", text]))


def _status_column_rows(table: Table, rows: list[list[str]], head: list[str], cites: str | None,
                        context: str, out: list[EarlierRecommendation]) -> list[EarlierRecommendation]:
    """One status column under a header ("Degré de la mise en œuvre", "État", "Statut"); a
    degree ("Totalement", "Partiel-lement") is read with its header. Tables without such
    a header go through `status_tables`' heuristics."""
    status_col = next((c for c, h in enumerate(head) if h and STATUS_HEADER.search(fold(h))
                       and not REC_HEADER.fullmatch(fold(h))), None)
    number_col, text_col, owner_col = _columns(head, {status_col} if status_col is not None else set())
    if status_col is None or number_col is None:
        return out + [EarlierRecommendation(number=o.number, text=o.text, owner=o.owner, page=o.page,
                                            status=o.status, status_term=o.source_term, cites=cites)
                      for o in observations_from_table(table, context)]
    for r in rows[1:]:
        number = _number(r[number_col])
        status = classify_status(_degree(r[status_col])) if r[status_col] else None
        text = r[text_col] if text_col is not None else None
        if number is None:
            if out and text and not status:
                out[-1] = _extend(out[-1], text)
            continue
        if status is None:
            continue
        out.append(EarlierRecommendation(
            number=number, text=text or None, owner=(r[owner_col] or None) if owner_col is not None else None,
            page=table.page, status=status, status_term=r[status_col], cites=cites))
    return out


def _degree(cell: str) -> str:
    """"Totalement" → "Totalement mise en œuvre": a degree printed under its header."""
    cell = re.sub(r"(\w)-\s*(\w)", r"\1\2", cell)  # "Partiel- lement", hyphenated by the column
    if cell and classify_status(cell) is None and classify_status(cell + " mise en œuvre"):
        return cell + " mise en œuvre"
    return cell


def earlier_from_tables(doc: Document | None, tables: Sequence[Table]) -> list[EarlierRecommendation]:
    """Every follow-up table of the report; a table continued on the next page (its header
    repeated, the first row's number cell empty) extends the last record."""
    out: list[EarlierRecommendation] = []
    for table in tables:
        before = len(out)
        out = earlier_from_table(table, _context_for(doc, table), out)
        if len(out) > before and out[before].cites is None and before and out[before - 1].cites:
            out[before:] = [_with_cites(g, out[before - 1].cites) for g in out[before:]]
    return out


def _with_cites(rec: EarlierRecommendation, cites: str) -> EarlierRecommendation:
    return replace(rec, cites=cites)


def _status_heading(rows: list[Row], i: int, body: float) -> tuple[str, str] | None:
    """(status, heading as printed) when rows[i] is a status heading: bold or larger, or set
    apart by blank space ("2.2.1- Les recommandations effectivement mises en œuvre", 2017
    p. 212, is in the body font)."""
    row = rows[i]
    text = row.text.strip()
    if len(text) > 120 or text.endswith((".", ";", ",")) or not STATUS_HEADING.match(text):
        return None
    status = classify_status(text, whole=False)
    if status is None:
        return None
    above = rows[i - 1] if i and rows[i - 1].page == row.page else None
    below = rows[i + 1] if i + 1 < len(rows) and rows[i + 1].page == row.page else None
    apart = all(r is None or abs(r.top - row.top) > 2.0 * row.height for r in (above, below))
    if not (row.bold or row.size > body + 1 or apart):
        return None
    return status, re.sub(r"^\s*(?:[IVX]+|\d+(?:\.\d+)*|[A-Ha-h])\s*[.)–-]*\s*", "", text).rstrip(" :")


def earlier_from_prose(doc: Document) -> list[EarlierRecommendation]:
    """Recommendations reprinted under status headings, in prose. The group is the audited
    body's heading (the larger title above: "II. L'agence Nationale de la Recherche
    Scientifique Appliquée (ANRSA)"); a bold sub-heading that is no status ends the block."""
    body = doc.body_size
    rows = [r for page in doc.pages for r in page_rows(page)]
    out: list[EarlierRecommendation] = []
    status: tuple[str, str] | None = None
    group: str | None = None
    current: list[Row] = []
    label = None

    def flush():
        if current and status is not None and label is not None:
            text = join_text([label.group("text")] + [r.text for r in current[1:]])
            out.append(EarlierRecommendation(number=label.group("num").lstrip("0") or "0", text=text or None,
                                             owner=addressees(text).owner, page=current[0].page, status=status[0],
                                             status_term=status[1], group=group,
                                             bbox=current[0].bbox))

    for i, row in enumerate(rows):
        m = PROSE_ITEM.match(row.text)
        st = None if m else _status_heading(rows, i, body)
        title = row.bold or row.size > body + 1
        if st is not None or (title and not m):
            flush()
            current, label = [], None
            if matches("replies-title", row.text):
                break  # the audited bodies' replies quote the report: nothing after is a status
            if st is not None:
                status = st
            elif row.size > body + 1.5:  # an audited body's heading, maybe over two rows
                prev = rows[i - 1] if i else None
                joined = prev is not None and prev.page == row.page and prev.size > body + 1.5 \
                    and row.top - prev.bottom < 0.8 * row.height and group is not None and status is None
                group, status = (join_text([group, row.text]) if joined else row.text.strip()), None
            else:
                status = None
            continue
        if m and status is not None:
            flush()
            current, label = [row], m
            continue
        if current:
            prev = current[-1]
            started = len(current) > 1 or bool(label.group("text").strip())
            if row.page != prev.page or row.top - prev.bottom < (0.7 if started else 2.5) * row.height:
                current.append(row)
                continue
            flush()
            current, label = [], None
    flush()
    return out


def extract_earlier_recommendations(doc: Document, tables: Sequence[Table] = ()) -> list[EarlierRecommendation]:
    """Follow-up tables first, then prose under status headings (a report rarely has both)."""
    return earlier_from_tables(doc, tables) + earlier_from_prose(doc)
