"""SQL views for the common questions; recreated on every migration.

They read the latest status from `latest_statuses` (models/latest.py), never by ranking
`statuses` per request, and carry no ORDER BY: Datasette applies the sort the metadata
asks for, and a view without one lets SQLite compute the per-row subqueries only for the
rows shown. Statuses appear as French labels; the codes stay in `statuses`.
"""
from __future__ import annotations

import sqlite_utils

VIEWS: dict[str, str] = {}

# A recommendation number as an integer when it is one, so that 2 sorts before 10;
# printed labels ("018/14") stay text and sort after the numbers.
NUMBER = ("CASE WHEN r.number GLOB '[0-9]*' AND r.number NOT GLOB '*[^0-9]*' "
          "THEN CAST(r.number AS INTEGER) ELSE r.number END")

# One row per recommendation and canonical addressee, with year and latest status: lets
# Datasette facet recommendations by addressee and by ministry (pipeline/publish.py).
VIEWS["recommendations_by_owner"] = f"""
SELECT o.label AS owner, COALESCE(o.parent, o.label) AS ministry, r.report_id, rep.year,
       {NUMBER} AS number, COALESCE(r.text, r.summary_text) AS text, r.page, r.theme,
       COALESCE(ls.statut, 'inconnu') AS status, r.id AS recommendation_id, ro.owner_id
FROM recommendation_owners ro
JOIN recommendations r ON r.id = ro.recommendation_id
JOIN reports rep ON rep.id = r.report_id
LEFT JOIN owners o ON o.id = ro.owner_id
LEFT JOIN latest_statuses ls ON ls.recommendation_id = r.id"""

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
       rep.series AS report_series, {NUMBER} AS number,
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

# Per ministry (directorates rolled up into their parent): how many recommendations, how
# many in each latest status, and the implementation rate by the Cour des comptes'
# convention: (implemented + partially implemented) / assessed, where "assessed" leaves
# out recommendations with no status and those "devenue sans objet".
VIEWS["owner_scorecard"] = """
WITH per_rec AS (
  SELECT DISTINCT COALESCE(o.parent, o.label, ro.owner_id) AS ministry, ro.recommendation_id,
         ro.report_id, COALESCE(ls.status, 'unknown') AS status
  FROM recommendation_owners ro
  LEFT JOIN owners o ON o.id = ro.owner_id
  LEFT JOIN latest_statuses ls ON ls.recommendation_id = ro.recommendation_id)
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
GROUP BY ministry"""


def create_views(db: sqlite_utils.Database) -> None:
    for name, sql in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
        db.execute(f"CREATE VIEW [{name}] AS {sql}")
