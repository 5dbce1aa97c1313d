"""What the recommendation, report and addressee pages show, read from the database.

Each function takes a Datasette `Database` and returns plain dicts for the templates
(`suivi_recommendation.html`, `suivi_report.html`, `suivi_owner.html`). They read the
latest status from `latest_statuses` and never rank `statuses` per request.

Implementation rate (Cour des comptes' convention, stated on the pages): recommendations
implemented or partially implemented, among those assessed; recommendations without a
status and those "devenue sans objet" are not assessed.
"""
from __future__ import annotations

import datetime as dt
import json

from models.latest import OPEN_STATUSES, STATUS_LABELS
from pipeline.datasette.labels import LINK_FROM, LINK_TO

NOT_ASSESSED = ("unknown", "no_longer_relevant")
DONE = ("implemented", "partially_implemented")
DEFAULT_OPEN_YEARS = 3
RATE_NOTE = ("Taux de mise en œuvre : recommandations mises en œuvre ou partiellement mises en "
             "œuvre, parmi les recommandations évaluées. Celles qui sont « devenues sans objet » et "
             "celles sans suivi ne sont pas comptées (convention de la Cour des comptes).")


def label(code: str | None) -> str:
    return STATUS_LABELS.get(code or "unknown", code or "inconnu")


async def _labelled_rows(db, sql: str, params) -> list[dict]:
    """The query's rows as dicts, each with its status's French `label`."""
    rows = [dict(r) for r in (await db.execute(sql, params)).rows]
    for r in rows:
        r["label"] = label(r["status"])
    return rows


def counts_and_rate(statuses: list[str]) -> dict:
    """Counts by status code (in display order), assessed, rate in % (None when nothing assessed)."""
    counts = {code: 0 for code in STATUS_LABELS}
    for s in statuses:
        counts[s if s in counts else "unknown"] += 1
    assessed = sum(n for c, n in counts.items() if c not in NOT_ASSESSED)
    done = sum(counts[c] for c in DONE)
    return {"total": len(statuses), "counts": counts, "assessed": assessed, "done": done,
            "rate": round(100 * done / assessed, 1) if assessed else None,
            "open": sum(counts[c] for c in OPEN_STATUSES)}


async def _has(db, table: str) -> bool:
    return table in await db.table_names()


def _number_label(number) -> str:
    return f"n°{number}" if number not in (None, "") else "(sans numéro)"


# ---------------------------------------------------------------- recommendation
async def recommendation(db, rec_id: str) -> dict | None:
    row = (await db.execute("SELECT * FROM recommendations WHERE id = ?", [rec_id])).first()
    if row is None:
        return None
    rec = dict(row)
    report = dict((await db.execute(
        "SELECT id, title, date, year, bodies, file_name, page_count FROM reports WHERE id = ?",
        [rec["report_id"]])).first() or {"id": rec["report_id"]})
    report["bodies_list"] = _json_list(report.get("bodies"))
    owners = [dict(r) for r in (await db.execute(
        "SELECT ro.owner_id, ro.as_printed, o.label, o.parent FROM recommendation_owners ro "
        "LEFT JOIN owners o ON o.id = ro.owner_id WHERE ro.recommendation_id = ? ORDER BY ro.position",
        [rec_id])).rows]
    timeline = await _labelled_rows(
        db, "SELECT s.as_of, s.status, s.source_term, s.assessed_by, s.assessed_by_report_id, s.evidence, "
        "s.original_target, s.revised_target, s.method, rep.title AS assessed_by_title "
        "FROM statuses s LEFT JOIN reports rep ON rep.id = s.assessed_by_report_id "
        "WHERE s.recommendation_id = ? ORDER BY s.as_of, s.id", [rec_id])
    latest = (await db.execute("SELECT status, as_of, target, is_open FROM latest_statuses "
                               "WHERE recommendation_id = ?", [rec_id])).first()
    related = await _related(db, rec_id)
    repeats = sum(1 for r in related if r["kind"] == "repeats")
    same_text = (rec.get("summary_text") or "").strip() == (rec.get("text") or "").strip()
    return {"rec": rec, "report": report, "owners": owners, "timeline": timeline,
            "latest": dict(latest) if latest else {"status": "unknown"},
            "latest_label": label(latest["status"] if latest else None),
            "related": related, "repeats": repeats,
            "show_summary_text": bool(rec.get("summary_text")) and not same_text}


