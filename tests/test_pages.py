"""The pages readers open: recommendation, report, addressee, search, in French.

Datasette runs in process on two kinds of database: the generated reports of
tests/test_publish.py (real PDFs, exact pages and bboxes), and a small hand-made one
whose addressees, statuses and target dates make every count of the addressee page known.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
from datasette.app import Datasette

from models.latest import STATUS_LABELS, refresh_latest_statuses
from models.records import Extraction, OwnerRef, Recommendation, ReportMeta
from models.schema import open_db
from models.store import report_rows, write_report
from pipeline.datasette.search import safe_match
from pipeline.publish import SERVE_SETTINGS, build_metadata
from tests.test_publish import DEMO, build_publish_db

TEMPLATES = Path(__file__).resolve().parents[1] / "pipeline" / "datasette" / "templates"
OLD, NEW = "igas-2019-violences", "igj-2021-suivi-violences"


def get(ds, path: str):
    return asyncio.run(ds.client.get(path))


def text_of(html: str) -> str:
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def serve(path, corpus=None) -> Datasette:
    meta = build_metadata(str(path), "reports", [str(corpus)] if corpus else None)
    return Datasette([str(path)], metadata=meta, settings=dict(SERVE_SETTINGS))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return build_publish_db(tmp_path_factory.mktemp("pages"))


@pytest.fixture(scope="module")
def ds(published):
    return serve(published.path, published.corpus)


# ---------------------------------------------------------------- recommendation page
def test_recommendation_page_has_text_addressees_timeline_and_thumbnail(ds):
    html = get(ds, f"/reports/recommendations/{OLD}~3Ar1").text
    page = text_of(html)
    assert "Élaborer un plan national de formation des magistrats" in page
    # each addressee links to its page, with its ministry
    assert 'href="/-/suivi/destinataire?nom=Minist%C3%A8re+de+la+justice+%28DACG%29"' in html
    assert "rattaché à Ministère de la justice" in page
    # the timeline, oldest first, statuses in French, the assessing report linked
    rows = re.findall(r'<tr class="suivi-timeline-row"><td>([^<]+)</td><td>([^<]+)', html)
    assert rows == [("2020-06", "en cours"), ("2021-06", "mise en œuvre")]
    assert f'href="/reports/reports/{NEW}"' in html
    assert re.search(r'id="suivi-latest-status" data-status="implemented">mise en œuvre<', html)
    # thumbnail of the highlighted page, opening the page view
    thumb = re.search(r'<a href="([^"]+)"[^>]*><img id="suivi-thumbnail" src="([^"]+)"', html)
    assert thumb and thumb.group(2).startswith(f"/-/suivi/page/{OLD}/4.png?") and "top=" in thumb.group(2)
    assert thumb.group(1).replace("&amp;", "&").startswith(f"/-/suivi/view/{OLD}/4?")
    assert get(ds, thumb.group(2).replace("&amp;", "&")).headers["content-type"] == "image/png"
    # no raw bbox or hash on the page
    assert "x0" not in page and "sha256" not in page


def test_recommendation_page_shows_the_repeat_in_the_later_report(ds):
    earlier = get(ds, f"/reports/recommendations/{OLD}~3Ar3").text
    assert "réitérée 1 fois" in text_of(earlier)
    assert re.search(rf'réitérée par la recommandation <a href="/reports/recommendations/{NEW}~3Ar3">n°3</a>',
                     earlier)
    later = text_of(get(ds, f"/reports/recommendations/{NEW}~3Ar3").text)
    assert "réitère la recommandation n°3" in later and "(2019)" in later


def test_summary_wording_only_where_it_differs(tmp_path):
    db = open_db(str(tmp_path / "reports.db"))
    recs = (Recommendation(1, "Créer un fichier national.", "Créer un fichier national.", "SG", ("SG",), 5, 2),
            Recommendation(2, "Réviser la circulaire de 2015 sur l'accueil.", "Réviser la circulaire.", "SG",
                           ("SG",), 6, 2))
    write_report(db, report_rows(Extraction(ReportMeta("a.pdf", "0" * 64, 8, "A"), recommendations=recs),
                                 [], "test"))
    db.conn.close()
    ds = serve(tmp_path / "reports.db")
    assert "Libellé du tableau récapitulatif" not in get(ds, "/reports/recommendations/a~3Ar1").text
    two = text_of(get(ds, "/reports/recommendations/a~3Ar2").text)
    assert "Libellé du tableau récapitulatif (p. 2) : Réviser la circulaire." in two
    table = get(ds, "/reports/recommendations").text  # the same wording is not printed twice
    cells = re.findall(r'<td class="col-summary_text[^"]*">(.*?)</td>', table, flags=re.S)
    assert [c.strip() for c in cells] == [
        '<span class="suivi-same" title="Même libellé que le texte">=</span>', "Réviser la circulaire."]


# ---------------------------------------------------------------- report page
def test_report_page_has_rate_statuses_and_follow_ups(ds):
    page = text_of(get(ds, f"/reports/reports/{OLD}").text)
    # r1 implemented, r2 not implemented, four without status: 1 of 2 assessed
    assert "6 recommandations — taux de mise en œuvre : 50.0 % (1 sur 2 évaluées)" in page
    assert "convention de la Cour des comptes" in page
    assert "Suivi par : Évaluation" in page and "(2021)" in page
    later = text_of(get(ds, f"/reports/reports/{NEW}").text)
    assert "Fait le suivi de : Évaluation" in later and "aucune évaluée" in later


# ---------------------------------------------------------------- addressee page
JUSTICE = "Ministère de la justice"
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def addressees(tmp_path_factory):
    """Six recommendations to the justice ministry or its directorates, one to another."""
    path = tmp_path_factory.mktemp("owners") / "reports.db"
    db = open_db(str(path))
    owners = [(1, JUSTICE, None), (2, f"{JUSTICE} (DACG)", JUSTICE), (3, f"{JUSTICE} (DPJJ)", JUSTICE),
              (4, f"{JUSTICE} (DACG)", JUSTICE), (5, f"{JUSTICE} (DPJJ)", JUSTICE), (6, JUSTICE, None),
              (7, "Ministère de l'intérieur (DGPN)", "Ministère de l'intérieur")]
    recs = tuple(Recommendation(n, f"Recommandation {n} sur la justice des mineurs.", None, o, (o,), n, None)
                 for n, o, _ in owners)
    refs = tuple(OwnerRef(n, o, re.sub(r"\W+", "-", o.lower()), o, parent=p) for n, o, p in owners)
    year = TODAY.year - 5
    meta = ReportMeta("j.pdf", "1" * 64, 10, "Justice des mineurs", date=f"{year}-03")
    write_report(db, report_rows(Extraction(meta, recommendations=recs, owner_refs=refs), [], "test"))
    past = str(TODAY.year - 1)
    statuses = [(1, "implemented", past, None), (2, "partially_implemented", past, None),
                (3, "not_implemented", past, past), (4, "no_longer_relevant", past, None),
                (5, "in_progress", past, str(TODAY.year + 3)), (7, "implemented", past, None)]
    db["statuses"].insert_all([{"id": f"s{n}", "recommendation_id": f"j:r{n}", "report_id": "j",
                                "number": str(n), "status": s, "as_of": a, "original_target": t}
                               for n, s, a, t in statuses])
    refresh_latest_statuses(db.conn)
    db.conn.close()
    return serve(path)


def test_addressee_page_rolls_directorates_up_with_the_cour_des_comptes_rate(addressees):
    html = get(addressees, "/-/suivi/destinataire?nom=Minist%C3%A8re+de+la+justice").text
    page = text_of(html)
    # 6 recommendations; assessed: 1, 2, 3, 5 (4 is "sans objet", 6 has no status);
    # implemented or partially: 1, 2 -> 50 %
    assert "6 recommandations — taux de mise en œuvre : 50.0 %" in page
    assert "(2 mises en œuvre ou partiellement, sur 4 évaluées)" in page
    counts = dict(re.findall(r'<td data-status="(\w+)">(\d+)</td>', html))
    assert counts == {"implemented": "1", "partially_implemented": "1", "in_progress": "1",
                      "not_implemented": "1", "refused": "0", "no_longer_relevant": "1", "unknown": "1"}
    assert "« devenues sans objet » et celles sans suivi ne sont pas comptées" in page
    assert f"{JUSTICE} (DACG) (2, 100.0 %)" in page and f"{JUSTICE} (DPJJ) (2, 0.0 %)" in page
    # trend by report year and by assessment year
    assert re.search(rf"<td>{TODAY.year - 5}</td><td>6</td><td>4</td><td>2</td><td>50.0 %</td><td>3</td>", html)
    assert re.search(rf"<td>{TODAY.year - 1}</td><td>5</td><td>4</td><td>2</td><td>50.0 %</td><td>3</td>", html)
    # overdue: open with a target date passed (3); open for more than 3 years: 3 and 5
    overdue = html.split("Échéance dépassée")[1].split("<h2>")[0]
    assert "j n°3" in overdue and "j n°5" not in overdue
    old = html.split("Ouvertes depuis plus de 3 ans")[1].split("<h2>")[0]
    assert "j n°3" in old and "j n°5" in old and "j n°1<" not in old
    assert "Aucune" in get(addressees, "/-/suivi/destinataire?nom=Minist%C3%A8re+de+la+justice&ans=9").text


def test_directorate_row_page_is_its_addressee_page(addressees):
    key = re.sub(r"\W+", "-", f"{JUSTICE} (DACG)".lower()).replace("è", "~C3~A8")
    page = text_of(get(addressees, f"/reports/owners/{key}").text)
    assert "2 recommandations — taux de mise en œuvre : 100.0 %" in page


def test_scorecard_lists_ministries_with_rate_and_links(addressees):
    rows = get(addressees, "/reports/owner_scorecard.json?_shape=array").json()
    justice = next(r for r in rows if r["owner"] == JUSTICE)
    assert (justice["recommendations"], justice["assessed"], justice["rate"]) == (6, 4, 50.0)
    html = get(addressees, "/reports/owner_scorecard").text
    link = re.search(r'<a href="(/reports/owner_scorecard/[^"]+)">Ministère de la justice</a>', html).group(1)
    assert "50.0 %" in text_of(get(addressees, link).text)  # the ministry's row page is its page


def test_status_import_is_seen_without_restart(addressees, tmp_path):
    """Datasette serves the file read-only but not immutable: a write shows at once."""
    from pipeline.statuses import write_statuses

    path = addressees.get_database("reports").path
    before = text_of(get(addressees, "/reports/recommendations/j~3Ar6").text)
    assert "Dernier statut : inconnu" in before
    db = open_db(path)
    try:
        write_statuses(db, [{"id": "s6", "recommendation_id": "j:r6", "report_id": "j", "number": "6",
                             "status": "refused", "as_of": str(TODAY.year)}])
    finally:
        db.conn.close()
    assert "Dernier statut : refusée" in text_of(get(addressees, "/reports/recommendations/j~3Ar6").text)
    assert get(addressees, "/reports/owner_scorecard.json?_shape=array&owner=Minist%C3%A8re+de+la+justice"
               ).json()[0]["refused"] == 1


# ---------------------------------------------------------------- search
@pytest.mark.parametrize("typed, query", [
    ("mineur", "mineur"), ("cyber*", "cyber*"), ("l'hébergement des mineurs", "l hébergement des mineurs"),
    ('"mise à l\'abri"', '"mise à l abri"'), ("NOT mineur", "not mineur"), ("(AND)", "and"),
    ("-^+:", ""), ("près*de", "près* de"),
])
def test_safe_match_keeps_words_and_never_makes_a_syntax_error(typed, query):
    assert safe_match(typed) == query


def test_table_search_is_stemmed_and_takes_prefixes(ds, published):
    import sqlite3

    conn = sqlite3.connect(published.path)
    plural = {i for (i,) in conn.execute("SELECT id FROM pages WHERE text LIKE '%mineurs%'")}
    assert plural  # the demo report says "mineurs"
    found = {r["id"] for r in get(ds, "/reports/pages.json?_search=mineur&_shape=array&_size=max").json()}
    assert plural <= found
    cyber = {r["id"] for r in get(ds, "/reports/pages.json?_search=cyber*&_shape=array&_size=max").json()}
    expected = {i for (i, t) in conn.execute("SELECT id, text FROM pages") if re.search(r"\bcyber", t.lower())}
    assert expected and cyber == expected
    # an apostrophe or a stray operator is not an error
    assert get(ds, "/reports/recommendations?_search=l%27h%C3%A9bergement").status_code == 200
    recs = get(ds, "/reports/recommendations.json?_search=hebergements&_shape=array").json()
    assert recs and all("hébergement" in r["text"] for r in recs)


def test_one_search_box_across_recommendations_notes_and_pages(ds):
    html = get(ds, "/-/suivi/recherche?q=hebergement").text
    recs = html.split('id="recommandations"')[1].split('id="notes"')[0]
    assert re.search(r"<mark>hébergement</mark>", recs)
    assert f'href="/reports/recommendations/{OLD}~3Ar5"' in recs
    pages = html.split('id="pages"')[1]
    assert "/-/suivi/view/" in pages and "<mark>" in pages
    themes = text_of(get(ds, "/-/suivi/recherche?q=prevention").text)
    assert "Thèmes Prévention" in themes
    assert "Aucune" in get(ds, "/-/suivi/recherche?q=%22%27%28").text


# ---------------------------------------------------------------- French, hidden columns, order
def test_copied_templates_match_the_datasette_they_were_copied_from():
    """Our French copies start from Datasette's templates: when an upgrade changes one,
    this fails, and the copy must be redone from the new original."""
    import datasette

    origins = json.loads((TEMPLATES / "ORIGINS.json").read_text())
    originals = Path(datasette.__file__).parent / "templates"
    for name, digest in origins["templates"].items():
        assert (TEMPLATES / name).exists(), name
        now = hashlib.sha256((originals / name).read_bytes()).hexdigest()
        assert now == digest, f"Datasette's {name} changed since {origins['datasette']}: redo our copy"


ENGLISH = ("Links from other tables", "This data as", "Suggested facets", "View and edit SQL",
           "Advanced export", "Next page", "Powered by", "Custom SQL query", " rows", "Apply")


@pytest.mark.parametrize("path", ["/", "/reports", f"/reports/recommendations?report_id={OLD}",
                                  "/reports/recommendations_by_owner", "/reports/owners/premier-ministre",
                                  "/reports/recommandations_ouvertes", "/reports/statuses"])
def test_pages_readers_see_are_in_french(ds, path):
    page = text_of(get(ds, path).text)
    assert not [w for w in ENGLISH if w in page]


def test_main_tables_hide_bbox_and_hashes_but_keep_them_in_json(ds):
    html = get(ds, f"/reports/recommendations?report_id={OLD}").text
    assert 'class="col-x0"' not in html and 'class="col-text' in html
    assert "x0" in get(ds, f"/reports/recommendations.json?report_id={OLD}&_shape=array").json()[0]
    assert "col-sha256" not in get(ds, "/reports/reports").text


def test_statuses_are_french_in_facets_and_codes_in_the_database(ds, published):
    data = get(ds, "/reports/recommendations_by_owner.json?_facet=status&_size=0").json()
    values = {r["value"] for r in data["facet_results"]["status"]["results"]}
    assert values <= set(STATUS_LABELS.values()) and "mise en œuvre" in values
    assert {r["status"] for r in get(ds, "/reports/statuses.json?_shape=array").json()} <= set(STATUS_LABELS)
    assert "en cours" in text_of(get(ds, "/reports/statuses").text)


def test_numbers_sort_as_numbers(tmp_path):
    db = open_db(str(tmp_path / "reports.db"))
    recs = tuple(Recommendation(n, f"Texte {n}.", None, "SG", ("SG",), 1, None) for n in (1, 2, 10, 11))
    refs = tuple(OwnerRef(n, "SG", "sg", "SG") for n in (1, 2, 10, 11))
    write_report(db, report_rows(Extraction(ReportMeta("a.pdf", "0" * 64, 8, "A"), recommendations=recs,
                                            owner_refs=refs), [], "test"))
    db.conn.close()
    ds = serve(tmp_path / "reports.db")
    rows = get(ds, "/reports/recommendations_by_owner.json?_sort=number&_shape=array").json()
    assert [r["number"] for r in rows] == [1, 2, 10, 11]
    rows = get(ds, "/reports/recommendation_history.json?_sort_desc=number&_shape=array").json()
    assert [r["number"] for r in rows] == [11, 10, 2, 1]


def test_page_view_shows_the_status_of_each_recommendation_on_the_page(ds):
    page = text_of(get(ds, f"/-/suivi/view/{OLD}/4").text)
    assert "Recommandation n°1 — mise en œuvre" in page


def test_demo_report_is_found_under_its_id_and_a_wrong_id_says_so_in_french(ds):
    assert get(ds, f"/reports/reports/{DEMO.stem}").status_code == 200
    missing = get(ds, "/reports/recommendations/nulle-part~3Ar1")
    assert missing.status_code == 404 and "Erreur 404 Ligne introuvable" in text_of(missing.text)
