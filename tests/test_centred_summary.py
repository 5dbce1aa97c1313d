"""A recap « RECOMMANDATION | OBJET DE LA RECOMMANDATION » with labels centred on their rows
and no rules between rows, printed by LibreOffice and WeasyPrint (tests/fixtures/centred_summary.py):
every row keeps its own text, a theme line groups the rows under it, a row broken by a page
break is read whole on the page where it starts, rows printed with no white space between
them are cut where each label sits in the middle of its piece."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from extractors.layout import read_document
from extractors.recommendations.summary import find_summary_table
from pipeline.extract import extract_file
from tests.fixtures.centred_summary import TEXTS, THEMES, build_centred

CACHE = Path(tempfile.gettempdir()) / "suivi-producer-fixtures"
PRODUCERS = ("libreoffice", "weasyprint", "weasyprint-tight")  # tight: no white space between rows


@pytest.fixture(scope="session")
def centred(tmp_path_factory):
    out = tmp_path_factory.mktemp("centred")
    built: dict = {}

    def get(producer: str):
        if producer == "libreoffice" and not shutil.which("soffice"):
            pytest.fail("soffice not found: .ci/run installs libreoffice-writer-nogui")
        if producer not in built:
            built[producer] = build_centred(producer, out, CACHE)
        return built[producer]

    return get


def _theme_of(n: int) -> str:
    return THEMES[max(k for k in THEMES if k <= n)]


@pytest.mark.parametrize("producer", PRODUCERS[:2])
def test_fixture_centres_labels_and_breaks_a_row(centred, producer):
    """The fixture shows the convention: a label printed below its row's first line, and a
    row that starts on one page and ends on the next."""
    fx = centred(producer)
    doc = read_document(str(fx.pdf))
    lines = {ln.plain_text.strip(): ln for p in doc.pages for ln in p.lines}
    first = lines["Faire prendre les mesures nécessaires pour que les responsables des"]
    assert lines["Recommandation n° 3"].top > first.bottom  # centred on a 4-line row
    assert len(set(fx.row_pages.values())) == 2
    split = [n for n in TEXTS if n + 1 in TEXTS and fx.row_pages[n] < fx.row_pages[n + 1]]
    assert split, "no row starts on a page before the next row"
    last_words = " ".join(TEXTS[split[0]].split()[-3:])
    assert any(last_words in ln.plain_text for ln in doc.pages[fx.row_pages[split[0]]].lines)


@pytest.mark.parametrize("producer", PRODUCERS)
def test_rows_keep_their_own_text(centred, producer):
    fx = centred(producer)
    rows = find_summary_table(read_document(str(fx.pdf)))
    assert [r.number for r in rows] == list(range(1, 11))
    for r in rows:
        assert r.text == TEXTS[r.number], r.number
        assert r.page == fx.row_pages[r.number], r.number
        assert r.label == f"Recommandation n° {r.number}"
        assert r.theme == _theme_of(r.number)


@pytest.mark.parametrize("producer", PRODUCERS)
def test_recommendations_take_the_summary_wording(centred, producer):
    fx = centred(producer)
    _, ex = extract_file(str(fx.pdf))
    recs = {r.number: r for r in ex.recommendations}
    assert sorted(recs) == list(range(1, 11))
    assert recs[5].summary_text.startswith("Finaliser et présenter à la signature du Président")
    assert recs[5].summary_text.endswith("par la juridiction financière.")
    assert recs[2].summary_text == "Publier chaque année la liste des structures contrôlées."
    for n, rec in recs.items():
        assert rec.summary_text == TEXTS[n]
        assert rec.summary_page == fx.row_pages[n]
        assert rec.text == TEXTS[n].split(",")[0].rstrip(". ") + "."  # the body statement
        assert rec.page < min(fx.row_pages.values())
