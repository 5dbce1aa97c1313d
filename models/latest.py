"""The latest status of every recommendation, kept in a table rather than recomputed.

Ranking `statuses` with a window function on every page made the history view and the
scorecard take seconds at 1,000 reports. `latest_statuses` holds one row per
recommendation (status `unknown` when nothing was observed), with the French label, so
pages, facets and exports read it directly. Ingest and `suivi status import` call
`refresh_latest_statuses` after they write; the codes stay in `statuses.status`.

`status_labels` holds the French label of each code (data, written at migration), so SQL
views and a user's own queries can show French words too.
"""
from __future__ import annotations

import sqlite3
from typing import Iterable

# code -> French label, in the order pages list them.
STATUS_LABELS: dict[str, str] = {
    "implemented": "mise en œuvre",
    "partially_implemented": "partiellement mise en œuvre",
    "in_progress": "en cours",
    "not_implemented": "non mise en œuvre",
    "refused": "refusée",
    "no_longer_relevant": "devenue sans objet",
    "unknown": "inconnu",
}
# "Ouvertes": something remains to be done and nobody said it will not be.
OPEN_STATUSES = ("not_implemented", "in_progress", "partially_implemented")

LATEST_TABLE = "latest_statuses"
LATEST_COLUMNS = {
    "recommendation_id": str, "report_id": str, "status": str, "statut": str,
    "is_open": int, "source_term": str, "as_of": str, "assessed_by": str,
    "assessed_by_report_id": str, "evidence": str, "target": str, "n_statuses": int,
}
LATEST_INDEXES = (["report_id"], ["status"], ["statut"], ["is_open"])

_SELECT = """
SELECT r.id, r.report_id, COALESCE(s.status, 'unknown'),
       COALESCE(lab.label, COALESCE(s.status, 'unknown')),
       COALESCE(s.status, 'unknown') IN ({open}),
       s.source_term, s.as_of, s.assessed_by, s.assessed_by_report_id, s.evidence,
       COALESCE(s.revised_target, s.original_target, r.deadline),
       (SELECT COUNT(*) FROM statuses c WHERE c.recommendation_id = r.id)
FROM recommendations r
LEFT JOIN statuses s ON s.id = (
  SELECT s2.id FROM statuses s2 WHERE s2.recommendation_id = r.id
  ORDER BY s2.as_of DESC, s2.id DESC LIMIT 1)
LEFT JOIN status_labels lab ON lab.code = COALESCE(s.status, 'unknown')
{where}"""


def create_latest_tables(conn: sqlite3.Connection) -> bool:
    """Create `status_labels` and `latest_statuses` if missing; True when created now."""
    conn.execute("CREATE TABLE IF NOT EXISTS status_labels (code TEXT PRIMARY KEY, label TEXT, "
                 "rank INTEGER, is_open INTEGER)")
    conn.executemany("INSERT OR REPLACE INTO status_labels (code, label, rank, is_open) VALUES (?, ?, ?, ?)",
                     [(c, lab, i, int(c in OPEN_STATUSES)) for i, (c, lab) in enumerate(STATUS_LABELS.items())])
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                          (LATEST_TABLE,)).fetchone()
    if exists:
        return False
    cols = ", ".join(f"[{c}] {'INTEGER' if t is int else 'TEXT'}"
                     + (" PRIMARY KEY" if c == "recommendation_id" else "")
                     for c, t in LATEST_COLUMNS.items())
    conn.execute(f"CREATE TABLE [{LATEST_TABLE}] ({cols}, FOREIGN KEY(recommendation_id) "
                 "REFERENCES recommendations(id), FOREIGN KEY(report_id) REFERENCES reports(id))")
    for cols_ in LATEST_INDEXES:
        name = f"idx_{LATEST_TABLE}_{'_'.join(cols_)}"
        conn.execute(f"CREATE INDEX IF NOT EXISTS [{name}] ON [{LATEST_TABLE}] ({', '.join(cols_)})")
    return True


def refresh_latest_statuses(conn: sqlite3.Connection,
                            recommendation_ids: Iterable[str] | None = None) -> None:
    """Recompute the latest status of these recommendations (all when None).

    Runs in the caller's transaction when one is open, else in its own. Rows of
    recommendations that no longer exist are dropped on a full refresh.
    """
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        open_codes = ", ".join(f"'{c}'" for c in OPEN_STATUSES)
        insert = f"INSERT OR REPLACE INTO [{LATEST_TABLE}] ({', '.join(LATEST_COLUMNS)}) "
        if recommendation_ids is None:
            conn.execute(f"DELETE FROM [{LATEST_TABLE}]")
            conn.execute(insert + _SELECT.format(open=open_codes, where=""))
        else:
            ids = list(dict.fromkeys(recommendation_ids))
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                marks = ", ".join("?" for _ in chunk)
                conn.execute(f"DELETE FROM [{LATEST_TABLE}] WHERE recommendation_id IN ({marks})", chunk)
                conn.execute(insert + _SELECT.format(open=open_codes, where=f"WHERE r.id IN ({marks})"),
                             chunk)
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise


def refresh_reports(conn: sqlite3.Connection, report_ids: Iterable[str]) -> None:
    """The latest statuses of every recommendation of these reports (after an ingest)."""
    report_ids = list(report_ids)
    if not report_ids:
        return
    marks = ", ".join("?" for _ in report_ids)
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        # Rows of recommendations a re-ingest removed go first.
        conn.execute(f"DELETE FROM [{LATEST_TABLE}] WHERE report_id IN ({marks}) AND recommendation_id "
                     "NOT IN (SELECT id FROM recommendations)", report_ids)
        ids = [r for (r,) in conn.execute(f"SELECT id FROM recommendations WHERE report_id IN ({marks})",
                                          report_ids)]
        refresh_latest_statuses(conn, ids)
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise
