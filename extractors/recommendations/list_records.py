"""Recommendation records from the lists of `lists`: body lists met with the summary list.

Why: a report that prints its recommendations as lists states each one twice at most, in a
chapter (the page users cite) and in a final "Récapitulatif" (its number, its addressee
heading). The haut-débit report numbers both alike (matched by number); la Poste numbers only
the summary, re-ordered under addressee headings, so its chapter bullets are matched by
wording. Where body numbering restarts (annual reports, one chapter per audited body), each
number is unique only within its chapter: that chapter, as printed, is the record's `group`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import regex as re
from rapidfuzz.fuzz import ratio

from extractors.locate import numbered_section_at, section_index_at
from extractors.recommendations.addressees import addressees
from extractors.recommendations.lists import ItemList, ListItem, find_lists
from extractors.recommendations.summary_wording import summary_pages
from models.document import Document
from models.records import Problem, Recommendation, Section

SAME_WORDING = 0.85  # a chapter bullet and a summary item this close are one recommendation


def _fold(text: str) -> str:
    text = text.replace("’", "'").replace("–", "-").lower()
    return re.sub(r"[\s.;:]+$", "", re.sub(r"\s+", " ", text)).strip()


def _restarts(lists: Sequence[ItemList]) -> bool:
    """Whether body numbering starts again at 1 after an earlier numbered body list."""
    seen = False
    for lst in lists:
        nums = [it.number for it in lst.items if it.number is not None]
        if not nums or lst.summary:
            continue
        if seen and nums[0] == 1:
            return True
        seen = True
    return False


def _chapter(sections: Sequence[Section], page: int, top: float) -> str | None:
    """The top-level heading above a point, as printed: the group of a restarting list."""
    i = section_index_at(sections, page, top)
    while i is not None:
        s = sections[i]
        if s.level <= 1:
            return f"{s.number} {s.title}".strip() if s.number and not s.title.startswith(s.number) else s.title
        i = s.parent_index if s.parent_index is not None and s.parent_index < i else None
    return None


# A lead-in that is only its verb: each item opens with its addressee ("La Cour invite :" then
# "1. Le Ministre de l'Economie, des Finances et du Plan à veiller à : …", 2017 p. 89).
_BARE_VERB = re.compile(r"^\s*(?P<verb>.{0,60}?\b(?:invite|demande|recommande|exhorte)(?:nt)?)\s*:\s*$")


def _with_addressees(it: ListItem, audited: str | None, lead_in: str = "") -> ListItem:
    if it.owner:
        return it
    bare = _BARE_VERB.match(lead_in)
    said = addressees(f"{bare.group('verb')} {it.text}" if bare else it.text, audited)
    return replace(it, owner=said.owner, owners=said.owners) if said.owner else it


def _record(it: ListItem, summary: ListItem | None, group: str | None, section_number: str | None,
            ordinal: int | None = None) -> Recommendation:
    owner = it.owner or (summary.owner if summary else None)
    owners = it.owners or (summary.owners if summary else ())
    number = it.number if it.number is not None else (summary.number if summary else None)
    return Recommendation(
        number=number, text=it.text, summary_text=summary.text if summary else None, owner=owner,
        owners=owners, page=it.page, summary_page=summary.page if summary else None,
        theme=(summary.theme if summary else None) or it.theme, section_number=section_number, bbox=it.bbox,
        summary_bbox=summary.bbox if summary else None, label=it.label if it.number is not None else None,
        method="reconciled" if summary else "body", group=group, ordinal=ordinal if number is None else None)


def recommendations_from_lists(doc: Document, sections: Sequence[Section] = (), audited: str | None = None
                               ) -> tuple[list[Recommendation], list[Problem]]:
    """Records of every list of recommendations in the report, numbered ones first. An item
    whose list names no addressee may name it in its sentence ("1- La Cour demande au MEFP de
    …"): `addressees` reads it, with the audited body for a generic office."""
    lists = [replace(lst, items=tuple(_with_addressees(it, audited, lst.lead_in) for it in lst.items))
             for lst in find_lists(doc)]
    problems: list[Problem] = []
    body = [it for lst in lists if not lst.summary for it in lst.items]
    summary = [it for lst in lists if lst.summary for it in lst.items if it.number is not None]
    by_number: dict[int, ListItem] = {}
    for it in summary:
        by_number.setdefault(it.number, it)
    restart = _restarts(lists)
    numbered = [it for it in body if it.number is not None]
    bullets = [it for it in body if it.number is None]
    used: set[int] = set()
    recs: list[Recommendation] = []
    chapter = {id(it): lst.chapter for lst in lists for it in lst.items}
    # restarting numbers cannot meet a summary by number: its tables are met by wording
    by_wording = summary_pages(doc, numbered, max(it.page for it in numbered)) if restart and numbered else {}
    for it in numbered:
        group = (chapter[id(it)] or _chapter(sections, it.page, it.bbox[1])) if restart else None
        row = None if restart else by_number.get(it.number)
        if row is not None:
            used.add(row.number)
        rec = _record(it, row, group, numbered_section_at(sections, it.page, it.bbox[1]))
        recs.append(replace(rec, summary_page=by_wording[id(it)]) if id(it) in by_wording else rec)
    # unnumbered chapter bullets meet the numbered summary by wording
    pairs = sorted(((ratio(_fold(b.text), _fold(s.text)) / 100, i, s.number)
                    for i, b in enumerate(bullets) for s in summary if s.number not in used), reverse=True)
    match: dict[int, ListItem] = {}
    for score, i, n in pairs:
        if score < SAME_WORDING or i in match or n in used:
            continue
        match[i] = by_number[n]
        used.add(n)
    for i, b in enumerate(bullets):
        if i in match:
            recs.append(_record(b, match[i], None, numbered_section_at(sections, b.page, b.bbox[1])))
    for it in summary:
        if it.number not in used and not restart:
            used.add(it.number)
            problems.append(Problem("rec_only_in_summary", f"recommandation {it.number} : dans le tableau récapitulatif "
                                    f"(page {it.page}) mais introuvable dans le texte", it.page,
                                    str(it.number)))
            recs.append(Recommendation(number=it.number, text=None, summary_text=it.text, owner=it.owner,
                                       owners=it.owners, page=None, summary_page=it.page, theme=it.theme,
                                       summary_bbox=it.bbox, label=it.label, method="summary_table"))
    if not restart:
        recs.sort(key=lambda r: r.number)
    ordinal = 0
    for i, b in enumerate(bullets):
        if i not in match:
            ordinal += 1
            recs.append(_record(b, None, None, numbered_section_at(sections, b.page, b.bbox[1]), ordinal))
    return recs, problems
