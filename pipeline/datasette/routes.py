"""The page routes: the page image with its highlight, and the page view around it.

`/-/suivi/page/{report_id}/{page}.png?x0=&top=&x1=&bottom=` (page image, bbox highlighted),
`/-/suivi/view/{report_id}/{page}` (that image, the page's text and the items on it, with
their latest status). Configuration (`plugins.suivi` in the metadata, written by `suivi
serve`): `corpus`, the folders where report PDFs are looked for (recursively, by file
name, checked by sha256); `cache`, where page renders are kept (default `.suivi-cache/`
next to the database).
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from datasette.utils.asgi import Response
from markupsafe import Markup

from pipeline.datasette import urls as U
from pipeline.page_images import (DEFAULT_SCALE, Highlight, PageImageError, find_pdf,
                                  highlighted_page, render_page, served_database)

log = logging.getLogger(__name__)

PAGE_COLUMNS = ("page", "summary_page", "call_page", "page_end")
REPORT_KEYS = ("report_id", "rapport")
BBOX_KEYS = ("x0", "top", "x1", "bottom")
_pdf_paths: dict[tuple[str, str], Path] = {}


# ---------------------------------------------------------------- links to pages
def view_url(datasette, database: str, report_id: str, page: int, bbox=None, label=None,
             rec: str | None = None) -> str:
    """The page view of `page`, highlighting `bbox` (or recommendation `rec`, looked up there)."""
    args = {"db": database}
    if bbox and all(v is not None for v in bbox):
        args.update({k: f"{float(v):g}" for k, v in zip(BBOX_KEYS, bbox)})
    elif rec:
        args["rec"] = rec
    if label:
        args["label"] = label
    path = U.path(datasette, f"/-/suivi/view/{report_id}/{int(page)}")
    return f"{path}?{urlencode(args)}#zone"


def _item_label(row: dict, table: str | None) -> str | None:
    number = row.get("number", row.get("numero"))
    if table in ("recommendations", "recommendations_by_owner", "recommendation_history") or "recommandation" in row:
        return f"Recommandation n°{number}" if number is not None else "Recommandation"
    if table == "footnotes" or (table is None and "section" in row and number is not None):
        return f"Note {number}"
    if table == "report_tables" or "titre" in row:
        return row.get("caption") or row.get("titre") or "Tableau"
    if table == "sections":
        return " ".join(str(x) for x in (row.get("number"), row.get("title")) if x)
    return None


def page_cell(row, value, column, table, database, datasette):
    """A page number as a link to the page view, with the row's zone highlighted."""
    if column not in PAGE_COLUMNS or value in (None, ""):
        return None
    try:
        page = int(value)
    except (TypeError, ValueError):
        return None
    data = dict(zip(row.keys(), tuple(row))) if hasattr(row, "keys") else {}
    # With `_labels=on` (the default on HTML pages) foreign keys arrive as {value, label}.
    data = {k: v["value"] if isinstance(v, dict) and "value" in v else v for k, v in data.items()}
    report_id = next((data[k] for k in REPORT_KEYS if data.get(k)), None)
    if table == "reports" or report_id is None:
        return None
    bbox = None
    # The stored bbox is that of the body statement, or of the summary row when the
    # recommendation has no body statement (models/store.py).
    if column == "page" or (column == "summary_page" and data.get("page") is None):
        bbox = tuple(data.get(k) for k in BBOX_KEYS)
    rec = (data.get("recommendation_id") or data.get("recommandation")
           or (data.get("id") if table == "recommendations" else None))
    url = view_url(datasette, database, str(report_id), page, bbox, _item_label(data, table),
                   rec=rec if column == "page" else None)
    zone = (bbox and all(v is not None for v in bbox)) or (rec and column == "page")
    title = "Voir la page, zone surlignée" if zone else "Voir la page"
    return Markup(f'<a class="suivi-page" href="{html.escape(url)}" title="{title}">p. {page}</a>')


# ---------------------------------------------------------------- routes
def _database(datasette, request):
    return served_database(datasette.databases, request.args.get("db"))


async def _report(db, report_id: str) -> dict:
    try:
        rows = await db.execute("SELECT id, file_name, sha256, title, page_count FROM reports WHERE id = ?",
                                [report_id])
    except Exception:  # a served database that is not a suivi one
        raise PageImageError("no report with this id") from None
    row = rows.first()
    if row is None:
        raise PageImageError("no report with this id")
    return dict(row)


def _corpus_folders(datasette, db) -> list[Path]:
    config = datasette.plugin_config("suivi") or {}
    corpus = config.get("corpus") or []
    folders = [Path(c) for c in ([corpus] if isinstance(corpus, str) else corpus)]
    here = Path(db.path).resolve().parent
    return folders + [here / "corpus", here, Path.cwd() / "corpus"]


def _cache_dir(datasette, db) -> Path:
    config = datasette.plugin_config("suivi") or {}
    if config.get("cache"):
        return Path(config["cache"])
    here = Path(db.path).resolve().parent
    if os.access(here, os.W_OK):
        return here / ".suivi-cache" / "pages"
    # A published copy may sit in a read-only folder: renders go to the temp folder.
    return Path(tempfile.gettempdir()) / "suivi-cache" / "pages"


