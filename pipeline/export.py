"""CSV exports: one file per table (and view), and the flat recommendation tracker; UTF-8.

`excel=True` writes UTF-8 with a BOM and ';' separators, which French spreadsheet
software opens without an import dialog.
"""
from __future__ import annotations

from pathlib import Path

import sqlite_utils

from models.latest import DERIVED_TABLES
from models.schema import TABLES, open_db
from pipeline.csv_io import write_csv
from pipeline.tracker import TRACKER_FILE, TRACKER_SQL  # noqa: F401  (public names)


def export_tables(db_path: str, out_dir: str, excel: bool = False) -> list[Path]:
    """Write every table as CSV; `excel` adds a BOM and uses ';' for French spreadsheets."""
    if not Path(db_path).exists():
        raise FileNotFoundError(f"{db_path}: no such database (run `suivi ingest` first)")
    db = open_db(db_path)  # migrated: the tracker reads latest_statuses
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    present = set(db.table_names())
    names = ([t for t in (*TABLES, *DERIVED_TABLES) if t in present]
             + [v for v in db.view_names()])
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


def export_tracker(db_path: str, out_path: str, excel: bool = False) -> Path:
    """The flat recommendation tracker (one row per recommendation, latest status) as CSV."""
    if not Path(db_path).exists():
        raise FileNotFoundError(f"{db_path}: no such database (run `suivi ingest` first)")
    db = open_db(db_path)
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
