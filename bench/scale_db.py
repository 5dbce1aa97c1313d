"""A suivi database at the scale of a real tracker: 1,000 reports, 16,000 recommendations.

Deterministic (seeded) synthetic reports written through the same code as ingest
(`models.store.report_rows` + `write_report`), then status observations (some from later
reports, some from analysts, with target dates), cross-report links of the three kinds,
and the latest-status table refreshed as ingest does. French wording from small word
lists, so that searches ("mineur", "cyber*", "hébergement") find a realistic share.

    python -m bench.scale_db --out /tmp/bench.db [--reports 1000]
"""
from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from models.latest import refresh_latest_statuses
from models.records import Extraction, Footnote, OwnerRef, Recommendation, ReportMeta, Section
from models.schema import open_db
from models.store import report_id_for, report_rows, write_report

# Ministries and the directorates rolled up into them.
MINISTRIES = {
    "Ministère de la justice": ["DACG", "DPJJ", "DAP", "SG", "DSJ"],
    "Ministère de l'intérieur": ["DGPN", "DGGN", "DGEF", "DGCL"],
    "Ministère des solidarités et de la santé": ["DGCS", "DGS", "DGOS", "DSS"],
    "Ministère de l'éducation nationale": ["DGESCO", "DEPP"],
    "Ministère de l'économie et des finances": ["DGFiP", "DB", "DGT"],
    "Ministère du travail": ["DGT", "DGEFP"],
    "Ministère de la transition écologique": ["DGPR", "DGEC"],
    "Ministère des armées": ["SGA", "DGA"],
}
OTHER_OWNERS = ["Premier ministre", "Haute Autorité de santé", "Caisse nationale d'assurance maladie",
                "Agences régionales de santé", "Collectivités territoriales"]
VERBS = ["Renforcer", "Élaborer", "Mettre en place", "Généraliser", "Évaluer", "Clarifier",
         "Simplifier", "Développer", "Harmoniser", "Pérenniser", "Réviser", "Sécuriser"]
OBJECTS = ["le pilotage interministériel", "la formation des professionnels", "l'hébergement d'urgence",
           "la protection des mineurs", "l'accompagnement des mineurs non accompagnés",
           "la prévention du cyberharcèlement", "la lutte contre la cybercriminalité",
           "le suivi statistique des procédures", "les contrôles sur place", "le financement des associations",
           "la coordination des services déconcentrés", "l'accès aux droits des victimes",
           "la prise en charge des personnes prostituées", "la lutte contre le proxénétisme",
           "les systèmes d'information", "la gestion des ressources humaines", "la commande publique",
           "la maîtrise des dépenses", "la qualité des données", "l'évaluation des politiques publiques"]
MEANS = ["en s'appuyant sur un plan national", "par une circulaire aux préfets", "d'ici la fin de l'année",
         "en associant les collectivités", "avec des objectifs chiffrés", "dans chaque département",
         "par une instruction commune", "en publiant un bilan annuel"]
THEMES = ["Pilotage", "Prévention", "Accompagnement", "Connaissance", "Moyens", "Contrôle", "Formation"]
BODIES = [("IGAS",), ("IGA",), ("IGJ",), ("IGF",), ("IGAS", "IGJ"), ("Cour des comptes",), ("IGA", "IGAS")]
FILLER = ("Les services rencontrés par la mission ont indiqué que les dispositifs existants restent "
          "insuffisamment coordonnés ; les données disponibles ne permettent pas de mesurer les effets "
          "des mesures prises, et les moyens consacrés varient fortement d'un territoire à l'autre. ")
STATUSES = ["implemented", "partially_implemented", "in_progress", "not_implemented", "refused",
            "no_longer_relevant"]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(MEANS)}."


def _owner(rng: random.Random) -> tuple[str, str, str | None]:
    """(printed, canonical label, parent ministry) of one addressee."""
    if rng.random() < 0.15:
        name = rng.choice(OTHER_OWNERS)
        return name, name, None
    ministry = rng.choice(list(MINISTRIES))
    if rng.random() < 0.3:
        return ministry, ministry, None
    d = rng.choice(MINISTRIES[ministry])
    return f"{ministry} ({d})", f"{ministry} ({d})", ministry


