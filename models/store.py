"""Write one report's extraction into the database, atomically.

The per-report write uses plain SQL inside one explicit transaction: sqlite-utils'
insert helpers commit on their own, which would expose a half-written report to a
reader (or leave one behind after a kill).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Sequence

import sqlite_utils

from models.latest import refresh_latest_statuses
from models.records import Extraction
from models.schema import REPORT_TABLES


def report_id_for(file_name: str) -> str:
    """A stable id from the file name: re-ingesting a changed file keeps its id.

    A name with no Latin letter or digit ("отчёт.pdf") gets a short hash of the name, so
    two such files do not share one id.
    """
    stem = re.sub(r"\.pdf$", "", file_name, flags=re.I)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._").lower()
    return slug or f"report-{name_hash(file_name)}"


def name_hash(file_name: str, n: int = 8) -> str:
    return hashlib.sha1(file_name.encode("utf-8", "backslashreplace")).hexdigest()[:n]


_SURROGATES = re.compile("[\ud800-\udfff]")


def valid_text(value):
    """A string SQLite can store as UTF-8: lone surrogates (a damaged text layer) -> U+FFFD."""
    if isinstance(value, str) and _SURROGATES.search(value):
        return _SURROGATES.sub("\ufffd", value)
    return value


def _bbox(b) -> dict:
    if not b:
        return {"x0": None, "top": None, "x1": None, "bottom": None}
    return {"x0": b[0], "top": b[1], "x1": b[2], "bottom": b[3]}


def table_csv(cells: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in cells:
        writer.writerow(row)
    return out.getvalue()


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and re.match(r"^\d{4}", date) else None


def _slug(text: str, limit: int = 40) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:limit].strip("-") or "g"


def recommendation_ids(rid: str, recs: Sequence) -> list[str]:
    """Deterministic ids that never collide: "{report}:r7"; "{report}:{group slug}:r7" where
    numbering restarts per chapter or audited body; "{report}:u3" for the third unnumbered
    recommendation (its ordinal); a repeat gets its position appended ("…:r7-12")."""
    ids: list[str] = []
    taken: set[str] = set()
    for i, r in enumerate(recs):
        if r.number is None:
            base = f"{rid}:u{r.ordinal if r.ordinal is not None else i}"
        elif r.group:
            base = f"{rid}:{_slug(r.group)}:r{r.number}"
        else:
            base = f"{rid}:r{r.number}"
        rec_id = base if base not in taken else f"{base}-{i}"
        taken.add(rec_id)
        ids.append(rec_id)
    return ids


def report_rows(ext: Extraction, pages: Iterable[tuple[int, str | None, str]], backend: str,
                overrides: dict | None = None, report_id: str | None = None) -> dict[str, list[dict]]:
    """All rows of one report, keyed by table name (pure: no database).

    `report_id` is the id ingest allocated (see `allocate_report_id`); by default the
    file name's slug.
    """
    from extractors.numbers import parse_number

    meta = ext.report
    rid = report_id or report_id_for(meta.file_name)
    overrides = overrides or {}
    date = overrides.get("date") or meta.date
    rows: dict[str, list[dict]] = {name: [] for name in REPORT_TABLES}
    rows["reports"] = [{
        "id": rid, "file_name": meta.file_name, "sha256": meta.sha256,
        "title": overrides.get("title") or meta.title,
        "bodies": json.dumps(list(meta.bodies), ensure_ascii=False),
        "report_numbers": json.dumps(list(meta.report_numbers), ensure_ascii=False),
        "date": date, "year": _year(date), "page_count": meta.page_count,
        "series": overrides.get("series"), "url": overrides.get("url"), "backend": backend,
        "status": "partial" if ext.problems else "ok",
        "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }]
    rows["pages"] = [{"id": f"{rid}:p{n}", "report_id": rid, "page": n, "label": label, "text": text}
                     for n, label, text in pages]
    for i, s in enumerate(ext.sections):
        rows["sections"].append({
            "id": f"{rid}:s{i}", "report_id": rid, "position": i, "number": s.number,
            "title": s.title, "level": s.level, "kind": s.kind, "page": s.page,
            "page_end": s.page_end,
            "parent_id": f"{rid}:s{s.parent_index}" if s.parent_index is not None else None,
            "annex_number": s.annex_number, "method": s.method, "text": s.text, **_bbox(s.bbox)})
    for i, f in enumerate(ext.footnotes):
        rows["footnotes"].append({
            "id": f"{rid}:n{i}", "report_id": rid, "position": i, "number": f.number,
            "page": f.page, "text": f.text, "call_page": f.call_page,
            "section_number": f.section_number, **_bbox(f.bbox)})
    for i, t in enumerate(ext.tables):
        cells = [list(r) for r in t.cells]
        rows["report_tables"].append({
            "id": f"{rid}:t{i}", "report_id": rid, "position": i, "number": t.number,
            "label": t.label, "caption": t.caption, "page": t.page, "page_end": t.page_end,
            "source": t.source, "notes": t.notes, "n_rows": len(cells),
            "n_cols": max((len(r) for r in cells), default=0),
            "cells": json.dumps(cells, ensure_ascii=False),
            "values": json.dumps([[parse_number(c) for c in r] for r in cells]),
            "csv": table_csv(cells), **_bbox(t.bbox)})
    for i, g in enumerate(ext.glossary):
        rows["glossary"].append({"id": f"{rid}:g{i}", "report_id": rid, "acronym": g.acronym,
                                 "expansion": g.expansion, "page": g.page})
    rec_ids = recommendation_ids(rid, ext.recommendations)
    by_number: dict[str, str] = {}
    for i, (r, rec_id) in enumerate(zip(ext.recommendations, rec_ids)):
        if r.number is not None:
            by_number.setdefault(str(r.number), rec_id)
        rows["recommendations"].append({
            "id": rec_id, "report_id": rid, "position": i,
            "number": None if r.number is None else str(r.number),
            "label": r.label, "text": r.text, "summary_text": r.summary_text, "owner": r.owner,
            "page": r.page, "summary_page": r.summary_page, "theme": r.theme,
            "section_number": r.section_number, "priority": r.priority, "deadline": r.deadline,
            "method": r.method, "group": r.group, "ordinal": r.ordinal, **_bbox(r.bbox or r.summary_bbox)})
    owners: dict[str, dict] = {}
    owner_row_ids: set[str] = set()
    for ref in ext.owner_refs:
        if ref.recommendation_position is not None and ref.recommendation_position < len(rec_ids):
            rec_id = rec_ids[ref.recommendation_position]
        else:
            rec_id = by_number.get(str(ref.recommendation_number))
        if rec_id is None:
            continue
        owners.setdefault(ref.key, {"id": ref.key, "label": ref.label, "acronym": ref.acronym,
                                    "parent": ref.parent})
        # Unnumbered recommendations share the number None: keep their rows apart
        # (OFNAC 2021, three addressed to the Gouvernement) rather than fail the report.
        row_id = f"{rec_id}:o{ref.position}"
        while row_id in owner_row_ids:
            row_id += "+"
        owner_row_ids.add(row_id)
        rows["recommendation_owners"].append({
            "id": row_id, "recommendation_id": rec_id, "owner_id": ref.key,
            "report_id": rid, "as_printed": ref.as_printed, "position": ref.position})
    rows["owners"] = list(owners.values())
    for i, e in enumerate(ext.earlier_recommendations):
        rows["earlier_recommendations"].append({
            "id": f"{rid}:e{i}", "report_id": rid, "position": i,
            "number": None if e.number is None else str(e.number), "text": e.text, "owner": e.owner,
            "page": e.page, "status": e.status, "status_term": e.status_term, "cites": e.cites,
            "group_name": e.group, "recommendation_id": None, **_bbox(e.bbox)})
    for i, p in enumerate(ext.problems):
        rows["quality"].append({"id": f"{rid}:q{i}", "report_id": rid, "kind": p.kind,
                                "subject": p.subject, "page": p.page, "message": p.message})
    return rows


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict], replace: bool = False) -> None:
    if not rows:
        return
    cols = list(rows[0].keys())
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    sql = f"{verb} INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' for _ in cols)})"
    conn.executemany(sql, [tuple(valid_text(r.get(c)) for c in cols) for r in rows])


def write_report(db: sqlite_utils.Database, rows: dict[str, list[dict]]) -> None:
    """Replace one report's rows in a single transaction: all of it lands, or none."""
    conn = db.conn
    rid = rows["reports"][0]["id"]
    conn.execute("BEGIN IMMEDIATE")
    try:
        _delete_report_rows(conn, rid)
        _insert(conn, "reports", rows["reports"], replace=True)
        for table in ("pages", "sections", "footnotes", "report_tables", "glossary",
                      "recommendations", "earlier_recommendations"):
            _insert(conn, table, rows.get(table, []))
        _insert(conn, "owners", rows.get("owners", []), replace=True)
        _insert(conn, "recommendation_owners", rows.get("recommendation_owners", []))
        _insert(conn, "quality", rows.get("quality", []))
        # Its latest statuses and addressee rows land with the report (models/latest.py).
        refresh_latest_statuses(conn, [r["id"] for r in rows.get("recommendations", [])], scorecard=False)
        conn.execute("DELETE FROM failures WHERE file_name = ?", (rows["reports"][0]["file_name"],))
        # linking runs after the batch; until it has, the report is pending (see ingest)
        conn.execute("INSERT OR REPLACE INTO pending_links (report_id, since) VALUES (?, ?)",
                     (rid, rows["reports"][0].get("ingested_at")))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _delete_report_rows(conn: sqlite3.Connection, rid: str) -> None:
    """Remove what a previous ingest of this report wrote (statuses imported by users stay)."""
    conn.execute("DELETE FROM recommendation_links WHERE from_id IN (SELECT id FROM recommendations WHERE report_id = ?)"
                 " OR to_id IN (SELECT id FROM recommendations WHERE report_id = ?)", (rid, rid))
    conn.execute("DELETE FROM statuses WHERE assessed_by_report_id = ?", (rid,))
    conn.execute("UPDATE sections SET parent_id = NULL WHERE report_id = ?", (rid,))
    for table in REPORT_TABLES:
        conn.execute(f"DELETE FROM [{table}] WHERE report_id = ?", (rid,))


