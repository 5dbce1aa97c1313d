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

from extractors.footnote_areas import glued_splits
from extractors.footnotes import extract_footnotes, find_calls, note_start
from extractors.layout import read_document
from extractors.numbers import parse_number
from extractors.patterns.notes_tables import NOTE_START_DOUBTFUL
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
    # Writer without hanging indent prints the number touching the text, at its size
    ("7Par décision du 1er février 2019", (7, "Par décision du 1er février 2019")),
    ("18L’ADF n’a pas répondu à la mission.", (18, "L’ADF n’a pas répondu à la mission.")),
    ("6Cf. décret 2016-1467", (6, "Cf. décret 2016-1467")),
    ("81A titre d’exemple, 60% des saisies", (81, "A titre d’exemple, 60% des saisies")),
    ("22« Chaque Partie envisage", (22, "« Chaque Partie envisage")),
    ("1er février 2019, le Conseil", None),  # an ordinal, not note 1
    ("2e alinéa de l’article", None),
    ("4G est déployée", None),               # a technology, not note 4
    ("2016.", None),
])
def test_note_start(text, expected):
    line = Line(1, text, (0, 0, 100, 10), "F", 8, False, False)
    assert note_start(line) == expected


@pytest.mark.parametrize("rest", ["Par décision du 1er février 2019", " Par décision du 1er février 2019"])
def test_raised_note_number_with_or_without_space(rest):
    """Word and Writer raise the number of the note: touching the text or followed by a space."""
    spans = (Span("7", 70, 73, "F", 5.2, False, False, True), Span(rest, 73, 300, "F", 9, False, False, False))
    line = Line(1, "7" + rest, (70, 700, 300, 710), "F", 9, False, False, spans)
    assert note_start(line) == (7, "Par décision du 1er février 2019")


@pytest.mark.parametrize("text, expected", [
    ("2380% des auteurs sont poursuivis", [(2, "380% des auteurs sont poursuivis"),
                                           (23, "80% des auteurs sont poursuivis")]),
    ("19510 stages ayant accueilli", [(1, "9510 stages ayant accueilli"), (19, "510 stages ayant accueilli"),
                                      (195, "10 stages ayant accueilli")]),  # never "0 stages"
    ("2017) et a réalisé 53 entretiens", [(20, "17) et a réalisé 53 entretiens"),
                                          (201, "7) et a réalisé 53 entretiens")]),  # no "017)"
    ("166Localisée en région parisienne", []),  # digits then a word: one reading (note_start)
    ("Annexe 7", []),
])
def test_glued_digits_readings(text, expected):
    assert glued_splits(text) == expected


def test_glued_note_numbers_follow_the_sequence():
    """A note whose text starts with digits is told from its number by the sequence alone
    ("2380% des auteurs" after note 22 is note 23), in a report that glues its numbers."""
    y = 640
    p1 = _filler(1, 80, 30, {4: ("22",), 9: ("23",)}) + [
        _ln(1, "22Les comparutions immédiates en matière de proxénétisme ont doublé entre", y, 8),
        _ln(1, "2015 et 2018.", y + 10, 8),
        _ln(1, "2380% des auteurs sont poursuivis pour proxénétisme aggravé ou pour traite", y + 20, 8),
        _ln(1, "2017) et 2018, selon les chiffres communiqués à la mission par la DACG en", y + 30, 8),
        _ln(1, "mai 2019.", y + 40, 8)]
    p2 = _filler(2, 80, 30, {4: ("24",), 9: ("25",)}) + [
        _ln(2, "24Annexe 7", y, 8),
        _ln(2, "2510 stages ont été suivis par 99 personnes en 24 mois.", y + 10, 8)]
    notes, problems = extract_footnotes(_doc(_page(1, p1, rule_at=y - 6), _page(2, p2, rule_at=y - 6)), [])
    assert [(f.number, f.page, f.text) for f in notes] == [
        (22, 1, "Les comparutions immédiates en matière de proxénétisme ont doublé entre 2015 et 2018."),
        (23, 1, "80% des auteurs sont poursuivis pour proxénétisme aggravé ou pour traite "
                "2017) et 2018, selon les chiffres communiqués à la mission par la DACG en mai 2019."),
        (24, 2, "Annexe 7"),
        (25, 2, "10 stages ont été suivis par 99 personnes en 24 mois.")]
    assert not problems


