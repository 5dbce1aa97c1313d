"""SQL views for the common questions; recreated on every migration."""
from __future__ import annotations

import sqlite_utils

VIEWS: dict[str, str] = {}

# One row per recommendation and canonical addressee, with year and latest status: lets
# Datasette facet recommendations by owner (pipeline/publish.py describes it).
VIEWS["recommendations_by_owner"] = """
SELECT ro.owner_id, o.label AS owner, o.parent AS owner_parent, r.id AS recommendation_id,
       r.report_id, rep.year, r.[group], r.number, COALESCE(r.text, r.summary_text) AS text, r.page,
       r.theme,
       COALESCE((SELECT s.status FROM statuses s WHERE s.recommendation_id = r.id
                 ORDER BY s.as_of DESC, s.id DESC LIMIT 1), 'unknown') AS status,
       r.x0, r.top, r.x1, r.bottom
FROM recommendation_owners ro
JOIN recommendations r ON r.id = ro.recommendation_id
JOIN reports rep ON rep.id = r.report_id
LEFT JOIN owners o ON o.id = ro.owner_id
ORDER BY rep.year, r.report_id, r.position, ro.position"""

# One row per recommendation: its report, its latest status observation and its links to
# recommendations of other reports, both directions, as a readable list ("repeats
# igas-2012:r3 (2012, 0.91) | similar to …"). pipeline/link.py stores one row per pair,
# from the later recommendation to the earlier one.
VIEWS["recommendation_history"] = """
WITH latest AS (
  SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.recommendation_id
                                 ORDER BY s.as_of DESC, s.id DESC) AS rn,
         COUNT(*) OVER (PARTITION BY s.recommendation_id) AS n_statuses
  FROM statuses s),
link_labels AS (
  SELECT l.from_id AS rec_id, l.kind, other.id AS other_id,
         CASE l.kind WHEN 'repeats' THEN 'repeats' WHEN 'similar' THEN 'similar to'
                     ELSE 'follows up' END
         || ' ' || other.id || ' (' || COALESCE(rep.year, '?') || ', '
         || printf('%.2f', l.similarity) || ')' AS label, rep.date AS other_date
  FROM recommendation_links l JOIN recommendations other ON other.id = l.to_id
  JOIN reports rep ON rep.id = other.report_id
  UNION ALL
  SELECT l.to_id, l.kind, other.id,
         CASE l.kind WHEN 'repeats' THEN 'repeated by' WHEN 'similar' THEN 'similar to'
                     ELSE 'followed up by' END
         || ' ' || other.id || ' (' || COALESCE(rep.year, '?') || ', '
         || printf('%.2f', l.similarity) || ')', rep.date
  FROM recommendation_links l JOIN recommendations other ON other.id = l.from_id
  JOIN reports rep ON rep.id = other.report_id),
links AS (
  SELECT rec_id, COUNT(*) AS n_links, GROUP_CONCAT(label, ' | ') AS links
  FROM (SELECT * FROM link_labels ORDER BY other_date, other_id) GROUP BY rec_id)
SELECT r.id AS recommendation_id, r.report_id, rep.title AS report_title,
       rep.date AS report_date, rep.year AS report_year, rep.series AS report_series,
       r.[group], r.number, COALESCE(r.text, r.summary_text) AS text, r.owner, r.page,
       COALESCE(st.status, 'unknown') AS latest_status, st.source_term AS latest_status_term,
       st.as_of AS latest_status_as_of, st.assessed_by AS latest_assessed_by,
       COALESCE(st.n_statuses, 0) AS n_statuses,
       COALESCE(lk.n_links, 0) AS n_links, lk.links
FROM recommendations r
JOIN reports rep ON rep.id = r.report_id
LEFT JOIN latest st ON st.recommendation_id = r.id AND st.rn = 1
LEFT JOIN links lk ON lk.rec_id = r.id
ORDER BY rep.date, r.report_id, r.position"""

# Per canonical addressee: how many recommendations, and how many are (by their latest
# status) implemented, partially implemented, in progress, not implemented, refused, no
# longer relevant, or unknown (no status observation counts as unknown).
VIEWS["owner_scorecard"] = """
WITH latest AS (
  SELECT recommendation_id, status FROM (
    SELECT s.recommendation_id, s.status,
           ROW_NUMBER() OVER (PARTITION BY s.recommendation_id
                              ORDER BY s.as_of DESC, s.id DESC) AS rn
    FROM statuses s) WHERE rn = 1),
per_rec AS (
  SELECT DISTINCT ro.owner_id, ro.recommendation_id, ro.report_id,
         COALESCE(l.status, 'unknown') AS status
  FROM recommendation_owners ro LEFT JOIN latest l ON l.recommendation_id = ro.recommendation_id)
SELECT p.owner_id, o.label AS owner, o.acronym, o.parent,
       COUNT(*) AS recommendations, COUNT(DISTINCT p.report_id) AS reports,
       SUM(p.status = 'implemented') AS implemented,
       SUM(p.status = 'partially_implemented') AS partially_implemented,
       SUM(p.status = 'in_progress') AS in_progress,
       SUM(p.status = 'not_implemented') AS not_implemented,
       SUM(p.status = 'refused') AS refused,
       SUM(p.status = 'no_longer_relevant') AS no_longer_relevant,
       SUM(p.status = 'unknown') AS unknown
FROM per_rec p LEFT JOIN owners o ON o.id = p.owner_id
GROUP BY p.owner_id
ORDER BY recommendations DESC, o.label"""


def create_views(db: sqlite_utils.Database) -> None:
    for name, sql in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
        db.execute(f"CREATE VIEW [{name}] AS {sql}")
