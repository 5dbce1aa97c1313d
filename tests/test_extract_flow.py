"""The whole extract flow (`suivi extract`) on generated reports: contract 1, end to end."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.extract import ExtractSettings, extract_file, load_nlp
from tests.fixtures.builder import build_pdf
from tests.fixtures.examples import example


@pytest.fixture(scope="module")
def classic(tmp_path_factory):
    report, layout = example("classic")
    path = tmp_path_factory.mktemp("flow") / "classic.pdf"
    return path, build_pdf(report, layout, path)


def test_extract_cli_prints_contract_one(classic):
    path, truth = classic
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(path)],
                         capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    assert set(data) == {"report", "sections", "recommendations", "earlier_recommendations",
                         "footnotes", "tables"}
    assert set(data["recommendations"][0]) >= {"number", "text", "summary_text", "owner", "owners",
                                               "page", "summary_page", "theme", "section_number", "group"}
    assert data["earlier_recommendations"] == []
    assert data["report"]["page_count"] == truth.page_count
    assert [r["number"] for r in data["recommendations"]] == [r.number for r in truth.recommendations]
    assert [(s["number"], s["page"]) for s in data["sections"]] == [(s.number, s.page) for s in truth.sections]


def test_summary_of_recommendations_is_not_repeated_as_a_data_table(classic):
    path, truth = classic
    _, ext = extract_file(str(path), ExtractSettings(), nlp=load_nlp())
    assert [t.number for t in ext.tables] == [t.number for t in truth.tables]
    assert all(r.summary_page for r in ext.recommendations)


def test_extract_without_tables_and_footnotes(classic):
    path, _ = classic
    _, ext = extract_file(str(path), ExtractSettings(with_tables=False, with_footnotes=False))
    assert ext.tables == () and ext.footnotes == () and ext.recommendations


def test_extract_cli_names_the_file_on_bad_input(tmp_path):
    bad = tmp_path / "notes.pdf"
    bad.write_text("not a pdf at all")
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert str(bad) in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_ingest_cli_in_a_pipe_prints_one_line_per_failure_and_the_summary(classic, tmp_path):
    path, _ = classic
    bad = tmp_path / "in" / "casse.pdf"
    bad.parent.mkdir()
    bad.write_bytes(b"%PDF-1.4 truncated")
    (tmp_path / "in" / "classic.pdf").write_bytes(path.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", str(bad.parent),
                           "--db", str(tmp_path / "r.db")], capture_output=True, text=True)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2, lines  # no progress bar label when stderr is not a terminal
    assert lines[0].startswith("failed: ") and "casse.pdf" in lines[0]
    assert lines[1].startswith("ingested 1, skipped 0 unchanged, failed 1")


def test_repaired_fonts_give_one_quality_row_per_font_and_unreadable_pages_one_each():
    from models.document import TextIssue
    from pipeline.extract import text_problems

    issues = [TextIssue("font_remapped", 4, "police A sans table ToUnicode : 144 caractères lus par la forme des glyphes", 144),
              TextIssue("font_remapped", 9, "police A sans table ToUnicode : 338 caractères lus par la forme des glyphes", 338),
              TextIssue("font_remapped", 9, "police B sans table ToUnicode : 5 caractères lus par les noms de glyphes", 5),
              TextIssue("unreliable_text", 9, "police Z : 7 glyphes illisibles (remplacés par U+FFFD)", 7)]
    got = [(p.kind, p.page, p.message) for p in text_problems(issues)]
    assert got == [
        ("unreliable_text", 9, "page 9: police Z : 7 glyphes illisibles (remplacés par U+FFFD)"),
        ("font_remapped", 4, "2 pages (4–9): police A sans table ToUnicode : 482 caractères lus par la forme des glyphes"),
        ("font_remapped", 9, "page 9: police B sans table ToUnicode : 5 caractères lus par les noms de glyphes"),
    ]
