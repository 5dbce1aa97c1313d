"""Search: user words as safe FTS5 queries, and one search box across everything.

Tables search their stemmed index (`<table>_fts_fr`, models/search.py) in FTS5's raw
mode, so that "cyber*" is a prefix query; `safe_match` turns whatever a reader types into
a query FTS5 accepts (apostrophes, dashes and stray operators become spaces), and the
ASGI wrapper applies it to every `?_search=` before Datasette sees it.

`/-/suivi/recherche?q=` searches recommendations, themes, footnotes and page text at once
and shows highlighted snippets, each linked to the recommendation or the page view.
"""
from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode

from datasette.utils.asgi import Response
from markupsafe import Markup

from models.latest import STATUS_LABELS
from pipeline.datasette.routes import BBOX_KEYS, _database, _error, view_url
from pipeline.datasette import urls as U
from pipeline.page_images import PageImageError

# A quoted phrase, a word with an optional prefix star, or anything else (dropped).
_TOKEN = re.compile(r'"[^"]*"|[^\W_]+\*?', re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
LIMIT = 20


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


def safe_match(text: str | None) -> str:
    """What a reader typed as a raw FTS5 query that cannot be a syntax error.

    Words (with a trailing `*` for a prefix) and "quoted phrases" are kept as typed;
    operators are lowered to plain words; other characters become spaces:
    "l'hébergement des mineur*" -> "l hébergement des mineur*".
    """
    out = []
    for tok in _TOKEN.findall((text or "").replace("’", "'")):
        if tok.startswith('"'):
            inner = " ".join(re.findall(r"[^\W_]+", tok))
            if inner:
                out.append(f'"{inner}"')
        else:
            out.append(tok.lower() if tok.rstrip("*") in _OPERATORS else tok)
    return " ".join(out)


def rewrite_query_string(query_string: bytes) -> bytes:
    """`_search` (and `_search_COLUMN`) made safe for raw mode, and raw mode asked for."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    if not any(k == "_search" or k.startswith("_search_") for k, _ in pairs):
        return query_string
    decoded = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    out = [(k, safe_match(v) if (k == "_search" or k.startswith("_search_")) and v else v)
           for k, v in decoded if k != "_searchmode"]
    out.append(("_searchmode", "raw"))
    return urlencode(out).encode("ascii")


def search_wrapper(app):
    async def wrapped(scope, receive, send):
        if scope.get("type") == "http" and scope.get("query_string") and not scope["path"].startswith("/-/"):
            scope = dict(scope, query_string=rewrite_query_string(scope["query_string"]))
        await app(scope, receive, send)
    return wrapped


def highlighted(snippet: str | None) -> Markup:
    """An FTS5 snippet made with private-use markers, escaped, markers turned into <mark>."""
    text = html.escape(snippet or "")
    return Markup(text.replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>"))


def _snippet(fts: str, col: int, tokens: int = 20) -> str:
    return f"snippet([{fts}], {col}, '{_MARK_OPEN}', '{_MARK_CLOSE}', '…', {tokens})"


SEARCHES = {
    "recommendations": ("recommendations_fts_fr", f"""
SELECT r.id, r.report_id, r.number, r.page, r.theme, rep.year, ls.status,
       {_snippet('recommendations_fts_fr', -1)} AS snip
FROM recommendations_fts_fr f JOIN recommendations r ON r.rowid = f.rowid
JOIN reports rep ON rep.id = r.report_id
LEFT JOIN latest_statuses ls ON ls.recommendation_id = r.id
WHERE recommendations_fts_fr MATCH :q ORDER BY rank LIMIT {LIMIT}"""),
    "themes": ("recommendations_fts_fr", f"""
SELECT r.theme, COUNT(*) AS n FROM recommendations_fts_fr f JOIN recommendations r ON r.rowid = f.rowid
WHERE recommendations_fts_fr MATCH 'theme : (' || :q || ')' AND r.theme IS NOT NULL
GROUP BY r.theme ORDER BY n DESC, r.theme LIMIT {LIMIT}"""),
    "footnotes": ("footnotes_fts_fr", f"""
SELECT n.id, n.report_id, n.number, n.page, n.x0, n.top, n.x1, n.bottom, rep.year,
       {_snippet('footnotes_fts_fr', 0)} AS snip
FROM footnotes_fts_fr f JOIN footnotes n ON n.rowid = f.rowid JOIN reports rep ON rep.id = n.report_id
WHERE footnotes_fts_fr MATCH :q ORDER BY rank LIMIT {LIMIT}"""),
    "pages": ("pages_fts_fr", f"""
SELECT p.report_id, p.page, rep.year, rep.title, {_snippet('pages_fts_fr', 0, 28)} AS snip
FROM pages_fts_fr f JOIN pages p ON p.rowid = f.rowid JOIN reports rep ON rep.id = p.report_id
WHERE pages_fts_fr MATCH :q ORDER BY rank LIMIT {LIMIT}"""),
}
COUNTS = {"recommendations": "recommendations_fts_fr", "footnotes": "footnotes_fts_fr",
          "pages": "pages_fts_fr"}


async def search(db, datasette, text: str) -> dict:
    """Every kind of hit for `text`, with links and highlighted snippets."""
    q = safe_match(text)
    tables = set(await db.table_names())
    out: dict = {"q": q, "groups": {}, "counts": {}}
    if not q:
        return out
    for kind, (fts, sql) in SEARCHES.items():
        if fts not in tables:
            continue
        rows = [dict(r) for r in (await db.execute(sql, {"q": q})).rows]
        if kind in COUNTS:
            out["counts"][kind] = (await db.execute(
                f"SELECT COUNT(*) FROM [{fts}] WHERE [{fts}] MATCH :q", {"q": q})).single_value()
        for r in rows:
            if "snip" in r:
                r["snip"] = highlighted(r["snip"])
            if kind == "recommendations":
                r["url"] = U.row(datasette, db.name, "recommendations", r["id"])
                r["status_label"] = STATUS_LABELS.get(r["status"] or "unknown")
                r["view_url"] = (view_url(datasette, db.name, r["report_id"], r["page"], rec=r["id"],
                                          label=f"Recommandation n°{r['number']}") if r["page"] else None)
            elif kind == "footnotes":
                r["view_url"] = view_url(datasette, db.name, r["report_id"], r["page"],
                                         tuple(r[k] for k in BBOX_KEYS), f"Note {r['number']}")
            elif kind == "pages":
                r["view_url"] = view_url(datasette, db.name, r["report_id"], r["page"])
            elif kind == "themes":
                r["url"] = U.table(datasette, db.name, "recommendations") + "?" + urlencode(
                    {"theme": r["theme"]})
        out["groups"][kind] = rows
    return out


async def search_view(datasette, request):
    try:
        db = _database(datasette, request)
    except PageImageError as exc:
        return _error(exc)
    text = request.args.get("q", "")
    found = await search(db, datasette, text) if text.strip() else {"q": "", "groups": {}, "counts": {}}
    context = {"database": db.name, "text": text, **found,
               "table_search_url": U.table(datasette, db.name, "recommendations")
               + "?" + urlencode({"_search": found["q"]})}
    return Response.html(await datasette.render_template("suivi_search.html", context, request=request))
