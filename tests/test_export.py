"""CSV exports: full tables and the flat recommendation tracker, plain and --excel."""
from __future__ import annotations

import csv
import sqlite3

import pytest
from click.testing import CliRunner

from models.latest import STATUS_LABELS
from pipeline.cli import main
from pipeline.export import TRACKER_FILE, export_tables, export_tracker
from tests.test_publish import latest_status, published  # noqa: F401  (session fixture)


def read_csv(path, excel=False):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") is excel
    text = raw.decode("utf-8-sig")
    return list(csv.DictReader(text.splitlines(), delimiter=";" if excel else ","))


@pytest.mark.parametrize("excel", [False, True])
def test_tracker_has_one_row_per_recommendation_with_latest_status(published, tmp_path, excel):
    path = export_tracker(str(published.path), str(tmp_path / "t.csv"), excel=excel)
    rows = read_csv(path, excel)
    expected = {f"{rid}:r{r.number}": (rid, str(r.number), r.owner or "", r.text or "", str(r.page))
                for rid, ext in published.extractions.items() for r in ext.recommendations}
    assert {r["identifiant"]: (r["rapport"], r["numero"], r["destinataire"], r["texte"], r["page"])
            for r in rows} == expected
    assert len(rows) == len(expected)
    for r in rows:
        assert r["dernier_statut"] == STATUS_LABELS[latest_status(published, r["identifiant"])]
        assert r["annee"] == published.years[r["rapport"]]
    assert list(rows[0]) == ["rapport", "titre_du_rapport", "annee", "groupe", "numero", "destinataire", "texte",
                             "page", "page_recapitulatif", "dernier_statut", "statut_au",
                             "statut_evalue_par", "echeance", "identifiant"]


def test_export_tables_writes_every_table_and_the_tracker(published, tmp_path):
    written = export_tables(str(published.path), str(tmp_path), excel=True)
    names = {p.name for p in written}
    assert {"reports.csv", "recommendations.csv", "footnotes.csv", "recommendations_by_owner.csv",
            TRACKER_FILE} <= names
    conn = sqlite3.connect(published.path)
    n = conn.execute("SELECT COUNT(*) FROM footnotes").fetchone()[0]
    rows = read_csv(tmp_path / "footnotes.csv", excel=True)
    assert len(rows) == n > 0
    assert {r["text"] for r in rows} == {t for (t,) in conn.execute("SELECT text FROM footnotes")}


def test_cli_export_tracker_only(published, tmp_path):
    result = CliRunner().invoke(main, ["export", "--db", str(published.path), "--out", str(tmp_path),
                                       "--tracker", "--excel"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == [TRACKER_FILE]
    assert read_csv(tmp_path / TRACKER_FILE, excel=True)


def test_cli_export_missing_db_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 2 and "nope.db: no such database" in result.output
