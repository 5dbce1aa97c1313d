"""Glyph outlines as small bitmaps, to recognise a glyph that has no character code.

A font embedded without a usable ToUnicode map and without glyph names (the Cour des
comptes du Sénégal 2017 report: Arial converted by Distiller to a CID-keyed CFF, names
"cid00036") still carries each glyph's outline and advance width. Arial, Times New Roman
and Courier New have metric-compatible free counterparts (Liberation Sans, Serif, Mono),
so a glyph is read as the reference glyph of the same advance width whose outline covers
the same cells of two grids: one over the glyph's own box (12 x 16: accents, shapes) and
one over its advance and the em height (16 x 24: where the ink sits, "1" against "l").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from fontTools.pens.basePen import BasePen

GRID_X, GRID_Y = 12, 16
EM_X, EM_Y = 16, 24
EM_BOTTOM, EM_HEIGHT = -250.0, 1200.0  # in 1/1000 em: descenders to accents on capitals
_CURVE_STEPS = 6


@dataclass(frozen=True)
class Shape:
    """A glyph's box (in 1/1000 em) and the grid cells its outline covers."""

    box: tuple[float, float, float, float]
    cells: np.ndarray  # bool, GRID_X * GRID_Y, over the glyph's box
    em_cells: np.ndarray  # bool, EM_X * EM_Y, over the advance width and the em


class _EdgePen(BasePen):
    """Collects the outline as straight edges (curves cut into a few segments)."""

    def __init__(self, glyphset) -> None:
        super().__init__(glyphset)
        self.edges: list[tuple[float, float, float, float]] = []
        self._start = (0.0, 0.0)

    def _moveTo(self, pt) -> None:
        self._start = pt

    def _lineTo(self, pt) -> None:
        x0, y0 = self._getCurrentPoint()
        self.edges.append((x0, y0, pt[0], pt[1]))

    def _curveToOne(self, p1, p2, p3) -> None:
        x0, y0 = self._getCurrentPoint()
        last = (x0, y0)
        for k in range(1, _CURVE_STEPS + 1):
            t = k / _CURVE_STEPS
            u = 1 - t
            x = u ** 3 * x0 + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t ** 3 * p3[0]
            y = u ** 3 * y0 + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t ** 3 * p3[1]
            self.edges.append((last[0], last[1], x, y))
            last = (x, y)

    def _qCurveToOne(self, p1, p2) -> None:
        x0, y0 = self._getCurrentPoint()
        last = (x0, y0)
        for k in range(1, _CURVE_STEPS + 1):
            t = k / _CURVE_STEPS
            u = 1 - t
            x = u * u * x0 + 2 * u * t * p1[0] + t * t * p2[0]
            y = u * u * y0 + 2 * u * t * p1[1] + t * t * p2[1]
            self.edges.append((last[0], last[1], x, y))
            last = (x, y)

    def _closePath(self) -> None:
        x0, y0 = self._getCurrentPoint()
        if (x0, y0) != self._start:
            self.edges.append((x0, y0, self._start[0], self._start[1]))

    _endPath = _closePath


def shape_of(glyph, glyphset, units_per_em: float, advance: float) -> Shape | None:
    """The glyph's Shape (`advance` in 1/1000 em), or None for a blank glyph (a space)."""
    pen = _EdgePen(glyphset)
    glyph.draw(pen)
    if not pen.edges:
        return None
    e = np.asarray(pen.edges, dtype=float)
    x0, x1 = min(e[:, 0].min(), e[:, 2].min()), max(e[:, 0].max(), e[:, 2].max())
    y0, y1 = min(e[:, 1].min(), e[:, 3].min()), max(e[:, 1].max(), e[:, 3].max())
    if x1 - x0 < 1e-6 or y1 - y0 < 1e-6:
        return None
    k = 1000.0 / units_per_em
    box_cells = _inside(e, x0 + (np.arange(GRID_X) + 0.5) * (x1 - x0) / GRID_X,
                        y0 + (np.arange(GRID_Y) + 0.5) * (y1 - y0) / GRID_Y)
    width = advance if advance > 1 else (x1 - x0) * k
    em_cells = _inside(e * k, (np.arange(EM_X) + 0.5) * width / EM_X,
                       EM_BOTTOM + (np.arange(EM_Y) + 0.5) * EM_HEIGHT / EM_Y)
    return Shape((x0 * k, y0 * k, x1 * k, y1 * k), box_cells, em_cells)


def _inside(e: np.ndarray, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Which points of the grid px x py the outline's edges enclose."""
    gx, gy = np.meshgrid(px, py)
    gx, gy = gx.ravel()[:, None], gy.ravel()[:, None]
    ex0, ey0, ex1, ey1 = (e[:, i][None, :] for i in range(4))
    # Non-zero winding: an edge crossing the ray to the right of the point counts +1
    # going up, -1 going down (outlines of either direction, overlapping contours).
    side = (ex1 - ex0) * (gy - ey0) - (gx - ex0) * (ey1 - ey0)
    up = (ey0 <= gy) & (ey1 > gy) & (side > 0)
    down = (ey1 <= gy) & (ey0 > gy) & (side < 0)
    return (up.sum(axis=1) - down.sum(axis=1)) != 0


def distance(a: Shape | None, b: Shape | None) -> float:
    """Cells that differ (an em-grid cell counts half) plus the box difference (40 units
    of 1/1000 em count as a cell)."""
    if a is None or b is None:
        return 0.0 if a is b else 999.0
    cells = np.count_nonzero(a.cells != b.cells) + 0.5 * np.count_nonzero(a.em_cells != b.em_cells)
    return float(cells) + sum(abs(p - q) for p, q in zip(a.box, b.box)) / 40.0
