"""Summary tables matched to body items by wording: where their numbering differs.

Why: the Cour des comptes du Sénégal 2017 repeats its chapter recommendations in « condensé »
tables ("N° | Libellé de la recommandation | Destinataire de la recommandation", pp. 236-251),
one per audited body, numbered afresh and often in another order (LFI body n° 3 is row 6).
Numbers cannot pair them; the wording can. Each body item gets the page of the summary page
whose recommendation column holds its opening words (`summary_page`).
"""
from __future__ import annotations

import unicodedata
from typing import Sequence

import regex as re
from rapidfuzz.fuzz import partial_ratio

from extractors.recommendations.conventions import matches
from extractors.recommendations.lists import ListItem, page_rows
from models.document import Document

KEY_CHARS = 300  # the opening words compared: long enough to pass the generic « La Cour demande au Ministre … »
SAME_OPENING = 75  # partial ratio (0-100) of those words within a page's recommendation column


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").lower()
    return re.sub(r"\s+", " ", re.sub(r"[•●▪■◦➢✔\-–—\p{Co}\ufffd]", " ", text)).strip()


def _table_pages(doc: Document, after: int, body_size: float) -> list[tuple[int, str]]:
    """(page, text of the recommendation column) for the pages of the summary tables: from the
    first page after `after` with a header naming the column, to the next chapter or part."""
    start = None
    for page in doc.pages[after:]:
        if any(matches("summary-wording-header", r.text) for r in page_rows(page)):
            start = page.number
            break
    if start is None:
        return []
    out: list[tuple[int, str]] = []
    right = None
    for page in doc.pages[start - 1:]:
        rows = page_rows(page)
        if not rows or (page.number != start and any(r.size > body_size + 4 for r in rows)):
            break  # an empty page, or a chapter or part title: the tables are over
        owner_head = next((r for r in rows if matches("summary-owner-header", r.text)), None)
        right = owner_head.x0 - 5 if owner_head is not None else right
        out.append((page.number, _fold(" ".join(r.text for r in rows if right is None or r.x0 < right))))
    return out


def summary_pages(doc: Document, items: Sequence[ListItem], after: int) -> dict[int, int]:
    """{id(item): page of the summary table row that repeats it} for the items found there."""
    pages = _table_pages(doc, after, doc.body_size)
    found: dict[int, int] = {}
    for it in items:
        key = _fold(it.text)[:KEY_CHARS]
        if len(key) < 20 or not pages:
            continue
        score, page = max((partial_ratio(key, text), -p) for p, text in pages)
        if score >= SAME_OPENING:
            found[id(it)] = -page
    return found
