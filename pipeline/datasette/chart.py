"""The status chart (`/-/suivi/chart`): latest statuses by report year and by addressee,
as inline SVG stacked bars (no script, nothing fetched) with the figures in tables."""
from __future__ import annotations

import html

from datasette.utils.asgi import Response
from markupsafe import Markup

from models.latest import STATUS_LABELS
from pipeline.datasette.routes import _database, _error
from pipeline.page_images import PageImageError

STATUS_ORDER = tuple(STATUS_LABELS)
STATUS_COLORS = {"implemented": "#2e7d32", "partially_implemented": "#9ccc65",
                 "in_progress": "#fbc02d", "not_implemented": "#e53935", "refused": "#6d4c41",
                 "no_longer_relevant": "#90a4ae", "unknown": "#cfd8dc"}


# Latest statuses by report year, and by ministry (directorates rolled up), from the
# tables models/latest.py keeps (the owner table holds French labels: mapped back to codes).
CHART_SQL = {
    "year": """SELECT COALESCE(CAST(rep.year AS TEXT), 'sans date') AS grp, ls.status AS st,
  COUNT(*) AS n FROM latest_statuses ls JOIN reports rep ON rep.id = ls.report_id
  GROUP BY grp, st ORDER BY grp""",
    "owner": """SELECT COALESCE(ministry, 'non précisé') AS grp, status AS st,
  COUNT(DISTINCT recommendation_id) AS n FROM recommendations_by_owner GROUP BY grp, st""",
}
_CODES = {label: code for code, label in STATUS_LABELS.items()}


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
    rows = (await db.execute(CHART_SQL[by])).rows
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        code = _CODES.get(row["st"], row["st"]) if by == "owner" else row["st"]
        counts.setdefault(row["grp"], {})[code] = row["n"]
    if by == "owner":  # the most addressed owners first
        ordered = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:limit]
        counts = dict(ordered)
    return counts


async def chart_view(datasette, request):
    try:
        db = _database(datasette, request)
    except PageImageError as exc:
        return _error(exc)
    status_labels = STATUS_LABELS
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

