"""Recommendations: summary table, body statements and their reconciliation.

Fixture-builder layouts pin one behaviour each (list at the end with columns in another
order, no summary, plain "Recommandation 3 :" paragraphs, a summary split over pages); the
dev report and real files pin the rest (ANSSI "R1…R69" boxes, GAO-07-791 numbered list).
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path

import pytest
from rapidfuzz.fuzz import ratio

from extractors.glossary import extract_glossary
from extractors.layout import read_document
from extractors.recommendations import extract_recommendations
from models.records import Section
from tests.paths import DEV_PDF, REAL

DEV = DEV_PDF


def norm(s) -> str:
    s = unicodedata.normalize("NFKC", str(s or "")).replace("’", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", s).strip().lower()


def same(a, b, threshold=0.95) -> bool:
    return ratio(norm(a), norm(b)) / 100 >= threshold


@functools.lru_cache(maxsize=None)
def dev_document():
    """The dev report, read once per test session (shared with test_glossary)."""
    if not DEV.exists():
        pytest.skip("dev report not available")
    return read_document(str(DEV))


@functools.lru_cache(maxsize=None)
def real_recs(name: str):
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{name} not available")
    doc = read_document(str(path))
    return extract_recommendations(doc, [], extract_glossary(doc), None)


def _sections_from_truth(doc, truth) -> list[Section]:
    """Sections of the dev truth, each placed at its heading line (the truth has no bbox)."""
    out = []
    for s in truth["sections"]:
        key = re.sub(r"\W", "", s["title"]).lower()[:15]
        bbox = next((l.bbox for l in doc.pages[s["page"] - 1].lines
                     if key and key in re.sub(r"\W", "", l.text).lower()), None)
        out.append(Section(s["number"], s["title"], s["level"], s["page"], bbox, s.get("kind", "heading")))
    return out


# -- the dev report -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def dev():
    doc = dev_document()
    truth = json.loads(DEV.with_suffix("").with_suffix(".truth.json").read_text(encoding="utf-8"))
    recs, problems = extract_recommendations(doc, _sections_from_truth(doc, truth), extract_glossary(doc), None)
    return {r.number: r for r in recs}, problems, {t["number"]: t for t in truth["recommendations"]}


@pytest.mark.slow
def test_dev_finds_all_28(dev):
    recs, _, truth = dev
    assert sorted(recs) == list(range(1, 29)) == sorted(truth)


@pytest.mark.slow
@pytest.mark.parametrize("field", ["text", "summary_text"])
def test_dev_wordings(dev, field):
    recs, _, truth = dev
    bad = [n for n in truth if not same(getattr(recs[n], field), truth[n][field])]
    assert bad == []


@pytest.mark.slow
@pytest.mark.parametrize("field", ["page", "summary_page", "section_number"])
def test_dev_positions(dev, field):
    recs, _, truth = dev
    assert {n: getattr(recs[n], field) for n in truth} == {n: t[field] for n, t in truth.items()}


@pytest.mark.slow
def test_dev_owners_and_themes(dev):
    recs, _, truth = dev
    for n, t in truth.items():
        assert same(recs[n].owner, t["owner"], 0.9), n
        assert len(recs[n].owners) == len(t["owners"]), (n, recs[n].owners)
        assert all(same(a, b, 0.9) for a, b in zip(recs[n].owners, t["owners"])), n
        assert same(recs[n].theme, t["theme"], 0.9), n


@pytest.mark.slow
def test_dev_keeps_both_wordings_and_reports_none_missing(dev):
    recs, problems, _ = dev
    assert "fondations" in recs[10].text and "fondations" not in recs[10].summary_text
    assert recs[7].owners == ("Ministère de la Justice (DACG)", "Ministère de l’Intérieur (DGGN et DGPN)")
    assert recs[10].owners == ("Ministère de la justice (SG-SADJAV, DACG)",)
    assert recs[1].method == "reconciled" and recs[1].label == "Recommandation n°1"
    kinds = {p.kind for p in problems}
    assert not kinds & {"rec_only_in_summary", "rec_only_in_body", "rec_number_gap", "rec_duplicate"}


# -- fixture-builder layouts ------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    builder = pytest.importorskip("tests.fixtures.builder")
    from tests.fixtures.examples import example
    out = tmp_path_factory.mktemp("recs")
    cache = {}

    def get(variant):
        if variant not in cache:
            res = builder.build_pdf(*example(variant), out / f"{variant}.pdf")
            doc = read_document(str(res.path))
            sections = [Section(s.number, s.title, s.level, s.page, s.bbox, s.kind) for s in res.sections]
            recs, problems = extract_recommendations(doc, sections, extract_glossary(doc), None)
            cache[variant] = ({r.number: r for r in recs}, problems, {t.number: t for t in res.recommendations})
        return cache[variant]
    return get


@pytest.mark.parametrize("variant", ["classic", "small-headings", "list-at-end", "no-summary", "split-summary"])
def test_builder_layouts_match_truth(built, variant):
    recs, _, truth = built(variant)
    assert sorted(recs) == sorted(truth)
    for n, t in truth.items():
        r = recs[n]
        assert same(r.text, t.text), (n, r.text)
        assert (t.summary_text is None and r.summary_text is None) or same(r.summary_text, t.summary_text), n
        assert (r.page, r.summary_page, r.section_number) == (t.page, t.summary_page, t.section_number), n
        assert same(r.owner, t.owner, 0.9), (n, r.owner)
        assert (t.theme is None and r.theme is None) or same(r.theme, t.theme, 0.9), n


def test_list_at_end_reads_columns_in_another_order(built):
    recs, problems, _ = built("list-at-end")
    assert recs[3].summary_page == 7 and recs[3].owner == "Ministère de la justice (DACG)"
    assert recs[1].owners == ("Ministère de la justice (DACG)", "Ministère de l’intérieur (DGPN, DGGN)")
    assert recs[5].theme is None
    assert not [p for p in problems if p.kind.startswith("rec_only")]


def test_no_summary_gives_body_only(built):
    recs, problems, truth = built("no-summary")
    assert len(recs) == 6
    assert all(r.summary_text is None and r.summary_page is None and r.method == "body" for r in recs.values())
    assert recs[3].label == "Recommandation 3"
    assert not [p for p in problems if p.kind == "rec_only_in_body"]


def test_split_summary_runs_over_pages(built):
    recs, _, truth = built("split-summary")
    pages = {r.summary_page for r in recs.values()}
    assert len(recs) == 18 and len(pages) >= 2
    assert {n: r.summary_page for n, r in recs.items()} == {n: t.summary_page for n, t in truth.items()}


def test_report_without_recommendations(built):
    recs, problems, truth = built("no-recs")
    assert recs == {} and truth == {} and problems == []


# -- summary tables in other layouts (relayout f, g, h) ----------------------------------------

def _glued(doc):
    """The document as a layout stage that ignores cell borders reads it: pieces of one row
    closer than 2.5 font sizes become one Line ("N° Recommandation", "2020 Premier ministre ;")."""
    from dataclasses import replace
    pages = []
    for page in doc.pages:
        out = []
        for ln in sorted(page.lines, key=lambda l: (round(l.top), l.x0)):
            prev = out[-1] if out else None
            if prev and abs(prev.top - ln.top) < 1 and 0 < ln.x0 - prev.x1 < 2.5 * ln.size:
                out[-1] = replace(prev, text=prev.text + " " + ln.text, spans=(),
                                  bbox=(prev.x0, prev.top, ln.x1, max(prev.bottom, ln.bottom)))
            else:
                out.append(ln)
        pages.append(replace(page, lines=tuple(out)))
    return replace(doc, pages=tuple(pages))


@pytest.fixture(scope="module")
def summary_layouts(tmp_path_factory):
    """Small reports whose summary tables look like relayout f and h, read once."""
    builder = pytest.importorskip("tests.fixtures.builder")
    from tests.fixtures.examples import RECS, body, cover, text
    from tests.fixtures.specs import Layout, Paragraph, Part, Report, SummaryRow, SummaryTable
    out = tmp_path_factory.mktemp("summary-layouts")

    def build(name, recs, table, layout):
        res = builder.build_pdf(Report(cover(), (Part("SYNTHÈSE"), Paragraph(text(1, 5)),
                                                 Part("TABLE DES RECOMMANDATIONS"), table,
                                                 *body(recs, depth=1, notes=False, sentences=1))),
                                layout, out / f"{name}.pdf")
        sections = [Section(s.number, s.title, s.level, s.page, s.bbox, s.kind) for s in res.sections]
        return read_document(str(res.path)), sections, {t.number: t for t in res.recommendations}

    recs30 = tuple((n + 6 * k, t, o, th) for k in range(5) for n, t, o, th in RECS)
    rows30 = tuple(SummaryRow(n, t, o, "2020" if n % 3 else "2021") for n, t, o, _ in recs30)
    # f: Autorité | N° ("13 – page 8", wrapped) | Recommandation | Échéance, over 3 pages
    f = build("f", recs30, SummaryTable(rows30, columns=(
        ("Autorité responsable", "owner"), ("N°", "number"), ("Recommandation", "text"),
        ("Échéance", "deadline")), widths=(0.28, 0.1, 0.47, 0.15), number_format="{n} – page {p}"),
        Layout(font="DejaVuSerif", body_size=11.5, page_size="Letter", margins=(55, 50, 55, 50),
               page_label="{n}", page_label_offset=-1))
    # h: narrow N° | Recommandation | Échéance | Responsable, owners joined by " ; "
    h = build("h", RECS, SummaryTable(rows30[:6], columns=(
        ("N°", "number"), ("Recommandation", "text"), ("Échéance", "deadline"),
        ("Responsable", "owner")), widths=(0.07, 0.5, 0.13, 0.3), owner_separator=" ; "),
        Layout(body_size=12, line_spacing=1.5))
    # other column names, number last, owners joined by " / "
    p = build("p", RECS, SummaryTable(rows30[:6], columns=(
        ("Recommandation", "text"), ("Pilote(s)", "owner"), ("Calendrier", "deadline"), ("N°", "number")),
        widths=(0.46, 0.3, 0.16, 0.08), owner_separator=" / "), Layout(font="DejaVuSerif"))
    return {"f": f, "h": h, "p": p}


def _check_summary(doc, sections, truth):
    recs, problems = extract_recommendations(doc, sections, [], None)
    got = {r.number: r for r in recs}
    assert sorted(got) == sorted(truth)
    for n, t in truth.items():
        r = got[n]
        assert (r.summary_page, r.owners, r.theme) == (t.summary_page, t.owners, t.theme), n
        assert same(r.summary_text, t.summary_text) and same(r.owner, t.owner, 0.9), n
    assert not [p for p in problems if p.kind.startswith("rec_only")]
    return got


def test_wrapped_number_cell_first_on_a_continuation_page(summary_layouts):
    # recs 13 and 26 open pages 4 and 5 under the repeated header; their number cell wraps
    # ("13 – page" / "8") and its second line sits where a running header would
    got = _check_summary(*summary_layouts["f"])
    assert got[13].summary_page == 4 and got[13].owners == ("Ministère de la justice (DACG)",
                                                             "Ministère de l’intérieur (DGPN, DGGN)")
    assert got[26].summary_page == 5 and got[14].theme is None


@pytest.mark.parametrize("glued", [False, True], ids=["cells-apart", "cells-glued"])
def test_narrow_number_column_with_or_without_cells_split_upstream(summary_layouts, glued):
    doc, sections, truth = summary_layouts["h"]
    got = _check_summary(_glued(doc) if glued else doc, sections, truth)
    assert got[4].owners == ("Ministère de la justice (DACG)", "Premier ministre",
                             "Secrétariat d’État chargé de l’égalité entre les femmes et les hommes (SDFE)")
    assert got[4].deadline == "2020" and got[3].deadline == "2021"


def test_other_column_names_and_owners_joined_by_slashes(summary_layouts):
    got = _check_summary(*summary_layouts["p"])
    assert got[1].owners == ("Ministère de la justice (DACG)", "Ministère de l’intérieur (DGPN, DGGN)")
    assert got[3].deadline == "2021"


def test_lines_glued_across_cell_borders_are_cut_at_the_borders():
    from extractors.recommendations.summary import _split_at_edges
    from models.document import Line, Page, Rule

    def line(text, x0, top, x1=None):  # about 4.5 pt per character, 9 pt type
        return Line(3, text, (x0, top, x1 or x0 + 4.5 * len(text), top + 10.5), "F", 9, False, False)

    def glued(a, xa, b, xb, top):
        return Line(3, f"{a} {b}", (xa, top, xb + 4.5 * len(b), top + 10.5), "F", 9, False, False)

    grid = tuple(Rule((x0, 93, x1, 670)) for x0, x1 in ((69.5, 102.4), (101.4, 330), (329, 389.2), (388.2, 525.8)))
    highlight = Rule((150, 300, 190, 312))  # a shaded word inside a body line is no cell border
    lines = [glued("N°", 73, "Recommandation", 104.9, 99), glued("Échéance", 332.5, "Responsable", 391.7, 99),
             glued("2020", 332.5, "PM ; Ministère de la justice", 391.7, 140),
             glued("12", 73, "Réunir le comité de suivi interministériel en", 104.9, 200),
             line("d’assurer une mise en œuvre complète de la loi", 104.9, 213),
             line("Secrétariat d’Etat chargé de", 391.7, 213), line("l’égalité entre les femmes et", 391.7, 226),
             line("a phrase with a highlighted word", 120, 301, 320)]
    page = Page(3, 595, 842, tuple(lines), grid + (highlight,))
    got = [(round(l.x0), l.text) for l in _split_at_edges(page, lines)]
    assert got[:8] == [(73, "N°"), (105, "Recommandation"), (332, "Échéance"), (392, "Responsable"),
                       (332, "2020"), (392, "PM ; Ministère de la justice"), (73, "12"),
                       (105, "Réunir le comité de suivi interministériel en")]
    assert got[-1] == (120, "a phrase with a highlighted word")


def test_owners_listed_with_commas_in_the_body_label(tmp_path):
    builder = pytest.importorskip("tests.fixtures.builder")
    from tests.fixtures.examples import RECS, body, cover
    from tests.fixtures.specs import Layout, RecommendationBox, Report
    owners = ("Secrétariat d'État chargé de la protection de l'enfance",
              "Groupement d’Intérêt Public Enfance en Danger", "Conseils départementaux")
    one = "Ministère de l'Enseignement Supérieur, de la Recherche et de l'Innovation (DGESIP)"
    recs = ((1, RECS[0][1], owners, "x"), (2, RECS[1][1], (one,), "x"))
    blocks = [RecommendationBox(b.number, b.text, ", ".join(recs[b.number - 1][2]), "boxed",
                                "Recommandation n° {n} ({owner}) :") if isinstance(b, RecommendationBox) else b
              for b in body(recs, depth=1, notes=False, sentences=1)]
    res = builder.build_pdf(Report(cover(), tuple(blocks)), Layout(), tmp_path / "g.pdf")
    got, _ = extract_recommendations(read_document(str(res.path)), [], [], None)
    assert [r.owners for r in got] == [owners, (one,)]


# -- real files -----------------------------------------------------------------------------

@pytest.mark.slow
def test_anssi_boxes_and_annex_list():
    recs, problems = real_recs("fr-anssi-guide-securite-linux-v1.2.pdf")
    by = {r.number: r for r in recs}
    assert sorted(by) == list(range(1, 70))
    assert by[1].label == "R1" and by[1].page == 10 and by[1].summary_page == 59
    assert by[1].summary_text == "Minimisation des services installés"
    assert by[1].text.startswith("Minimisation des services installés Seuls les composants strictement nécessaires")
    assert by[30].text.startswith("Applications utilisant PAM") and by[30].page == 29
    assert by[69].page == 57 and by[69].summary_page == 61
    assert not [p for p in problems if p.kind in ("rec_only_in_summary", "rec_only_in_body", "rec_number_gap")]


@pytest.mark.slow
def test_gao_07_791_numbered_list_over_a_page_break():
    recs, _ = real_recs("gao-07-791-reexamining-regulations-2007.pdf")
    assert [r.number for r in recs] == [1, 2, 3, 4, 5, 6, 7]
    assert recs[0].page == 59 and all(r.page == 60 for r in recs[1:])
    assert recs[0].text.startswith("Consideration, during the promulgation of certain new rules")
    assert recs[6].text.startswith("Work with regulatory agencies to identify opportunities for Congress")
    assert "Chief Counsel for Advocacy" in recs[0].owners
    assert recs[0].owners[0].startswith("Director of the Office of Management and Budget")
    assert recs[6].owners == ("Administrator of OIRA", "Chief Counsel for Advocacy")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gao-08-587t-testimony-gao-act-2008.pdf", "fr-etalab-eig-rapport-analyse-2019.pdf"])
def test_negative_controls_have_none(name):
    recs, problems = real_recs(name)
    assert recs == [] and problems == []
