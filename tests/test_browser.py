"""A newcomer's path through Datasette, in a real browser (Debian's chromium via Playwright).

`suivi serve` runs in a subprocess on a free loopback port; the test searches, facets by
owner, opens a recommendation, follows its page link to the highlighted page image and
downloads a CSV whose rows it checks against the database.
"""
from __future__ import annotations

import csv
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.datasette import fold
from pipeline.screenshots import CHROMIUM, CHROMIUM_ARGS, free_port, wait_for_server
from tests.test_publish import DEMO, build_publish_db

pytestmark = pytest.mark.browser

SUIVI = Path(sys.executable).with_name("suivi")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`suivi serve` on a freshly built database; yields (base URL, database, corpus)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (`apt-get install -y chromium`)")
    directory = tmp_path_factory.mktemp("browser")
    built = build_publish_db(directory, real_demo=True)  # the demo report through the real pipeline
    port = free_port()
    proc = subprocess.Popen([str(SUIVI), "serve", "--db", str(built.path), "--port", str(port),
                             "--corpus", str(built.corpus)], cwd=directory,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "no_proxy": "127.0.0.1,localhost"})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}/-/versions.json", proc)
        yield base, built
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


def test_newcomer_finds_opens_and_exports(server, browser, tmp_path):
    base, built = server
    conn = sqlite3.connect(built.path)
    page = browser.new_page(accept_downloads=True)

    # 1. Home page: the "start here" box; search without accents.
    page.goto(base + "/")
    assert page.locator("text=Commencer ici").is_visible()
    page.fill("#suivi-search", "hebergement")
    page.click("form:has(#suivi-search) input[type=submit]")
    page.wait_for_load_state()
    cells = page.locator("td.col-text").all_inner_texts()
    expected = conn.execute("SELECT COUNT(*) FROM recommendations WHERE text LIKE '%hébergement%'").fetchone()[0]
    assert expected and len(cells) == expected and all("hébergement" in c for c in cells)

    # 2. Facet by owner: the owner facet on "Recommandations par destinataire".
    owner_id, owner = conn.execute(
        "SELECT o.id, o.label FROM owners o JOIN recommendation_owners ro ON ro.owner_id = o.id "
        "GROUP BY o.id ORDER BY COUNT(*) DESC, o.id LIMIT 1").fetchone()
    page.goto(base + "/")
    page.get_by_role("link", name="Recommandations par destinataire", exact=True).click()
    facet = page.locator("#facet-owner")
    assert "Destinataire" in facet.locator(".facet-info-name").inner_text()
    facet.locator("li a", has_text=owner).first.click()
    page.wait_for_load_state()
    rec_ids = page.locator("td.col-recommendation_id").all_inner_texts()
    stored = [r for (r,) in conn.execute(
        "SELECT recommendation_id FROM recommendation_owners WHERE owner_id = ?", [owner_id])]
    assert sorted(rec_ids) == sorted(stored)

    # 3. Open one recommendation (its row page), then follow its page link.
    rec_id = sorted(stored)[0]  # a generated report's: its bbox is the exact truth
    number, rec_page, top = conn.execute("SELECT number, page, top FROM recommendations WHERE id = ?",
                                         [rec_id]).fetchone()
    page.goto(f"{base}/reports/recommendations?id={rec_id}")
    page.locator("td.col-id a").first.click()
    page.wait_for_load_state()
    assert rec_id in page.url.replace("~3A", ":")
    page.locator("a.suivi-page").first.click()
    page.wait_for_load_state()
    assert "/-/suivi/view/" in page.url and f"/{rec_page}?" in page.url
    assert f"Recommandation n°{number}" in page.inner_text("body")
    img = page.locator("#suivi-page-image")
    img.wait_for()
    page.wait_for_function("document.getElementById('suivi-page-image').complete")
    natural = page.evaluate("(() => { const i = document.getElementById('suivi-page-image');"
                            " return [i.naturalWidth, i.naturalHeight]; })()")
    assert natural[0] > 500 and natural[1] > 700
    zone_top = page.evaluate("document.getElementById('zone').style.top")
    assert zone_top.endswith("%") and float(zone_top[:-1]) == pytest.approx(top / 842 * 100, abs=1.5)

    # 3b. The demo report, through the real pipeline: accent-insensitive search of its
    # pages, then its recommendation 1 highlighted where the database says it is.
    demo_id = DEMO.stem
    page.goto(f"{base}/reports/pages?report_id={demo_id}")
    page.fill("#_search", "proxenetisme")
    page.locator("form.filters input[type=submit]").first.click()
    page.wait_for_load_state()
    hits = sum(1 for (text,) in conn.execute("SELECT text FROM pages WHERE report_id = ?", [demo_id])
               if re.search(r"\bproxenetisme\b", fold(text or "")))  # the word, not "proxénétismes"
    assert hits and f"{hits} row" in page.inner_text("h3")
    d_page, d_top = conn.execute("SELECT page, top FROM recommendations WHERE report_id = ? AND number = '1'",
                                 [demo_id]).fetchone()
    page.goto(f"{base}/reports/recommendations?report_id={demo_id}&number=1")
    page.locator("td.col-page a.suivi-page").click()
    page.wait_for_load_state()
    assert f"/{demo_id}/{d_page}?" in page.url and "Recommandation n°1" in page.inner_text("body")
    zone_top = page.evaluate("document.getElementById('zone').style.top")
    assert float(zone_top[:-1]) == pytest.approx(d_top / 842 * 100, abs=1.5)

    # 4. Download the recommendations of the owner as CSV, with labels, and check rows.
    page.goto(f"{base}/reports/recommendation_owners?owner_id={owner_id}")
    page.check("input[name=_dl]")
    with page.expect_download() as info:
        page.click("input[value='Export CSV']")
    target = tmp_path / "export.csv"
    info.value.save_as(target)
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert sorted(r["recommendation_id"] for r in rows) == sorted(stored)
    assert {r["owner_id_label"] for r in rows} == {owner}
    page.close()


def test_chart_page_renders(server, browser):
    base, built = server
    page = browser.new_page()
    page.goto(base + "/")
    page.goto(base + "/-/suivi/chart")
    bars = page.locator("svg.suivi-chart rect[data-count]")
    total = sum(int(bars.nth(i).get_attribute("data-count")) for i in range(bars.count()))
    n = sqlite3.connect(built.path).execute("SELECT COUNT(*) FROM recommendations").fetchone()[0]
    by_year = page.locator("#par-annee rect[data-count]")
    assert sum(int(by_year.nth(i).get_attribute("data-count")) for i in range(by_year.count())) == n
    assert total > n  # the owner chart counts a recommendation once per owner
    page.close()
