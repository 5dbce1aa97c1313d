"""Datasette publication, tested in process: metadata, facets, canned queries, page images.

The database is built from the ground truth of generated report PDFs (exact pages and
bboxes) through `models.store`, plus the demo report's pages and its recommendation 1.
"""
from __future__ import annotations

import asyncio
import io
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpus" / "igas-2019-prostitution.pdf"

from models.records import (Extraction, Footnote, GlossaryEntry, OwnerRef, Recommendation,
                            ReportMeta, Section, Table)
from models.latest import OPEN_STATUSES, STATUS_LABELS, refresh_latest_statuses
from models.schema import open_db
from models.store import report_id_for, report_rows, write_report
from extractors.layout import sha256_file
from pipeline.page_images import DEFAULT_SCALE
from pipeline.publish import build_metadata, serve_command, write_metadata
from tests.fixtures.builder import build_pdf
from tests.fixtures.examples import example

# (fixture variant, file name, date): two generated reports two years apart.
GENERATED = (("classic", "igas-2019-violences.pdf", "2019-12"),
             ("small-headings", "igj-2021-suivi-violences.pdf", "2021-06"))
# Recommendation 1 of the demo report, as laid out on physical page 12 (the three lines of
# "Recommandation n°1 : Réunir le comité de suivi interministériel…", read with
# extractors.layout): the page image test checks the highlight lands there.
DEMO_REC1 = dict(page=12, bbox=(80.0, 208.0, 501.0, 245.0),
                 text="Réunir le comité de suivi interministériel en vue d’assurer une mise en "
                      "œuvre complète de la loi et d’en adapter les dispositifs, sur la base "
                      "d'une réunion annuelle a minima",
                 owner="Premier ministre (MIPROF)")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def pdf_pages(path: Path) -> list[tuple[int, str | None, str]]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [(i + 1, None, pdf[i].get_textpage().get_text_bounded()) for i in range(len(pdf))]
    finally:
        pdf.close()


def extraction_from_truth(truth, file_name: str) -> Extraction:
    """What a perfect `suivi extract` would return for a generated PDF."""
    meta = ReportMeta(file_name=file_name, sha256=sha256_file(str(truth.path)), page_count=truth.page_count,
                      title=truth.title, bodies=truth.bodies, report_numbers=truth.report_numbers,
                      date=truth.date)
    recs = tuple(Recommendation(r.number, r.text, r.summary_text, r.owner, r.owners, r.page,
                                r.summary_page, r.theme, r.section_number, bbox=r.bbox,
                                summary_bbox=r.summary_bbox, label=r.label)
                 for r in truth.recommendations)
    # A directorate "Ministère X (DIR)" is rolled up into "Ministère X", as extract does.
    refs = tuple(OwnerRef(r.number, o, slug(o), o, parent=o.split(" (")[0] if " (" in o else None,
                          position=i)
                 for r in truth.recommendations for i, o in enumerate(r.owners))
    return Extraction(
        report=meta, recommendations=recs, owner_refs=refs,
        sections=tuple(Section(s.number, s.title, s.level, s.page, s.bbox, kind=s.kind)
                       for s in truth.sections),
        footnotes=tuple(Footnote(f.number, f.text, f.page, f.bbox) for f in truth.footnotes),
        tables=tuple(Table(t.number, t.caption, t.page, t.cells, t.source, t.page_end)
                     for t in truth.tables),
        glossary=tuple(GlossaryEntry(g.acronym, g.expansion, g.page) for g in truth.glossary))


def demo_extraction() -> Extraction:
    meta = ReportMeta(file_name=DEMO.name, sha256=sha256_file(str(DEMO)), page_count=len(pdfium.PdfDocument(str(DEMO))),
                      title="Évaluation de la loi du 13 avril 2016 sur le système prostitutionnel",
                      bodies=("IGAS", "IGA", "IGJ"), date="2019-12")
    rec = Recommendation(1, DEMO_REC1["text"], None, DEMO_REC1["owner"], (DEMO_REC1["owner"],),
                         DEMO_REC1["page"], None, bbox=DEMO_REC1["bbox"], label="Recommandation n°1 :")
    return Extraction(report=meta, recommendations=(rec,),
                      owner_refs=(OwnerRef(1, DEMO_REC1["owner"], slug(DEMO_REC1["owner"]),
                                           DEMO_REC1["owner"]),))


