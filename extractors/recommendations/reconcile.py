"""Recommendations of a report: body statements and summary rows, reconciled by number.

Why: a user asking "everything recommended to the Ministère de la justice" must get each
recommendation once, with the body wording and page (what the report argues) and the
summary wording, owner and theme (what the table commits to). Both wordings are kept;
whatever disagrees between the two places is reported as a Problem, never smoothed over.
"""
from __future__ import annotations

from typing import Sequence

import regex as re
from rapidfuzz.fuzz import ratio

from extractors.locate import numbered_section_at, section_index_at
from extractors.recommendations.addressees import addressees
from extractors.recommendations.audited import audited_body
from extractors.recommendations.unnumbered import prose_recommendations, with_ordinals
from extractors.recommendations.owners import owners_from_text, split_owners
from extractors.recommendations.body import BodyStatement, find_numbered_list, find_statements
from extractors.recommendations.conventions import matches
from extractors.recommendations.list_records import recommendations_from_lists
from extractors.recommendations.summary import SummaryRow, find_summary_list, find_summary_table
from models.document import Document
from models.records import GlossaryEntry, Problem, Recommendation, Section

WORDING_OK = 0.95  # same threshold as the scorer: below it the two wordings really differ


def _fold(text: str | None) -> str:
    text = (text or "").replace("’", "'").replace("–", "-").lower()
    return _END_MARKS.sub("", _BLANKS.sub(" ", text)).strip()


_BLANKS = re.compile(r"\s+")
_END_MARKS = re.compile(r"[\s.;:]+$")


def _in_list_section(sections: Sequence[Section], page: int, top: float) -> bool:
    i = section_index_at(sections, page, top)
    return i is not None and sections[i].kind == "recommendation_list"


def _in_replies(sections: Sequence[Section], page: int, top: float) -> bool:
    """Whether a point lies in the part where audited bodies reply ("Réponses des organismes
    concernés"): a "RECOMMANDATION 3 :" row there quotes the report, it is no statement."""
    i = section_index_at(sections, page, top)
    top_level = next((s for s in reversed(sections[: i + 1]) if s.level <= 1), None) if i is not None else None
    return top_level is not None and matches("replies-title", top_level.title) is not None


def _label_page(doc: Document, printed: str | None) -> int | None:
    """Physical page whose printed label is `printed` (the summary's "Page" column)."""
    if not printed or not re.fullmatch(r"\s*\d{1,4}\s*", printed):
        return None
    for p in doc.pages:
        if p.label is not None and p.label.strip() == printed.strip():
            return p.number
    return None


def _inside_any(rec: Recommendation, others: Sequence[Recommendation]) -> bool:
    """Whether a prose recommendation is a list item already read (same page, boxes overlap)."""
    if rec.bbox is None:
        return False
    return any(o.page == rec.page and o.bbox is not None and o.bbox[1] < rec.bbox[3] and rec.bbox[1] < o.bbox[3]
               for o in others)


def _pick(cands: list[BodyStatement], sections: Sequence[Section], summary_pages: set[int],
          wanted_page: int | None) -> tuple[BodyStatement, int]:
    """The body occurrence of a number: on the page the summary points to, else outside the
    summary and outside a list of recommendations, else the first. Returns it and how many
    body occurrences remain candidates (more than one is a duplicate)."""
    pool = [c for c in cands if c.page not in summary_pages and not _in_list_section(sections, c.page, c.bbox[1])]
    pool = pool or cands
    if wanted_page is not None:
        hit = [c for c in pool if c.page == wanted_page]
        if hit:
            return hit[0], len(pool)
    return pool[0], len(pool)


