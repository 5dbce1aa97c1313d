"""Rules drawn around body text make no table; notes called from table cells are notes.

Builder fixtures with exact truth (issue 16): a framed page, a boxed paragraph (encadré),
a ruled one-cell quotation, shaded line backgrounds (as word processors draw them) and a
two-column page produce no table, while the data table printed with them is found as
printed. A table running over two or four pages with note calls in its cells gives every note,
with the page it is printed on, and the notes never become rows.
"""
from __future__ import annotations

import re

import pytest

from extractors.footnotes import extract_footnotes
from extractors.layout import read_document
from extractors.table_shape import grid_shape, is_sentence, quality_problems
from extractors.tables import extract_tables
from models.records import Table
from tests.fixtures.builder import build_pdf
from tests.fixtures.examples import cover, data_table, text
from tests.fixtures.specs import BoxedText, DataTable, Heading, Layout, Paragraph, Part, Report
from tests.paths import SHARED

REAL_FR = SHARED / "corpus" / "real-fr"


def norm(s) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


QUOTE = ("« La mission a constaté que les dispositifs d’accueil des victimes restent très inégaux "
         "selon les territoires, faute de pilotage national et de moyens dédiés. »")
LIST_ITEMS = ("La Cour recommande au maire de prendre les dispositions suivantes, dans les meilleurs "
              "délais et en lien avec les services de l’État :\n- respecter la procédure définie par la "
              "réglementation en matière de délégation de service public ;\n- tenir à jour le registre "
              "des délibérations du conseil municipal et le transmettre au représentant de l’État.")


def _report(*blocks) -> Report:
    return Report(cover(), (Part("INTRODUCTION"), Paragraph(text(0, 3)), *blocks,
                            Paragraph(text(2, 2)), data_table(1, 5), Paragraph(text(4, 2))))