@dataclass
class PublishedDb:
    path: Path
    corpus: Path
    extractions: dict[str, Extraction]  # report id -> what was stored
    statuses: list[dict]
    links: list[dict]
    years: dict[str, str]  # report id -> year as stored


def build_publish_db(directory: Path, real_demo: bool = False) -> PublishedDb:
    """A suivi database of three reports with statuses and one cross-report link.

    With `real_demo`, the demo report goes through the real pipeline (`pipeline.ingest`)
    instead of the hand-made extraction of its recommendation 1.
    """
    corpus = directory / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    db_path = directory / "reports.db"
    db = open_db(str(db_path))
    extractions, years = {}, {}
    for variant, name, date in GENERATED:
        truth = build_pdf(*example(variant), corpus / name)
        ext = extraction_from_truth(truth, name)
        write_report(db, report_rows(ext, pdf_pages(truth.path), "pdfium", {"date": date}))
        extractions[report_id_for(name)] = ext
        years[report_id_for(name)] = date[:4]
    demo = corpus / DEMO.name
    demo.write_bytes(DEMO.read_bytes())
    ext = demo_extraction()
    if not real_demo:
        write_report(db, report_rows(ext, pdf_pages(demo), "pdfium"))
        extractions[report_id_for(DEMO.name)] = ext
        years[report_id_for(DEMO.name)] = ext.report.date[:4]
    old, new = (report_id_for(n) for _, n, _ in GENERATED)
    statuses = [  # the 2021 report assesses two 2019 recommendations
        dict(id="s1", recommendation_id=f"{old}:r1", report_id=old, number="1", status="in_progress",
             as_of="2020-06", assessed_by="analyste", method="manual"),
        dict(id="s2", recommendation_id=f"{old}:r1", report_id=old, number="1", status="implemented",
             as_of="2021-06", assessed_by=new, assessed_by_report_id=new, method="status_table"),
        dict(id="s3", recommendation_id=f"{old}:r2", report_id=old, number="2", status="not_implemented",
             as_of="2021-06", assessed_by=new, assessed_by_report_id=new, method="status_table"),
    ]
    links = [dict(id="l1", from_id=f"{new}:r3", to_id=f"{old}:r3", kind="repeats", similarity=0.97,
                  method="fuzzy")]
    db["statuses"].insert_all(statuses)
    db["recommendation_links"].insert_all(links)
    refresh_latest_statuses(db.conn)
    db.conn.close()
    if real_demo:
        from pipeline.ingest import ingest

        result = ingest([str(demo)], str(db_path))
        assert not result.failed, result.failed
    return PublishedDb(db_path, corpus, extractions, statuses, links, years)


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> PublishedDb:
    return build_publish_db(tmp_path_factory.mktemp("publish"))


@pytest.fixture(scope="session")
def ds(published):
    from datasette.app import Datasette

    meta = build_metadata(str(published.path), "reports", [str(published.corpus)])
    meta["plugins"]["suivi"]["cache"] = str(published.path.parent / ".suivi-cache" / "pages")
    return Datasette([str(published.path)], immutables=[], metadata=meta,
                     settings={"suggest_facets": False})


def get(ds, path: str):
    return asyncio.run(ds.client.get(path))


def latest_status(published: PublishedDb, rec_id: str) -> str:
    obs = sorted((s for s in published.statuses if s["recommendation_id"] == rec_id),
                 key=lambda s: s["as_of"])
    return obs[-1]["status"] if obs else "unknown"


