"""Status observations: the vocabulary, CSV import/export, and follow-up reports' status tables.

One row of `statuses` says: recommendation X had status S (normalised, plus the verbatim
term) as of date D according to A (an analyst, a follow-up body, a later report).

Sources:
- a CSV a user fills in (`suivi status import`), validated whole: one bad row and nothing
  is imported, every bad row is listed with its line number;
- the status tables of follow-up reports (`apply_status_tables`), run after ingest:
  `assessed_by_report_id` is the follow-up report, so re-ingesting it replaces them.

Ids are deterministic (recommendation, as_of, assessed_by): importing the same file twice,
or a file exported from another database, gives the same rows.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import sqlite_utils

from extractors.patterns.statuses import REC_REF, REPORT_NUMBER, STATUSES, YEAR, classify_status, fold
from extractors.status_tables import StatusObservation, find_status_observations
from models.errors import BadStatusFile
from models.latest import refresh_latest_statuses
from models.records import Table
from pipeline.csv_io import CsvReadError, read_csv_text, read_rows, write_csv
from pipeline.tracker import is_tracker, tracker_lines, tracker_rows

log = logging.getLogger(__name__)

CSV_COLUMNS = ("report", "number", "status", "as_of", "assessed_by", "evidence",
               "original_target", "revised_target")
REQUIRED = ("report", "number", "status")


def normalise_status(term: str | None) -> str | None:
    """« Mise en œuvre incomplète » -> partially_implemented; None for a term we do not know."""
    return classify_status(term or "", whole=True)


def parse_date(value: str) -> str | None:
    """A valid YYYY, YYYY-MM or YYYY-MM-DD as given, or None."""
    value = value.strip()
    for fmt, n in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        if len(value) == n:
            try:
                dt.datetime.strptime(value, fmt)
            except ValueError:
                return None
            return value
    return None


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def status_id(recommendation_id: str, as_of: str | None, assessed_by: str | None) -> str:
    key = json.dumps([recommendation_id, as_of or "", assessed_by or ""], ensure_ascii=False)
    return f"{recommendation_id}:st-{hashlib.sha1(key.encode()).hexdigest()[:10]}"


def _report_index(db: sqlite_utils.Database) -> dict[str, str]:
    """Every way a CSV may name a report (id, file name, stem; case-insensitive) -> id."""
    out: dict[str, str] = {}
    for rid, file_name in db.execute("SELECT id, file_name FROM reports"):
        for key in (rid, file_name, Path(file_name or "").stem):
            if key:
                out[key.strip().lower()] = rid
    return out


def _rec_index(db: sqlite_utils.Database) -> dict[tuple[str, str], str]:
    return {(rid, str(num)): rec_id for rec_id, rid, num in
            db.execute("SELECT id, report_id, number FROM recommendations")}


def _number_key(value: str) -> str | None:
    m = REC_REF.match(value)
    if m and not m["text"].strip():
        return str(int(m["num"]))
    return value.strip() or None  # non-numeric labels ("018/14") are matched as printed


def read_status_csv(path: str | Path, db: sqlite_utils.Database) -> list[dict]:
    """Validate a status CSV against the database; the rows of `statuses` it gives.

    Raises BadStatusFile listing every bad row (line number and reason) when any row is
    bad, so that a file is imported whole or not at all.
    """
    path = Path(path)
    problems: list[BadRow] = []
    rows: list[dict] = []
    first_line: dict[str, tuple[int, dict]] = {}  # status id -> (line, row) of its first row
    reports, recs = _report_index(db), _rec_index(db)
    try:
        source = read_csv_text(path)
    except OSError as exc:
        raise BadStatusFile(f"{path}: cannot read the file ({exc.strerror})") from None
    except CsvReadError as exc:
        raise BadStatusFile(f"{path}: {exc}") from None
    lines = read_rows(source)
    _, header = next(lines, (1, None))
    if header is None:
        raise _bad(path, [BadRow(1, "empty file: expected a header row "
                                    f"({', '.join(CSV_COLUMNS)})")])
    header = [h.strip().lower() for h in header]
    if is_tracker(header):  # `suivi export --tracker`, edited: only changed lines count
        return tracker_rows(path, tracker_lines(lines, header), db)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise _bad(path, [BadRow(1, f"missing column(s) {', '.join(missing)} in the header; "
                                    f"expected {', '.join(CSV_COLUMNS)}")])
    for line, cells in lines:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            problems.append(BadRow(line, f"{len(cells)} cells for {len(header)} columns "
                                         f"(missing column {header[len(cells)]})"))
            continue
        row = {h: c.strip() for h, c in zip(header, cells)}
        reasons = []
        for col in REQUIRED:
            if not row.get(col):
                reasons.append(f"missing value in column {col}")
        rid = reports.get(row.get("report", "").lower()) if row.get("report") else None
        if row.get("report") and rid is None:
            reasons.append(f"unknown report {row['report']!r} (give a file name or report id "
                           "already ingested)")
        rec_id = None
        if rid and row.get("number"):
            rec_id = recs.get((rid, _number_key(row["number"]) or ""))
            if rec_id is None:
                reasons.append(f"unknown recommendation number {row['number']!r} in report {rid}")
        status = normalise_status(row.get("status")) if row.get("status") else None
        if row.get("status") and status is None:
            reasons.append(f"unknown status term {row['status']!r} (use one of "
                           f"{', '.join(STATUSES)} or a known term such as "
                           "« mise en œuvre incomplète »)")
        as_of = row.get("as_of") or None
        if as_of and parse_date(as_of) is None:
            reasons.append(f"bad date {as_of!r} in as_of (use YYYY-MM-DD, YYYY-MM or YYYY)")
        if reasons:
            problems.append(BadRow(line, "; ".join(reasons)))
            continue
        assessed_by = row.get("assessed_by") or None
        record = {
            "id": status_id(rec_id, as_of, assessed_by), "recommendation_id": rec_id,
            "report_id": rid, "number": row["number"], "status": status,
            "source_term": row["status"], "as_of": as_of, "assessed_by": assessed_by,
            "assessed_by_report_id": None, "evidence": row.get("evidence") or None,
            "original_target": row.get("original_target") or None,
            "revised_target": row.get("revised_target") or None, "method": "import"}
        seen = first_line.get(record["id"])
        if seen is None:
            first_line[record["id"]] = (line, record)
            rows.append(record)
        elif seen[1] != record:  # the same observation twice, saying different things
            diff = [c for c in CSV_COLUMNS if c in row and seen[1].get(_FIELD.get(c, c)) != record.get(_FIELD.get(c, c))]
            problems.append(BadRow(line, f"contradicts line {seen[0]}: same report, number, as_of and "
                                         f"assessed_by, but a different {', '.join(diff) or 'value'}"))
    if problems:
        raise _bad(path, problems)
    return rows


_FIELD = {"report": "report_id", "status": "source_term"}  # CSV column -> statuses column


def _bad(path: Path, problems: list[BadRow]) -> BadStatusFile:
    lines = "\n".join(f"  {path}:{p}" for p in problems)
    err = BadStatusFile(f"{path}: {len(problems)} bad row(s), nothing imported:\n{lines}")
    err.problems = problems
    return err


def write_statuses(db: sqlite_utils.Database, rows: Sequence[dict],
                   replacing_report: str | None = None) -> None:
    """Insert (or replace, same id) status rows in one transaction; `replacing_report`
    first removes the rows that report's status tables gave before."""
    if not rows and replacing_report is None:
        return
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        touched = [r["recommendation_id"] for r in rows]
        if replacing_report is not None:
            touched += [i for (i,) in conn.execute("SELECT recommendation_id FROM statuses "
                                                   "WHERE assessed_by_report_id = ?", (replacing_report,))]
            conn.execute("DELETE FROM statuses WHERE assessed_by_report_id = ?", (replacing_report,))
        if rows:
            cols = list(rows[0].keys())
            sql = (f"INSERT OR REPLACE INTO statuses ({', '.join(cols)}) "
                   f"VALUES ({', '.join('?' for _ in cols)})")
            conn.executemany(sql, [tuple(r[c] for c in cols) for r in rows])
        refresh_latest_statuses(conn, touched)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def import_statuses(db: sqlite_utils.Database, path: str | Path) -> int:
    """Import a status CSV whole (or raise BadStatusFile); returns the number of rows."""
    rows = read_status_csv(path, db)
    write_statuses(db, rows)
    log.info("%s: imported %d status rows", path, len(rows))
    return len(rows)


