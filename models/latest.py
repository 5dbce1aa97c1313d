"""The latest status of every recommendation, kept in a table rather than recomputed.

Ranking `statuses` with a window function on every page made the history view and the
scorecard take seconds at 1,000 reports. `latest_statuses` holds one row per
recommendation (status `unknown` when nothing was observed), with the French label, so
pages, facets and exports read it directly. Ingest and `suivi status import` call
`refresh_latest_statuses` after they write; the codes stay in `statuses.status`.

`status_labels` holds the French label of each code (data, written at migration), so SQL
views and a user's own queries can show French words too.

`recommendations_by_owner` (one row per recommendation and addressee, with the ministry
it rolls up into, the report year and the latest status) and `owner_scorecard` (per
ministry: counts by status and the implementation rate) are kept the same way: as views
they scanned every row on every page.

Implementation rate (Cour des comptes' convention): implemented + partially implemented
among assessed recommendations; "devenue sans objet" and those without status are not
assessed.
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
# The tables this module keeps (exports list them with the others).
DERIVED_TABLES = ("latest_statuses", "recommendations_by_owner", "owner_scorecard")
LATEST_COLUMNS = {
    "recommendation_id": str, "report_id": str, "status": str, "statut": str,
    "is_open": int, "source_term": str, "as_of": str, "assessed_by": str,
    "assessed_by_report_id": str, "evidence": str, "target": str, "n_statuses": int,
}
LATEST_INDEXES = (["report_id"], ["status"], ["statut"], ["is_open"])

BY_OWNER_TABLE = "recommendations_by_owner"
BY_OWNER_COLUMNS = {
    "owner": "TEXT", "ministry": "TEXT", "report_id": "TEXT", "year": "INTEGER", "number": "",
    "text": "TEXT", "page": "INTEGER", "theme": "TEXT", "status": "TEXT",
    "recommendation_id": "TEXT", "owner_id": "TEXT", "position": "INTEGER",
}
BY_OWNER_INDEXES = (["ministry"], ["owner"], ["year"], ["status"], ["report_id"], ["owner_id"],
                    ["recommendation_id"], ["year", "report_id", "position"])
# A recommendation number as an integer when it is one, so that 2 sorts before 10;
# printed labels ("018/14") stay text and sort after the numbers.
NUMBER = ("CASE WHEN r.number GLOB '[0-9]*' AND r.number NOT GLOB '*[^0-9]*' "
          "THEN CAST(r.number AS INTEGER) ELSE r.number END")
SCORECARD_TABLE = "owner_scorecard"
# Directorates rolled up into their ministry (recommendations_by_owner.ministry).
_SCORECARD = """
WITH per_rec AS (
  SELECT DISTINCT b.ministry, b.recommendation_id, b.report_id,
         COALESCE(ls.status, 'unknown') AS status
  FROM recommendations_by_owner b
  LEFT JOIN latest_statuses ls ON ls.recommendation_id = b.recommendation_id)
SELECT ministry AS owner,
       COUNT(*) AS recommendations, COUNT(DISTINCT report_id) AS reports,
       SUM(status = 'implemented') AS implemented,
       SUM(status = 'partially_implemented') AS partially_implemented,
       SUM(status = 'in_progress') AS in_progress,
       SUM(status = 'not_implemented') AS not_implemented,
       SUM(status = 'refused') AS refused,
       SUM(status = 'no_longer_relevant') AS no_longer_relevant,
       SUM(status = 'unknown') AS unknown,
       SUM(status NOT IN ('unknown', 'no_longer_relevant')) AS assessed,
       CASE WHEN SUM(status NOT IN ('unknown', 'no_longer_relevant')) > 0
            THEN ROUND(100.0 * SUM(status IN ('implemented', 'partially_implemented'))
                       / SUM(status NOT IN ('unknown', 'no_longer_relevant')), 1) END AS rate
FROM per_rec
GROUP BY ministry
ORDER BY recommendations DESC, ministry"""
_SCORECARD_COLUMNS = ("owner", "recommendations", "reports", "implemented", "partially_implemented",
                      "in_progress", "not_implemented", "refused", "no_longer_relevant", "unknown",
                      "assessed", "rate")

_BY_OWNER_SELECT = f"""
SELECT o.label, COALESCE(o.parent, o.label, ro.owner_id), r.report_id, rep.year, {NUMBER},
       COALESCE(r.text, r.summary_text), r.page, r.theme, COALESCE(ls.statut, 'inconnu'), r.id, ro.owner_id,
       r.position