# ---------------------------------------------------------------- metadata
def test_metadata_describes_what_the_database_holds(published):
    meta = build_metadata(str(published.path), "reports", [str(published.corpus)])
    tables = meta["databases"]["reports"]["tables"]
    assert meta["license"] and meta["source"] and meta["description"]
    assert tables["recommendations"]["title"] == "Recommandations"
    assert meta["plugins"]["suivi"]["descriptions"]["recommendations"]["page"].startswith("Page physique")
    assert meta["plugins"]["suivi"]["labels"]["recommendations"]["page"] == "Page (corps)"
    assert tables["recommendations"]["fts_table"] == "recommendations_fts_fr"
    assert tables["recommendations"]["searchmode"] == "raw"
    assert tables["recommendations_by_owner"]["facets"][:2] == ["ministry", "year"]
    assert "number" not in tables["recommendations"]["sortable_columns"]
    assert tables["pages_fts"] == {"hidden": True}
    assert meta["plugins"]["suivi"]["corpus"] == [str(published.corpus.resolve())]
    assert meta["plugins"]["suivi"]["labels"]["recommendations"]["owner"] == "Destinataire"
    assert set(meta["databases"]["reports"]["queries"]) == {
        "recommandations_par_destinataire", "recommandations_ouvertes", "recommandations_reprises",
        "chronologie_des_statuts", "notes_mentionnant", "tableaux_du_rapport"}


def test_metadata_leaves_out_what_is_missing(tmp_path):
    import sqlite_utils

    path = tmp_path / "other.db"
    sqlite_utils.Database(path)["reports"].insert({"id": "x", "title": "t"})
    meta = build_metadata(str(path), "other")
    assert list(meta["databases"]["other"]["tables"]) == ["reports"]
    assert meta["databases"]["other"]["queries"] == {}


def test_serve_command_is_read_only_on_loopback(published, tmp_path):
    cmd, meta_path = serve_command(str(published.path), port=8123, corpus=[str(published.corpus)])
    assert str(published.path) in cmd and "-i" not in cmd  # read-only, not immutable
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1" and cmd[cmd.index("--port") + 1] == "8123"
    assert meta_path == published.path.with_suffix(".metadata.json") and meta_path.exists()
    out = write_metadata(str(published.path), str(tmp_path / "m.json"))
    assert out.read_text(encoding="utf-8").count("Destinataire") > 3  # labels, in French