def test_digits_open_no_note_where_numbers_are_spaced():
    """Where the report prints "22 Les…", a line "2380% des…" continues a note."""
    y = 640
    lines = _filler(1, 80, 30, {4: ("22",), 9: ("23",)}) + [
        _ln(1, "22 Les comparutions immédiates en matière de proxénétisme ont doublé", y, 8),
        _ln(1, "2380% des auteurs.", y + 10, 8)]
    notes, _ = extract_footnotes(_doc(_page(1, lines, rule_at=y - 6)), [])
    assert [(f.number, f.text) for f in notes] == [
        (22, "Les comparutions immédiates en matière de proxénétisme ont doublé 2380% des auteurs.")]


@pytest.mark.parametrize("text, doubtful", [
    ("4 000 bénéficiaient d’un contrat", True),   # a French thousands group
    ("12 décembre 2016 ; décret 2017-281", True),  # a date
    ("1er mars 2017, circulaire", True),
    ("4 Ces jeunes migrants", False),
    ("12 Décret du 2 mars 2017", False),
    ("3 1000 personnes", False),                   # four digits: not a thousands group
])
def test_doubtful_note_openings(text, doubtful):
    assert bool(NOTE_START_DOUBTFUL.match(text)) is doubtful


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


# -- notes barely smaller than the body, at the body size, without rule ----------------------

def _notes_report():
    """Four sections, two notes each, a last note called near the end (small and fast)."""
    from tests.fixtures.examples import NOTES, cover, text
    from tests.fixtures.specs import Heading, Paragraph, Part, Report
    blocks = [Part("INTRODUCTION")]
    for i in range(4):
        blocks.append(Heading(f"Constats relatifs au territoire n° {i + 1}", 1))
        blocks.append(Paragraph(f"Selon la DACG[^], le nombre de procédures a crû de {10 + i} %[^]. "
                                + text(i, 3), (NOTES[i % 4], NOTES[(i + 1) % 4])))
        blocks.append(Paragraph(text(i + 2, 4)))
    blocks.append(Paragraph(text(4, 5) + " La mission note enfin 245[^] signalements.", (NOTES[3],)))
    return Report(cover(), tuple(blocks))


STRESS = {  # name: Layout fields; each one found 0 notes before footnote_areas.py
    "small-no-rule": dict(font="Helvetica", body_size=9.5, footnote_size=9, footnote_rule=False),
    "body-size-rule": dict(body_size=10, footnote_size=10),
    "body-size-no-rule": dict(body_size=10, footnote_size=10, footnote_rule=False),
    "per-page-no-rule": dict(font="Helvetica", body_size=9.5, footnote_size=9, footnote_rule=False,
                             footnote_numbering="per-page"),
}


@lru_cache(maxsize=None)
def build_stress(name: str):
    from tests.fixtures.specs import Layout
    out = Path(tempfile.mkdtemp(prefix="suivi-notes-"))
    result = build_pdf(_notes_report(), Layout(**STRESS[name]), out / f"{name}.pdf")
    return result, read_document(str(result.path))


@pytest.mark.parametrize("name", sorted(STRESS))
def test_notes_without_size_or_rule_contrast(name):
    result, doc = build_stress(name)
    notes, problems = extract_footnotes(doc, [])
    got = [(f.number, f.page, norm(f.text), f.call_page) for f in notes]
    want = [(t.number, t.page, norm(t.text), t.page) for t in result.footnotes]
    assert len(want) == 9 and got == want
    assert not [p for p in problems if p.kind in ("footnote_gap", "footnote_duplicate")]


