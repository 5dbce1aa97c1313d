"""The project's Datasette plugin: page provenance, French labels, a status chart.

Hooks (the smallest that do the job):
- `prepare_connection`: SQL functions `suivi_fold(text)` (lower case, no accents: used by
  the canned queries to match owners accent-insensitively) and `suivi_fts(text)` (a user's
  words as a safe FTS5 query).
- `render_cell`: page columns become links to the page view, with the item's bbox.
- `extra_template_vars`: the French column labels of the current table (`_table.html`).
- `register_routes`: `/-/suivi/page/{report_id}/{page}.png?x0=&top=&x1=&bottom=` (page image,
  bbox highlighted), `/-/suivi/view/{report_id}/{page}` (that image, the page's text and
  the items on it), `/-/suivi/chart` (status counts by year and owner, inline SVG).

Configuration (`plugins.suivi` in the metadata, written by `suivi serve`): `corpus`, the
folders where report PDFs are looked for (recursively, by file name, checked by sha256);
`cache`, where page renders are kept (default `.suivi-cache/` next to the database);
`labels`, table -> column -> French label.
"""
from __future__ import annotations

import html
import logging
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup

from pipeline.page_images import (DEFAULT_SCALE, Highlight, PageImageError, find_pdf,
                                  highlighted_page, render_page, served_database)

log = logging.getLogger(__name__)

PAGE_COLUMNS = ("page", "summary_page", "call_page", "page_end")
REPORT_KEYS = ("report_id", "rapport")
BBOX_KEYS = ("x0", "top", "x1", "bottom")
STATUS_ORDER = ("implemented", "partially_implemented", "in_progress", "not_implemented",
                "refused", "no_longer_relevant", "unknown")
STATUS_COLORS = {"implemented": "#2e7d32", "partially_implemented": "#9ccc65",
                 "in_progress": "#fbc02d", "not_implemented": "#e53935", "refused": "#6d4c41",
                 "no_longer_relevant": "#90a4ae", "unknown": "#cfd8dc"}
_pdf_paths: dict[tuple[str, str], Path] = {}


# ---------------------------------------------------------------- SQL functions
def fold(text: str | None) -> str | None:
    """Lower case without diacritics; œ/æ spelled out ("Ministère" -> "ministere")."""
    if text is None:
        return None
    text = str(text).lower().replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fts_query(text: str | None) -> str:
    """Words as an FTS5 query (each word quoted, all required): never a syntax error."""
    words = re.findall(r"\w+", text or "")
    return " ".join(f'"{w}"' for w in words) or '""'


TEMPLATES = Path(__file__).parent / "templates"


@hookimpl
def prepare_jinja2_environment(env):
    # Datasette (on Python 3.11) finds a plugin's templates only when the plugin is a
    # package; ours is a module of `pipeline`, so its folder goes first in the loader.
    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])


@hookimpl
def prepare_connection(conn):
    conn.create_function("suivi_fold", 1, fold, deterministic=True)
    conn.create_function("suivi_fts", 1, fts_query, deterministic=True)


# ---------------------------------------------------------------- links to pages
def view_url(datasette, database: str, report_id: str, page: int, bbox=None, label=None) -> str:
    args = {"db": database}
    if bbox and all(v is not None for v in bbox):
        args.update({k: f"{float(v):g}" for k, v in zip(BBOX_KEYS, bbox)})
    if label:
        args["label"] = label
    path = datasette.urls.path(f"/-/suivi/view/{report_id}/{int(page)}")
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


@hookimpl
def render_cell(row, value, column, table, database, datasette):
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
    url = view_url(datasette, database, str(report_id), page, bbox, _item_label(data, table))
    title = "Voir la page, zone surlignée" if bbox and all(v is not None for v in bbox) else "Voir la page"
    return Markup(f'<a class="suivi-page" href="{html.escape(url)}" title="{title}">p. {page}</a>')


# ---------------------------------------------------------------- labels
@hookimpl
def extra_template_vars(template, database, table, datasette):
    if not table:
        return {"suivi_labels": {}, "suivi_descriptions": {}}
    config = datasette.plugin_config("suivi") or {}
    return {"suivi_labels": (config.get("labels") or {}).get(table, {}),
            "suivi_descriptions": (config.get("descriptions") or {}).get(table, {})}


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
    return db, report, int(request.url_vars["page"]), Highlight.parse(request.args)


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
    import asyncio

    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