# ---------------------------------------------------------------- Datasette pages
def test_table_page_shows_french_labels_and_page_links(ds, published):
    rid = report_id_for(GENERATED[0][1])
    rec1 = next(r for r in published.extractions[rid].recommendations if r.number == 1)
    html = get(ds, f"/reports/recommendations?report_id={rid}&number=1").text
    assert ">Destinataire" in html and "Page (corps)" in html and "title=\"Page physique du PDF" in html
    link = re.search(r'<a class="suivi-page" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link.startswith(f"/-/suivi/view/{rid}/{rec1.page}?")
    assert f"top={rec1.bbox[1]:g}" in link and "label=Recommandation" in link


def test_owner_facet_counts_match_what_was_stored(ds, published):
    data = get(ds, "/reports/recommendations_by_owner.json?_facet=owner_id&_size=0").json()
    counts = {r["value"]: r["count"] for r in data["facet_results"]["owner_id"]["results"]}
    expected: dict[str, int] = {}
    for ext in published.extractions.values():
        for ref in ext.owner_refs:
            expected[ref.key] = expected.get(ref.key, 0) + 1
    assert counts == expected
    labels = get(ds, "/reports/recommendations_by_owner.json?_facet=owner&_size=0").json()
    assert sum(r["count"] for r in labels["facet_results"]["owner"]["results"]) == sum(expected.values())


def test_search_is_accent_insensitive(ds):
    data = get(ds, "/reports/pages.json?_search=proxenetisme&_shape=array&_size=max").json()
    assert data and all("proxénétisme" in r["text"].lower() for r in data)
    accented = get(ds, "/reports/pages.json?_search=proxénétisme&_shape=array&_size=max").json()
    assert [r["id"] for r in data] == [r["id"] for r in accented]
    recs = get(ds, "/reports/recommendations.json?_search=hebergement&_shape=array").json()
    assert recs and all("hébergement" in r["text"] for r in recs)


def test_canned_query_by_owner_ignores_case_and_accents(ds, published):
    rows = get(ds, "/reports/recommandations_par_destinataire.json?destinataire=MINISTERE+DE+L%27INTERIEUR"
                   "&_shape=array").json()
    expected = sorted((rid, str(r.number)) for rid, ext in published.extractions.items()
                      for r in ext.recommendations
                      if any("intérieur" in o for o in r.owners))
    # N° comes back as a number where it is one, so that 2 sorts before 10
    assert expected and sorted((r["rapport"], str(r["numero"])) for r in rows) == expected


def test_canned_query_open_recommendations_uses_latest_status(ds, published):
    rows = get(ds, "/reports/recommandations_ouvertes.json?_shape=array&_size=max").json()
    got = {r["recommandation"] for r in rows}
    all_ids = {f"{rid}:r{r.number}" for rid, ext in published.extractions.items() for r in ext.recommendations}
    expected = {i for i in all_ids if latest_status(published, i) in OPEN_STATUSES}
    assert got == expected and 0 < len(got) < len(all_ids)
    assert {r["statut"] for r in rows} <= {"non mise en œuvre", "en cours", "partiellement mise en œuvre"}


def test_canned_queries_links_timeline_footnotes_tables(ds, published):
    link = published.links[0]
    rows = get(ds, "/reports/recommandations_reprises.json?_shape=array").json()
    assert [(r["rapport"] + ":r" + r["numero"], r["rapport_anterieur"] + ":r" + r["numero_anterieur"])
            for r in rows] == [(link["from_id"], link["to_id"])]
    rec = published.statuses[0]["recommendation_id"]
    rows = get(ds, f"/reports/chronologie_des_statuts.json?recommandation={rec}&_shape=array").json()
    assert [r["statut"] for r in rows] == [STATUS_LABELS[s["status"]] for s in published.statuses
                                           if s["recommendation_id"] == rec]
    rid = report_id_for(GENERATED[0][1])
    notes = [f for f in published.extractions[rid].footnotes if "circulaire" in f.text.lower()]
    rows = get(ds, "/reports/notes_mentionnant.json?terme=Circulaire&_shape=array&_size=max").json()
    assert notes and sorted(r["texte"] for r in rows) == sorted(
        f.text for e in published.extractions.values() for f in e.footnotes if "circulaire" in f.text.lower())
    tables = published.extractions[rid].tables
    rows = get(ds, f"/reports/tableaux_du_rapport.json?rapport={rid}&_shape=array").json()
    assert tables and [r["titre"] for r in rows] == [t.caption for t in tables]


def test_csv_export_with_labels(ds, published):
    import csv

    rid = report_id_for(GENERATED[0][1])
    text = get(ds, f"/reports/recommendation_owners.csv?report_id={rid}&_labels=on&_size=max").text
    rows = list(csv.DictReader(io.StringIO(text)))
    ext = published.extractions[rid]
    assert len(rows) == len(ext.owner_refs)
    stored = dict(sqlite3.connect(published.path).execute("SELECT id, label FROM owners").fetchall())
    assert {(r["owner_id"], r["owner_id_label"]) for r in rows} == {
        (ref.key, stored[ref.key]) for ref in ext.owner_refs}


# ---------------------------------------------------------------- page images
def test_page_image_has_the_page_size_and_the_highlight(ds, published):
    x0, top, x1, bottom = DEMO_REC1["bbox"]
    rid = report_id_for(DEMO.name)
    url = f"/-/suivi/page/{rid}/{DEMO_REC1['page']}.png?x0={x0}&top={top}&x1={x1}&bottom={bottom}"
    resp = get(ds, url)
    assert resp.status_code == 200 and resp.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(resp.content)).convert("RGB")
    width, height = pdfium.PdfDocument(str(DEMO))[DEMO_REC1["page"] - 1].get_size()
    assert abs(image.width - width * DEFAULT_SCALE) <= 1 and abs(image.height - height * DEFAULT_SCALE) <= 1
    plain = Image.open(io.BytesIO(get(ds, f"/-/suivi/page/{rid}/{DEMO_REC1['page']}.png").content)).convert("RGB")

    def yellow_share(img, box):
        crop = img.crop(tuple(int(v * DEFAULT_SCALE) for v in box))
        px = [crop.getpixel((x, y)) for x in range(crop.width) for y in range(crop.height)]
        return sum(1 for r, g, b in px if r > 200 and g > 180 and b < 200) / len(px)

    assert yellow_share(image, DEMO_REC1["bbox"]) > 0.5 > 0.05 > yellow_share(plain, DEMO_REC1["bbox"])
    below = (x0, bottom + 40, x1, bottom + 80)  # the next heading, not highlighted
    assert yellow_share(image, below) < 0.05


