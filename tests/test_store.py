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


def _grouped_extraction() -> Extraction:
    """An annual report: numbering restarts per chapter, plus two unnumbered recommendations."""
    lfi, ofor = "CHAPITRE I : CONTROLE DE L’EXECUTION DES LOIS DE FINANCES", "CHAPITRE VII : OFOR"
    recs = (Recommendation(1, "La Cour demande au MEFP de présenter", None, "MEFP", ("MEFP",), 73, None, group=lfi),
            Recommendation(2, "La Cour demande au Ministre de prendre", None, None, (), 73, None, group=lfi),
            Recommendation(1, "La Cour demande au DG de l’OFOR de veiller", None, "DG de l’OFOR", ("DG de l’OFOR",),
                           174, None, group=ofor),
            Recommendation(None, "l’adoption d’une législation sur les lanceurs d’alerte", None, None, (), 92, None,
                           ordinal=1),
            Recommendation(None, "d’allonger la prescription", None, "Gouvernement", ("Gouvernement",), 93, None,
                           ordinal=2))
    refs = (OwnerRef(1, "MEFP", "mefp", "MEFP", "MEFP", None, 0, recommendation_position=0),
            OwnerRef(1, "DG de l’OFOR", "dg-de-l-ofor", "DG de l’OFOR", None, None, 0, recommendation_position=2),
            OwnerRef(None, "Gouvernement", "gouvernement", "Gouvernement", None, None, 0, recommendation_position=4))
    return Extraction(report=ReportMeta("CC 2017.pdf", "s", 284, "Rapport public", (), (), "2019-03"),
                      recommendations=recs, owner_refs=refs)


def test_ids_never_collide_when_numbering_restarts_or_is_missing(db):
    write_report(db, report_rows(_grouped_extraction(), [], "pdfium"))
    rows = {r["id"]: r for r in db["recommendations"].rows}
    assert list(rows) == ["cc-2017:chapitre-i-controle-de-l-execution-des-l:r1", "cc-2017:chapitre-i-controle-de-l-execution-des-l:r2",
                          "cc-2017:chapitre-vii-ofor:r1", "cc-2017:u1", "cc-2017:u2"]
    assert rows["cc-2017:chapitre-vii-ofor:r1"]["group"] == "CHAPITRE VII : OFOR"
    assert rows["cc-2017:u2"]["number"] is None and rows["cc-2017:u2"]["ordinal"] == 2
    links = {(r["recommendation_id"], r["owner_id"]) for r in db["recommendation_owners"].rows}
    assert links == {("cc-2017:chapitre-i-controle-de-l-execution-des-l:r1", "mefp"),
                     ("cc-2017:chapitre-vii-ofor:r1", "dg-de-l-ofor"), ("cc-2017:u2", "gouvernement")}
    write_report(db, report_rows(_grouped_extraction(), [], "pdfium"))  # the same ids again: re-ingest
    assert db["recommendations"].count == 5


def test_an_older_database_gains_the_group_column(tmp_path):
    import sqlite3
    path = str(tmp_path / "old.db")
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE reports (id TEXT PRIMARY KEY)")
    conn.execute("CREATE TABLE recommendations (id TEXT PRIMARY KEY, report_id TEXT, number TEXT)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    database = open_db(path)
    assert {"group", "ordinal"} <= set(database["recommendations"].columns_dict)
    database.conn.close()
