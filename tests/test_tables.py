"""Tables: captions, cells as printed, sources, tables over two pages, merged headers.

Builder layouts pin a table over two pages, merged header cells and a table without
rules (caption below); the dev report pins exact captions, cells and sources.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors.footnotes import extract_footnotes
from extractors.layout import read_document

from extractors.patterns.notes_tables import CAPTION, SOURCE, TABLE_NOTE
from extractors.tables import extract_tables
from tests.fixtures.examples import VARIANTS
from tests.test_footnotes import build_variant, dev_document
from tests.paths import REAL


def norm(text) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@pytest.fixture(scope="module")
def built():
    """variant -> (BuildResult, Document, tables found)."""
    done = {}
    for v in VARIANTS:
        result, doc = build_variant(v)
        done[v] = (result, doc, extract_tables(doc)[0])
    return done


def _captioned(tables):
    return {t.number: t for t in tables if t.caption}


@pytest.mark.parametrize("number", [1, 2, 3])
def test_builder_tables_match_truth(built, number):
    result, _, tables = built["tables"]
    want = next(t for t in result.tables if t.number == number)
    got = _captioned(tables)[number]
    assert norm(got.caption) == norm(want.caption)
    assert got.page == want.page
    assert got.source == want.source  # kept whole, with its "Source :" prefix
    assert [[norm(c) for c in row] for row in got.cells] == [[norm(c) for c in row] for row in want.cells]


@pytest.mark.parametrize("variant", VARIANTS)
def test_captioned_tables_match_truth_in_every_layout(built, variant):
    result, _, tables = built[variant]
    got = [(t.number, norm(t.caption), t.page, t.source, [[norm(c) for c in r] for r in t.cells])
           for t in tables if t.caption]
    want = [(t.number, norm(t.caption), t.page, t.source, [[norm(c) for c in r] for r in t.cells])
            for t in result.tables]
    assert got == want


def test_table_over_two_pages_is_one_table(built):
    result, _, tables = built["tables"]
    want = next(t for t in result.tables if t.page_end != t.page)
    got = _captioned(tables)[want.number]
    assert (got.page, got.page_end) == (want.page, want.page_end)
    assert len(got.cells) == len(want.cells) == 47  # header once, then 46 rows
    assert sum(1 for row in got.cells if row[0] == "Département") == 1


def test_merged_header_cells_read_as_empty(built):
    _, _, tables = built["tables"]
    header = _captioned(tables)[2].cells[:2]
    assert header == (("Ressort", "Affaires traitées", "", "Évolution"), ("", "2017", "2018", "2017-2018"))


def test_table_without_rules_caption_below(built):
    _, _, tables = built["tables"]
    got = _captioned(tables)[3]
    assert got.caption == "Mesures de protection prononcées"
    assert got.cells[1] == ("Ain", "100", "20", "20,0 %")


def test_summary_table_is_a_table_and_counts_are_exact(built):
    result, _, tables = built["classic"]
    assert [t.number for t in tables if t.caption] == [t.number for t in result.tables]
    summary = [t for t in tables if t.caption is None]
    assert len(summary) == 1 and summary[0].cells[0][:2] == ("N°", "Recommandation")


@pytest.mark.parametrize("text, number, caption", [
    ("Tableau 3 : Evolution des crédits", "3", "Evolution des crédits"),
    ("Tableau n° 3 – Evolution des crédits", "3", "Evolution des crédits"),
    ("Tableau : Nombre de victimes", None, "Nombre de victimes"),
    ("Table 2: Budget by programme", "2", "Budget by programme"),
    ("Graphique 4 : Evolution", "4", "Evolution"),
    ("Tableau 2.4 : Effectifs", "2.4", "Effectifs"),
])
def test_caption_pattern(text, number, caption):
    m = CAPTION.match(text)
    assert m and m.group("label") == number and m.group("text") == caption


@pytest.mark.parametrize("text", ["Tableaux de bord des préfectures", "Le tableau 3 montre",
                                  "Table ronde du 3 mai", "Tableauter"])
def test_caption_pattern_negative(text):
    assert CAPTION.match(text) is None


@pytest.mark.parametrize("text, pattern, hit", [
    ("Source : Mission", SOURCE, True), ("Sources : DACG, SDSE", SOURCE, True),
    ("Sourcer les données", SOURCE, False), ("Note : en milliers", TABLE_NOTE, True),
    ("Lecture : en 2018, 12 %…", TABLE_NOTE, True), ("Champ : France entière", TABLE_NOTE, True),
    ("Notes de bas de page", TABLE_NOTE, False),
])
def test_source_and_note_patterns(text, pattern, hit):
    assert bool(pattern.match(text)) is hit


@pytest.mark.slow
def test_dev_report_tables():
    tables, _ = extract_tables(dev_document())
    numbered = _captioned(tables)
    assert sorted(n for n in numbered if n) == list(range(1, 11))
    t2 = numbered[2]
    assert t2.page == 18 and t2.caption.startswith("Financement des mesures de prévention")
    assert t2.source.startswith("Source : Mission à partir des documents budgétaires")
    assert t2.cells[0] == ("", "2015", "2016", "2017", "2018", "2019", "2020")
    assert ("Dont AFIS", "0,05 0,605", "", "", "", "", "") in t2.cells  # call ⁴⁰ dropped
    t3 = numbered[3]  # runs from page 19 onto page 20, source on page 20
    assert (t3.page, t3.page_end) == (19, 20)
    assert t3.source == "Source : Mission à partir des documents budgétaires annexés aux lois de règlement 2015 à 2018"
    assert sum(1 for row in t3.cells if row[0] == "Programme 137") == 1
    t4 = numbered[4]
    assert t4.cells[1] == ("Mouvement du nid", "80 000 €", "150 000 €", "220 000 €")
    unnumbered = [t for t in tables if t.number is None and t.caption]
    assert len(unnumbered) == 1 and unnumbered[0].page == 192
    assert unnumbered[0].cells[2][:2] == ("UE", "3 537")


# -- the real corpus: other layouts must run and hold -------------------------------------------



@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in REAL.glob("*.pdf")))
def test_real_pdfs_run(name):
    doc = read_document(str(REAL / name))
    notes, _ = extract_footnotes(doc, [])
    tables, _ = extract_tables(doc)
    assert all(t.cells or t.caption for t in tables)
    assert all(f.text.strip() and f.page >= 1 for f in notes)


@pytest.mark.slow
def test_real_layouts_hold():
    fr = read_document(str(REAL / "us-federal-register-2020-17221.pdf"))  # three columns
    notes, problems = extract_footnotes(fr, [])
    assert [(f.number, f.page) for f in notes] == [(n, 2) for n in range(1, 10)] + [(n, 3) for n in range(10, 16)]
    assert notes[0].text.startswith("Preliminary KNKT.18.10.35.04 Aircraft Accident Investigation Report")
    deb = read_document(str(REAL / "fr-debian-reference.pdf"))  # grids without side rules
    tables, _ = extract_tables(deb)
    t11 = next(t for t in tables if t.label == "1.1")
    assert t11.page == 32 and t11.caption.startswith("Liste de paquets de programmes intéressants")
    assert t11.cells[0] == ("paquet", "popcon", "taille", "description")
    assert t11.cells[1][:3] == ("mc", "V:54, I:226", "1482")


# -- other layouts: tables without rules, captions under, notes without a rule --------

from tests.fixtures.builder import build_pdf  # noqa: E402
from tests.fixtures.examples import cover, data_table, text  # noqa: E402
from tests.fixtures.specs import DataTable, Heading, Layout, Paragraph, Part, Report  # noqa: E402

LONG_CELLS = DataTable(
    1, "Mesures d’application de la loi reprises dans les plans",
    (("Articles de la loi", "Plan d’action national contre la traite des êtres humains (2014-2016)",
      "Mesures effectivement prises"),),
    tuple((str(k) if k % 2 else "", f"Mesure {k} : informer et sensibiliser le grand public sur le thème {k}",
           f"Seules {k} campagnes ont été recensées sur le thème de la prostitution (cf. 1.{k})")
          for k in range(1, 25)),
    source="Source : Mission", ruled=False, caption_position="below")


def _report(*tables, notes: bool = False) -> Report:
    blocks = [Part("INTRODUCTION"), Heading("Données d’activité", 1)]
    for k, t in enumerate(tables):
        # a paragraph whose last line is short sits right above each table
        blocks.append(Paragraph(text(k, 3) + " Fin." + (" Voir la note[^]." if notes else ""),
                                ("Note de bas de page sur les données de l’année.",) if notes else ()))
        blocks.append(t)
    blocks.append(Paragraph(text(5, 2)))
    return Report(cover(), tuple(blocks))


LAYOUTS = {
    # e-like: no rules, caption under the table, wrapped cells, a table over a page break
    "unruled-below": (_report(LONG_CELLS, data_table(2, 6, ruled=False, caption_position="below")),
                      Layout(font="Helvetica", body_size=9.5, outline=False, footnote_rule=False, footnote_size=9)),
    # ruled grids, captions under them: each caption closes the grid above it
    # (one after the other, so the next grid is as near to a caption as its own one)
    "ruled-below": (Report(cover(), (Part("INTRODUCTION"), Paragraph(text(0, 2)), *(
        data_table(n, 5, caption_position="below", caption=f"Affaires de l’année {2015 + n}")
        for n in (1, 2, 3)), Paragraph(text(1, 2)))), Layout()),
    # footnotes without a separator rule under a table running over two pages
    "notes-no-rule": (_report(data_table(1, 60), notes=True), Layout(footnote_rule=False, footnote_size=8.5)),
    # an unnumbered table whose title has no "Tableau" word
    "untitled": (_report(data_table(None, 5, caption="Nombre de victimes identifiées en Europe")), Layout()),
}


@pytest.fixture(scope="module")
def round2(tmp_path_factory):
    out = tmp_path_factory.mktemp("tables-r2")
    done = {}
    for name, (report, layout) in LAYOUTS.items():
        result = build_pdf(report, layout, out / f"{name}.pdf")
        done[name] = (result, extract_tables(read_document(str(result.path)))[0])
    return done


def _rows(cells):
    return [[norm(c) for c in r] for r in cells]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_round2_layouts_match_truth(round2, name):
    result, tables = round2[name]
    got = [(t.number, norm(t.caption), t.page, t.source) for t in tables]
    want = [(t.number, norm(t.caption), t.page, t.source) for t in result.tables]
    assert got == want


def test_unruled_wrapped_cells_are_one_row_and_paragraph_left_out(round2):
    result, tables = round2["unruled-below"]
    want = result.tables[0]
    got = tables[0]
    assert want.page_end > want.page  # the table does run over a page break
    assert (got.page, got.page_end) == (want.page, want.page_end)
    # every wrapped cell read whole, no line of the paragraph above, the header once
    assert [c for r in _rows(got.cells) for c in r if c] == [c for r in _rows(want.cells) for c in r if c]
    assert len(got.cells) == len(want.cells) == 25


def test_caption_under_ruled_grid_goes_with_the_grid_above(round2):
    result, tables = round2["ruled-below"]
    for got, want in zip(tables, result.tables):
        assert _rows(got.cells) == _rows(want.cells)
        assert got.caption == want.caption


def test_notes_without_rule_do_not_split_a_table(round2):
    result, tables = round2["notes-no-rule"]
    want = result.tables[0]
    assert want.page_end > want.page
    assert len(tables) == 1
    assert (tables[0].page, tables[0].page_end, len(tables[0].cells)) == (want.page, want.page_end, 61)
    assert tables[0].source == "Source : DACG, traitement mission"


def test_untitled_bold_title_is_the_caption(round2):
    _, tables = round2["untitled"]
    assert [(t.number, t.caption) for t in tables] == [(None, "Nombre de victimes identifiées en Europe")]