CASES = {
    "framed-page": (_report(Heading("Le cadre de la mission", 1), Paragraph(text(1, 6))), Layout(page_frame=True)),
    "boxed-paragraph": (_report(BoxedText(text(3, 4), "box")), Layout()),
    "ruled-quotation": (_report(BoxedText(QUOTE, "quote")), Layout()),
    "shaded-lines": (_report(BoxedText(text(5, 5) + "\n" + LIST_ITEMS, "lines")), Layout()),
    "two-columns": (_report(BoxedText(text(6, 10), "columns")), Layout()),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("body-text")
    done = {}
    for name, (report, layout) in CASES.items():
        result = build_pdf(report, layout, out / f"{name}.pdf")
        doc = read_document(str(result.path))
        done[name] = (result, doc, extract_tables(doc))
    return done


@pytest.mark.parametrize("name", sorted(CASES))
def test_text_inside_rules_is_no_table(built, name):
    result, doc, (tables, problems) = built[name]
    assert any(len(p.rules) >= 1 for p in doc.pages[1:])  # the rules are drawn
    got = [(t.number, norm(t.caption), t.page, t.source, [[norm(c) for c in r] for r in t.cells]) for t in tables]
    want = [(t.number, norm(t.caption), t.page, t.source, [[norm(c) for c in r] for r in t.cells])
            for t in result.tables]
    assert got == want  # the data table alone, as printed
    assert problems == [] and quality_problems(tables) == []  # nothing suspicious to report


def test_shaded_lines_stay_body_text(built):
    """Each line keeps its place in the body for the other extractors."""
    _, doc, _ = built["shaded-lines"]
    lines = [ln.plain_text for p in doc.pages for ln in p.lines if ln.is_body]
    assert any(t.startswith("- respecter la procédure définie") for t in lines)
    assert any(t.startswith("La Cour recommande au maire") for t in lines)


# -- notes called from the cells of a table over pages --------------------------------

def _noted_table(rows: int, called: tuple[int, ...]) -> DataTable:
    """The builder's table of `rows` rows with a note called in each row of `called`."""
    base = data_table(1, rows)
    body = list(base.rows)
    notes = []
    for k, i in enumerate(called):  # calls in the first three columns, in turn
        row = list(body[i])
        row[k % 3] += "[^]"
        body[i] = tuple(row)
        notes.append(f"Donnée {k + 1} corrigée par le parquet en {2000 + k}, après la clôture de l’exercice.")
    return DataTable(base.number, base.caption, base.header_rows, tuple(body), base.source, footnotes=tuple(notes))


NOTED = {
    # over two pages, notes under a separator rule, smaller than the cells
    "two-pages": (_noted_table(56, (2, 9, 30, 38, 47, 55)), Layout()),
    # over four pages, no rule, notes at the cells' size (the size most text has): a call
    # in the first row of a page must still meet its note
    "four-pages-no-rule": (_noted_table(110, tuple(range(3, 110, 6))),
                           Layout(font="Helvetica", footnote_rule=False, footnote_size=9)),
}


@pytest.fixture(scope="module")
def noted(tmp_path_factory):
    out = tmp_path_factory.mktemp("cell-notes")
    done = {}
    for name, (table, layout) in NOTED.items():
        report = Report(cover(), (Part("INTRODUCTION"), Paragraph(text(0, 3) + " Voir la note[^].",
                                                                          ("Note du texte avant le tableau.",)),
                                  table, Paragraph(text(1, 3))))
        result = build_pdf(report, layout, out / f"{name}.pdf")
        doc = read_document(str(result.path))
        done[name] = (result, extract_tables(doc)[0], extract_footnotes(doc, [])[0])
    return done


@pytest.mark.parametrize("name", sorted(NOTED))
def test_table_over_pages_has_its_notes(noted, name):
    result, _, notes = noted[name]
    table = result.tables[0]
    assert table.page_end > table.page  # the table runs over a page break
    assert set(range(table.page, table.page_end + 1)) <= {n.page for n in result.footnotes}  # notes on each page
    assert [(n.number, n.page, norm(n.text)) for n in notes] == \
        [(n.number, n.page, norm(n.text)) for n in result.footnotes]
    assert len(notes) == 1 + len(NOTED[name][0].footnotes)


@pytest.mark.parametrize("name", sorted(NOTED))
def test_notes_under_a_table_are_not_rows(noted, name):
    result, tables, _ = noted[name]
    assert len(tables) == 1
    got, want = tables[0], result.tables[0]
    assert (got.page, got.page_end) == (want.page, want.page_end)
    assert [[norm(c) for c in r] for r in got.cells] == [[norm(c) for c in r] for r in want.cells]
    assert not any("parquet" in c for r in got.cells for c in r)


# -- the signals, one by one -------------------------------------------------------------

FRAMED_PARAGRAPH = (  # Parcelles Assainies 2021, p. 23: a rectangle behind each line
    ("Certes, la loi ne fait pas obligation au maire de déléguer une partie de ses attributions. Mais,", "", ""),
    ("l’usage de cette faculté légale peut contribuer à renforcer l’efficacité de son administration en", "", ""),
    ("", "- une partie de ses attributions à un ou plusieurs de ses adjoints ou, à défaut, aux", ""),
    ("", "", "autres conseillers municipaux ;"),
)
DATA = (("Exercices", "2017", "2018", "2019", "2020", "Taux d’évolution globale"),
        ("", "", "", "", "", "d’évolution"),
        ("Réalisations", "139 345 323", "163 333 563", "192 079 366", "130 070 755", "-7 %"))
TWO_COLUMNS = ((text(1, 2), text(2, 2)), (text(3, 2), text(4, 2)))
DEFINITIONS = (("Termes", "Définitions"),
               ("FttH", "Fibre optique jusqu’à l’abonné : le réseau de fibre optique se termine à l’intérieur "
                        "du logement ou du local professionnel."),
               ("NRA", "Nœud de raccordement d’abonnés."))


@pytest.mark.parametrize("rows, data", [
    (FRAMED_PARAGRAPH, False),  # each line in one cell: never side by side
    (DATA, True),  # a wrapped header cell leaves a row of one cell; two wide rows hold
    (TWO_COLUMNS, False),  # side by side, but all sentences
    (DEFINITIONS, True),  # a glossary table: one column of words, one of sentences
    ((("Recommandation n° 10 :", ""), ("La Cour invite le maire à poursuivre la modernisation", "")), False),
    ((("Ain", "100"),), False),  # one row is no grid
])
def test_grid_shape(rows, data):
    assert grid_shape(rows).is_data is data


@pytest.mark.parametrize("cell, sentence", [
    ("La réunion de lancement de la mission s’est tenue le 12 mars 2020 au siège de la commune.", True),
    ("Ministère de l’Economie, des Finances et du Plan", False),  # short
    ("139 345 323 163 333 563 192 079 366 130 070 755 624 829 007 -2,26 % -7 % 25 000 000", False),  # figures
])
def test_is_sentence(cell, sentence):
    assert is_sentence(cell) is sentence


def test_quality_problems_count_bare_tables_and_sentence_cells():
    prose = tuple((text(k, 2), "") for k in range(3)) + (("Total", "12"),)
    tables = [Table(1, "Plaintes", 3, DATA), Table(None, None, 5, DATA), Table(None, None, 9, prose),
              Table(None, "Les contrats de présence postale", 12, DEFINITIONS)]
    problems = {p.kind: p for p in quality_problems(tables)}
    assert (problems["tables_uncaptioned"].subject, problems["tables_uncaptioned"].page) == ("2", 5)
    assert "2 tableau(x) sur 4 sans titre, pages 5, 9" in problems["tables_uncaptioned"].message
    assert (problems["table_cells_sentences"].subject, problems["table_cells_sentences"].page) == ("3", 9)
    assert quality_problems([Table(1, "Plaintes", 3, DATA)]) == []


# -- a real report whose pages are drawn as stacks of rectangles -------------------------

@pytest.mark.slow
def test_parcelles_assainies_keeps_its_tables_and_no_framed_text():
    """Cour des comptes du Sénégal 2021: every line sits on a drawn rectangle; before,
    81 of its 127 "tables" were framed paragraphs, the cover page a 33 × 5 table."""
    doc = read_document(str(REAL_FR / "sn-ccomptes-2021-commune-parcelles-assainies.pdf"))
    tables, _ = extract_tables(doc)
    assert not [t for t in tables if t.caption is None and grid_shape(t.cells).sentences]
    assert 1 not in {t.page for t in tables}  # the cover
    labels = {t.label for t in tables if t.cells}
    assert {str(n) for n in range(1, 48)} <= labels  # every "Tableau n° X" has its cells
    t2 = next(t for t in tables if t.label == "2")
    assert t2.page == 16 and t2.caption == "Liste des commissions techniques instituées par la commune"
    assert [c for c in t2.cells[1] if c][:3] == ["1", "Finances et Affaires économiques", "M. Abdoulaye CISSE"]


@pytest.mark.slow
def test_captions_in_title_rows_and_at_a_page_foot():
    """OFNAC 2021 prints "Tableau n° 01 :" large, in the grid's shaded first row; Gorée
    2022 ends a page with the caption of the table that opens the next one."""
    ofnac = extract_tables(read_document(str(REAL_FR / "sn-ofnac-2021-rapport-activites.pdf")))[0]
    t1 = next(t for t in ofnac if t.label == "01")
    assert t1.page == 31 and t1.caption.startswith("Nombre d’assujettis recensés par année")
    assert not any("Tableau n°" in c for r in t1.cells for c in r)
    goree = extract_tables(read_document(str(REAL_FR / "sn-ccomptes-2022-commune-goree.pdf")))[0]
    t13 = next(t for t in goree if t.label == "13")
    assert (t13.page, t13.caption) == (31, "Evolution des recettes réelles de fonctionnement")
    assert t13.cells[0][:3] == ("Exercices", "2017", "2018")