def record_failure(db: sqlite_utils.Database, file_name: str, sha256: str | None, reason: str) -> None:
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("INSERT OR REPLACE INTO failures (file_name, sha256, reason, at) VALUES (?, ?, ?, ?)",
                     (valid_text(file_name), sha256, valid_text(reason),
                      datetime.now(timezone.utc).isoformat(timespec="seconds")))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def known_hashes(db: sqlite_utils.Database) -> dict[str, str]:
    """file_name -> sha256 of the reports already stored."""
    return {row[0]: row[1] for row in db.execute("SELECT file_name, sha256 FROM reports")}


def pending_links(db: sqlite_utils.Database) -> list[str]:
    """Reports written whose links and status tables are not computed yet (sorted)."""
    return [r for (r,) in db.execute("SELECT report_id FROM pending_links WHERE report_id IN "
                                     "(SELECT id FROM reports) ORDER BY report_id")]


def mark_linked(db: sqlite_utils.Database, report_ids: Iterable[str]) -> None:
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany("DELETE FROM pending_links WHERE report_id = ?", [(r,) for r in report_ids])
        conn.execute("DELETE FROM pending_links WHERE report_id NOT IN (SELECT id FROM reports)")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


@dataclass(frozen=True)
class StoredReport:
    """What ingest needs to know of a report already in the database."""

    id: str
    file_name: str
    sha256: str
    path: str | None
    duplicate_of: str | None


def stored_reports(db: sqlite_utils.Database) -> dict[str, StoredReport]:
    """file_name -> the report stored under it."""
    return {r[1]: StoredReport(*r) for r in db.execute(
        "SELECT id, file_name, sha256, path, duplicate_of FROM reports "
        "WHERE file_name IS NOT NULL AND COALESCE(status, '') != 'stub'")}


def report_ids(db: sqlite_utils.Database) -> set[str]:
    """Every report id taken, stubs of cited reports included (pipeline.earlier)."""
    return {r for (r,) in db.execute("SELECT id FROM reports")}
