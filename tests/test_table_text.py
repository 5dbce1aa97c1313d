"""Cell text as printed: word spaces, words hyphenated by a narrow column, tables carried on.

The rules hold for the producers' fixtures (tests/test_producers.py) and are pinned here on
real reports: Senegal's Cour des comptes reports set word spaces narrower than a fifth of
the type size ("24janvier"), the Cour des comptes 2016 hyphenates its narrow cells
("Recomman-dations"), and a table of long cells runs over a page break (Parcelles
Assainies 2021, p. 25-26).
"""
from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest

from extractors.layout import read_document
from extractors.layout.backend import Glyph
from extractors.cell_text import Vocabulary, cut_at_edge, fold_lines, vocabulary_of
from extractors.table_cells import _overflow, cell_text, glyph_chars
from extractors.tables import extract_tables
from tests.paths import SHARED

REAL_FR = SHARED / "corpus" / "real-fr"


@pytest.mark.parametrize("lines, compounds, text", [
    (["plan d’action na-", "tional"], frozenset(), "plan d’action national"),  # LaTeX, narrow cell
    (["Recomman-", "dations de la Cour"], frozenset(), "Recommandations de la Cour"),
    (["0003/ non-", "respect des obligations"], frozenset({"non-respect"}), "0003/ non-respect des obligations"),
    (["(2014-", "2016)"], frozenset(), "(2014-2016)"),  # a figure after the hyphen: a range
    (["Île-de-", "France"], frozenset(), "Île-de-France"),  # a capital after it: a name
    (["Rappels -", "suite"], frozenset(), "Rappels - suite"),  # a dash between words
    (["Mesure 8", "", "Action 47"], frozenset(), "Mesure 8 Action 47"),
])
def test_fold_lines(lines, compounds, text):
    assert fold_lines(lines, Vocabulary(compounds=compounds)) == text


def test_vocabulary_has_the_words_and_the_compounds_printed_whole():
    vocab = vocabulary_of([SimpleNamespace(text="Le non-respect du diabète phospho-gluco-aminé"),
                           SimpleNamespace(text="2014-2016, le respect")])
    assert vocab.compounds == {"non-respect", "phospho-gluco", "gluco-aminé"}
    assert (vocab.words["le"], vocab.words["respect"], vocab.words["2014"]) == (2, 2, 0)


def _chars(text: str, x0: float, top: float, width: float = 4.7) -> list[dict]:
    return [{"text": ch, "x0": x0 + k * width, "x1": x0 + (k + 1) * width, "top": top, "bottom": top + 8.5}
            for k, ch in enumerate(text)]


# IGAS 2019, p. 39: the cell [65.4, 123.3] holds "Fontaineblea" (68.1-117.2), then "u - Melun"
CELL = (65.4, 531.5, 123.3, 556.6)


@pytest.mark.parametrize("prev, x0, text, words, cut", [
    ("Fontaineblea", 68.1, "u - Melun", {"melun": 2}, True),  # "u" only here: a cut word
    ("Fontaineblea", 68.1, "u - Melun", {"u": 3, "fontainebleau": 1}, True),  # the report prints the whole word
    ("Fontaineblea", 68.1, "u - Melun", {"u": 3, "fontaineblea": 1}, False),  # "u" is a word of the report
    ("Fontaineblea", 68.1, "u - Melun", {"u": 2, "fontaineblea": 2}, True),  # a header printed twice
    ("Fontaineblea", 68.1, "u - Melun", {"u": 9, "fontaineblea": 9}, False),  # words of the report: a wrap
    ("Fontaineb", 68.1, "leau - Melun", {}, False),  # "l" would have fit after the line: it ended at a word
    ("Fontainebl", 68.1, "wau", {}, False),  # a wide letter would not fit, but the line stops 11 pt short
    ("Fontaineblea", 68.1, "U - Melun", {}, False),  # a capital opens a new word
    ("Fontaineblea", 75.0, "u - Melun", {}, False),  # not aligned with the line above: centred text
])
def test_word_cut_at_the_cell_edge(prev, x0, text, words, cut):
    above = _chars(prev, 68.1, 534.0, (117.2 - 68.1) / 12)
    line = _chars(text, x0, 543.8, 13.0 if text.startswith("w") else 4.7)
    assert cut_at_edge(prev, above, text, line, CELL, Vocabulary(Counter(words))) is cut


def test_a_space_character_marks_the_next_glyph():
    g = lambda t, x0, x1: Glyph(t, x0, 10.0, x1, 19.0, 9.0, "Serif", False, False)
    chars = glyph_chars([g("f", 263.1, 266.6), g(" ", 0, 0), g("A", 268.1, 274.4), g("c", 274.3, 278.1)])
    assert [(c["text"], c["space_before"]) for c in chars] == [("f", False), ("A", True), ("c", False)]


@pytest.fixture(scope="module")
def real_tables():
    cache: dict = {}

    def get(name: str):
        if name not in cache:
            cache[name] = extract_tables(read_document(str(REAL_FR / name)))[0]
        return cache[name]
    return get


def _cells(tables, page):
    return {c for t in tables if t.page == page for r in t.cells for c in r}


