"""Conventions of other French audit bodies (tests/fixtures/conventions.py): Cour des comptes
numbered lists and "I -" headings, IGF propositions table, owner cells of acronyms only,
recommendations numbered per part. Each report is built once per module (small PDFs)."""
from __future__ import annotations

import pytest

from extractors.glossary import extract_glossary
from extractors.layout import read_document
from extractors.recommendations.owners import canonical_owner
from extractors.recommendations.patterns import NUMBER_CELL, SHORT_STATEMENT, STATEMENT
from extractors.recommendations.summary import _follows
from pipeline.extract import extract_document


@pytest.fixture(scope="module")
def conv(tmp_path_factory):
    builder = pytest.importorskip("tests.fixtures.builder")
    from tests.fixtures.conventions import convention
    out, cache = tmp_path_factory.mktemp("conv"), {}

    def get(name):
        if name not in cache:
            res = builder.build_pdf(*convention(name), out / f"{name}.pdf")
            doc = read_document(str(res.path))
            ext = extract_document(doc)
            cache[name] = (res, ext, doc)
        return cache[name]
    return get


def _fold(s):
    return " ".join((s or "").replace("’", "'").split()).rstrip(" .")


def _assert_recs_match(res, ext):
    got = {r.number: r for r in ext.recommendations}
    truth = {t.number: t for t in res.recommendations}
    assert list(got) == list(truth)  # same numbers, as printed, in order
    for n, t in truth.items():
        r = got[n]
        assert (r.page, r.summary_page, r.section_number) == (t.page, t.summary_page, t.section_number), n
        assert _fold(r.text) == _fold(t.text), n
        assert _fold(r.summary_text) == _fold(t.summary_text), n
        assert _fold(r.theme) == _fold(t.theme), n
        assert [_fold(o).replace(",", "") for o in r.owners] == [_fold(o).replace(",", "") for o in t.owners], n


def _assert_sections_match(res, ext):
    got = [(s.number, _fold(s.title), s.level, s.page) for s in ext.sections]
    assert got == [(s.number, _fold(s.title), s.level, s.page) for s in res.sections]


@pytest.mark.parametrize("name", ["cour-des-comptes", "igf", "acronym-owners", "per-part-numbers"])
def test_convention_matches_truth(conv, name):
    res, ext, _ = conv(name)
    _assert_recs_match(res, ext)
    _assert_sections_match(res, ext)


def test_cour_des_comptes_list_owners_and_themes(conv):
    res, ext, _ = conv("cour-des-comptes")
    r1 = ext.recommendations[0]
    assert r1.summary_text.startswith("Renforcer le pilotage interministériel")
    assert r1.summary_text.endswith("deux fois par an")  # the "(owners)." tail is cut off
    assert r1.owners == ("ministère de l’intérieur", "ministère de la justice")
    assert [r.theme for r in ext.recommendations] == ["Gouvernance", "Gouvernance",
                                                      "Connaissance des publics",
                                                      "Connaissance des publics"]
    assert [s.number for s in ext.sections if s.level == 1 and s.number] == ["I", "II"]
    assert [s.number for s in ext.sections if s.level == 2][:2] == ["A", "B"]


def test_igf_propositions_table(conv):
    res, ext, _ = conv("igf")
    assert [(r.number, r.priority, r.deadline) for r in ext.recommendations][:3] == [
        (1, "1", "2022"), (2, "Élevée", "Fin 2022"), (3, "2", "2021")]
    assert any(s.title == "TABLEAU RÉCAPITULATIF DES PROPOSITIONS" for s in ext.sections)
    assert [s.number for s in ext.sections if s.level == 3][:2] == ["1.1.1", "1.2.1"]


def test_acronym_owners_split_and_expand(conv):
    res, ext, doc = conv("acronym-owners")
    r2 = next(r for r in ext.recommendations if r.number == 2)
    assert r2.owners == ("DGCS", "DGS", "ARS")
    glossary = extract_glossary(doc)
    labels = [canonical_owner(o, glossary).label for o in r2.owners]
    assert labels == ["Direction générale de la cohésion sociale",
                      "Direction générale de la santé", "Agence régionale de santé"]


def test_per_part_numbers_kept_as_printed(conv):
    res, ext, _ = conv("per-part-numbers")
    assert [r.number for r in ext.recommendations] == ["1.1", "1.2", "2.1", "2.2"]
    assert all(r.method == "reconciled" for r in ext.recommendations)
    assert not [p for p in ext.problems if p.kind.startswith("rec_")]


def test_per_part_patterns():
    assert STATEMENT.match("Recommandation 2.3 : Renforcer").group("label") == "2.3"
    assert SHORT_STATEMENT.match("R 2-3 – Renforcer le pilotage").group("num") == "2-3"
    assert SHORT_STATEMENT.match("R121-12-2 du code") is None  # an article, not a statement
    assert NUMBER_CELL.match("2.3").group("num") == "2.3"
    assert NUMBER_CELL.match("7 – page 40").group("num") == "7"
    assert _follows("2.3", "2.4") and _follows("2.3", "3.1") and _follows(7, 8)
    assert not _follows("2.3", "2.5") and not _follows(7, 9)


def test_short_per_part_labels_in_body(tmp_path):
    builder = pytest.importorskip("tests.fixtures.builder")
    from tests.fixtures.conventions import _chapters
    from tests.fixtures.examples import RECS, cover
    from tests.fixtures.specs import Layout, Report
    recs = [(f"{1 + i // 2}-{1 + i % 2}", t, o) for i, (_, t, o, _) in enumerate(RECS[:4])]
    res = builder.build_pdf(Report(cover(), tuple(_chapters(recs, "R {n} –"))), Layout(),
                            tmp_path / "r.pdf")
    ext = extract_document(read_document(str(res.path)))
    assert [(r.number, r.page, r.section_number) for r in ext.recommendations] == [
        (t.number, t.page, t.section_number) for t in res.recommendations]
    assert [r.number for r in ext.recommendations] == ["1-1", "1-2", "2-1", "2-2"]
    assert _fold(ext.recommendations[2].text) == _fold(RECS[2][1])
