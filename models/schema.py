"""Contract 2: the SQLite schema, created and migrated with sqlite-utils.

Every table keys rows by deterministic ids derived from the report id (the file name's
stem), so re-ingesting is idempotent and status observations imported by a user keep
pointing at the same recommendation when a changed PDF replaces its report.
"""
from __future__ import annotations

import sqlite3
import time

import sqlite_utils

SCHEMA_VERSION = 4  # 2: report ids, duplicates, pending links; 3: earlier_recommendations, link kinds;
#                     4: recommendations.group and .ordinal; latest statuses, addressee rows and
#                        scorecard kept as tables, stemmed search, facet indexes
FTS_TOKENIZE = "unicode61 remove_diacritics 2"

BBOX = {"x0": float, "top": float, "x1": float, "bottom": float}

TABLES: dict[str, dict] = {
    "reports": dict(
        columns={"id": str, "file_name": str, "sha256": str, "title": str, "bodies": str,
                 "report_numbers": str, "date": str, "year": int, "page_count": int,
                 "series": str, "url": str, "backend": str, "status": str,
                 "ingested_at": str, "path": str, "file_name_bytes": str,
                 "duplicate_of": str},
        pk="id",
    ),
    "pages": dict(
        columns={"id": str, "report_id": str, "page": int, "label": str, "text": str},
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
    ),
    "sections": dict(
        columns={"id": str, "report_id": str, "position": int, "number": str, "title": str,
                 "level": int, "kind": str, "page": int, "page_end": int, "parent_id": str,
                 "annex_number": int, "method": str, "text": str, **BBOX},
        pk="id",
        foreign_keys=[("report_id", "reports", "id"), ("parent_id", "sections", "id")],
    ),
    "footnotes": dict(
        columns={"id": str, "report_id": str, "position": int, "number": int, "page": int,
                 "text": str, "call_page": int, "section_number": str, **BBOX},
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
    ),
    "report_tables": dict(
        columns={"id": str, "report_id": str, "position": int, "number": int, "label": str,
                 "caption": str, "page": int, "page_end": int, "source": str, "notes": str,
                 "n_rows": int, "n_cols": int, "cells": str, "values": str, "csv": str, **BBOX},
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
    ),
    "glossary": dict(
        columns={"id": str, "report_id": str, "acronym": str, "expansion": str, "page": int},
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
    ),
    "recommendations": dict(
        columns={"id": str, "report_id": str, "position": int, "number": str, "label": str,
                 "text": str, "summary_text": str, "owner": str, "page": int,
                 "summary_page": int, "theme": str, "section_number": str, "priority": str,
                 "deadline": str, "method": str, "group": str, "ordinal": int, **BBOX},
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
    ),
    # Recommendations of earlier reports that a follow-up report reprints with a status
    # (contract 1 `earlier_recommendations`); `recommendation_id` is the recommendation
    # they were matched to: the earlier report's own, or a stub's (pipeline.earlier).
    "earlier_recommendations": dict(
        columns={"id": str, "report_id": str, "position": int, "number": str, "text": str,
                 "owner": str, "page": int, "status": str, "status_term": str, "cites": str,
                 "group_name": str, "recommendation_id": str, **BBOX},
        pk="id",
        foreign_keys=[("report_id", "reports", "id"), ("recommendation_id", "recommendations", "id")],
    ),
    "owners": dict(
        columns={"id": str, "label": str, "acronym": str, "parent": str},
        pk="id",
    ),
    "recommendation_owners": dict(
        columns={"id": str, "recommendation_id": str, "owner_id": str, "report_id": str,
                 "as_printed": str, "position": int},
        pk="id",
        foreign_keys=[("recommendation_id", "recommendations", "id"), ("owner_id", "owners", "id"),
                      ("report_id", "reports", "id")],
    ),
    "quality": dict(
        columns={"id": str, "report_id": str, "kind": str, "subject": str, "page": int,
                 "message": str},
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
    ),
    "statuses": dict(
        columns={"id": str, "recommendation_id": str, "report_id": str, "number": str,
                 "status": str, "source_term": str, "as_of": str, "assessed_by": str,
                 "assessed_by_report_id": str, "evidence": str, "original_target": str,
                 "revised_target": str, "method": str},
        pk="id",
        foreign_keys=[("recommendation_id", "recommendations", "id"), ("report_id", "reports", "id")],
    ),
    "recommendation_links": dict(
        columns={"id": str, "from_id": str, "to_id": str, "kind": str, "similarity": float,
                 "method": str},
        pk="id",
        foreign_keys=[("from_id", "recommendations", "id"), ("to_id", "recommendations", "id")],
    ),
    "failures": dict(
        columns={"file_name": str, "sha256": str, "reason": str, "at": str},
        pk="file_name",
    ),
    # reports written but not yet linked: an interrupted ingest finishes them next run
    "pending_links": dict(
        columns={"report_id": str, "since": str},
        pk="report_id",
    ),
    # size and mtime of each file ingested: an unchanged file is skipped without hashing
    "file_stats": dict(
        columns={"file_name": str, "size": int, "mtime_ns": int, "sha256": str},
        pk="file_name",
    ),
}