# -- synthetic pages: exact geometry for the ambiguous openings --------------------------------

def _ln(page: int, text: str, top: float, size: float = 10.0, x0: float = 70.0,
        calls: tuple[str, ...] = (), marker: bool = False) -> Line:
    """A line; `calls` are superscript digits appended to its text, `marker` raises the
    leading note number (as Word and the builder print it)."""
    spans: list[Span] = []
    x = x0
    body = text
    if marker:
        num, _, body = text.partition(" ")
        spans.append(Span(num, x, x + 4, "F", size * 0.7, False, False, True))
        x += 6
        body = " " + body
    spans.append(Span(body, x, x + 4.5 * len(body) * size / 10, "F", size, False, False, False))
    x = spans[-1].x1
    for c in calls:
        spans.append(Span(c, x, x + 5, "F", size * 0.65, False, False, True))
        x += 5
    full = text + "".join(calls)
    return Line(page, full, (x0, top, x, top + size * 1.15), "F", size, False, False, tuple(spans))


def _page(number: int, lines: list[Line], rule_at: float | None = None) -> Page:
    rules = (Rule((70, rule_at, 200, rule_at + 0.5)),) if rule_at else ()
    return Page(number, 595, 842, tuple(lines), rules)


def _filler(page: int, top: float, n: int, calls: dict[int, tuple[str, ...]]) -> list[Line]:
    return [_ln(page, "Texte courant de la page, qui occupe toute la largeur de la colonne, sans "
                      "appel de note.", top + 13 * i, calls=calls.get(i, ())) for i in range(n)]


def _doc(*pages: Page) -> Document:
    return Document("x.pdf", "x.pdf", "0" * 64, tuple(pages))


def test_thousands_group_at_line_start_is_not_a_note_opening():
    # Per-page numbering, rule: note 3 wraps on "4 000 bénéficiaient…", the real note 4 follows.
    notes_y = 640
    lines = _filler(1, 80, 30, {3: ("3",), 8: ("4",), 12: ("5",)}) + [
        _ln(1, "3 Selon le ministère de la justice, le nombre des MNA est passé de 13 000 à plus",
            notes_y, 8.5, marker=True),
        _ln(1, "4 000 bénéficiaient d’un contrat de jeunes majeurs.", notes_y + 11, 8.5),
        _ln(1, "4 Ces jeunes migrants sont majoritairement originaires d’Afrique.", notes_y + 22, 8.5,
            marker=True),
        _ln(1, "5 Pour ces différentes raisons, le terme ne semble pas adapté.", notes_y + 33, 8.5,
            marker=True),
    ]
    notes, _ = extract_footnotes(_doc(_page(1, lines, rule_at=notes_y - 6)), [])
    assert [(f.number, f.text) for f in notes] == [
        (3, "Selon le ministère de la justice, le nombre des MNA est passé de 13 000 à plus "
            "4 000 bénéficiaient d’un contrat de jeunes majeurs."),
        (4, "Ces jeunes migrants sont majoritairement originaires d’Afrique."),
        (5, "Pour ces différentes raisons, le terme ne semble pas adapté.")]


def test_date_at_line_start_continues_the_note_without_rule():
    # No rule, notes 9 under body 10: "12 décembre 2016" inside note 4 is not note 12.
    y = 560
    lines = _filler(1, 80, 30, {2: ("4",), 10: ("5",), 20: ("12",)}) + [
        _ln(1, "4 Cf. décret 2016-1467 du 28 octobre 2016 ; décret 2016-1456 du", y, 9, marker=True),
        _ln(1, "12 décembre 2016 ; décret 2017-281 du 2 mars 2017.", y + 11, 9),
        _ln(1, "5 Par décision du 1er février 2019, le Conseil constitutionnel.", y + 22, 9, marker=True),
    ] + [_ln(1, f"{n} Annexe {n - 2}", y + 33 + 11 * (n - 6), 9, marker=True) for n in range(6, 13)]
    lines[20] = _ln(1, "Texte courant avec appels", 80 + 13 * 20, calls=("6", "7", "8", "9", "10", "11", "12"))
    notes, _ = extract_footnotes(_doc(_page(1, lines)), [])
    assert [f.number for f in notes] == list(range(4, 13))
    assert notes[0].text.endswith("du 12 décembre 2016 ; décret 2017-281 du 2 mars 2017.")
    assert notes[-1].text == "Annexe 10"


