"""The recommendation tracker: one row per recommendation with its latest status, written
by `suivi export --tracker` and read back by `suivi status import`.

A person edits the status (or its date, or who assessed it) of a few rows and imports
the file: only the rows that differ from the database's latest status become new status
observations, so importing an unchanged file changes nothing. An edited status with an
unchanged date is dated the day of the import.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

import sqlite_utils

from models.latest import STATUS_LABELS

TRACKER_FILE = "suivi_des_recommandations.csv"
# One row per recommendation: where it comes from, to whom, what it says, where it is
# printed, its latest known status (French label) and, last, its id for the import.
TRACKER_SQL = """
SELECT r.report_id AS rapport, rep.title AS titre_du_rapport, rep.year AS annee,
       r.[group] AS groupe, r.number AS numero, r.owner AS destinataire, COALESCE(r.text, r.summary_text) AS texte,
       r.page AS page, r.summary_page AS page_recapitulatif,
       COALESCE(l.statut, 'inconnu') AS dernier_statut, l.as_of AS statut_au,
       l.assessed_by AS statut_evalue_par, l.target AS echeance, r.id AS identifiant
FROM recommendations r
JOIN reports rep ON rep.id = r.report_id
LEFT JOIN latest_statuses l ON l.recommendation_id = r.id
ORDER BY rep.year, r.report_id, r.position"""
STATUS_COLUMN, DATE_COLUMN, BY_COLUMN, ID_COLUMN = ("dernier_statut", "statut_au",
                                                   "statut_evalue_par", "identifiant")
IMPORTED_BY = "tableau de suivi"  # who assessed an edited row that names nobody new


def is_tracker(header: Sequence[str]) -> bool:
    return STATUS_COLUMN in header and ID_COLUMN in header


def tracker_lines(lines: Iterable[tuple[int, list[str]]], header: Sequence[str]) -> Iterable[tuple[int, dict]]:
    """(line number, {column: value}) of each non-empty line past the header."""
    for line, cells in lines:
        if any(c.strip() for c in cells):
            yield line, {h: c.strip() for h, c in zip(header, cells)}


def tracker_rows(path, lines: Iterable[tuple[int, dict]], db: sqlite_utils.Database,
                 today: dt.date | None = None) -> list[dict]:
    """The status rows the edited lines of a tracker give (raises BadStatusFile when any
    line is bad: nothing is imported)."""
    from pipeline.statuses import BadRow, _bad, normalise_status, parse_date, status_id

    latest = {rid: (status, as_of, by, report_id, number) for rid, status, as_of, by, report_id, number in db.execute(
        "SELECT r.id, COALESCE(l.status, 'unknown'), l.as_of, l.assessed_by, r.report_id, r.number "
        "FROM recommendations r LEFT JOIN latest_statuses l ON l.recommendation_id = r.id")}
    by_number = {(v[3], str(v[4])): k for k, v in latest.items()}
    today_s = (today or dt.date.today()).isoformat()
    problems, rows = [], []
    for line, row in lines:
        rec_id = row.get(ID_COLUMN) or by_number.get((row.get("rapport", ""), row.get("numero", "")))
        reasons = []
        if rec_id not in latest:
            reasons.append(f"unknown recommendation {row.get(ID_COLUMN) or row.get('numero')!r} "
                           "(keep the identifiant column as exported)")
        term = row.get(STATUS_COLUMN, "")
        status = normalise_status(term) if term else "unknown"
        if status is None:
            reasons.append(f"unknown status term {term!r} (use one of {', '.join(STATUS_LABELS.values())})")
        as_of = row.get(DATE_COLUMN) or None
        if as_of and parse_date(as_of) is None:
            reasons.append(f"bad date {as_of!r} in {DATE_COLUMN} (use YYYY-MM-DD, YYYY-MM or YYYY)")
        if reasons:
            problems.append(BadRow(line, "; ".join(reasons)))
            continue
        old_status, old_as_of, old_by, report_id, number = latest[rec_id]
        by = row.get(BY_COLUMN) or None
        if status == old_status and as_of == old_as_of and by == old_by:
            continue  # the line as exported
        if as_of == old_as_of or as_of is None:
            as_of = today_s
        if by == old_by:
            by = IMPORTED_BY
        rows.append({
            "id": status_id(rec_id, as_of, by), "recommendation_id": rec_id, "report_id": report_id,
            "number": str(number), "status": status, "source_term": term or None, "as_of": as_of,
            "assessed_by": by, "assessed_by_report_id": None, "evidence": None,
            "original_target": None, "revised_target": None, "method": "tracker"})
    if problems:
        raise _bad(path, problems)
    return rows