FTS_COLUMNS = {
    "pages": ["text"],
    "sections": ["title", "text"],
    "recommendations": ["text", "summary_text", "owner"],
    "footnotes": ["text"],
    "report_tables": ["caption", "csv"],
}

INDEXES = [
    ("pages", ["report_id"]), ("sections", ["report_id"]), ("footnotes", ["report_id"]),
    ("report_tables", ["report_id"]), ("glossary", ["report_id"]), ("recommendations", ["report_id"]),
    ("recommendation_owners", ["recommendation_id"]), ("recommendation_owners", ["owner_id"]),
    ("recommendation_owners", ["report_id"]), ("quality", ["report_id"]),
    ("statuses", ["recommendation_id"]), ("statuses", ["assessed_by_report_id"]),
    ("earlier_recommendations", ["report_id"]), ("reports", ["sha256"]), ("recommendation_links", ["from_id"]),
    ("recommendation_links", ["to_id"]),
    # facets and lookups of the pages (pipeline/datasette)
    ("recommendations", ["theme"]), ("recommendations", ["method"]), ("owners", ["parent"]),
    ("owners", ["label"]), ("reports", ["year"]), ("sections", ["report_id", "kind"]),
]

# Tables whose rows all belong to one report and are rewritten when it is re-ingested.
REPORT_TABLES = ("pages", "sections", "footnotes", "report_tables", "glossary",
                 "recommendation_owners", "quality", "earlier_recommendations", "recommendations")


def open_db(path: str) -> sqlite_utils.Database:
    """Open (creating or migrating) a suivi database; WAL so Datasette can read during ingest."""
    db = sqlite_utils.Database(path)
    # Explicit transactions only (see models.store). Foreign keys are declared for
    # Datasette's labels but not enforced: statuses a user imported must survive the
    # replacement of their report's rows.
    db.conn.isolation_level = None
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if path != ":memory:":
        _enable_wal(db)
    migrate(db)
    return db


def _enable_wal(db: sqlite_utils.Database) -> None:
    """Switch a new file to WAL, waiting for another process that holds it.

    SQLite does not call the busy handler for a journal-mode change: while a second ingest
    started at the same moment creates the schema, `PRAGMA journal_mode = wal` fails at
    once with "database is locked". So it is retried, up to the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.01
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode = wal")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


BUSY_TIMEOUT_MS = 60000  # a second ingest waits this long for the first one's write


def _up_to_date(db: sqlite_utils.Database) -> bool:
    from models.views import VIEWS

    if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
        return False
    stored = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    return all(stored.get(name) == _view_sql(name, sql) for name, sql in VIEWS.items())


def _view_sql(name: str, sql: str) -> str:
    return f"CREATE VIEW [{name}] AS {sql}"


def migrate(db: sqlite_utils.Database) -> None:
    """Create or upgrade the schema under a write lock.

    Two ingests started together on a new file must not both create tables: the second
    one waits on BEGIN IMMEDIATE (busy timeout), then finds the schema current.
    """
    if _up_to_date(db):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            _create_tables(db)
            _derived(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        _create_views(db)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _create_tables(db: sqlite_utils.Database) -> None:
    for name, spec in TABLES.items():
        table = db[name]
        if table.exists():  # a database of an earlier version: add the new columns
            have = set(table.columns_dict)
            for col, kind in spec["columns"].items():
                if col not in have:
                    table.add_column(col, kind)
            continue
        table.create(spec["columns"], pk=spec["pk"], foreign_keys=spec.get("foreign_keys"),
                     if_not_exists=True)
    for table, cols in INDEXES:
        db[table].create_index(cols, if_not_exists=True)
    for table, cols in FTS_COLUMNS.items():
        if not db[table].detect_fts():
            db[table].enable_fts(cols, tokenize=FTS_TOKENIZE, create_triggers=True)


def _create_views(db: sqlite_utils.Database) -> None:
    """Views are recreated only when their SQL changed: opening a database writes nothing."""
    from models.views import VIEWS

    stored = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    for name, sql in VIEWS.items():
        if stored.get(name) != _view_sql(name, sql):
            db.execute(f"DROP VIEW IF EXISTS [{name}]")
            db.execute(_view_sql(name, sql))


def _derived(db: sqlite_utils.Database) -> None:
    """The tables kept from the others (latest statuses, addressee rows, scorecard: filled
    when new) and the stemmed search indexes; in the caller's transaction."""
    from models.latest import create_latest_tables, refresh_latest_statuses
    from models.search import create_stem_indexes

    if create_latest_tables(db.conn):
        refresh_latest_statuses(db.conn)
    create_stem_indexes(db.conn)