def test_page_view_shows_image_text_and_items(ds, published):
    rid = report_id_for(GENERATED[0][1])
    ext = published.extractions[rid]
    rec = ext.recommendations[0]
    html = get(ds, f"/-/suivi/view/{rid}/{rec.page}?x0={rec.bbox[0]}&top={rec.bbox[1]}"
                   f"&x1={rec.bbox[2]}&bottom={rec.bbox[3]}&label=Recommandation+n%C2%B01").text
    assert f"/-/suivi/page/{rid}/{rec.page}.png?" in html and 'id="zone"' in html
    assert "Recommandation n°1" in html and "Texte de la page" in html
    assert rec.text.split()[0] in html


@pytest.mark.parametrize("path, message", [
    ("/-/suivi/page/no-such-report/1.png", "no report"),
    ("/-/suivi/page/{rid}/999.png", "out of range"),
    ("/-/suivi/page/{rid}/1.png?x0=1&top=2", "four numbers"),
    ("/-/suivi/page/{rid}/1.png?x0=10&top=20&x1=5&bottom=30", "inverted"),
])
def test_page_image_errors_are_clear(ds, path, message):
    resp = get(ds, path.format(rid=report_id_for(DEMO.name)))
    assert resp.status_code == 404 and message in resp.text


def test_missing_pdf_names_the_file_and_the_fix(published, tmp_path):
    from datasette.app import Datasette

    meta = build_metadata(str(published.path), "reports", [str(tmp_path)])
    meta["plugins"]["suivi"]["cache"] = str(tmp_path / "cache")
    db_copy = tmp_path / "reports.db"  # away from its corpus/ folder
    db_copy.write_bytes(published.path.read_bytes())
    other = Datasette([str(db_copy)], metadata=meta)
    resp = get(other, f"/-/suivi/page/{report_id_for(GENERATED[0][1])}/1.png")
    assert resp.status_code == 404 and GENERATED[0][1] in resp.text and "--corpus" in resp.text


def test_chart_counts_latest_statuses_by_year(ds, published):
    html = get(ds, "/-/suivi/chart").text
    assert "<svg" in html and "src=\"http" not in html  # nothing fetched from elsewhere
    bars = re.findall(r'<title>([^<]+) — ([^<]+) : (\d+)</title></rect>', html)
    year_bars = {(g, s): int(n) for g, s, n in bars if re.fullmatch(r"\d{4}", g)}
    labels = build_metadata()["plugins"]["suivi"]["status_labels"]
    expected: dict[tuple[str, str], int] = {}
    for rid, ext in published.extractions.items():
        for r in ext.recommendations:
            key = (published.years[rid], labels[latest_status(published, f"{rid}:r{r.number}")])
            expected[key] = expected.get(key, 0) + 1
    assert year_bars == expected
