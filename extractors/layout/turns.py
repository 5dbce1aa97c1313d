"""Text set at a quarter turn (vertical margin titles, sideways table headers), read along
its own direction.

A glyph's box says where it is, not which way its line runs: text set bottom to top
(OFNAC 2021 p. 98, a vertical "Rapport d'activités" down the margin; the sideways column
headers of pdfplumber's issue 192 example) read as upright text gives one letter per
line. As pdftotext does, glyphs are grouped by the rotation of their text matrix: each
quarter turn is mapped into a frame where it reads left to right, its lines are built
there with the same rules as upright text, and their boxes are mapped back to the page.
Text at any other angle (the 45° labels under a chart: OFNAC 2021 p. 44, Cour des
comptes, La Poste p. 204) is read along its baseline, word breaks from its spaces.
"""
from __future__ import annotations

import dataclasses
import math
from operator import itemgetter

from models.document import Line, Span

_TURN_FIELD = itemgetter(9)


def quarter_turn(dx: float, dy: float) -> int:
    """The quarter turn of a baseline running along (dx, dy), y pointing down the page."""
    if abs(dx) >= abs(dy):
        return 0 if dx >= 0 else 2
    return 1 if dy < 0 else 3


def baseline_turn(dx: float, dy: float) -> float:
    """The turn of a baseline running along (dx, dy), y pointing down the page: a quarter
    turn (0, 1, 2, 3) when within 10° of one, else the angle in quarter turns (0.5 = 45°)."""
    quarters = (math.degrees(math.atan2(-dy, dx)) % 360.0) / 90.0
    nearest = round(quarters)
    if abs(quarters - nearest) * 90.0 <= 10.0:
        return nearest % 4
    return round(quarters, 2)


def turn_box(box: tuple[float, float, float, float], turn: int) -> tuple[float, float, float, float]:
    """A page box (x0, top, x1, bottom) in the frame where text at `turn` reads left to right.

    One quarter turn maps the point (x, y) to (-y, x); `turn_box(b, (4 - k) % 4)` undoes
    `turn_box(b, k)`.
    """
    x0, top, x1, bottom = box
    if turn == 1:
        return (-bottom, x0, -top, x1)
    if turn == 2:
        return (-x1, -bottom, -x0, -top)
    if turn == 3:
        return (top, -x1, bottom, -x0)
    return box


def has_turned(glyphs) -> bool:
    """Whether any glyph of the page is set at a quarter turn (most pages: none)."""
    return any(map(_TURN_FIELD, glyphs))


def by_turn(glyphs) -> dict[int, list]:
    """The page's glyphs per quarter turn, each group in content-stream order, each
    turned glyph's box given in its reading frame."""
    groups: dict[int, list] = {}
    for g in glyphs:
        turn = g.turn
        if turn and g.text != " ":
            x0, top, x1, bottom = turn_box((g.x0, g.top, g.x1, g.bottom), turn)
            g = g._replace(x0=x0, top=top, x1=x1, bottom=bottom)
        groups.setdefault(turn, []).append(g)
    return groups


def unturn_line(line: Line, turn: int) -> Line:
    """A line built in the reading frame of `turn`, with its box (and its spans' extent)
    back on the page."""
    back = (4 - turn) % 4
    _, top, _, bottom = line.bbox
    x0, l_top, x1, l_bottom = turn_box(line.bbox, back)
    spans = []
    for span in line.spans:
        s_x0, _, s_x1, _ = turn_box((span.x0, top, span.x1, bottom), back)
        spans.append(dataclasses.replace(span, x0=s_x0, x1=s_x1))
    bbox = (round(x0, 2), round(l_top, 2), round(x1, 2), round(l_bottom, 2))
    return dataclasses.replace(line, bbox=bbox, spans=tuple(spans))


def diagonal_lines(page: int, glyphs, turn: float) -> list[Line]:
    """The lines of glyphs set at an angle, `turn` quarter turns: consecutive glyphs whose
    middles follow one another along the baseline form a line.

    The spaces of the content stream are its word breaks. A space a reader guessed (one
    with a box: pdfium's, which often falls inside a slanted word, "Mini stères", OFNAC
    2023 p. 27) counts only where the letters stand apart: the upright boxes of slanted
    letters give each letter's advance plus the line height, so the step between two
    letters' middles less their half sizes is the same inside a word and wider across a
    space ("Royaume Uni", Cour des comptes, La Poste p. 204).
    """
    angle = math.radians(turn * 90.0)
    dx, dy = math.cos(angle), -math.sin(angle)  # along the baseline, y down
    nx, ny = -dy, dx  # across it, towards the letters' feet
    spread = abs(dx) + abs(dy)
    lines: list[Line] = []
    run: list = []  # (glyph, position along the baseline, advance plus height, space before it)
    last_u = last_v = 0.0
    space = ""
    for g in glyphs:
        if g.text == " ":
            if run and space != "real":
                space = "guess" if g.x0 or g.top or g.x1 or g.bottom else "real"  # real ones: no box
            continue
        cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
        u, v = cx * dx + cy * dy, cx * nx + cy * ny
        size = max(g.size, 1.0)
        if run and not (-0.2 * size < u - last_u < (2.5 if space else 1.5) * size
                        and abs(v - last_v) <= 0.5 * size):
            lines.append(_diagonal_line(page, run))
            run, space = [], ""
        run.append((g, u, ((g.x1 - g.x0) + (g.bottom - g.top)) / spread, space))
        last_u, last_v, space = u, v, ""
    if run:
        lines.append(_diagonal_line(page, run))
    return lines


def _diagonal_line(page: int, run: list) -> Line:
    # The step between neighbours less their half sizes: the gap less the line height.
    steps = [b[1] - a[1] - (a[2] + b[2]) / 2 for a, b in zip(run, run[1:])]
    inside = sorted(step for step, b in zip(steps, run[1:]) if not b[3])
    usual = inside[len(inside) // 2] if inside else None
    parts = [run[0][0].text]
    for step, (g, _, _, space) in zip(steps, run[1:]):
        if space == "real" or space and (usual is None or step - usual > 0.2 * max(g.size, 1.0)):
            parts.append(" ")
        parts.append(g.text)
    text = "".join(parts)
    glyphs = [item[0] for item in run]
    first = glyphs[0]
    x0, x1 = min(g.x0 for g in glyphs), max(g.x1 for g in glyphs)
    bbox = (round(x0, 2), round(min(g.top for g in glyphs), 2), round(x1, 2), round(max(g.bottom for g in glyphs), 2))
    span = Span(text, bbox[0], bbox[2], first.font, first.size, first.bold, first.italic, False)
    return Line(page, text, bbox, first.font, first.size, first.bold, first.italic, (span,))