async def _related(db, rec_id: str) -> list[dict]:
    """The recommendations linked to this one in other reports, earliest report first."""
    sql = """
SELECT 'from' AS side, l.kind, l.similarity, o.id, o.report_id, o.number, o.page,
       COALESCE(o.text, o.summary_text) AS text, rep.year, rep.date, rep.title,
       COALESCE(ls.status, 'unknown') AS status
FROM recommendation_links l JOIN recommendations o ON o.id = l.to_id
JOIN reports rep ON rep.id = o.report_id LEFT JOIN latest_statuses ls ON ls.recommendation_id = o.id
WHERE l.from_id = :id
UNION ALL
SELECT 'to', l.kind, l.similarity, o.id, o.report_id, o.number, o.page,
       COALESCE(o.text, o.summary_text), rep.year, rep.date, rep.title,
       COALESCE(ls.status, 'unknown')
FROM recommendation_links l JOIN recommendations o ON o.id = l.from_id
JOIN reports rep ON rep.id = o.report_id LEFT JOIN latest_statuses ls ON ls.recommendation_id = o.id
WHERE l.to_id = :id
ORDER BY 10, 5"""
    out = []
    for r in (await db.execute(sql, {"id": rec_id})).rows:
        d = dict(r)
        words = LINK_FROM if d["side"] == "from" else LINK_TO
        d["relation"] = words.get(d["kind"], d["kind"])
        d["when"] = "antérieure" if d["side"] == "from" else "ultérieure"
        d["label"] = label(d["status"])
        out.append(d)
    return out


# ---------------------------------------------------------------- report

# Reports that assess this one or whose recommendations link to it (later=True), or that
# this one assesses or links to (later=False): a status's two reports, a link's two ends.
_RELATED = """SELECT DISTINCT rep.id, rep.title, rep.year FROM statuses s JOIN reports rep
ON rep.id = s.{other} WHERE s.{this} = :r AND rep.id != :r
UNION SELECT DISTINCT rep.id, rep.title, rep.year FROM recommendation_links l
JOIN recommendations a ON a.id = l.from_id JOIN recommendations b ON b.id = l.to_id
JOIN reports rep ON rep.id = {other_rec}.report_id WHERE {this_rec}.report_id = :r AND {other_rec}.report_id != :r
ORDER BY 3, 1"""


async def _related_reports(db, report_id: str, later: bool) -> list[dict]:
    sql = (_RELATED.format(other="assessed_by_report_id", this="report_id", other_rec="a", this_rec="b") if later
           else _RELATED.format(other="report_id", this="assessed_by_report_id", other_rec="b", this_rec="a"))
    return [dict(r) for r in (await db.execute(sql, {"r": report_id})).rows]


async def report(db, report_id: str) -> dict | None:
    row = (await db.execute("SELECT * FROM reports WHERE id = ?", [report_id])).first()
    if row is None:
        return None
    rep = dict(row)
    rep["bodies_list"] = _json_list(rep.get("bodies"))
    recs = await _labelled_rows(
        db, "SELECT r.id, r.number, COALESCE(r.text, r.summary_text) AS text, r.owner, r.page, r.theme, "
        "r.x0, r.top, r.x1, r.bottom, COALESCE(ls.status, 'unknown') AS status, ls.as_of "
        "FROM recommendations r LEFT JOIN latest_statuses ls ON ls.recommendation_id = r.id "
        "WHERE r.report_id = ? ORDER BY r.position", [report_id])
    followed_by = await _related_reports(db, report_id, later=True)
    follows = await _related_reports(db, report_id, later=False)
    sections = [dict(r) for r in (await db.execute(
        "SELECT number, title, page, level FROM sections WHERE report_id = ? AND level <= 1 "
        "ORDER BY position", [report_id])).rows] if await _has(db, "sections") else []
    return {"report": rep, "recs": recs, "score": counts_and_rate([r["status"] for r in recs]),
            "followed_by": followed_by, "follows": follows, "sections": sections,
            "pages": list(range(1, (rep.get("page_count") or 0) + 1))}


