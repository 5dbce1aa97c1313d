"""The store writes one report atomically and re-writes it idempotently."""
from __future__ import annotations

import json

import pytest

from models.records import (Extraction, Footnote, OwnerRef, Problem, Recommendation, ReportMeta,
                            Section, Table)
from models.schema import open_db
from models.store import report_id_for, report_rows, write_report


def _extraction(sha: str = "abc", title: str = "Évaluation de la loi") -> Extraction:
    return Extraction(
        report=ReportMeta("IGAS 2019 rapport.pdf", sha, 3, title, ("IGAS", "IGJ"), ("N°2019-080R",), "2019-12"),
        sections=(Section("1", "Le pilotage", 1, 2, (65.0, 100.0, 500.0, 114.0)),
                  Section("1.1", "La loi", 2, 2, (65.0, 200.0, 500.0, 214.0), parent_index=0)),
        recommendations=(Recommendation(1, "Réunir le comité", "Réunir le comité de suivi",
                                        "Ministère de la justice (DACG)", ("Ministère de la justice (DACG)",),
                                        3, 2, "Pilotage", "1.1", (80.0, 208.0, 530.0, 240.0)),),
        footnotes=(Footnote(1, "Rapport d’activité pour l’échéance 2018", 2),),
        tables=(Table(1, "Financement", 3, (("Action", "2015"), ("Programme 137", "1 939"))),),
        owner_refs=(OwnerRef(1, "Ministère de la justice (DACG)", "ministere-de-la-justice/dacg",
                             "Ministère de la justice (DACG)", "DACG", "Ministère de la justice"),),
        problems=(Problem("footnote_gap", "note 2 missing", 2, "2"),),
    )


def _pages():
    return [(1, None, "Couverture"), (2, "2", "Le proxénétisme et l’échéance"), (3, "3", "Tableau")]


@pytest.fixture
def db(tmp_path):
    database = open_db(str(tmp_path / "r.db"))
    yield database
    database.conn.close()


def test_report_id_is_stable_and_readable():
    assert report_id_for("IGAS 2019 rapport.pdf") == "igas-2019-rapport"
    assert report_id_for("a/b.PDF".split("/")[-1]) == "b"


def test_write_report_stores_every_table(db):
    write_report(db, report_rows(_extraction(), _pages(), "pdfium"))
    report = db["reports"].get("igas-2019-rapport")
    assert report["year"] == 2019 and json.loads(report["bodies"]) == ["IGAS", "IGJ"]
    assert report["status"] == "partial"
    rec = db["recommendations"].get("igas-2019-rapport:r1")
    assert rec["summary_page"] == 2 and rec["page"] == 3 and rec["x0"] == 80.0
    assert db["owners"].get("ministere-de-la-justice/dacg")["acronym"] == "DACG"
    assert db["sections"].get("igas-2019-rapport:s1")["parent_id"] == "igas-2019-rapport:s0"
    table = db["report_tables"].get("igas-2019-rapport:t0")
    assert json.loads(table["cells"])[1] == ["Programme 137", "1 939"]
    assert table["csv"].splitlines()[1] == "Programme 137,1 939"
    assert db["quality"].count == 1


def test_rewrite_replaces_rows_instead_of_adding(db):
    write_report(db, report_rows(_extraction(), _pages(), "pdfium"))
    write_report(db, report_rows(_extraction(sha="def", title="Nouveau titre"), _pages(), "pdfium"))
    assert db["reports"].count == 1 and db["pages"].count == 3 and db["recommendations"].count == 1
    assert db["reports"].get("igas-2019-rapport")["sha256"] == "def"


def test_failed_write_leaves_previous_report_whole(db):
    write_report(db, report_rows(_extraction(), _pages(), "pdfium"))
    rows = report_rows(_extraction(sha="def"), _pages(), "pdfium")
    rows["pages"].append(dict(rows["pages"][0]))  # duplicate primary key: the insert fails
    with pytest.raises(Exception):
        write_report(db, rows)
    assert db["reports"].get("igas-2019-rapport")["sha256"] == "abc"
    assert db["pages"].count == 3


def test_full_text_search_ignores_accents(db):
    write_report(db, report_rows(_extraction(), _pages(), "pdfium"))
    hits = db.execute("SELECT rowid FROM pages_fts WHERE pages_fts MATCH 'proxenetisme echeance'").fetchall()
    assert len(hits) == 1
    assert db.execute("SELECT count(*) FROM footnotes_fts WHERE footnotes_fts MATCH 'echeance'").fetchone()[0] == 1
