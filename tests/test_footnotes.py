"""Footnotes: notes at the page bottom, their numbers, pages, texts and calls.

Builder layouts pin the cases the dev report lacks (notes numbered per page, a note
continued on the next page); the dev report pins exact notes of a real layout.
"""
from __future__ import annotations

import re
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest

from extractors.footnotes import extract_footnotes, find_calls, note_start
from extractors.layout import read_document
from extractors.numbers import parse_number
from models.document import Document, Line, Page, Rule, Span
from models.records import Section
from tests.fixtures.builder import build_pdf
from tests.fixtures.examples import VARIANTS, example
from tests.paths import DEV_PDF

DEV = str(DEV_PDF)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def dev_document() -> Document:
    """The dev report, read once per session (shared with tests/test_tables.py)."""
    return read_document(DEV)


@lru_cache(maxsize=None)
def build_variant(variant: str):
    """(BuildResult, Document) for a builder layout, built once per session (shared)."""
    out = Path(tempfile.mkdtemp(prefix="suivi-notes-"))
    result = build_pdf(*example(variant), out / f"{variant}.pdf")
    return result, read_document(str(result.path))


@pytest.fixture(scope="module")
def built():
    return {v: build_variant(v) for v in VARIANTS}


# -- builder layouts -----------------------------------------------------------------------

@pytest.mark.parametrize("variant", VARIANTS)
def test_notes_match_builder_truth(built, variant):
    result, doc = built[variant]
    notes, _ = extract_footnotes(doc, [])
    got = [(f.number, f.page, norm(f.text)) for f in notes]
    want = [(t.number, t.page, norm(t.text)) for t in result.footnotes]
    assert got == want


def test_notes_numbered_per_page_pair_with_calls_on_their_page(built):
    result, doc = built["per-page-notes"]
    notes, problems = extract_footnotes(doc, [])
    assert [f.number for f in notes].count(1) >= 2  # numbering restarts on each page
    assert all(f.call_page == f.page for f in notes)
    assert not [p for p in problems if p.kind in ("footnote_duplicate", "footnote_gap")]


def test_note_continued_on_next_page_is_one_note(built):
    result, doc = built["per-page-notes"]
    spanning = [t for t in result.footnotes if t.page_end != t.page]
    assert spanning, "the per-page-notes layout must hold a note over two pages"
    notes, _ = extract_footnotes(doc, [])
    by_key = {(f.number, f.page): f for f in notes}
    for t in spanning:
        got = by_key[(t.number, t.page)]
        assert norm(got.text) == norm(t.text)
        assert len(got.text) > 400


def test_section_number_comes_from_the_call(built):
    result, doc = built["classic"]
    sections = [Section(s.number, s.title, s.level, s.page, s.bbox, kind=s.kind) for s in result.sections]
    notes, _ = extract_footnotes(doc, sections)
    numbered = [f for f in notes if f.section_number]
    assert numbered and all(re.fullmatch(r"\d+(\.\d+)*", f.section_number) for f in numbered)


# -- the call "2" after "1 939" ----------------------------------------------------------------

def _page_with_call() -> Document:
    spans = (Span("avec 1 939", 70, 120, "Body", 10.5, False, False, False),
             Span("2", 120.5, 124, "Body", 6.5, False, False, True),
             Span(" personnes mises en cause.", 124, 250, "Body", 10.5, False, False, False))
    body = Line(1, "avec 1 9392 personnes mises en cause.", (70, 100, 250, 112), "Body", 10.5,
                False, False, spans)
    filler = tuple(Line(1, "Texte courant de la page " * 3, (70, 120 + 14 * i, 500, 132 + 14 * i),
                        "Body", 10.5, False, False) for i in range(20))
    note = Line(1, "2 Source : ministère de l’intérieur, 2019.", (70, 720, 300, 729), "Body", 8.0,
                False, False)
    page = Page(1, 595, 842, (body,) + filler + (note,), (Rule((70, 712, 200, 712.5)),))
    return Document("x.pdf", "x.pdf", "0" * 64, (page,))


def test_number_followed_by_call_is_never_glued():
    doc = _page_with_call()
    line = doc.pages[0].lines[0]
    assert "1 939 " in line.plain_text + " " and "9392" not in line.plain_text
    calls = find_calls(doc, {1: [doc.pages[0].lines[-1]]})
    assert [c.number for c in calls] == [2]
    notes, problems = extract_footnotes(doc, [])
    assert [(f.number, f.page, f.call_page, f.text) for f in notes] == [
        (2, 1, 1, "Source : ministère de l’intérieur, 2019.")]
    assert parse_number(line.plain_text.split("avec ")[1].split(" personnes")[0]) == 1939


@pytest.mark.parametrize("text, expected", [
    ("12 Cf. annexe 4", (12, "Cf. annexe 4")),
    ("3. Voir le rapport", (3, "Voir le rapport")),
    ("201 Note du 28 juin 2019", (201, "Note du 28 juin 2019")),
    ("12 % des personnes", None),          # a percentage opens no note
    ("2017-281 du 2 mars 2017", None),     # a decree number continuing a note
    ("Annexe 1 : lettre de mission", None),
])
def test_note_start(text, expected):
    line = Line(1, text, (0, 0, 100, 10), "F", 8, False, False)
    assert note_start(line) == expected


# -- the dev report --------------------------------------------------------------------------

@pytest.mark.slow
def test_dev_report_notes():
    notes, problems = extract_footnotes(dev_document(), [])
    assert [f.number for f in notes] == list(range(1, 202))
    by_no = {f.number: f for f in notes}
    assert (by_no[1].page, by_no[1].text) == (3, "Pour les auteurs, les enquêtes pénales en matière de "
                                                  "proxénétisme sont passées de 611 en 2015 à 944 en 2018.")
    assert (by_no[3].page, by_no[3].text) == (8, "Annexe 1 : lettre de mission")
    assert by_no[40].page == 18 and by_no[40].text == "Aide financière à la réinsertion sociale et professionnelle"
    assert by_no[6].text.endswith("DGCS/B2/2017/18 du 31 janvier 2017.")  # three printed lines
    assert by_no[201].page == 192 and by_no[201].text.startswith("Note du 28 juin 2019")
    assert by_no[40].call_page == 18  # called from inside table 2 ("Dont AFIS⁴⁰")
    assert not [p for p in problems if p.kind in ("footnote_gap", "footnote_duplicate")]
