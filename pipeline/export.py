"""CSV exports: one file per table (and view), and the flat recommendation tracker; UTF-8.

`excel=True` writes UTF-8 with a BOM and ';' separators, which French spreadsheet
software opens without an import dialog.
"""
from __future__ import annotations

from pathlib import Path

import sqlite_utils

from models.schema import TABLES
from pipeline.csv_io import write_csv


def export_tables(db_path: str, out_dir: str, excel: bool = False) -> list[Path]:
    """Write every table as CSV; `excel` adds a BOM and uses ';' for French spreadsheets."""
    if not Path(db_path).exists():
        raise FileNotFoundError(f"{db_path}: no such database (run `suivi ingest` first)")
    db = sqlite_utils.Database(db_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    names = [t for t in TABLES if t in db.table_names()] + [v for v in db.view_names()]
    for name in names:
        path = out / f"{name}.csv"
        write_query_csv(db, f"SELECT * FROM [{name}]", path, excel)
        written.append(path)
    if "recommendations" in names:
        path = out / TRACKER_FILE
        write_query_csv(db, TRACKER_SQL, path, excel)
        written.append(path)
    db.conn.close()
    return written


TRACKER_FILE = "suivi_des_recommandations.csv"
# One row per recommendation: where it comes from, to whom, what it says, where it is
# printed, and its latest known status (statuses ordered by date, then id).
TRACKER_SQL = """
WITH latest AS (
  SELECT recommendation_id, status, as_of, assessed_by,
         ROW_NUMBER() OVER (PARTITION BY recommendation_id ORDER BY as_of DESC, id DESC) AS k
  FROM statuses)
SELECT r.report_id AS rapport, rep.title AS titre_du_rapport, rep.year AS annee,
       r.number AS numero, r.owner AS destinataire, COALESCE(r.text, r.summary_text) AS texte,
       r.page AS page, r.summary_page AS page_recapitulatif,
       COALESCE(l.status, 'unknown') AS dernier_statut, l.as_of AS statut_au,
       l.assessed_by AS statut_evalue_par, r.id AS identifiant
FROM recommendations r
JOIN reports rep ON rep.id = r.report_id
LEFT JOIN latest l ON l.recommendation_id = r.id AND l.k = 1
ORDER BY rep.year, r.report_id, r.position"""


def export_tracker(db_path: str, out_path: str, excel: bool = False) -> Path:
    """The flat recommendation tracker (one row per recommendation, latest status) as CSV."""
    if not Path(db_path).exists():
        raise FileNotFoundError(f"{db_path}: no such database (run `suivi ingest` first)")
    db = sqlite_utils.Database(db_path)
    try:
        path = Path(out_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_query_csv(db, TRACKER_SQL, path, excel)
    finally:
        db.conn.close()
    return path


def write_query_csv(db: sqlite_utils.Database, sql: str, path: Path, excel: bool = False) -> None:
    """The query's rows as CSV, formula-like cells neutralised (pipeline.csv_io)."""
    cursor = db.execute(sql)
    write_csv(path, [d[0] for d in cursor.description], cursor, excel)