def extract_recommendations(doc: Document, sections: Sequence[Section], glossary: Sequence[GlossaryEntry],
                            nlp=None) -> tuple[list[Recommendation], list[Problem]]:
    problems: list[Problem] = []
    audited = audited_body(doc)
    statements = [s for s in find_statements(doc) or find_numbered_list(doc)
                  if not _in_replies(sections, s.page, s.bbox[1])]
    rows = find_summary_table(doc) or find_summary_list(doc)
    if not statements and not rows:
        # no labelled statement and no summary table: lists under a lead-in or a heading,
        # and, where nothing is numbered, recommendations made in prose
        recs, problems = recommendations_from_lists(doc, sections, audited)
        if not any(r.number is not None for r in recs):
            recs = recs + [p for p in prose_recommendations(doc, audited) if not _inside_any(p, recs)]
        return with_ordinals(recs), problems
    summary_pages = {r.page for r in rows}

    by_row: dict[object, SummaryRow] = {}
    for r in rows:
        if r.number in by_row:
            problems.append(Problem("rec_duplicate", f"recommandation {r.number} : deux fois dans le tableau récapitulatif "
                                    f"(pages {by_row[r.number].page} et {r.page})", r.page, str(r.number)))
            continue
        by_row[r.number] = r
    by_body: dict[object, list[BodyStatement]] = {}
    for s in statements:
        if any(r.page == s.page and r.bbox[1] - 2 <= s.bbox[1] <= r.bbox[3] + 2 for r in rows):
            continue  # a number cell of the summary table ("R1" alone) is not a body statement
        by_body.setdefault(s.number, []).append(s)
    # a list of statements that merely repeats the body (synthesis, list at the end) is not a
    # second body: without a summary table, such a repeated list serves as the summary.
    numbers = list(dict.fromkeys([*by_row.keys(), *by_body.keys()]))
    if all(isinstance(n, int) for n in numbers):
        numbers.sort()

    recs: list[Recommendation] = []
    for n in numbers:
        row = by_row.get(n)
        body = None
        if n in by_body:
            body, count = _pick(by_body[n], sections, summary_pages, _label_page(doc, row.printed_page) if row else None)
            if count > 1:
                problems.append(Problem("rec_duplicate", f"recommandation {n} : énoncée {count} fois dans le texte "
                                        f"(pages {', '.join(str(c.page) for c in by_body[n])})", body.page, str(n)))
            if row is None and len(by_body[n]) > 1:
                other = next((c for c in by_body[n] if c is not body), None)
                row = SummaryRow(number=n, text=other.text, owner=other.owner, owner_cell=other.owner,
                                 page=other.page, bbox=other.bbox, label=other.label) if other else None
        if row is not None and body is None:
            problems.append(Problem("rec_only_in_summary", f"recommandation {n} : dans le tableau récapitulatif (page {row.page}) "
                                    "mais introuvable dans le texte", row.page, str(n)))
        if body is not None and row is None and rows:
            problems.append(Problem("rec_only_in_body", f"recommandation {n} : énoncée page {body.page} "
                                    "mais absente du tableau récapitulatif", body.page, str(n)))
        if (body is not None and row is not None and ratio(_fold(body.text), _fold(row.text)) / 100 < WORDING_OK
                and not _fold(body.text).startswith(_fold(row.text))):  # a title repeated alone is no change
            problems.append(Problem("rec_wording_differs", f"recommandation {n} : formulations différentes dans le texte (page {body.page}) et "
                                    f"dans le tableau récapitulatif (page {row.page})", body.page, str(n)))
        owner = (row.owner if row and row.owner else None) or (body.owner if body else None)
        owners = split_owners(row.owner_cell) if row and row.owner_cell else []
        if not owners and body is not None and body.owners:
            owners = [o for b in body.owners for o in split_owners(b)]
        if not owner and not owners:  # the addressee inside the sentence: "La Cour demande au maire de …"
            said = addressees(body.text if body else None, audited)
            if not said.owner and row is not None:
                said = addressees(row.text, audited)
            owner, owners = said.owner, list(said.owners)
        if not owners and body is not None:
            owners = owners_from_text(body.text, nlp, glossary)
        if not owner and not owners and rows and any(r.owner for r in rows):
            problems.append(Problem("rec_owner_missing", f"recommandation {n} : aucun destinataire nommé",
                                    body.page if body else row.page, str(n)))
        page = body.page if body else None
        section_number = numbered_section_at(sections, body.page, body.bbox[1]) if body else None
        label = (body.label if body else None) or (row.label if row else None)
        method = "reconciled" if body and row else ("body" if body else "summary_table")
        recs.append(Recommendation(
            number=n, text=body.text if body else None, summary_text=row.text if row else None,
            owner=owner, owners=tuple(owners), page=page, summary_page=row.page if row else None,
            theme=row.theme if row else None, section_number=section_number,
            bbox=body.bbox if body else None, summary_bbox=row.bbox if row else None, label=label,
            priority=row.priority if row else None, deadline=row.deadline if row else None, method=method))
    ints = sorted(n for n in numbers if isinstance(n, int))
    if ints:
        missing = sorted(set(range(ints[0], ints[-1] + 1)) - set(ints))
        if missing:
            problems.append(Problem("rec_number_gap", "numéros de recommandation absents de la suite : "
                                    + ", ".join(map(str, missing)), None, None))
    return recs, problems