@pytest.mark.slow
def test_narrow_word_spaces_are_read(real_tables):
    """Dakar Dem Dikk 2022 and ANAMO 2023 (Cour des comptes du Sénégal): the gap between two
    words is under a fifth of the size, the space character is in the page text."""
    dem_dikk = real_tables("sn-ccomptes-2022-dakar-dem-dikk.pdf")
    t19 = next(t for t in dem_dikk if t.label == "19")
    assert t19.page == 32 and t19.cells[:3] == (("Mois déclaration", "Date effective de la déclaration"),
                                                ("Janvier 2017", "24 février 2017"), ("Février 2017", "21 mars 2017"))
    assert {"24 janvier 2019", "19 juin 2020"} <= _cells(dem_dikk, 32)
    assert not {c for c in _cells(dem_dikk, 32) if "janvier2" in c or "4janvier" in c}


@pytest.mark.slow
def test_hyphenated_cell_words_are_whole(real_tables):
    """La Poste 2016 hyphenates its summary sheets' cells; ANAMO 2023 prints
    "suivi-évaluation" whole elsewhere, so a cut at its hyphen keeps it."""
    poste = _cells(real_tables("fr-ccomptes-2016-rpt-la-poste.pdf"), 155)
    assert "Recommandations de la Cour" in poste and "Recomman-dations de la Cour" not in poste
    anamo = _cells(real_tables("sn-ccomptes-2023-anamo.pdf"), 38)
    assert "mettre en place un dispositif de suivi-évaluation" in anamo


@pytest.mark.slow
def test_captioned_table_of_long_cells_runs_over_the_page(real_tables):
    """Parcelles Assainies 2021, p. 25-26: the organisation chart comparison goes on at the
    top of p. 26 in the same columns; its source is printed under the second part."""
    t = next(t for t in real_tables("sn-ccomptes-2021-commune-parcelles-assainies.pdf")
             if t.caption and t.caption.startswith("Rapprochement organigramme"))
    assert (t.page, t.page_end) == (25, 26)
    assert t.source == "Source : Documentation fournie par le secrétariat municipal/dossiers de travail"
    assert "- Bureau de la culture" in {c for r in t.cells for c in r}
    assert len(t.cells) == 57


@pytest.mark.slow
def test_title_without_tableau_a_line_and_a_half_above_the_rules(real_tables):
    """La Poste 2016, p. 160 (167 printed): a bold centred title over two lines, 15 pt
    above the grid's top rule (more than a body line), names the table."""
    t = next(t for t in real_tables("fr-ccomptes-2016-rpt-la-poste.pdf") if t.page == 160 and t.caption)
    assert (t.number, t.caption) == (None, "Les contrats de présence postale territoriale 2014-2016 et 2017-2019")
    assert t.cells[0] == ("", "Contrat 2014-2016", "Avenant 2015", "Projet de contrat 2017-2019 au 30/06/2016")


@pytest.mark.slow
def test_word_wider_than_its_column_is_whole(real_tables):
    """IGAS 2019, p. 39 (the dev report): Word breaks "Fontainebleau" at the cell's edge,
    "u - Melun" on the next line; ANAMO 2023, p. 30 does the same in its headers, while
    its p. 24 centres "Rubrique" over "modifiée", two words that only wrapped."""
    dev = extract_tables(read_document(str(SHARED / "corpus" / "dev" / "igas-2019-prostitution.pdf")))[0]
    t9 = next(t for t in dev if t.number == 9)
    assert t9.cells[3][:3] == ("Fontainebleau - Melun", "A.C.Ju.S.E", "Juin 2017")
    anamo = real_tables("sn-ccomptes-2023-anamo.pdf")
    assert {"Investissement", "Fonctionnement"} <= _cells(anamo, 30) and "Investiss ement" not in _cells(anamo, 30)
    assert "Rubrique modifiée" in _cells(anamo, 24)


def _letters(text: str, x0: float, top: float, width: float = 4.4, tail: tuple = ()) -> list[dict]:
    """Glued letters from x0, `width` wide, the last ones `tail` wide."""
    out, x = [], x0
    for ch, w in zip(text, [width] * (len(text) - len(tail)) + list(tail)):
        out.append({"text": ch, "x0": x, "x1": x + w, "top": top, "bottom": top + 8.0, "size": 8.97})
        x += w
    return out


def test_word_running_over_the_column_rule_stays_in_its_cell():
    """pdflatex (latex-a fixture, p. 20): "Prestataire" is wider than its p{} column and
    runs past the rule at 209.4, glued to "Date" (215.6, where the column's text starts on
    every row); the letters inside that padding are the left cell's."""
    # "r" 205.7-210.1 across the rule, the last "e" 210.1-215.0 past it
    head = _letters("TGI", 78.0, 520.7) + _letters("Prestataire", 163.5, 520.7, 42.2 / 9, (4.4, 4.9)) \
        + _letters("Date", 215.6, 520.7)
    body = _letters("Evry", 78.0, 531.4) + _letters("A.C.J.E.91", 163.5, 531.4) + _letters("Mars", 215.6, 531.4)
    cells = [(73.4, 518.0, 157.4, 529.0), (157.4, 518.0, 209.4, 529.0), (209.4, 518.0, 261.5, 529.0)]
    rows = [(SimpleNamespace(cells=cells), head),
            (SimpleNamespace(cells=[(a, 529.0, b, 540.0) for a, _, b, _ in cells]), body)]
    owner = _overflow(rows)
    assert [cell_text(head, c, owner=owner) for c in cells] == ["TGI", "Prestataire", "Date"]
    assert [cell_text(body, (a, 529.0, b, 540.0), owner=owner) for a, _, b, _ in cells] == ["Evry", "A.C.J.E.91", "Mars"]
    assert [cell_text(head, c) for c in cells] == ["TGI", "Prestatair", "eDate"]  # read at their centres
