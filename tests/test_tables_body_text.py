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
from extractors.tables import extract_tables
from tests.fixtures.builder import build_pdf
from tests.fixtures.examples import cover, data_table, text
from tests.fixtures.specs import BoxedText, DataTable, Heading, Layout, Paragraph, Part, Report


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
    assert [p.kind for p in problems if p.kind.startswith("tables_")] == []


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
