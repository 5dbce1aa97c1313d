"""The extraction flow for one PDF, as one ordered list of stages.

layout -> metadata -> sections -> glossary -> recommendations -> owners -> footnotes
-> tables. Each stage is a pure function of the Document (and of earlier records where
stated); a stage that fails is recorded as a problem and the others still run.
"""
from __future__ import annotations

import gc
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from extractors.footnotes import extract_footnotes
from extractors.glossary import extract_glossary
from extractors.layout import read_document
from extractors.metadata import extract_metadata
from extractors.recommendations.owners import canonical_owner, learned_parents
from extractors.recommendations import extract_earlier_recommendations, extract_recommendations
from extractors.sections import extract_sections
from extractors.table_shape import quality_problems as table_quality
from extractors.tables import extract_tables
from models.document import Document
from pipeline.nlp import extraction_nlp
from models.records import Extraction, OwnerRef, Problem, Recommendation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractSettings:
    backend: str = "pdfium"
    with_tables: bool = True
    with_footnotes: bool = True


def load_nlp():
    """The spaCy pipeline extractors may use, loaded on first use (pipeline.nlp)."""
    return extraction_nlp()


def extract_document(doc: Document, settings: ExtractSettings = ExtractSettings(), nlp=None) -> Extraction:
    """Run every extractor over an already-read Document."""
    problems: list[Problem] = text_problems(doc.text_issues)

    def stage(name, fn, *args, default):
        try:
            return fn(*args)
        except Exception as exc:  # one failing extractor must not cost the whole report
            log.exception("%s: %s extractor failed", doc.file_name, name)
            problems.append(Problem("extractor_failed", f"{name}: {type(exc).__name__}: {exc}"))
            return default

    meta = extract_metadata(doc)
    sections = stage("sections", extract_sections, doc, default=[])
    glossary = stage("glossary", extract_glossary, doc, default=[])
    recs, rec_problems = stage("recommendations", extract_recommendations, doc, sections, glossary, nlp,
                               default=([], []))
    refs = stage("owners", owner_refs, recs, glossary, nlp, default=[])
    notes, note_problems = ([], [])
    if settings.with_footnotes:
        notes, note_problems = stage("footnotes", extract_footnotes, doc, sections, default=([], []))
    tables, table_problems = ([], [])
    if settings.with_tables:
        tables, table_problems = stage("tables", extract_tables, doc, default=([], []))
    earlier = stage("earlier recommendations", extract_earlier_recommendations, doc, tables, default=[])
    tables = without_summary_tables(tables, recs)
    table_problems = [*table_problems, *table_quality(tables)]
    problems = [*problems, *rec_problems, *note_problems, *table_problems]
    return Extraction(
        report=meta,
        sections=tuple(sections),
        recommendations=tuple(recs),
        footnotes=tuple(notes),
        tables=tuple(tables),
        glossary=tuple(glossary),
        owner_refs=tuple(refs),
        problems=tuple(problems),
        earlier_recommendations=tuple(earlier),
    )


def text_problems(issues) -> list[Problem]:
    """`quality` rows for what the layout stage met: one per page for what it could not
    read, one per font for what it repaired (a report set in a font without ToUnicode
    would otherwise give a row on each of its hundreds of pages)."""
    problems: list[Problem] = []
    repaired: dict[str, list] = {}
    for issue in issues:
        if issue.kind != "font_remapped":
            problems.append(Problem(issue.kind, f"page {issue.page}: {issue.detail}", issue.page))
            continue
        key = re.sub(r"\d+ caractères", "{n} caractères", issue.detail)
        pages, total = repaired.setdefault(key, [[], 0])
        pages.append(issue.page)
        repaired[key][1] = total + issue.count
    for detail, (pages, total) in repaired.items():
        where = f"page {pages[0]}" if len(pages) == 1 else f"{len(pages)} pages ({pages[0]}–{pages[-1]})"
        problems.append(Problem("font_remapped", f"{where}: {detail.replace('{n}', str(total))}", pages[0]))
    return problems


def without_summary_tables(tables, recs) -> list:
    """Drop the table that holds the summary of recommendations: its rows are already the
    `recommendations` records (with their page), and a second copy as a data table would
    only duplicate them in searches and exports."""
    boxes = [(r.summary_page, r.summary_bbox) for r in recs if r.summary_page and r.summary_bbox]

    def holds_summary(t) -> bool:
        if t.bbox is None:
            return False
        last = t.page_end or t.page
        inside = sum(1 for page, b in boxes
                     if t.page <= page <= last and (page != t.page or _contains(t.bbox, b)))
        return inside >= 2

    return [t for t in tables if not holds_summary(t)]


def _contains(outer, inner, slack: float = 2.0) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def owner_refs(recs, glossary, nlp=None) -> list[OwnerRef]:
    """Canonical addressees of every recommendation, so spellings meet in `owners`."""
    refs = []
    parents = learned_parents([name for rec in recs for name in rec.owners], glossary)
    for k, rec in enumerate(recs):
        for position, name in enumerate(rec.owners):
            canon = canonical_owner(name, glossary, parents)
            refs.append(OwnerRef(rec.number, name, canon.key, canon.label, canon.acronym, canon.ministry, position,
                                 recommendation_position=k))
    return refs


def extract_file(path: str, settings: ExtractSettings = ExtractSettings(), nlp=None, sha256: str | None = None):
    """Read and extract one PDF; returns (Document, Extraction). Raises SuiviError."""
    with collector_paused():
        doc = read_document(path, backend=settings.backend, sha256=sha256)
        return doc, extract_document(doc, settings, nlp)


@contextmanager
def collector_paused():
    """Pause CPython's cyclic garbage collector while one file is read.

    A 200-page report allocates over a million small tuples (glyphs, spans, lines) that
    hold no reference cycles; the collector would walk them, and every object already
    imported, again and again: about a fifth of ingest time. Reference counting still
    frees everything; the collector resumes when the file is done. Nested use is fine.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
