"""Sections: dev report (with and without outline), fixture-builder layouts, hand-made pages."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from extractors.layout import read_document
from extractors.sections import extract_sections
from models.document import Document, Line, Page, Span
from tests.paths import DEV_PDF, REAL

DEV = DEV_PDF
DEV_TRUTH = DEV.with_name("igas-2019-prostitution.truth.json")


@pytest.fixture(scope="session")
def dev_doc() -> Document:
    if not DEV.exists():
        pytest.skip("dev corpus not available")
    return read_document(str(DEV))


def _key(s) -> tuple:
    return (s.number, s.title, s.level, s.page)


# -- the dev report ---------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("outline", [True, False], ids=["outline", "no-outline"])
def test_dev_sections_match_truth(dev_doc, outline):
    doc = dev_doc if outline else dataclasses.replace(dev_doc, outline=())
    got = extract_sections(doc)
    truth = json.loads(DEV_TRUTH.read_text())["sections"]
    assert len(got) == len(truth) == 88
    assert [(s.number, s.level, s.page) for s in got] == [(t["number"], t["level"], t["page"]) for t in truth]
    by_number = {s.number: s for s in got if s.number}
    assert by_number["1.1.4"].title == ("Un renforcement de la formation pluridisciplinaire de "
                                        "l’ensemble des acteurs conditionne leur efficacité")
    assert by_number["1.1.4"].page == 15 and by_number["1.1.4"].level == 3
    assert by_number["2.2.5.4"].level == 4 and by_number["2.2.5.4"].page == 44
    assert got[0].title == "SYNTHÈSE" and got[0].kind == "part" and got[0].page == 2
    assert got[1].title == "TABLE DES RECOMMANDATIONS PAR ORDRE D’APPARITION"
    assert got[1].kind == "recommendation_list"
    annexes = [s for s in got if s.kind == "annex"]
    assert [a.annex_number for a in annexes] == list(range(1, 22))
    assert annexes[4].title == "Annexe n° 5 : Analyse des réponses des préfets au questionnaire envoyé par la mission"
    assert annexes[4].page == 90


@pytest.mark.slow
def test_dev_hierarchy_and_ranges(dev_doc):
    got = extract_sections(dev_doc)
    idx = {s.number: i for i, s in enumerate(got) if s.number}
    s114 = got[idx["1.1.4"]]
    assert got[s114.parent_index].number == "1.1"
    assert got[idx["1.1.4.1"]].parent_index == idx["1.1.4"]
    assert got[idx["1"]].parent_index is None
    assert s114.page_end == 17  # 1.2 starts mid-page 17
    assert got[idx["4.6"]].page_end == 72  # annex 1 starts at the top of page 73
    assert s114.text.startswith("Tous les professionnels entendus par la mission")
    assert "1.1.4.1" not in s114.text
    assert s114.bbox[0] == pytest.approx(65, abs=2)


# -- fixture-builder layouts -------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    builder = pytest.importorskip("tests.fixtures.builder")
    from tests.fixtures.examples import example

    out = {}
    root = tmp_path_factory.mktemp("sections")
    for variant in ("classic", "small-headings", "no-summary", "split-summary", "no-recs"):
        report, layout = example(variant)
        result = builder.build_pdf(report, layout, root / f"{variant}.pdf")
        out[variant] = (read_document(str(root / f"{variant}.pdf")), result.to_contract())
    return out


@pytest.mark.parametrize("variant", ["classic", "small-headings", "no-summary", "split-summary", "no-recs"])
def test_builder_layouts(built, variant):
    doc, truth = built[variant]
    want = [(t["number"], t["title"], t["level"], t["page"]) for t in truth["sections"]]
    for d in (doc, dataclasses.replace(doc, outline=())):
        assert [_key(s) for s in extract_sections(d)] == want


def test_small_headings_levels_come_from_the_numbering_kind(built):
    doc, _ = built["small-headings"]
    secs = [s for s in extract_sections(doc) if s.number]
    # I. / A. / 1. / a): four kinds, four levels, some set smaller than the 11 pt body
    assert {s.level for s in secs} >= {1, 2, 3}
    first_deep = next(s for s in secs if s.level == 3)
    assert first_deep.number == "1"
    assert doc.pages[first_deep.page - 1].lines and secs[0].number == "I"


# -- hand-made pages: what must not become a heading ---------------------------------------------

def _line(page, text, top, size=10.5, bold=False, x0=65.0, role="body", font="Body"):
    return Line(page, text, (x0, top, x0 + 6 * len(text) * size / 12, top + size), font, size,
                bold, False, (Span(text, x0, x0 + 100, font, size, bold, False, False),), role)


def _doc(pages: list[list[Line]]) -> Document:
    return Document("x.pdf", "x.pdf", "0" * 64,
                    tuple(Page(i + 1, 595, 842, tuple(lines)) for i, lines in enumerate(pages)))


def _filler(page, top, n=12):
    return [_line(page, "Le texte courant du rapport se poursuit ici sur toute la largeur de la page.",
                  top + 14 * k, x0=65) for k in range(n)]


def test_toc_numbered_list_table_cells_and_footnotes_are_not_headings():
    cover = [_line(1, "Rapport", 100, size=20, bold=True)]
    toc = [_line(2, "SOMMAIRE", 80, size=16, bold=True)] + [
        _line(2, f"{n} Titre de la partie {n} ........ {n + 3}", 120 + 20 * n, bold=True) for n in range(1, 6)]
    body = [_line(3, "1 PREMIÈRE PARTIE", 80, size=14, bold=True),
            *_filler(3, 100, 4),
            _line(3, "1. Les services ont été entendus par la mission au cours de ses travaux.", 160),
            _line(3, "2. Les associations ont été entendues également.", 174),
            _line(3, "1.1 Une sous-partie", 200, size=12, bold=True),
            *_filler(3, 220, 6),
            # a table row: a number cell and its neighbours on the same baseline
            _line(3, "2", 320, size=8.5, bold=True, x0=68), _line(3, "Montant", 320, size=8.5, x0=120),
            _line(3, "3 Une ligne de tableau en gras", 340, size=8.5, bold=True, x0=300),
            _line(3, "1.2 Une autre sous-partie", 380, size=12, bold=True),
            *_filler(3, 400, 8)]
    notes = [_line(p, f"{p} Note de bas de page numéro {p}.", 780, size=8) for p in (3, 4, 5, 6, 7)]
    pages = [cover, toc, body + [notes[0]]] + [
        _filler(p, 80, 20) + [notes[p - 4]] for p in (4, 5, 6, 7)]
    secs = extract_sections(_doc(pages))
    assert [(s.number, s.title, s.level, s.page) for s in secs] == [
        ("1", "PREMIÈRE PARTIE", 1, 3),
        ("1.1", "Une sous-partie", 2, 3),
        ("1.2", "Une autre sous-partie", 2, 3),
    ]
    assert secs[1].parent_index == 0 and secs[2].parent_index == 0


def test_wrapped_heading_is_joined_and_smaller_headings_are_found():
    lines = [_line(2, "INTRODUCTION", 80, size=16, bold=True, x0=250),
             *_filler(2, 110, 5),
             # heading smaller than the 10.5 pt body, wrapped over two lines
             _line(2, "1 Une première partie dont le titre est long et occupe toute la largeur "
                      "de la page", 200, size=9, bold=True),
             _line(2, "avant de continuer", 210, size=9, bold=True),
             *_filler(2, 230, 5),
             _line(2, "2 Une seconde partie", 320, size=9, bold=True),
             *_filler(2, 340, 20)]
    lines[6] = dataclasses.replace(lines[6], bbox=(65, 200, 530, 209))  # a full line
    secs = extract_sections(_doc([[_line(1, "Rapport", 100, size=20)], lines]))
    assert [(s.number, s.title, s.level) for s in secs] == [
        (None, "INTRODUCTION", 1),
        ("1", "Une première partie dont le titre est long et occupe toute la largeur de la page "
              "avant de continuer", 1),
        ("2", "Une seconde partie", 1),
    ]
    assert secs[0].kind == "part"


# -- real corpus: sane structures -----------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name, low, high", [
    ("fr-anssi-guide-securite-linux-v1.2.pdf", 40, 60),
    ("gao-07-791-reexamining-regulations-2007.pdf", 40, 70),
    ("fr-ca-quebec-pv-comite-demolition-2023.pdf", 0, 10),
])
def test_real_pdfs_give_sane_structures(name, low, high):
    path = REAL / name
    if not path.exists():
        pytest.skip("real corpus not available")
    secs = extract_sections(read_document(str(path)))
    assert low <= len(secs) <= high
    assert all(s.level >= 1 and 1 <= s.page for s in secs)
    numbers = [s.number for s in secs if s.number]
    assert len(numbers) == len(set(numbers))


# -- headings set exactly like the body text (no outline, no bold, body size) -----------------

def _plain_report(numbering):
    """Headings with no typographic difference, among numbered paragraphs, a numbered list
    and an annex whose own numbered lines must not become report headings."""
    from tests.fixtures.examples import cover, text
    from tests.fixtures.specs import Annex, Heading, Paragraph, Part, Report

    long_numbered = ("1. Les services de police et de gendarmerie ont été entendus par la mission "
                     "au cours de ses travaux, dans chacun des départements visités, et leurs "
                     "réponses sont analysées dans la suite du rapport, section par section.")
    items = ("1. Réunir le comité de suivi interministériel ;",
             "2. Diffuser la circulaire d’application ;",
             "3. Former les enquêteurs.")
    blocks = [Part("INTRODUCTION"), Paragraph(text(1, 3)),
              Heading("Un pilotage de la loi qui reste à construire", 1),
              Heading("Le comité de suivi ne s’est pas réuni", 2), Paragraph(text(2, 4)),
              Paragraph(long_numbered), Paragraph(text(3, 3)),
              Heading("Les plans nationaux n’ont pas porté la loi", 2), Paragraph(text(4, 4)),
              *[Paragraph(item) for item in items],
              Heading("Le plan de lutte contre la traite", 3), Paragraph(text(5, 5)),
              Heading("Le plan de lutte contre les violences", 3), Paragraph(text(6, 5)),
              Heading("Les moyens consacrés à la loi", 1), Paragraph(text(7, 4)),
              Heading("Les crédits du programme 137 stagnent", 2), Paragraph(text(8, 5)),
              Annex(1, "Questionnaire adressé aux préfets"), Paragraph(text(1, 2)),
              Paragraph("1. Départements"), Paragraph(text(2, 3)),
              Paragraph("2. Associations"), Paragraph(text(3, 3))]
    return Report(cover(), tuple(blocks))


@pytest.fixture(scope="module")
def plain_built(tmp_path_factory):
    builder = pytest.importorskip("tests.fixtures.builder")
    from tests.fixtures.specs import Layout

    root = tmp_path_factory.mktemp("plain")
    out = {}
    for name, numbering in (("decimal", ("1", "1.1", "1.1.1", "1.1.1.1")),
                            ("letters", ("I.", "A.", "1.", "a)"))):
        layout = Layout(font="Helvetica", body_size=10, outline=False, numbering=numbering,
                        heading_sizes=(10, 10, 10, 10), heading_styles=("", "", "", ""))
        result = builder.build_pdf(_plain_report(numbering), layout, root / f"{name}.pdf")
        out[name] = (read_document(str(root / f"{name}.pdf")), result.to_contract())
    return out


@pytest.mark.parametrize("name", ["decimal", "letters"])
def test_headings_set_like_the_body_are_found_by_spacing_and_sequence(plain_built, name):
    doc, truth = plain_built[name]
    got = [_key(s) for s in extract_sections(doc)]
    want = [(t["number"], t["title"], t["level"], t["page"]) for t in truth["sections"]]
    assert got == want
    numbers = [n for n, *_ in got if n]
    # the numbered paragraph, the list items and the annex's "1. Départements" are no headings
    assert numbers == (["1", "1.1", "1.2", "1.2.1", "1.2.2", "2", "2.1"] if name == "decimal"
                       else ["I", "A", "B", "1", "2", "II", "A"])


def test_plain_heading_shape_rules():
    """The spacing test alone: set apart above, short, followed by text at a closer gap."""
    from extractors.plain_headings import Spacing, plain_heading_end

    sp = Spacing(line_gap=2.0, para_gap=6.0, size=10.0)

    def ln(text, top, x1=520.0, x0=70.0):
        return dataclasses.replace(_line(5, text, top, size=10, x0=x0), bbox=(x0, top, x1, top + 10))

    para = [ln("Le texte courant du rapport se poursuit sur toute la largeur.", 100 + 12 * k)
            for k in range(3)]
    heading = ln("1.2 Une sous-partie courte", 160, x1=220)  # 24 pt above: set apart
    after = [ln("Le texte qui suit le titre commence ici et occupe la ligne.", 176 + 12 * k)
             for k in range(3)]
    page = para + [heading] + after
    assert plain_heading_end(page, 3, page, sp, 70, 520) == 3
    # the same line spaced like any paragraph (6 pt above, 6 pt below): a list item
    tight = para + [dataclasses.replace(heading, bbox=(70, 142, 220, 152))] + [
        dataclasses.replace(a, bbox=(70, a.top - 12, 520, a.bottom - 12)) for a in after]
    assert plain_heading_end(tight, 3, tight, sp, 70, 520) is None
    # a clause mark at the end, or an indented line: no heading
    comma = page[:3] + [ln("1.2 Une sous-partie courte ;", 160, x1=228)] + after
    assert plain_heading_end(comma, 3, comma, sp, 70, 520) is None
    indented = page[:3] + [dataclasses.replace(heading, bbox=(110, 160, 260, 170))] + after
    assert plain_heading_end(indented, 3, indented, sp, 70, 520) is None


def test_wrapped_headings_are_joined_under_tight_leading(tmp_path):
    # Line height 1.05 x size: the boxes of a wrapped heading's lines overlap, which once
    # cut every two-line heading to its first line (relayout i scored sec 0.227).
    from tests.fixtures.builder import build_pdf
    from tests.fixtures.examples import example

    report, layout = example("classic")
    layout = dataclasses.replace(layout, line_spacing=1.05)
    result = build_pdf(report, layout, tmp_path / "tight.pdf")
    truth = result.to_contract()
    doc = read_document(str(tmp_path / "tight.pdf"))
    want = [(t["number"], t["title"], t["level"], t["page"]) for t in truth["sections"]]
    assert any(len(t["title"]) > 60 for t in truth["sections"])  # some titles do wrap
    assert [_key(s) for s in extract_sections(dataclasses.replace(doc, outline=()))] == want