# ---------------------------------------------------------------- addressee
LIST_LIMIT = 50  # rows of each list on the addressee page; the table has the rest


async def owner(db, key: str, years_open: int = DEFAULT_OPEN_YEARS, today: dt.date | None = None) -> dict | None:
    """The addressee named by `key` (an owner id, its label, or a ministry its directorates
    roll up into) with counts, rate, trends and the overdue and long-open lists."""
    me = (await db.execute("SELECT label FROM owners WHERE id = ?", [key])).first()
    name = me["label"] if me else key
    rows = [dict(r) for r in (await db.execute(
        """SELECT b.owner, b.owner_id, b.recommendation_id AS id, b.report_id, b.number, b.text,
       b.year, COALESCE(ls.status, 'unknown') AS status, ls.as_of, ls.target
FROM recommendations_by_owner b LEFT JOIN latest_statuses ls ON ls.recommendation_id = b.recommendation_id
WHERE b.ministry = :n OR b.owner = :n ORDER BY b.year, b.report_id, b.position""", {"n": name})).rows]
    if not rows:
        return None
    members: dict[str, dict] = {}
    recs: dict[str, dict] = {}
    for r in rows:
        m = members.setdefault(r["owner_id"], {"id": r["owner_id"], "label": r["owner"], "statuses": {}})
        m["statuses"][r["id"]] = r["status"]
        recs.setdefault(r["id"], r)
    recs_list = list(recs.values())
    for r in recs_list:
        r["label"] = label(r["status"])
    today = today or dt.date.today()
    overdue = [r for r in recs_list if r["status"] in OPEN_STATUSES and _due(r["target"], today)]
    old = [r for r in recs_list if r["status"] in OPEN_STATUSES and r["year"]
           and r["year"] <= today.year - years_open]
    per_member = sorted(({"id": m["id"], "label": m["label"], **counts_and_rate(list(m["statuses"].values()))}
                         for m in members.values()), key=lambda m: (m["label"] != name, m["label"] or ""))
    return {"name": name, "members": per_member, "score": counts_and_rate([r["status"] for r in recs_list]),
            "by_year": _trend(recs_list, lambda r: r["year"]),
            "by_assessment": _trend([r for r in recs_list if r["as_of"]], lambda r: _year(r["as_of"])),
            "overdue": overdue[:LIST_LIMIT], "n_overdue": len(overdue), "old": old[:LIST_LIMIT],
            "n_old": len(old), "years_open": years_open, "today": today.isoformat(),
            "limit": LIST_LIMIT}


def _trend(recs: list[dict], key) -> list[dict]:
    groups: dict = {}
    for r in recs:
        groups.setdefault(key(r), []).append(r["status"])
    return [{"year": y, **counts_and_rate(s)} for y, s in sorted(groups.items(), key=lambda kv: kv[0] or 0)]


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _due(target: str | None, today: dt.date) -> bool:
    """A target date (YYYY, YYYY-MM or YYYY-MM-DD) that has passed: a year or month is due
    once it is over."""
    if not target or not target[:4].isdigit():
        return False
    parts = target[:10].split("-")
    try:
        if len(parts) == 1:
            return int(parts[0]) < today.year
        if len(parts) == 2:
            return (int(parts[0]), int(parts[1])) < (today.year, today.month)
        return dt.date(*map(int, parts[:3])) < today
    except ValueError:
        return False


def _json_list(value) -> list:
    try:
        out = json.loads(value or "[]")
    except (TypeError, ValueError):
        return []
    return out if isinstance(out, list) else []
