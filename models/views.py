"""SQL views for the common questions; recreated on every migration.

They read the latest status from `latest_statuses` (models/latest.py), never by ranking
`statuses` per request, and carry no ORDER BY: Datasette applies the sort the metadata
asks for, and a view without one lets SQLite compute the per-row subqueries only for the
rows shown. Statuses appear as French labels; the codes stay in `statuses`.
"""
from __future__ import annotations

import sqlite_utils

from models.latest import NUMBER  # 2 sorts before 10

VIEWS: dict[str, str] = {}

# `recommendations_by_owner` is a table kept by models/latest.py (facets need indexes).

# How a link reads from each end. pipeline/link.py stores one row per pair, from the later
# recommendation (from_id) to the earlier one (to_id).
_LINK_FROM = ("CASE l.kind WHEN 'repeats' THEN 'réitère' WHEN 'similar' THEN 'similaire à' "
              "WHEN 'follows_up' THEN 'fait le suivi de' ELSE l.kind END")
_LINK_TO = ("CASE l.kind WHEN 'repeats' THEN 'réitérée par' WHEN 'similar' THEN 'similaire à' "
            "WHEN 'follows_up' THEN 'suivie par' ELSE l.kind END")

# One row per recommendation: its report, its latest status and its links to
# recommendations of other reports, both directions, as readable French text.
VIEWS["recommendation_history"] = f"""
SELECT r.report_id, rep.title AS report_title, rep.year AS report_year,
       rep.series AS report_series, r.[group], {NUMBER} AS number,
       COALESCE(r.text, r.summary_text) AS text, r.owner, r.page,
       COALESCE(ls.statut, 'inconnu') AS latest_status, ls.source_term AS latest_status_term,
       ls.as_of AS latest_status_as_of, ls.assessed_by AS latest_assessed_by,
       COALESCE(ls.n_statuses, 0) AS n_statuses,
       (SELECT COUNT(*) FROM recommendation_links l WHERE l.from_id = r.id OR l.to_id = r.id) AS n_links,
       (SELECT GROUP_CONCAT(label, ' | ') FROM (
          SELECT {_LINK_FROM} || ' ' || o.report_id || ' n°' || COALESCE(o.number, '?')
                 || ' (' || COALESCE(orep.year, '?') || ')' AS label, orep.date AS d
          FROM recommendation_links l JOIN recommendations o ON o.id = l.to_id
          JOIN reports orep ON orep.id = o.report_id WHERE l.from_id = r.id
          UNION ALL
          SELECT {_LINK_TO} || ' ' || o.report_id || ' n°' || COALESCE(o.number, '?')
                 || ' (' || COALESCE(orep.year, '?') || ')', orep.date
          FROM recommendation_links l JOIN recommendations o ON o.id = l.from_id
          JOIN reports orep ON orep.id = o.report_id WHERE l.to_id = r.id
          ORDER BY d)) AS links,
       r.id AS recommendation_id
FROM recommendations r
JOIN reports rep ON rep.id = r.report_id
LEFT JOIN latest_statuses ls ON ls.recommendation_id = r.id"""

# `owner_scorecard` is a table kept by models/latest.py too (a few rows, costly to compute).


def create_views(db: sqlite_utils.Database) -> None:
    for name, sql in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
        db.execute(f"CREATE VIEW [{name}] AS {sql}")