def pdf_for(datasette, db, report: dict) -> Path:
    key = (db.path, report["id"])
    if key not in _pdf_paths:
        folders = _corpus_folders(datasette, db)
        found = find_pdf(report["file_name"], folders, report.get("sha256"))
        if found is None:
            raise PageImageError(
                f"{report['file_name']}: PDF not found in {', '.join(str(f) for f in folders)}; "
                "give its folder with `suivi serve --corpus DIR` (plugins.suivi.corpus in the metadata)")
        _pdf_paths[key] = found
    return _pdf_paths[key]


def _error(exc: Exception) -> Response:
    return Response.text(str(exc), status=404)


async def _page_request(datasette, request):
    """(database, report row, page number, highlight) named by a page URL."""
    db = _database(datasette, request)
    report = await _report(db, request.url_vars["report_id"])
    box = Highlight.parse(request.args)
    if box is None and request.args.get("rec"):  # the recommendation's zone, from the database
        row = (await db.execute("SELECT x0, top, x1, bottom FROM recommendations WHERE id = ? "
                                "AND report_id = ?", [request.args["rec"], report["id"]])).first()
        if row and all(row[k] is not None for k in BBOX_KEYS):
            box = Highlight.parse({k: str(row[k]) for k in BBOX_KEYS})
    return db, report, int(request.url_vars["page"]), box


async def page_png(datasette, request):
    try:
        db, report, page, box = await _page_request(datasette, request)
        pdf = pdf_for(datasette, db, report)
        base = await _in_thread(render_page, pdf, page, _cache_dir(datasette, db), report["id"])
        body = await _in_thread(highlighted_page, base, box, DEFAULT_SCALE)
    except PageImageError as exc:
        return _error(exc)
    return Response(body, content_type="image/png", headers={"Cache-Control": "max-age=3600"})


async def _in_thread(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


ITEM_QUERIES = (
    ("Recommandations", "recommendations",
     "SELECT r.id, 'Recommandation' || COALESCE(' n°' || r.number, '') AS label, "
     "ls.statut AS status, r.x0, r.top, r.x1, r.bottom FROM recommendations r "
     "LEFT JOIN latest_statuses ls ON ls.recommendation_id = r.id "
     "WHERE r.report_id = :r AND r.page = :p ORDER BY r.position"),
    ("Notes de bas de page", "footnotes",
     "SELECT id, 'Note ' || number AS label, x0, top, x1, bottom FROM footnotes "
     "WHERE report_id = :r AND page = :p ORDER BY position"),
    ("Tableaux", "report_tables",
     "SELECT id, COALESCE(caption, 'Tableau') AS label, x0, top, x1, bottom FROM report_tables "
     "WHERE report_id = :r AND page = :p ORDER BY position"),
    ("Sections", "sections",
     "SELECT id, TRIM(COALESCE(number, '') || ' ' || title) AS label, x0, top, x1, bottom "
     "FROM sections WHERE report_id = :r AND page = :p ORDER BY position"),
)


async def page_view(datasette, request):
    try:
        db, report, page, box = await _page_request(datasette, request)
    except PageImageError as exc:
        return _error(exc)
    if not 1 <= page <= (report["page_count"] or page):
        return _error(PageImageError(f"{report['file_name']}: page {page} out of range "
                                     f"(1-{report['page_count']})"))
    page_row = (await db.execute("SELECT id, label, text FROM pages WHERE report_id = ? AND page = ?",
                                 [report["id"], page])).first()
    tables = await db.table_names()
    items = []
    for title, table, sql in ITEM_QUERIES:
        if table not in tables:
            continue
        rows = (await db.execute(sql, {"r": report["id"], "p": page})).rows
        links = [{"label": r["label"], "status": r["status"] if "status" in r.keys() else None,
                  "row_url": U.row(datasette, db.name, table, r["id"]),
                  "view_url": view_url(datasette, db.name, report["id"], page,
                                       tuple(r[k] for k in BBOX_KEYS), r["label"])} for r in rows]
        if links:
            items.append({"title": title, "links": links})
    args = {"db": db.name}
    if box:
        args.update({"x0": box.x0, "top": box.top, "x1": box.x1, "bottom": box.bottom})
    try:
        size = await _in_thread(_page_size, datasette, db, report, page)
    except PageImageError as exc:
        size, missing = None, str(exc)
    else:
        missing = None
    context = {
        "report": report, "page": page, "page_row": dict(page_row) if page_row else None,
        "database": db.name, "label": request.args.get("label"), "box": box,
        "image_url": U.path(datasette, f"/-/suivi/page/{report['id']}/{page}.png?{urlencode(args)}"),
        "size": size, "missing_pdf": missing, "items": items,
        "prev_url": (view_url(datasette, db.name, report["id"], page - 1) if page > 1 else None),
        "next_url": (view_url(datasette, db.name, report["id"], page + 1)
                     if page < (report["page_count"] or 0) else None),
        "report_url": U.row(datasette, db.name, "reports", report["id"]),
    }
    return Response.html(await datasette.render_template("suivi_page.html", context, request=request))


def _page_size(datasette, db, report, page) -> tuple[float, float]:
    import pypdfium2 as pdfium

    from pipeline.page_images import _lock

    pdf_path = pdf_for(datasette, db, report)
    with _lock:
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            return tuple(pdf[page - 1].get_size())
        finally:
            pdf.close()

