"""The report's list of abbreviations."""
from __future__ import annotations

import pytest

from extractors.glossary import extract_glossary
from extractors.layout import read_document
from tests.test_recommendations import dev_document


@pytest.mark.slow
def test_dev_glossary_annex_3():
    entries = {e.acronym: e for e in extract_glossary(dev_document())}
    assert len(entries) == 81
    assert entries["DACG"].expansion == "Direction des affaires criminelles et des grâces"
    assert entries["DACG"].page == 85 and entries["DGCS"].page == 86 and entries["VIH"].page == 87
    # an entry wrapped over two lines, and two entries printed on one line
    assert entries["CDLP"].expansion.endswith("traite des êtres humains aux fins d’exploitation sexuelle")
    assert entries["CPO"].expansion == "Contrats pluriannuels d’objectifs"
    assert entries["CPP"].expansion == "code de procédure pénale"
    assert entries["VIH"].expansion == "Virus de l’immunodéficience humaine"  # the next annex is not glued on


@pytest.fixture(scope="module")
def built_glossary(tmp_path_factory):
    builder = pytest.importorskip("tests.fixtures.builder")
    from tests.fixtures.examples import example
    out = tmp_path_factory.mktemp("glossary")

    def get(variant):
        res = builder.build_pdf(*example(variant), out / f"{variant}.pdf")
        return extract_glossary(read_document(str(res.path))), res.glossary
    return get


@pytest.mark.parametrize("variant", ["classic", "no-recs"])  # "DACG : …" lines, then a two-column table
def test_builder_glossary(built_glossary, variant):
    got, truth = built_glossary(variant)
    assert [(e.acronym, e.expansion, e.page) for e in got] == [(t.acronym, t.expansion, t.page) for t in truth]


def test_report_without_glossary(built_glossary):
    got, truth = built_glossary("split-summary")
    assert got == [] and not truth
