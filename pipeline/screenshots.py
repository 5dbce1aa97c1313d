"""Screenshots of the main Datasette pages for the documentation (`make screenshots`).

Starts `suivi serve` on a free loopback port, drives Debian's chromium through Playwright
(never `playwright install`: nothing is downloaded) and writes PNGs into `docs/`:

    python -m pipeline.screenshots --db reports.db --out docs/ --corpus corpus/
"""
from __future__ import annotations

import argparse
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

from models.errors import SuiviError

log = logging.getLogger(__name__)

CHROMIUM = os.environ.get("SUIVI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-proxy-server"]


class ScreenshotError(SuiviError):
    """Screenshots cannot be taken (no browser, no database, server did not start)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until `url` answers; fail with the reason when the server exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else ""
            raise ScreenshotError(f"suivi serve exited with code {proc.returncode}: {err}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise ScreenshotError(f"{url} did not answer within {timeout:.0f}s")


def pages_to_shoot(db_path: str) -> list[tuple[str, str]]:
    """(file stem, path) of the pages shown in the README, chosen from the database: the
    recommendation with the most status observations and links, the ministry with the
    most recommendations."""
    db = Path(db_path).stem
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rec = conn.execute(
            "SELECT r.id, r.report_id, r.number, r.page, r.x0, r.top, r.x1, r.bottom FROM recommendations r "
            "LEFT JOIN latest_statuses ls ON ls.recommendation_id = r.id "
            "WHERE r.page IS NOT NULL AND r.x0 IS NOT NULL ORDER BY "
            "(SELECT COUNT(*) FROM recommendation_links l WHERE l.from_id = r.id OR l.to_id = r.id) "
            "+ COALESCE(ls.n_statuses, 0) DESC, r.report_id, r.position LIMIT 1").fetchone()
        ministry = conn.execute("SELECT ministry FROM recommendations_by_owner GROUP BY ministry "
                                "ORDER BY COUNT(DISTINCT recommendation_id) DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    shots = [("screenshot-home", "/"),
             ("screenshot-search", f"/-/suivi/recherche?{urlencode({'q': 'mineur', 'db': db})}"),
             ("screenshot-recommendations", f"/{db}/recommendations_by_owner?{urlencode({'ministry': ministry[0]})}"
              if ministry else f"/{db}/recommendations")]
    if ministry:
        shots.append(("screenshot-addressee", f"/-/suivi/destinataire?{urlencode({'nom': ministry[0], 'db': db})}"))
    if rec:
        rid, report_id, number, page, x0, top, x1, bottom = rec
        shots.append(("screenshot-recommendation", f"/{db}/recommendations/{quote(rid.replace(':', '~3A'))}"))
        shots.append(("screenshot-report", f"/{db}/reports/{quote(report_id)}"))
        shots.append(("screenshot-page", f"/-/suivi/view/{report_id}/{page}?db={db}&x0={x0:g}&top={top:g}"
                      f"&x1={x1:g}&bottom={bottom:g}&label=Recommandation+n%C2%B0{number}#zone"))
    shots.append(("screenshot-chart", f"/-/suivi/chart?db={db}"))
    return shots


def take_screenshots(db_path: str, out_dir: str, corpus: list[str] | None = None,
                     width: int = 1280, height: int = 900) -> list[Path]:
    """Serve `db_path`, screenshot the main pages into `out_dir`, return the files written."""
    if not Path(db_path).exists():
        raise ScreenshotError(f"{db_path}: no such database (run `suivi ingest corpus/` first)")
    if not Path(CHROMIUM).exists():
        raise ScreenshotError(f"{CHROMIUM}: no chromium (`apt-get install -y chromium`, or set SUIVI_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    port = free_port()
    cmd = [sys.executable, "-c", "from pipeline.cli import main; main()", "serve", "--db", db_path,
           "--port", str(port)]
    for c in corpus or []:
        cmd += ["--corpus", c]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        wait_for_server(f"{base}/-/versions.json", proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in pages_to_shoot(db_path):
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                target = out / f"{name}.png"
                page.screenshot(path=str(target))
                log.info("wrote %s", target)
                written.append(target)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="reports.db")
    parser.add_argument("--out", default="docs")
    parser.add_argument("--corpus", action="append", help="folder of the report PDFs (repeatable)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        written = take_screenshots(args.db, args.out, args.corpus)
    except SuiviError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} screenshots to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
