"""Earlier recommendations a follow-up report reprints with a status become status
observations on the right recommendation.

A follow-up report (an X-mark table, a « suivi des recommandations » chapter) reprints
recommendations of an earlier report with their status; they are stored in
`earlier_recommendations` with the follow-up's `report_id`. After each ingest:

1. each reprinted group (same `cites`, same `group_name`) is matched to the earlier report
   in the database whose recommendations have the same numbers and texts (at least half
   of them); each reprint then goes to the recommendation with its number and a close
   text (or, with no usable number, the one with a near-identical text);
2. when no report fits, the group goes to a **stub** for the cited report: a `reports`
   row with `status = 'stub'` and stub recommendations (`method = 'stub'`) holding the
   reprinted text, so the statuses are kept and shown;
3. every run re-matches the groups held by stubs, so when the cited report is ingested
   later its recommendations take the statuses over and the stub is deleted: the same
   rows (same ids) as if the earlier report had come first, nothing lost or duplicated.

Statuses are written with `assessed_by_report_id` = the follow-up and `method` =
`earlier_recommendation`; re-ingesting the follow-up replaces them.
"""
from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

import sqlite_utils
from rapidfuzz import fuzz

from extractors.patterns.statuses import fold
from pipeline.link_scoring import normalise
from pipeline.statuses import _number_key, status_id, write_statuses

log = logging.getLogger(__name__)

METHOD = "earlier_recommendation"
SAME_NUMBER_TEXT = 0.70  # token_set_ratio of two texts under the same number
TEXT_ONLY = 0.90  # …and of two texts matched without the number
MIN_FIT = 0.5  # share of a group's reprints an earlier report must match


@dataclass(frozen=True)
class Reprint:
    id: str
    report_id: str  # the follow-up
    number: str | None
    text: str | None
    owner: str | None
    status: str
    status_term: str
    cites: str | None
    group: str | None
    position: int


@dataclass(frozen=True)
class Candidate:
    id: str
    number: str | None
    text: str


def text_match(a: str | None, b: str | None) -> float:
    """0–1: how surely two printings are the same recommendation (reprints are verbatim
    or cut short, so one token set inside the other counts)."""
    na, nb = " ".join(normalise(a or "")), " ".join(normalise(b or ""))
    if not na or not nb:
        return 0.0
    return fuzz.token_set_ratio(na, nb) / 100


def _key(number: str | None) -> str | None:
    return _number_key(str(number)) if number not in (None, "") else None


def match(reprints: Sequence[Reprint], recs: Sequence[Candidate]) -> dict[str, str]:
    """{reprint id: recommendation id} for the reprints found among `recs`."""
    by_number: dict[str, list[Candidate]] = defaultdict(list)
    for r in recs:
        if _key(r.number):
            by_number[_key(r.number)].append(r)
    out: dict[str, str] = {}
    used: set[str] = set()
    for e in reprints:
        same = [r for r in by_number.get(_key(e.number) or "", []) if r.id not in used]
        if same and e.text:
            best = max(same, key=lambda r: text_match(e.text, r.text))
            if text_match(e.text, best.text) >= SAME_NUMBER_TEXT:
                out[e.id] = best.id
                used.add(best.id)
                continue
        elif len(same) == 1 and not e.text:  # a table with numbers only
            out[e.id] = same[0].id
            used.add(same[0].id)
            continue
        if e.text:
            free = [r for r in recs if r.id not in used]
            best = max(free, key=lambda r: text_match(e.text, r.text), default=None)
            if best is not None and text_match(e.text, best.text) >= TEXT_ONLY:
                out[e.id] = best.id
                used.add(best.id)
    return out


def _reprints(db: sqlite_utils.Database, where: str, params: Sequence) -> list[Reprint]:
    return [Reprint(*row) for row in db.execute(
        "SELECT id, report_id, number, text, owner, status, status_term, cites, group_name, position "
        f"FROM earlier_recommendations WHERE {where} ORDER BY report_id, position", list(params))]


def _groups(reprints: Iterable[Reprint]) -> dict[tuple, list[Reprint]]:
    groups: dict[tuple, list[Reprint]] = defaultdict(list)
    for e in reprints:
        groups[(e.report_id, e.cites or "", e.group or "")].append(e)
    return groups


def _candidates(db: sqlite_utils.Database, report_id: str) -> list[Candidate]:
    return [Candidate(i, n, t or s or "") for i, n, t, s in db.execute(
        "SELECT id, number, text, summary_text FROM recommendations WHERE report_id = ? ORDER BY position",
        (report_id,))]


def _earlier_reports(db: sqlite_utils.Database, follow_up: str) -> list[str]:
    """Reports that may be the one a follow-up reprints: not stubs, not the follow-up or
    a copy of its PDF, not dated after it."""
    row = db.execute("SELECT date, sha256 FROM reports WHERE id = ?", (follow_up,)).fetchone()
    date, sha = row if row else (None, None)
    return [rid for rid, d in db.execute(
        "SELECT id, date FROM reports WHERE id != ? AND COALESCE(status, '') != 'stub' "
        "AND COALESCE(sha256, '') != COALESCE(?, '-') ORDER BY date DESC, id", (follow_up, sha))
        if not date or not d or d <= date]