def _key(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def report_extraction(i: int, rng: random.Random, n_recs: int, n_pages: int) -> tuple[Extraction, list]:
    year = 2008 + i * 17 // 1000
    name = f"bench-{year}-{i:04d}.pdf"
    meta = ReportMeta(file_name=name, sha256=f"{i:064x}", page_count=n_pages,
                      title=f"Rapport sur {rng.choice(OBJECTS)} ({i})", bodies=rng.choice(BODIES),
                      report_numbers=(f"N°{year}-{i:03d}R",), date=f"{year}-{1 + i % 12:02d}")
    recs, refs = [], []
    for n in range(1, n_recs + 1):
        owners = [_owner(rng) for _ in range(1 if rng.random() < 0.7 else 2)]
        page = rng.randint(3, n_pages)
        top = rng.uniform(80, 650)
        recs.append(Recommendation(
            n, _sentence(rng), None, " ; ".join(o[0] for o in owners), tuple(o[0] for o in owners), page, 2,
            theme=rng.choice(THEMES), section_number=f"{1 + n // 6}.{1 + n % 3}",
            bbox=(72.0, round(top, 1), 520.0, round(top + 40, 1)), label=f"Recommandation n°{n}",
            deadline=str(year + rng.randint(1, 4)) if rng.random() < 0.4 else None))
        for pos, (printed, label, parent) in enumerate(owners):
            refs.append(OwnerRef(n, printed, _key(label), label, parent=parent, position=pos))
    sections = tuple(Section(f"{k}", f"Partie {k} : {rng.choice(OBJECTS)}", 1, 2 + k * (n_pages - 2) // 6,
                             bbox=(72.0, 100.0, 520.0, 120.0)) for k in range(1, 6))
    notes = tuple(Footnote(k, f"Circulaire du {k} mars {year} relative à {rng.choice(OBJECTS)}.",
                           rng.randint(3, n_pages), bbox=(72.0, 760.0, 520.0, 780.0)) for k in range(1, 6))
    pages = []
    for p in range(1, n_pages + 1):
        text = " ".join(_sentence(rng) for _ in range(4)) + " " + FILLER * 3
        pages.append((p, str(p), text))
    ext = Extraction(report=meta, sections=sections, recommendations=tuple(recs), footnotes=notes,
                     owner_refs=tuple(refs))
    return ext, pages


def build(path: str, n_reports: int = 1000, n_recs: int = 16, n_pages: int = 20, seed: int = 13) -> dict:
    """Write the database at `path` (replaced if it exists); returns a few counts."""
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)
    rng = random.Random(seed)
    db = open_db(path)
    ids: list[tuple[str, int]] = []
    for i in range(n_reports):
        ext, pages = report_extraction(i, rng, n_recs, n_pages)
        write_report(db, report_rows(ext, pages, "bench"))
        ids.append((report_id_for(ext.report.file_name), int(ext.report.date[:4])))
    statuses, links = [], []
    for k, (rid, year) in enumerate(ids):
        for n in range(1, n_recs + 1):
            rec = f"{rid}:r{n}"
            if rng.random() < 0.3:
                continue  # never followed up
            for obs in range(rng.randint(1, 2)):
                as_of = f"{min(year + 1 + obs + rng.randint(0, 2), 2026)}-{rng.randint(1, 12):02d}"
                status = rng.choice(STATUSES)
                later = ids[min(len(ids) - 1, k + rng.randint(30, 200))][0]
                by_report = rng.random() < 0.5 and later != rid
                statuses.append({
                    "id": f"{rec}:st{obs}", "recommendation_id": rec, "report_id": rid, "number": str(n),
                    "status": status, "source_term": None, "as_of": as_of,
                    "assessed_by": later if by_report else "analyste",
                    "assessed_by_report_id": later if by_report else None,
                    "evidence": "Bilan transmis par l'administration." if rng.random() < 0.3 else None,
                    "original_target": str(year + 2) if rng.random() < 0.4 else None,
                    "revised_target": None, "method": "bench"})
        if k >= 50:  # a later report repeats, rewords or follows up earlier ones
            for n in rng.sample(range(1, n_recs + 1), 2):
                earlier = ids[rng.randint(0, k - 1)][0]
                kind = rng.choice(["repeats", "repeats", "similar", "follows_up"])
                links.append({"id": f"{rid}:r{n}->{earlier}:r{n}", "from_id": f"{rid}:r{n}",
                              "to_id": f"{earlier}:r{n}", "kind": kind,
                              "similarity": round(rng.uniform(0.75, 1.0), 2), "method": "bench"})
    db["statuses"].insert_all(statuses, batch_size=2000)
    db["recommendation_links"].insert_all(links, batch_size=2000)
    refresh_latest_statuses(db.conn)
    db.conn.close()
    return {"reports": n_reports, "recommendations": n_reports * n_recs, "statuses": len(statuses),
            "links": len(links), "pages": n_reports * n_pages}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--reports", type=int, default=1000)
    args = parser.parse_args(argv)
    print(build(args.out, args.reports))


if __name__ == "__main__":
    main()
