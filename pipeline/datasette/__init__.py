"""The project's Datasette plugin: French pages about recommendations, reports and addressees.

A package, so Datasette finds `templates/` itself (our copies of its templates, in
French, and the pages of our own). Hooks, each the smallest that does the job:
- `prepare_connection`: SQL functions `suivi_fold(text)` (lower case, no accents) and
  `suivi_fts(text)` (a user's words as a safe FTS5 query) for the canned queries;
- `asgi_wrapper`: every `?_search=` made safe for FTS5's raw mode (search.py);
- `render_cell`: page columns link to the page view with the item's zone; status codes
  read in French; addressees link to their page;
- `extra_template_vars`: French column labels, the columns kept out of the main views,
  and, on the row pages of a recommendation, a report or an addressee, what their page
  shows (pages.py);
- `register_routes`: page image and page view (routes.py), status chart (chart.py),
  search (search.py), addressee page.
"""
from __future__ import annotations

import html
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import Response
from markupsafe import Markup

from pipeline.datasette import chart, pages, routes, search
from pipeline.datasette.labels import (ERRORS, HIDDEN_COLUMNS, LINK_KINDS, LOOKUPS, OPEN_STATUSES,
                                       QUERY_LABELS, STATUS_COLUMNS, STATUS_LABELS, french_description)
from pipeline.datasette.search import fold, fts_query  # noqa: F401  (public names)
from pipeline.datasette.routes import view_url  # noqa: F401
from pipeline.datasette import urls as U
from pipeline.page_images import PageImageError

ROW_PAGES = {"recommendations": "suivi_recommendation.html", "reports": "suivi_report.html",
             "owners": "suivi_owner.html", "owner_scorecard": "suivi_owner.html"}
REC_COLUMNS = ("recommendation_id", "recommandation")  # ids that open the recommendation page
OWNER_COLUMNS = {("recommendations_by_owner", "owner"),
                 ("recommendations_by_owner", "ministry")}
CELL_COLUMNS = ({c for _, c in OWNER_COLUMNS} | set(REC_COLUMNS) | set(STATUS_COLUMNS.values())
                | {"kind", "summary_text"} | set(routes.PAGE_COLUMNS))


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["suivi_fr"] = french_description
    env.filters["suivi_lookup"] = lambda display: LOOKUPS.get(display, display)
    env.filters["suivi_error"] = lambda error: ERRORS.get(str(error), error)


@hookimpl
def prepare_connection(conn):
    conn.create_function("suivi_fold", 1, fold, deterministic=True)
    conn.create_function("suivi_fts", 1, fts_query, deterministic=True)


@hookimpl
def asgi_wrapper(datasette):
    return search.search_wrapper


def _same_as_text(row, value) -> bool:
    """The summary table's wording is the body's: not worth printing twice."""
    try:
        text = row["text"]
    except (KeyError, IndexError, TypeError):
        return False
    text = text.get("value") if isinstance(text, dict) else text
    return isinstance(text, str) and text.strip() == str(value).strip()


def owner_url(datasette, name: str) -> str:
    return U.path(datasette, "/-/suivi/destinataire") + "?" + urlencode({"nom": name})


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column not in CELL_COLUMNS or value is None:  # called for every cell: leave early
        return None
    if (table, column) in OWNER_COLUMNS and isinstance(value, str) and value:
        return Markup(f'<a href="{html.escape(owner_url(datasette, value))}">{html.escape(value)}</a>')
    if column in REC_COLUMNS and isinstance(value, str) and value and table != "recommendations":
        url = U.row(datasette, database, "recommendations", value)
        return Markup(f'<a href="{html.escape(url)}" title="Fiche de la recommandation">{html.escape(value)}</a>')
    if column == "summary_text" and table == "recommendations" and _same_as_text(row, value):
        return Markup('<span class="suivi-same" title="Même libellé que le texte">=</span>')
    if STATUS_COLUMNS.get(table) == column and value in STATUS_LABELS:
        return STATUS_LABELS[value]
    if table == "recommendation_links" and column == "kind" and value in LINK_KINDS:
        return LINK_KINDS[value]
    return routes.page_cell(row, value, column, table, database, datasette)


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    config = datasette.plugin_config("suivi") or {}
    base = {"suivi_labels": (config.get("labels") or {}).get(table, {}) if table else {},
            "suivi_descriptions": (config.get("descriptions") or {}).get(table, {}) if table else {},
            "suivi_hidden": set(HIDDEN_COLUMNS.get(table, [])) if table else set(),
            "suivi_status_labels": STATUS_LABELS, "suivi_rate_note": pages.RATE_NOTE,
            "suivi_query_labels": QUERY_LABELS}
    if view_name != "row" or table not in ROW_PAGES or request is None:
        return base

    async def row_page():
        db = datasette.get_database(database)
        key = ",".join(tilde_decode(p) for p in request.url_vars.get("pks", "").split(","))
        if table == "recommendations":
            data = await pages.recommendation(db, key)
            if data:
                _recommendation_urls(datasette, database, data)
        elif table == "reports":
            data = await pages.report(db, key)
            if data:
                _report_urls(datasette, database, data)
        else:
            data = await pages.owner(db, key, _years(request))
            if data:
                _owner_urls(datasette, database, data)
        return {**base, "suivi_page": ROW_PAGES[table] if data else None, "suivi": data}

    return row_page


