"""A reader's path through the tracker, in a real browser (Debian's chromium via Playwright).

`suivi serve` runs in a subprocess on a free loopback port (read-only, not immutable). The
database holds the generated reports of tests/test_publish.py, the demo report through
the real pipeline, and a later report (rendered by the fixture builder, ingested and
linked by the real pipeline) that repeats one of the demo's recommendations on minors.
The reader searches "mineur", opens that recommendation, sees its addressees, status
timeline, the later report's repetition and its thumbnail, opens the ministry's page,
then exports the tracker, edits one status, imports it and sees it without a restart.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models.latest import STATUS_LABELS
from models.schema import open_db
from pipeline.datasette.pages import counts_and_rate
from pipeline.screenshots import CHROMIUM, CHROMIUM_ARGS, free_port, wait_for_server
from pipeline.statuses import import_statuses
from tests.test_publish import DEMO, build_publish_db

pytestmark = pytest.mark.browser

SUIVI = Path(sys.executable).with_name("suivi")
LATER = "igas-2023-suivi-prostitution.pdf"
MINISTRY = "Ministère de la justice"


def later_report(path: Path, text: str, owner: str) -> None:
    """A 2023 follow-up report whose recommendation 1 restates `text`."""
    from tests.fixtures.builder import build_pdf
    from tests.fixtures.examples import body, summary
    from tests.fixtures.specs import Cover, Layout, Part, Report

    spec = [(1, text, owner, "Protection des mineurs")]
    report = Report(Cover("Suivi de l'évaluation de la loi du 13 avril 2016", ("IGAS",), ("IGAS N°2023-011R",),
                          "Mars 2023"),
                    (Part("RÉCAPITULATIF DES RECOMMANDATIONS"), summary(spec), *body(spec, depth=2)))
    build_pdf(report, Layout(), path)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`suivi serve` on a freshly built database; yields (base URL, built db, the demo
    recommendation the later report repeats)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (`apt-get install -y chromium`)")
    from pipeline.ingest import ingest

    directory = tmp_path_factory.mktemp("browser")
    built = build_publish_db(directory, real_demo=True)  # the demo report through the real pipeline
    conn = sqlite3.connect(built.path)
    rec_id, number, text, owner = conn.execute(
        "SELECT id, number, text, owner FROM recommendations WHERE report_id = ? AND text LIKE '%mineurs%' "
        "AND owner LIKE ? ORDER BY position LIMIT 1", [DEMO.stem, MINISTRY + "%"]).fetchone()
    conn.close()
    later_report(built.corpus / LATER, text, owner)
    result = ingest([str(built.corpus / LATER)], str(built.path))
    assert not result.failed, result.failed
    status_file = directory / "statuts.csv"
    status_file.write_text("report,number,status,as_of,assessed_by\n"
                           f"{DEMO.name},{number},en cours,2021-06,Cellule de suivi\n", encoding="utf-8")
    db = open_db(str(built.path))
    try:
        assert import_statuses(db, status_file) == 1
    finally:
        db.conn.close()
    port = free_port()
    proc = subprocess.Popen([str(SUIVI), "serve", "--db", str(built.path), "--port", str(port),
                             "--corpus", str(built.corpus)], cwd=directory,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "no_proxy": "127.0.0.1,localhost"})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}/-/versions.json", proc)
        yield base, built, rec_id
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """Module-scoped: Playwright's sync API keeps an event loop running in this thread
    while it is open, which would break later tests that call asyncio.run()."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def test_reader_follows_a_recommendation_and_updates_its_status(server, browser, tmp_path):
    base, built, rec_id = server
    conn = sqlite3.connect(built.path)
    page = browser.new_page()

    # 1. Home page: one search box; "mineur" finds the recommendations on "mineurs".
    page.goto(base + "/")
    assert page.locator("text=Commencer ici").is_visible()
    page.fill("#suivi-search", "mineur")
    page.click("form:has(#suivi-search) input[type=submit]")
    page.wait_for_load_state()
    hits = page.locator("li.suivi-hit-recommendation")
    plural = conn.execute("SELECT COUNT(*) FROM recommendations WHERE text LIKE '%mineurs%'").fetchone()[0]
    assert plural >= 2 and hits.count() >= plural
    assert page.locator("li.suivi-hit-recommendation mark").first.inner_text().lower().startswith("mineur")

    # 2. Open the recommendation: its page is its row URL.
    quoted = rec_id.replace(":", "~3A")
    page.click(f"li.suivi-hit-recommendation a[href$='/recommendations/{quoted}']")
    page.wait_for_load_state()
    assert page.url.endswith(f"/reports/recommendations/{quoted}")
    text = conn.execute("SELECT text FROM recommendations WHERE id = ?", [rec_id]).fetchone()[0]
    assert text in page.inner_text(".suivi-rec-text")
    owners = [r for (r,) in conn.execute(
        "SELECT o.label FROM recommendation_owners ro JOIN owners o ON o.id = ro.owner_id "
        "WHERE ro.recommendation_id = ? ORDER BY ro.position", [rec_id])]
    assert owners and page.locator(".suivi-owners li > a:first-child").all_inner_texts() == owners
    timeline = page.locator("tr.suivi-timeline-row").all_inner_texts()
    assert len(timeline) == 1 and timeline[0].startswith("2021-06\ten cours") and "Cellule de suivi" in timeline[0]
    # the later report repeats it
    later_id, kind = conn.execute(
        "SELECT l.from_id, l.kind FROM recommendation_links l JOIN recommendations r ON r.id = l.from_id "
        "WHERE l.to_id = ? AND r.report_id = ?", [rec_id, Path(LATER).stem]).fetchone()
    assert kind == "repeats" and "réitérée 1 fois" in page.inner_text("body")
    related = page.locator(".suivi-related li")
    assert related.count() == 1 and related.first.inner_text().startswith("réitérée par la recommandation n°1")
    assert "(2023)" in related.first.inner_text()
    # the thumbnail of the highlighted page, which opens the page view
    thumb = page.locator("#suivi-thumbnail")
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("document.getElementById('suivi-thumbnail').complete")
    assert page.evaluate("document.getElementById('suivi-thumbnail').naturalWidth") > 500
    rec_page, top = conn.execute("SELECT page, top FROM recommendations WHERE id = ?", [rec_id]).fetchone()
    thumb.click()
    page.wait_for_load_state()
    assert f"/-/suivi/view/{DEMO.stem}/{rec_page}?" in page.url
    zone_top = page.evaluate("document.getElementById('zone').style.top")
    assert float(zone_top[:-1]) == pytest.approx(top / 842 * 100, abs=1.5)
    page.go_back()

    # 3. The ministry's page: directorates rolled up, counts and the rate.
    page.click(f".suivi-owners a:text-is('{MINISTRY}')")
    page.wait_for_load_state()
    statuses = [s for (s,) in conn.execute(
        "SELECT COALESCE(ls.status, 'unknown') FROM (SELECT DISTINCT recommendation_id FROM "
        "recommendations_by_owner WHERE ministry = ?) b LEFT JOIN latest_statuses ls "
        "ON ls.recommendation_id = b.recommendation_id", [MINISTRY])]
    score = counts_and_rate(statuses)
    members = {m for (m,) in conn.execute("SELECT DISTINCT owner FROM recommendations_by_owner WHERE ministry = ?",
                                          [MINISTRY])}
    assert len(members) >= 3  # the demo's, the generated reports' and the later report's directorates
    assert page.locator("h1").inner_text() == MINISTRY
    rate = f"{score['rate']} %" if score["rate"] is not None else "non calculable"
    assert page.inner_text("#suivi-owner-rate").startswith(
        f"{score['total']} recommandations — taux de mise en œuvre : {rate}")
    shown = dict(zip((page.locator("#suivi-owner-counts th").all_inner_texts()),
                     page.locator("#suivi-owner-counts td").all_inner_texts()))
    assert {k: int(v) for k, v in shown.items()} == {
        **{STATUS_LABELS[c]: n for c, n in score["counts"].items()}, "Total": score["total"]}
    assert "convention de la Cour des comptes" in page.inner_text("body")

    # 4. Export the tracker, change this recommendation's status, import: the running
    # server shows it.
    out = tmp_path / "tracker"
    subprocess.run([str(SUIVI), "export", "--tracker", "--excel", "--db", str(built.path), "--out", str(out)],
                   check=True, capture_output=True)
    tracker = next(out.glob("*.csv"))
    with open(tracker, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header, body = rows[0], rows[1:]
    col, ids = header.index("dernier_statut"), header.index("identifiant")
    edited = [r for r in body if r[ids] == rec_id]
    assert len(edited) == 1 and edited[0][col] == "en cours"
    edited[0][col] = "mise en œuvre"
    with open(tracker, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh, delimiter=";").writerows([header, *body])
    done = subprocess.run([str(SUIVI), "status", "import", str(tracker), "--db", str(built.path)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "imported 1 status rows" in done.stderr
    page.goto(f"{base}/reports/recommendations/{quoted}")
    assert page.inner_text("#suivi-latest-status") == "mise en œuvre"
    timeline = page.locator("tr.suivi-timeline-row").all_inner_texts()
    assert timeline[-1].startswith(f"{dt.date.today().isoformat()}\tmise en œuvre")
    page.close()


def test_chart_page_renders(server, browser):
    base, built, _ = server
    page = browser.new_page()
    page.goto(base + "/-/suivi/chart")
    n = sqlite3.connect(built.path).execute("SELECT COUNT(*) FROM recommendations").fetchone()[0]
    by_year = page.locator("#par-annee rect[data-count]")
    assert sum(int(by_year.nth(i).get_attribute("data-count")) for i in range(by_year.count())) == n
    bars = page.locator("#par-destinataire rect[data-count]")
    assert bars.count() > 0 and re.search(r"Ministère de la justice", page.inner_text("#par-destinataire"))
    page.close()
