"""Statuses: vocabulary, CSV import validated whole, export round trip, follow-up tables."""
from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from models.errors import BadStatusFile
from models.records import Table
from models.schema import open_db
from pipeline.cli import main
from pipeline.statuses import (
    CSV_COLUMNS, apply_status_tables, export_statuses, import_statuses, normalise_status,
    parse_date, read_status_csv,
)
from tests.test_link import JUSTICE, RECS_2012, RECS_2019, SDFE, add_report, extraction

A = "igas-2012-violences"


@pytest.fixture
def db(tmp_path):
    database = open_db(str(tmp_path / "s.db"))
    add_report(database, extraction("igas-2012-violences.pdf", "2012-12", RECS_2012, "Rapport 2012",
                                    ("IGAS N°2012-045R",)))
    yield database
    database.conn.close()


def write_csv(path, rows, header=CSV_COLUMNS, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


GOOD = [
    ("igas-2012-violences.pdf", "1", "Totalement mise en œuvre", "2016-05-12", "Cour des comptes",
     "Plan publié au BO du 3 mai 2016", "2014", ""),
    ("igas-2012-violences", "3", "mise en œuvre incomplète", "2016", "Cour des comptes", "", "2015", "2018"),
    ("IGAS-2012-VIOLENCES.PDF", "R4", "not_implemented", "2016-05", "IGAS (suivi)", "", "", ""),
    ("igas-2012-violences.pdf", "5", "Open", "", "", "", "", ""),
    ("igas-2012-violences.pdf", "6", "Closed – Not Implemented", "2020", "analyste", "", "", ""),
]


@pytest.mark.parametrize("term,status", [
    ("Totalement mise en œuvre", "implemented"),
    ("En cours de mise en œuvre", "in_progress"),
    ("Mise en œuvre en cours", "in_progress"),
    ("Mise en œuvre incomplète", "partially_implemented"),
    ("Partiellement mise en œuvre", "partially_implemented"),
    ("Non mise en œuvre", "not_implemented"),
    ("Devenue sans objet", "no_longer_relevant"),
    ("Refus", "refused"),
    ("Closed – Implemented", "implemented"),
    ("Closed - Not Implemented", "not_implemented"),
    ("Open", "in_progress"),
    ("Open – Partially Addressed", "partially_implemented"),
    ("no_longer_relevant", "no_longer_relevant"),
    ("Peut-être", None),
    ("2016", None),
    ("", None),
])
def test_normalise_status(term, status):
    assert normalise_status(term) == status


@pytest.mark.parametrize("value,ok", [("2016", True), ("2016-05", True), ("2016-05-31", True),
                                      ("2016-13", False), ("2016-02-30", False), ("mai 2016", False),
                                      ("16/05/2016", False)])
def test_parse_date(value, ok):
    assert (parse_date(value) is not None) == ok


def test_import_resolves_reports_numbers_and_terms(db, tmp_path):
    n = import_statuses(db, write_csv(tmp_path / "s.csv", GOOD))
    assert n == 5
    rows = {r["recommendation_id"]: r for r in db["statuses"].rows}
    assert rows[f"{A}:r3"]["status"] == "partially_implemented"
    assert rows[f"{A}:r3"]["source_term"] == "mise en œuvre incomplète"
    assert rows[f"{A}:r3"]["revised_target"] == "2018" and rows[f"{A}:r3"]["method"] == "import"
    assert rows[f"{A}:r4"]["status"] == "not_implemented"
    assert rows[f"{A}:r5"]["as_of"] is None and rows[f"{A}:r5"]["status"] == "in_progress"
    # Importing the same file again replaces, it does not duplicate.
    import_statuses(db, tmp_path / "s.csv")
    assert db["statuses"].count == 5


def test_semicolon_csv_from_a_french_spreadsheet(db, tmp_path):
    path = write_csv(tmp_path / "s.csv", GOOD[:2], delimiter=";")
    assert import_statuses(db, path) == 2


def test_round_trip_import_export_import(db, tmp_path):
    import_statuses(db, write_csv(tmp_path / "in.csv", GOOD))
    assert export_statuses(db, tmp_path / "out.csv") == 5
    first = sorted(db["statuses"].rows, key=lambda r: r["id"])
    db.execute("DELETE FROM statuses")
    import_statuses(db, tmp_path / "out.csv")
    assert sorted(db["statuses"].rows, key=lambda r: r["id"]) == first
    assert export_statuses(db, tmp_path / "out2.csv") == 5
    assert (tmp_path / "out2.csv").read_text() == (tmp_path / "out.csv").read_text()


@pytest.mark.parametrize("row,reason", [
    (("rapport-inconnu.pdf", "1", "Refus", "2016", "", "", "", ""), "unknown report 'rapport-inconnu.pdf'"),
    (("igas-2012-violences.pdf", "42", "Refus", "2016", "", "", "", ""), "unknown recommendation number '42'"),
    (("igas-2012-violences.pdf", "1", "Bientôt", "2016", "", "", "", ""), "unknown status term 'Bientôt'"),
    (("igas-2012-violences.pdf", "1", "Refus", "2016-14-01", "", "", "", ""), "bad date '2016-14-01'"),
    (("igas-2012-violences.pdf", "1", "", "2016", "", "", "", ""), "missing value in column status"),
    (("igas-2012-violences.pdf", "1"), "missing column status"),
])
def test_a_bad_row_rejects_the_whole_file(db, tmp_path, row, reason):
    path = write_csv(tmp_path / "bad.csv", [GOOD[0], row, GOOD[1]])
    with pytest.raises(BadStatusFile) as err:
        import_statuses(db, path)
    assert [p.line for p in err.value.problems] == [3]
    assert reason in str(err.value) and "bad.csv:line 3:" in str(err.value)
    assert db["statuses"].count == 0


def test_missing_header_column_and_every_bad_row_listed(db, tmp_path):
    path = write_csv(tmp_path / "h.csv", [GOOD[0][:2]], header=("report", "number"))
    with pytest.raises(BadStatusFile, match="missing column.*status"):
        read_status_csv(path, db)
    rows = [GOOD[0], ("x.pdf", "1", "Refus", "", "", "", "", ""), GOOD[1],
            ("igas-2012-violences.pdf", "9", "Refus", "2016-00", "", "", "", "")]
    with pytest.raises(BadStatusFile) as err:
        read_status_csv(write_csv(tmp_path / "m.csv", rows), db)
    assert [p.line for p in err.value.problems] == [3, 5]
    assert "unknown recommendation number '9'" in str(err.value) and "bad date '2016-00'" in str(err.value)


def test_cli_import_rejects_with_exit_code_1_and_exports(db, tmp_path):
    db_path = str(tmp_path / "s.db")
    runner = CliRunner()
    bad = write_csv(tmp_path / "bad.csv", [("x.pdf", "1", "Refus", "", "", "", "", "")])
    res = runner.invoke(main, ["status", "import", str(bad), "--db", db_path])
    assert res.exit_code == 1 and "line 2: unknown report 'x.pdf'" in res.output
    good = write_csv(tmp_path / "good.csv", GOOD)
    res = runner.invoke(main, ["status", "import", str(good), "--db", db_path])
    assert res.exit_code == 0, res.output
    out = tmp_path / "out.csv"
    res = runner.invoke(main, ["status", "export", "--db", db_path, "--out", str(out)])
    assert res.exit_code == 0 and len(out.read_text().splitlines()) == 6


STATUS_TABLE = Table(1, "État de mise en œuvre des recommandations du rapport IGAS N°2012-045R", 4, (
    ("Recommandation", "Destinataire", "État de mise en œuvre", "Commentaire"),
    ("Recommandation n° 1", JUSTICE, "Totalement mise en œuvre", "Plan publié en 2016"),
    ("Recommandation n° 2", SDFE, "Mise en œuvre incomplète", ""),
    ("Recommandation n° 3", JUSTICE, "Non mise en œuvre", "Aucun outil commun"),
    ("Recommandation n° 7", SDFE, "Devenue sans objet", ""),
))


def test_follow_up_status_table_gives_statuses(db):
    follow = extraction("ccomptes-2016-suivi.pdf", "2016-02", RECS_2019[5:6], "Suivi 2016",
                        tables=(STATUS_TABLE,))
    fid = add_report(db, follow)
    assert apply_status_tables(db, [fid]) == {fid: A}
    rows = {r["number"]: r for r in db["statuses"].rows}
    assert {k: r["status"] for k, r in rows.items()} == {
        "1": "implemented", "2": "partially_implemented", "3": "not_implemented", "7": "no_longer_relevant"}
    r1 = rows["1"]
    assert (r1["recommendation_id"], r1["assessed_by_report_id"], r1["as_of"], r1["assessed_by"],
            r1["source_term"], r1["evidence"]) == (f"{A}:r1", fid, "2016-02", "Suivi 2016",
                                                   "Totalement mise en œuvre", "Plan publié en 2016")
    hist = db.execute("SELECT latest_status, latest_status_as_of FROM recommendation_history "
                      "WHERE recommendation_id = ?", (f"{A}:r3",)).fetchone()
    assert hist == ("non mise en œuvre", "2016-02")  # the view shows the French label
    # Re-ingesting the follow-up replaces its statuses (models.store deletes them).
    add_report(db, extraction("ccomptes-2016-suivi.pdf", "2016-02", RECS_2019[5:6], "Suivi 2016"))
    assert db["statuses"].count == 0


def test_status_table_resolved_by_series_and_links_follow_up(db):
    from pipeline.link import follow_up_pairs

    table = Table(1, "Suivi des recommandations", 4, STATUS_TABLE.cells[:3])
    db.execute("UPDATE reports SET series = 'violences' WHERE id = ?", (A,))
    fid = add_report(db, extraction("suivi.pdf", "2016-02", RECS_2019[5:6], tables=(table,)), series="violences")
    assert apply_status_tables(db, [fid]) == {fid: A}
    assert (fid, A) in follow_up_pairs(db)


def test_status_table_naming_no_known_report_is_ignored(db):
    table = Table(1, "Suivi du rapport de 2005", 4, STATUS_TABLE.cells)
    fid = add_report(db, extraction("suivi.pdf", "2016-02", RECS_2019[5:6], tables=(table,)))
    assert apply_status_tables(db, [fid]) == {}
    assert db["statuses"].count == 0