def find_earlier(db: sqlite_utils.Database, group: Sequence[Reprint]) -> tuple[str, dict[str, str]] | None:
    """The stored report these reprints come from, with the matches; None when no
    report matches at least MIN_FIT of them."""
    best = None
    for rid in _earlier_reports(db, group[0].report_id):
        found = match(group, _candidates(db, rid))
        if len(found) >= max(1, MIN_FIT * len(group)) and (best is None or len(found) > len(best[1])):
            best = (rid, found)
    return best


def stub_id(follow_up: str, cites: str | None, group: str | None) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(cites or group or "rapport anterieur")).strip("-")[:60]
    return f"{follow_up}-cite-{slug or 'rapport'}"  # no "~": Datasette URLs escape with it


def _write_stub(db: sqlite_utils.Database, group: Sequence[Reprint]) -> tuple[str, dict[str, str]]:
    """A stub report for the cited report and one stub recommendation per reprint."""
    first = group[0]
    sid = stub_id(first.report_id, first.cites, first.group)
    title = first.cites or first.group or "Rapport antérieur cité"
    conn = db.conn
    conn.execute("DELETE FROM recommendations WHERE report_id = ?", (sid,))
    conn.execute(
        "INSERT OR REPLACE INTO reports (id, file_name, sha256, title, bodies, report_numbers, status) "
        "VALUES (?, ?, NULL, ?, '[]', '[]', 'stub')",
        # A stub has no PDF; its file_name is its id (no extension), so that tools which
        # look every report's file up by name find none rather than fail on a NULL.
        (sid, sid, f"{title} (non ingéré, cité par {first.report_id})"))
    found: dict[str, str] = {}
    for i, e in enumerate(group):
        rec_id = f"{sid}:r{e.number}" if e.number else f"{sid}:e{i}"
        if rec_id in found.values():
            rec_id = f"{rec_id}-{i}"
        conn.execute(
            "INSERT INTO recommendations (id, report_id, position, number, text, owner, method) "
            "VALUES (?, ?, ?, ?, ?, ?, 'stub')", (rec_id, sid, i, e.number, e.text, e.owner))
        found[e.id] = rec_id
    return sid, found


def _status_rows(db: sqlite_utils.Database, follow_up: str, target: str, group: Sequence[Reprint],
                 found: dict[str, str]) -> list[dict]:
    title, file_name, date = db.execute("SELECT title, file_name, date FROM reports WHERE id = ?",
                                        (follow_up,)).fetchone()
    assessed_by = title or file_name
    return [{"id": status_id(found[e.id], date, assessed_by), "recommendation_id": found[e.id],
             "report_id": target, "number": e.number, "status": e.status, "source_term": e.status_term,
             "as_of": date, "assessed_by": assessed_by, "assessed_by_report_id": follow_up,
             "evidence": None, "original_target": None, "revised_target": None, "method": METHOD}
            for e in group if e.id in found]


def resolve_follow_up(db: sqlite_utils.Database, follow_up: str) -> dict[str, str]:
    """Match every reprint of one follow-up report and rewrite its statuses; returns
    {group key: earlier report or stub id}."""
    groups = _groups(_reprints(db, "report_id = ?", (follow_up,)))
    rows: list[dict] = []
    targets: dict[str, str] = {}
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        for key, group in groups.items():
            fit = find_earlier(db, group)
            target, found = fit if fit else _write_stub(db, group)
            if fit is None:
                log.info("%s: %d reprinted recommendations of %s, not in the database: kept on stub %s",
                         follow_up, len(group), group[0].cites or group[0].group or "an earlier report", target)
            for e in group:
                conn.execute("UPDATE earlier_recommendations SET recommendation_id = ? WHERE id = ?",
                             (found.get(e.id), e.id))
            rows.extend(_status_rows(db, follow_up, target, group, found))
            targets["|".join(key[1:])] = target
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    write_statuses(db, rows, replacing_report=follow_up)
    _drop_unused_stubs(db)
    return targets


def _drop_unused_stubs(db: sqlite_utils.Database) -> None:
    """Stubs no reprint points to any more (their report arrived, or the follow-up changed)."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        unused = [sid for (sid,) in conn.execute(
            "SELECT id FROM reports WHERE status = 'stub' AND id NOT IN (SELECT r.report_id FROM "
            "earlier_recommendations e JOIN recommendations r ON r.id = e.recommendation_id)")]
        for sid in unused:
            conn.execute("DELETE FROM statuses WHERE report_id = ?", (sid,))
            conn.execute("DELETE FROM recommendations WHERE report_id = ?", (sid,))
            conn.execute("DELETE FROM reports WHERE id = ?", (sid,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def apply_earlier_recommendations(db: sqlite_utils.Database, report_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Resolve the reprints of these reports, and those still held by stubs (whose report
    may just have arrived). Returns {follow-up: {group: target}}."""
    follow_ups = {rid for (rid,) in db.execute("SELECT DISTINCT report_id FROM earlier_recommendations")}
    todo = [r for r in dict.fromkeys(report_ids) if r in follow_ups]
    todo += [rid for (rid,) in db.execute(
        "SELECT DISTINCT e.report_id FROM earlier_recommendations e "
        "LEFT JOIN recommendations r ON r.id = e.recommendation_id "
        "LEFT JOIN reports p ON p.id = r.report_id WHERE p.status = 'stub' OR e.recommendation_id IS NULL")
        if rid not in todo]
    return {rid: resolve_follow_up(db, rid) for rid in todo}
