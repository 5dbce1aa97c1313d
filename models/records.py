"""Records the extractors return; each carries its provenance (physical page and bbox).

They are frozen so that no stage mutates what an earlier one produced; `to_contract()`
gives the shape of contract 1 (the JSON of `suivi extract`, see DESIGN.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from models.document import BBox


@dataclass(frozen=True)
class ReportMeta:
    file_name: str
    sha256: str
    page_count: int
    title: str | None = None
    bodies: tuple[str, ...] = ()
    report_numbers: tuple[str, ...] = ()
    date: str | None = None  # "YYYY-MM"
    language: str | None = None

    def to_contract(self) -> dict:
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "title": self.title,
            "bodies": list(self.bodies),
            "report_numbers": list(self.report_numbers),
            "date": self.date,
            "page_count": self.page_count,
        }


@dataclass(frozen=True)
class Section:
    number: str | None  # "1.1.4", or None for SYNTHÈSE, INTRODUCTION, annexes…
    title: str
    level: int
    page: int
    bbox: BBox | None = None
    kind: str = "heading"  # heading | part | annex | recommendation_list
    page_end: int | None = None
    parent_index: int | None = None  # index of the parent in the section list
    text: str = ""
    annex_number: int | None = None
    method: str = "numbering"  # outline | numbering | typography

    def to_contract(self) -> dict:
        return {"number": self.number, "title": self.title, "level": self.level, "page": self.page}


@dataclass(frozen=True)
class Recommendation:
    number: int | str | None  # None: an unnumbered recommendation ("we recommend that…")
    text: str | None
    summary_text: str | None
    owner: str | None
    owners: tuple[str, ...]
    page: int | None  # page of the body statement
    summary_page: int | None  # page of its row in the summary table
    theme: str | None = None
    section_number: str | None = None
    bbox: BBox | None = None
    summary_bbox: BBox | None = None
    label: str | None = None  # the identifier as printed: "R7", "7", "n° 7", "018/14"
    priority: str | None = None
    deadline: str | None = None
    method: str = "reconciled"  # summary_table | body | reconciled
    # Where numbering restarts (per chapter or audited body, as in annual reports): the
    # chapter or body as printed; `number` is unique only within its group.
    group: str | None = None
    ordinal: int | None = None  # reading order among the unnumbered ones (number None)

    def to_contract(self) -> dict:
        return {
            "number": self.number,
            "text": self.text,
            "summary_text": self.summary_text,
            "owner": self.owner,
            "owners": list(self.owners),
            "page": self.page,
            "summary_page": self.summary_page,
            "theme": self.theme,
            "section_number": self.section_number,
            "group": self.group,
        }


@dataclass(frozen=True)
class EarlierRecommendation:
    """A recommendation of an earlier report that this report reprints with a status
    (a follow-up table with X marks, a « suivi des recommandations » chapter). It is not
    this report's own: in the database it becomes a status observation, assessed by this
    report, on the earlier report's recommendation (or on a stub for the cited report)."""

    number: str | None  # as printed in the follow-up table
    text: str | None
    owner: str | None
    page: int  # where this report prints it
    status: str  # normalised code, one of extractors.patterns.statuses.STATUSES
    status_term: str  # the status as printed (column header of the X mark, or the cell)
    cites: str | None = None  # the earlier report as printed, when the table names it
    group: str | None = None  # audited body or chapter the table belongs to
    bbox: BBox | None = None

    def to_contract(self) -> dict:
        return {
            "number": self.number,
            "text": self.text,
            "owner": self.owner,
            "page": self.page,
            "status": self.status,
            "status_term": self.status_term,
            "cites": self.cites,
        }


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str
    page: int  # page where the note is printed (where its call is, in a clean report)
    bbox: BBox | None = None
    call_page: int | None = None
    call_bbox: BBox | None = None
    section_number: str | None = None

    def to_contract(self) -> dict:
        return {"number": self.number, "page": self.page, "text": self.text}


@dataclass(frozen=True)
class Table:
    number: int | None
    caption: str | None
    page: int
    cells: tuple[tuple[str, ...], ...]
    source: str | None = None
    page_end: int | None = None
    bbox: BBox | None = None
    notes: str | None = None
    label: str | None = None  # number as printed, e.g. "3" or "2.4"

    def to_contract(self) -> dict:
        return {
            "number": self.number,
            "caption": self.caption,
            "page": self.page,
            "source": self.source,
            "cells": [list(r) for r in self.cells],
        }


@dataclass(frozen=True)
class GlossaryEntry:
    acronym: str
    expansion: str
    page: int
    bbox: BBox | None = None


@dataclass(frozen=True)
class Problem:
    """Something an extractor noticed and the user should be able to read (quality data)."""

    kind: str  # e.g. "footnote_gap", "rec_missing_in_body", "owner_missing"
    message: str
    page: int | None = None
    subject: str | None = None  # e.g. recommendation number, footnote number


@dataclass(frozen=True)
class OwnerRef:
    """One addressee of one recommendation, with its canonical form (for `owners` rows)."""

    recommendation_number: int | str
    as_printed: str
    key: str  # canonical id shared by every spelling of the same addressee
    label: str
    acronym: str | None = None
    parent: str | None = None  # parent ministry, when the addressee is a directorate
    position: int = 0
    # index of the recommendation in Extraction.recommendations: numbers repeat where
    # numbering restarts per group, and unnumbered recommendations have none
    recommendation_position: int | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything `suivi extract` finds in one report, plus what went wrong."""

    report: ReportMeta
    sections: tuple[Section, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    tables: tuple[Table, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()
    owner_refs: tuple[OwnerRef, ...] = ()
    problems: tuple[Problem, ...] = ()
    earlier_recommendations: tuple[EarlierRecommendation, ...] = ()

    def to_contract(self) -> dict:
        return {
            "report": self.report.to_contract(),
            "sections": [s.to_contract() for s in self.sections],
            "recommendations": [r.to_contract() for r in self.recommendations],
            "earlier_recommendations": [e.to_contract() for e in self.earlier_recommendations],
            "footnotes": [f.to_contract() for f in self.footnotes],
            "tables": [t.to_contract() for t in self.tables],
        }
