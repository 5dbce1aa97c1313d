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
