"""Text set at a quarter turn (vertical margin titles, sideways table headers), read along
its own direction.

A glyph's box says where it is, not which way its line runs: text set bottom to top
(OFNAC 2021 p. 98, a vertical "Rapport d'activités" down the margin; the sideways column
headers of pdfplumber's issue 192 example) read as upright text gives one letter per
line. As pdftotext does, glyphs are grouped by the rotation of their text matrix: each
quarter turn is mapped into a frame where it reads left to right, its lines are built
there with the same rules as upright text, and their boxes are mapped back to the page.
"""
from __future__ import annotations

import dataclasses
from operator import itemgetter

from models.document import Line

_TURN_FIELD = itemgetter(9)


def quarter_turn(dx: float, dy: float) -> int:
    """The quarter turn of a baseline running along (dx, dy), y pointing down the page."""
    if abs(dx) >= abs(dy):
        return 0 if dx >= 0 else 2
    return 1 if dy < 0 else 3


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