def test_note_continued_on_next_page_without_rule():
    p1 = _filler(1, 80, 40, {5: ("1",), 30: ("2",)}) + [
        _ln(1, "1 Circulaire du 9 mai 2019.", 640, 9, marker=True),
        _ln(1, "2 Rapport de l’inspection générale de la justice, dont les conclusions sont", 651, 9,
            marker=True),
        _ln(1, "reprises en annexe et discutées avec", 662, 9)]
    p2 = _filler(2, 80, 40, {10: ("3",)}) + [
        _ln(2, "les services de la chancellerie en 2019.", 640, 9),
        _ln(2, "3 Entretien de la mission avec la DGCS.", 651, 9, marker=True)]
    notes, problems = extract_footnotes(_doc(_page(1, p1), _page(2, p2)), [])
    assert [(f.number, f.page, f.call_page, f.text) for f in notes] == [
        (1, 1, 1, "Circulaire du 9 mai 2019."),
        (2, 1, 1, "Rapport de l’inspection générale de la justice, dont les conclusions sont "
                  "reprises en annexe et discutées avec les services de la chancellerie en 2019."),
        (3, 2, 2, "Entretien de la mission avec la DGCS.")]


def test_numbered_list_at_body_size_is_not_notes():
    # The page calls note 1 (printed on the next page), a body list "1. … 2. …" closes it.
    lines = _filler(1, 80, 40, {12: ("1",)}) + [
        _ln(1, "1. Réunir le comité de suivi chaque année ;", 640),
        _ln(1, "2. Publier un bilan annuel de la mise en oeuvre de la loi.", 653)]
    notes, _ = extract_footnotes(_doc(_page(1, lines)), [])
    assert notes == []


# -- the dev report's 201 notes re-rendered (tests/fixtures/relayout.py) ---------------------

@pytest.mark.slow
@pytest.mark.parametrize("base, overrides", [
    ("e", {}),                    # notes 9 pt under body 9.5, no rule
    ("e", {"body_size": 10}),     # no rule, notes continued over a page break
    ("f", {}),                    # per-page numbering, "5 000 bénéficiaient" at a line start
    ("h", {"body_size": 10}),     # notes at the body size under a rule
])
def test_relayout_notes_exact(base, overrides):
    from tests.fixtures.relayout import relayout_spec, variant
    name = variant(base, f"{base}-notes", **overrides).name if overrides else base
    report, layout = relayout_spec(name)
    out = Path(tempfile.mkdtemp(prefix="suivi-notes-"))
    result = build_pdf(report, layout, out / f"{name}.pdf")
    notes, _ = extract_footnotes(read_document(str(result.path)), [])
    got = [(f.number, f.page, norm(f.text)) for f in notes]
    want = [(t.number, t.page, norm(t.text)) for t in result.footnotes]
    assert len(want) == 201 and got == want


def test_note_areas_hold_exactly_the_note_lines():
    from extractors.footnotes import note_areas
    result, doc = build_stress("small-no-rule")
    areas = note_areas(doc)
    assert sorted(areas) == sorted({t.page for t in result.footnotes})
    for page, lines in areas.items():
        starts = [note_start(ln)[0] for ln in lines if note_start(ln)]
        assert starts == [t.number for t in result.footnotes if t.page == page]
        assert all(ln.top >= min(t.bbox[1] for t in result.footnotes if t.page == page) - 1 for ln in lines)