FROM recommendation_owners ro
JOIN recommendations r ON r.id = ro.recommendation_id
JOIN reports rep ON rep.id = r.report_id
LEFT JOIN owners o ON o.id = ro.owner_id
LEFT JOIN latest_statuses ls ON ls.recommendation_id = r.id
{{where}}
ORDER BY rep.year, r.report_id, r.position, ro.position"""

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
    have = {n: t for n, t in conn.execute("SELECT name, type FROM sqlite_master")}
    created = False
    if have.get(BY_OWNER_TABLE) != "table":
        conn.execute(f"DROP VIEW IF EXISTS [{BY_OWNER_TABLE}]")  # a view before
        cols = ", ".join(f"[{c}] {t}".strip() for c, t in BY_OWNER_COLUMNS.items())
        conn.execute(f"CREATE TABLE [{BY_OWNER_TABLE}] ({cols}, FOREIGN KEY(report_id) REFERENCES "
                     "reports(id), FOREIGN KEY(recommendation_id) REFERENCES recommendations(id))")
        for cols_ in BY_OWNER_INDEXES:
            conn.execute(f"CREATE INDEX [idx_{BY_OWNER_TABLE}_{'_'.join(cols_)}] ON [{BY_OWNER_TABLE}] "
                         f"({', '.join(cols_)})")
        created = True
    if have.get(SCORECARD_TABLE) != "table":
        conn.execute(f"DROP VIEW IF EXISTS [{SCORECARD_TABLE}]")  # a view before
        cols = ", ".join(f"[{c}] " + ("TEXT PRIMARY KEY" if c == "owner" else "REAL" if c == "rate"
                                      else "INTEGER") for c in _SCORECARD_COLUMNS)
        conn.execute(f"CREATE TABLE [{SCORECARD_TABLE}] ({cols})")
        created = True
    if have.get(LATEST_TABLE) == "table":
        return created
    cols = ", ".join(f"[{c}] {'INTEGER' if t is int else 'TEXT'}"
                     + (" PRIMARY KEY" if c == "recommendation_id" else "")
                     for c, t in LATEST_COLUMNS.items())
    conn.execute(f"CREATE TABLE [{LATEST_TABLE}] ({cols}, FOREIGN KEY(recommendation_id) "
                 "REFERENCES recommendations(id), FOREIGN KEY(report_id) REFERENCES reports(id))")
    for cols_ in LATEST_INDEXES:
        name = f"idx_{LATEST_TABLE}_{'_'.join(cols_)}"
        conn.execute(f"CREATE INDEX IF NOT EXISTS [{name}] ON [{LATEST_TABLE}] ({', '.join(cols_)})")
    return True


def refresh_latest_statuses(conn: sqlite3.Connection, recommendation_ids: Iterable[str] | None = None,
                            scorecard: bool = True) -> None:
    """Recompute the latest status and the addressee rows of these recommendations (all
    when None), then the scorecard (unless `scorecard` is False: a caller writing many
    reports refreshes it once at the end).

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
            conn.execute(f"DELETE FROM [{BY_OWNER_TABLE}]")
            conn.execute(f"INSERT INTO [{BY_OWNER_TABLE}] ({', '.join(BY_OWNER_COLUMNS)}) "
                         + _BY_OWNER_SELECT.format(where=""))
        else:
            ids = list(dict.fromkeys(recommendation_ids))
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                marks = ", ".join("?" for _ in chunk)
                conn.execute(f"DELETE FROM [{LATEST_TABLE}] WHERE recommendation_id IN ({marks})", chunk)
                conn.execute(insert + _SELECT.format(open=open_codes, where=f"WHERE r.id IN ({marks})"),
                             chunk)
                conn.execute(f"DELETE FROM [{BY_OWNER_TABLE}] WHERE recommendation_id IN ({marks})", chunk)
                conn.execute(f"INSERT INTO [{BY_OWNER_TABLE}] ({', '.join(BY_OWNER_COLUMNS)}) "
                             + _BY_OWNER_SELECT.format(where=f"WHERE r.id IN ({marks})"), chunk)
        if scorecard:
            conn.execute(f"DELETE FROM [{SCORECARD_TABLE}]")
            conn.execute(f"INSERT INTO [{SCORECARD_TABLE}] ({', '.join(_SCORECARD_COLUMNS)}) " + _SCORECARD)
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise
