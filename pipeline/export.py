"""CSV exports: one file per table (and view), UTF-8."""
from __future__ import annotations

import csv
from pathlib import Path

import sqlite_utils

from models.schema import TABLES


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
    db.conn.close()
    return written


def write_query_csv(db: sqlite_utils.Database, sql: str, path: Path, excel: bool = False) -> None:
    cursor = db.execute(sql)
    header = [d[0] for d in cursor.description]
    encoding = "utf-8-sig" if excel else "utf-8"
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=";" if excel else ",")
        writer.writerow(header)
        for row in cursor:
            writer.writerow(row)