def export_statuses(db: sqlite_utils.Database, out: str | Path) -> int:
    """Write every status row as a CSV that `import_statuses` reads back identically."""
    sql = """SELECT r.file_name AS report, s.number, s.source_term, s.status, s.as_of,
                    s.assessed_by, s.evidence, s.original_target, s.revised_target
             FROM statuses s JOIN reports r ON r.id = s.report_id
             LEFT JOIN recommendations rec ON rec.id = s.recommendation_id
             ORDER BY r.date, r.id, rec.position, s.as_of, s.assessed_by"""

    def cells():
        for row in db.execute(sql):
            report, number, term, status, *rest = row
            # The verbatim term re-imports to the same status; fall back to the code.
            cell = term if term and normalise_status(term) == status else status
            yield [report, number, cell, *["" if v is None else v for v in rest]]

    return write_csv(out, CSV_COLUMNS, cells(), lineterminator="\n")


# --- status tables of follow-up reports --------------------------------------------------

def tables_of(db: sqlite_utils.Database, report_id: str) -> list[Table]:
    """The report's stored tables as Table records (cells from their JSON)."""
    out = []
    for number, caption, page, cells, x0, top, x1, bottom in db.execute(
            "SELECT number, caption, page, cells, x0, top, x1, bottom FROM report_tables "
            "WHERE report_id = ? ORDER BY position", (report_id,)):
        bbox = (x0, top, x1, bottom) if top is not None else None
        out.append(Table(number, caption, page, tuple(tuple(r) for r in json.loads(cells or "[]")),
                         bbox=bbox))
    return out