def _years(request) -> int:
    try:
        return max(1, int(request.args.get("ans", pages.DEFAULT_OPEN_YEARS)))
    except ValueError:
        return pages.DEFAULT_OPEN_YEARS


def _recommendation_urls(datasette, database: str, data: dict) -> None:
    rec = data["rec"]
    data["report_url"] = U.row(datasette, database, "reports", rec["report_id"])
    bbox = tuple(rec.get(k) for k in routes.BBOX_KEYS)
    if rec.get("page") or rec.get("summary_page"):
        page = rec.get("page") or rec.get("summary_page")
        label = "Recommandation" + (f" n°{rec['number']}" if rec.get("number") else "")
        data["view_url"] = view_url(datasette, database, rec["report_id"], page, bbox, label)
        args = {"db": database}
        if all(v is not None for v in bbox):
            args.update({k: f"{float(v):g}" for k, v in zip(routes.BBOX_KEYS, bbox)})
        data["thumb_url"] = U.path(datasette, f"/-/suivi/page/{rec['report_id']}/{int(page)}.png?{urlencode(args)}")
    for o in data["owners"]:
        o["url"] = owner_url(datasette, o["label"] or o["owner_id"])
        o["parent_url"] = owner_url(datasette, o["parent"]) if o.get("parent") else None
    for t in data["timeline"]:
        t["report_url"] = (U.row(datasette, database, "reports", t["assessed_by_report_id"])
                           if t.get("assessed_by_report_id") else None)
    for r in data["related"]:
        r["url"] = U.row(datasette, database, "recommendations", r["id"])
        r["report_url"] = U.row(datasette, database, "reports", r["report_id"])


def _report_urls(datasette, database: str, data: dict) -> None:
    rid = data["report"]["id"]
    for r in data["recs"]:
        r["url"] = U.row(datasette, database, "recommendations", r["id"])
        r["view_url"] = (view_url(datasette, database, rid, r["page"],
                                  tuple(r[k] for k in routes.BBOX_KEYS)) if r["page"] else None)
    for other in data["followed_by"] + data["follows"]:
        other["url"] = U.row(datasette, database, "reports", other["id"])
    data["page_urls"] = [(p, view_url(datasette, database, rid, p)) for p in data["pages"]]
    for s in data["sections"]:
        s["view_url"] = view_url(datasette, database, rid, s["page"]) if s.get("page") else None


def _owner_urls(datasette, database: str, data: dict) -> None:
    for r in data["overdue"] + data["old"]:
        r["url"] = U.row(datasette, database, "recommendations", r["id"])
        r["report_url"] = U.row(datasette, database, "reports", r["report_id"])
    for m in data["members"]:
        m["url"] = owner_url(datasette, m["label"]) if m["label"] != data["name"] else None
    table = U.table(datasette, database, "recommendations_by_owner")
    column = "ministry" if any(m["label"] != data["name"] for m in data["members"]) else "owner"
    data["table_url"] = table + "?" + urlencode({column: data["name"]})
    data["open_url"] = table + "?" + urlencode(
        {column: data["name"], "status__in": ",".join(STATUS_LABELS[c] for c in OPEN_STATUSES)})


async def owner_view(datasette, request):
    """The addressee page for a name that may have no `owners` row (a ministry its
    directorates roll up into)."""
    try:
        db = routes._database(datasette, request)
    except PageImageError as exc:
        return routes._error(exc)
    name = request.args.get("nom", "")
    data = await pages.owner(db, name, _years(request)) if name else None
    if data is None:
        return Response.html(f"Aucun destinataire nommé « {html.escape(name)} ».", status=404)
    _owner_urls(datasette, db.name, data)
    context = {"database": db.name, "suivi": data, "suivi_rate_note": pages.RATE_NOTE,
               "standalone": True}
    return Response.html(await datasette.render_template("suivi_owner_page.html", context, request=request))


async def home_view(datasette, request):
    """The home page: the start box and the main tables by their French titles (Datasette's
    own index counts the rows of every table, FTS ones included, on every visit)."""
    names = [n for n, db in datasette.databases.items() if n != "_internal"]
    if not names:
        return Response.html("Aucune base servie.", status=404)
    meta = datasette.metadata() or {}
    tables = (meta.get("databases") or {}).get(names[0], {}).get("tables") or {}
    main = [{"name": n, "title": t.get("title") or n, "description": t.get("description") or "",
             "url": U.table(datasette, names[0], n)}
            for n, t in tables.items() if not t.get("hidden") and t.get("title")]
    context = {"databases": [{"name": n} for n in names], "main_tables": main, "metadata": meta}
    return Response.html(await datasette.render_template("suivi_home.html", context, request=request))


@hookimpl
def register_routes():
    return [
        (r"^/$", home_view),
        (r"^/-/suivi/page/(?P<report_id>[^/]+)/(?P<page>\d+)\.png$", routes.page_png),
        (r"^/-/suivi/view/(?P<report_id>[^/]+)/(?P<page>\d+)$", routes.page_view),
        (r"^/-/suivi/chart$", chart.chart_view),
        (r"^/-/suivi/recherche$", search.search_view),
        (r"^/-/suivi/destinataire$", owner_view),
    ]


@hookimpl
def menu_links(datasette):
    return [{"href": U.path(datasette, "/-/suivi/recherche"), "label": "Rechercher"},
            {"href": U.path(datasette, "/-/suivi/chart"), "label": "Graphique des statuts"}]