ITEM_QUERIES = (
    ("Recommandations", "recommendations",
     "SELECT id, 'Recommandation n°' || number AS label, x0, top, x1, bottom FROM recommendations "
     "WHERE report_id = :r AND page = :p ORDER BY position"),
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
        links = [{"label": r["label"], "row_url": datasette.urls.row(db.name, table, r["id"]),
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
        "image_url": datasette.urls.path(f"/-/suivi/page/{report['id']}/{page}.png?{urlencode(args)}"),
        "size": size, "missing_pdf": missing, "items": items,
        "prev_url": (view_url(datasette, db.name, report["id"], page - 1) if page > 1 else None),
        "next_url": (view_url(datasette, db.name, report["id"], page + 1)
                     if page < (report["page_count"] or 0) else None),
        "report_url": datasette.urls.row(db.name, "reports", report["id"]),
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


CHART_SQL = {
    "year": """SELECT COALESCE(CAST(rep.year AS TEXT), 'sans date') AS grp, {status} AS st,
  COUNT(*) AS n FROM recommendations r JOIN reports rep ON rep.id = r.report_id
  GROUP BY grp, st ORDER BY grp""",
    "owner": """SELECT COALESCE(o.label, r.owner, 'non précisé') AS grp, {status} AS st,
  COUNT(DISTINCT r.id) AS n FROM recommendations r
  LEFT JOIN recommendation_owners ro ON ro.recommendation_id = r.id
  LEFT JOIN owners o ON o.id = ro.owner_id
  GROUP BY grp, st""",
}
LATEST = ("COALESCE((SELECT s.status FROM statuses s WHERE s.recommendation_id = r.id "
          "ORDER BY s.as_of DESC, s.id DESC LIMIT 1), 'unknown')")


def stacked_bars_svg(counts: dict[str, dict[str, int]], status_labels: dict[str, str],
                     title: str, width: int = 900) -> str:
    """Horizontal stacked bars, one per group, as an inline SVG (no script, nothing fetched)."""
    label_w, row_h, top = 330, 26, 34
    groups = list(counts)
    biggest = max((sum(c.values()) for c in counts.values()), default=0) or 1
    bar_w = width - label_w - 50
    height = top + row_h * len(groups) + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{html.escape(title)}" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" class="suivi-chart">',
           f'<text x="0" y="18" font-weight="bold">{html.escape(title)}</text>']
    for i, grp in enumerate(groups):
        y = top + i * row_h
        short = grp if len(grp) <= 48 else grp[:46] + "…"
        out.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="13">'
                   f'<title>{html.escape(grp)}</title>{html.escape(short)}</text>')
        x = float(label_w)
        for status in STATUS_ORDER:
            n = counts[grp].get(status, 0)
            if not n:
                continue
            w = bar_w * n / biggest
            name = status_labels.get(status, status)
            out.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                       f'fill="{STATUS_COLORS[status]}" data-status="{status}" data-count="{n}">'
                       f'<title>{html.escape(grp)} — {html.escape(name)} : {n}</title></rect>')
            if w > 18:
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + 17}" text-anchor="middle" '
                           f'font-size="11">{n}</text>')
            x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 17}" font-size="12">{sum(counts[grp].values())}</text>')
    ly = top + row_h * len(groups) + 22
    lx = 0
    for status in STATUS_ORDER:
        name = status_labels.get(status, status)
        out.append(f'<rect x="{lx}" y="{ly - 11}" width="12" height="12" fill="{STATUS_COLORS[status]}"/>'
                   f'<text x="{lx + 16}" y="{ly}" font-size="12">{html.escape(name)}</text>')
        lx += 30 + 6.5 * len(name)
    out.append("</svg>")
    return "".join(out)


async def chart_data(db, by: str, limit: int = 25) -> dict[str, dict[str, int]]:
    rows = (await db.execute(CHART_SQL[by].format(status=LATEST))).rows
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["grp"], {})[row["st"]] = row["n"]
    if by == "owner":  # the most addressed owners first
        ordered = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:limit]
        counts = dict(ordered)
    return counts


async def chart_view(datasette, request):
    try:
        db = _database(datasette, request)
    except PageImageError as exc:
        return _error(exc)
    config = datasette.plugin_config("suivi") or {}
    status_labels = config.get("status_labels") or {}
    by_year = await chart_data(db, "year")
    by_owner = await chart_data(db, "owner")
    context = {
        "database": db.name,
        "svg_year": Markup(stacked_bars_svg(by_year, status_labels, "Recommandations par année et statut")),
        "svg_owner": Markup(stacked_bars_svg(by_owner, status_labels,
                                             "Recommandations par destinataire et statut (25 premiers)")),
        "by_year": by_year, "by_owner": by_owner, "statuses": STATUS_ORDER,
        "status_labels": status_labels,
    }
    return Response.html(await datasette.render_template("suivi_chart.html", context, request=request))


@hookimpl
def register_routes():
    return [
        (r"^/-/suivi/page/(?P<report_id>[^/]+)/(?P<page>\d+)\.png$", page_png),
        (r"^/-/suivi/view/(?P<report_id>[^/]+)/(?P<page>\d+)$", page_view),
        (r"^/-/suivi/chart$", chart_view),
    ]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/suivi/chart"), "label": "Graphique des statuts"}]
