"""Cover metadata: title, bodies, report numbers, date."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.layout import read_document
from extractors.metadata import cover_title, extract_metadata, find_bodies, find_date, find_report_numbers
from models.document import Document, Line, Page
from tests.test_sections import dev_doc  # noqa: F401  (session fixture: the dev report, read once)
from tests.paths import REAL



def _line(text, top, size=11.0, bold=False, x0=70.0, page=1):
    return Line(page, text, (x0, top, x0 + 5 * len(text), top + size), "F", size, bold, False)


@pytest.mark.slow
def test_dev_report(dev_doc):  # noqa: F811
    meta = extract_metadata(dev_doc)
    assert meta.title == ("Évaluation de la loi du 13 avril 2016 visant à renforcer la lutte contre "
                          "le système prostitutionnel et à accompagner les personnes prostituées")
    assert meta.bodies == ("IGAS", "IGA", "IGJ")
    assert meta.date == "2019-12"
    assert meta.page_count == 198
    assert meta.file_name == "igas-2019-prostitution.pdf"
    assert len(meta.sha256) == 64
    assert meta.language == "fr"
    assert meta.to_contract()["report_numbers"] == []


@pytest.mark.slow
@pytest.mark.parametrize("name, title_start, bodies, numbers, date", [
    ("gao-07-791-reexamining-regulations-2007.pdf", "REEXAMINING REGULATIONS Opportunities Exist",
     ("GAO",), ("GAO-07-791",), "2007-07"),
    ("atsb-au-ro-2021-010-rockhampton-rail-2022.pdf",
     "Collision with infrastructure involving freight train 8796", ("ATSB",), ("RO-2021-010",), "2022-12"),
])
def test_real_reports(name, title_start, bodies, numbers, date):
    path = REAL / name
    if not path.exists():
        pytest.skip("real corpus not available")
    meta = extract_metadata(read_document(str(path)))
    assert meta.title.startswith(title_start)
    assert meta.bodies == bodies
    assert meta.report_numbers == numbers
    assert meta.date == date
    assert meta.language == "en"


def test_builder_cover(tmp_path):
    builder = pytest.importorskip("tests.fixtures.builder")
    from tests.fixtures.examples import example

    report, layout = example("classic")
    result = builder.build_pdf(report, layout, tmp_path / "classic.pdf")
    truth = result.to_contract()["report"]
    meta = extract_metadata(read_document(str(tmp_path / "classic.pdf")))
    assert meta.title == truth["title"]
    assert list(meta.bodies) == truth["bodies"]
    assert list(meta.report_numbers) == truth["report_numbers"]
    assert meta.date == truth["date"]


def test_cover_title_is_the_largest_block_with_words():
    lines = [_line("GAO", 48, size=36), _line("INSPECTION GÉNÉRALE DES FINANCES", 70, bold=True),
             _line("Revue des dépenses", 200, size=24, bold=True),
             _line("de l’État en faveur du logement", 228, size=24, bold=True),
             _line("2021", 140, size=60, bold=True),
             _line("Rapport", 400, size=14)]
    assert cover_title(lines) == "Revue des dépenses de l’État en faveur du logement"


def test_info_title_is_the_fallback():
    doc = Document("x.pdf", "x.pdf", "0" * 64, (Page(1, 595, 842, (_line("1", 800),)),),
                   pdf_title="Rapport sur les finances locales")
    assert extract_metadata(doc).title == "Rapport sur les finances locales"
    doc = Document("x.pdf", "x.pdf", "0" * 64, (Page(1, 595, 842, (_line("1", 800),)),),
                   pdf_title="Microsoft Word - rapport_v3.docx")
    assert extract_metadata(doc).title is None


def test_bodies_in_order_of_mention_and_deduplicated():
    text = ("INSPECTION GÉNÉRALE DES FINANCES\nINSPECTION GÉNÉRALE DE L’ADMINISTRATION\n"
            "Membre de l’inspection générale des finances\nCour des comptes")
    assert find_bodies(text) == ("IGF", "IGA", "CCOMPTES")
    assert find_bodies("Rapport du ministère de l’intérieur") == ()


def test_report_numbers():
    assert find_report_numbers("IGAS N°2019-080R\nIGA N°19-063\nIGAS N°2019-080R") == (
        "IGAS N°2019-080R", "IGA N°19-063")
    assert find_report_numbers("GAO-07-791 Reexamining Regulations") == ("GAO-07-791",)
    assert find_report_numbers("Rapport de la mission") == ()


def test_date_prefers_a_line_that_is_a_date():
    lines = [_line("Rockhampton, Queensland, on 17 September 2021", 300),
             _line("Final – 7 December 2022", 740)]
    assert find_date(lines) == "2022-12"
    assert find_date([_line("DÉCEMBRE 2019", 580)]) == "2019-12"
    assert find_date([_line("Version du 22/02/2019", 580)]) == "2019-02"
    assert find_date([_line("Rapport n° 12", 580)]) is None