def assessed_report(db: sqlite_utils.Database, report_id: str,
                    observations: Sequence[StatusObservation]) -> str | None:
    """Which earlier report a follow-up's status table assesses, or None.

    In order: a report number of another report printed near the table; the latest earlier
    report of the same `series` (corpus/manifest.csv); the only earlier report of a year
    the context names. The numbers in the table must exist in the report found.
    """
    me = db.execute("SELECT date, series FROM reports WHERE id = ?", (report_id,)).fetchone()
    if me is None or not observations:
        return None
    date, series = me
    others = db.execute("SELECT id, date, year, series, report_numbers FROM reports WHERE id != ?",
                        (report_id,)).fetchall()
    earlier = [o for o in others if not date or not o[1] or o[1] <= date]
    context = fold(" ".join({o.context for o in observations}))
    numbers = {o.number for o in observations}

    def fits(rid: str) -> bool:
        have = {str(n) for (n,) in db.execute("SELECT number FROM recommendations WHERE report_id = ?", (rid,))}
        return len(numbers & have) >= max(1, len(numbers) // 2)

    for rid, _, _, _, nums in earlier:
        for num in json.loads(nums or "[]"):
            m = REPORT_NUMBER.search(num)
            if m and fold(m["num"]) in context and fits(rid):
                return rid
    if series:
        same = sorted((o for o in earlier if o[3] == series), key=lambda o: o[1] or "", reverse=True)
        for o in same:
            if fits(o[0]):
                return o[0]
    years = {int(m["year"]) for m in YEAR.finditer(context)}
    by_year = [o[0] for o in earlier if o[2] in years and fits(o[0])]
    if len(by_year) == 1:
        return by_year[0]
    return None


def status_rows_from_observations(db: sqlite_utils.Database, report_id: str, target_id: str,
                                  observations: Iterable[StatusObservation]) -> list[dict]:
    title, file_name, date = db.execute("SELECT title, file_name, date FROM reports WHERE id = ?",
                                        (report_id,)).fetchone()
    recs = _rec_index(db)
    assessed_by = title or file_name
    rows = []
    for obs in observations:
        rec_id = recs.get((target_id, obs.number))
        if rec_id is None:
            log.info("%s: status row for recommendation %s, which %s does not have",
                     report_id, obs.number, target_id)
            continue
        rows.append({
            "id": status_id(rec_id, date, assessed_by), "recommendation_id": rec_id,
            "report_id": target_id, "number": obs.number, "status": obs.status,
            "source_term": obs.source_term, "as_of": date, "assessed_by": assessed_by,
            "assessed_by_report_id": report_id, "evidence": obs.evidence,
            "original_target": obs.original_target, "revised_target": obs.revised_target,
            "method": f"status_table:{obs.method}"})
    return rows


def apply_status_tables(db: sqlite_utils.Database, report_ids: Iterable[str],
                        observations: dict[str, list[StatusObservation]] | None = None) -> dict[str, str]:
    """Turn the status tables of these reports into status rows; returns {follow-up: assessed}.

    `observations` may be given (from the extract flow, which still has the Document);
    otherwise they are read from the stored `report_tables` of each report.
    """
    assessed: dict[str, str] = {}
    for rid in report_ids:
        obs = (observations or {}).get(rid)
        if obs is None:
            obs = find_status_observations(None, tables_of(db, rid))
        if not obs:
            continue
        target = assessed_report(db, rid, obs)
        if target is None:
            log.warning("%s: %d status rows found, but no earlier report they assess "
                        "(give both the same series in corpus/manifest.csv)", rid, len(obs))
            continue
        write_statuses(db, status_rows_from_observations(db, rid, target, obs), replacing_report=rid)
        assessed[rid] = target
    return assessed
