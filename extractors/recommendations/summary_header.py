"""The header row of a summary table: which column is the number, the text, the owner…

Why: the header names the columns, and the columns decide every cell. Headers come ruled
or not, glued into one line by the layout stage ("N° Recommandation", "RECOMMANDATION OBJET
DE LA RECOMMANDATION"), or centred over their columns (OFNAC recaps).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Sequence

import regex as re

from extractors.patterns.statuses import classify_status
from extractors.recommendations.patterns import HEADER_CELLS, LABEL_COLUMN
from models.document import Line


@dataclass(frozen=True)
class _Columns:
    starts: tuple[tuple[str, float], ...]  # (role, x0) sorted by x0
    left: float
    right: float

    def role_of(self, ln: Line) -> str:
        role = self.starts[0][0]
        for r, x in self.starts:
            if x <= ln.x0 + 6:
                role = r
        return role

    def x_of(self, role: str) -> float | None:
        return next((x for r, x in self.starts if r == role), None)


# Approximate advance widths (1/1000 em, Helvetica metrics) to place a cut inside a Line the
# layout stage glued across a cell border: Lines keep spans, not glyph positions.
_NARROW = dict.fromkeys("il.,;:'’!|", 250) | dict.fromkeys("fjtr()[]-/ I", 300)
_WIDE = dict.fromkeys("mw", 800) | dict.fromkeys("MW", 850) | {"°": 400}


def _text_width(text: str) -> float:
    w = 0.0
    for c in unicodedata.normalize("NFD", text):
        if unicodedata.combining(c):
            continue
        w += _NARROW.get(c) or _WIDE.get(c) or (680 if c.isupper() else 556 if c.isdigit() else 520)
    return w


def _header_pieces(words: list[str], k: int) -> list[str] | None:
    """Split a header line into k header names ("N° Recommandation" → "N°", "Recommandation")."""
    def role(piece: str) -> str | None:
        got = next((r for r, rx in HEADER_CELLS.items() if rx.match(piece)), None)
        tail = piece.split(" ")
        for j in range(1, len(tail)):  # "Recommandation Responsable": two names, not one
            other = next((r for r, rx in HEADER_CELLS.items() if rx.match(" ".join(tail[j:]))), None)
            if other is not None and other != got:
                return None
        return got
    for cuts in combinations(range(1, len(words)), k - 1):
        pieces = [" ".join(words[a:b]) for a, b in zip((0, *cuts), (*cuts, len(words)))]
        roles = [role(p) for p in pieces]
        if all(roles) and len(set(_label_column(pieces, roles))) == k:
            return pieces
    return None


def _label_column(names: Sequence[str], roles: Sequence[str]) -> list[str]:
    """Roles of a header's cells, where two name the text: "RECOMMANDATION | OBJET DE LA
    RECOMMANDATION" (OFNAC recaps) — the bare one holds the labels "Recommandation n° 5"."""
    texts = [i for i, r in enumerate(roles) if r == "text"]
    bare = [i for i in texts if LABEL_COLUMN.match(names[i])]
    if len(texts) == 2 and len(bare) == 1 and "number" not in roles:
        return ["number" if i == bare[0] else r for i, r in enumerate(roles)]
    return list(roles)


def _glued_header(ln: Line, lines: Sequence[Line]) -> list[Line]:
    """A header row the layout stage read as one Line (no rule between the cells): cut into
    its names, each placed where the lines below start (the cells' left edges)."""
    words = ln.plain_text.split()
    if not 2 <= len(words) <= 8 or not any(rx.match(ln.plain_text) for rx in HEADER_CELLS.values()):
        return [ln]
    pieces = next((p for k in (2, 3, 4) if k <= len(words) for p in [_header_pieces(words, k)] if p), None)
    if pieces is None:
        return [ln]
    below = [l.x0 for l in lines if ln.bottom < l.top < ln.bottom + 120]
    total, out, done = _text_width(ln.plain_text), [], 0.0
    for i, piece in enumerate(pieces):
        guess = ln.x0 + (ln.x1 - ln.x0) * done / total
        near = [x for x in below if abs(x - guess) < 25]
        x0 = ln.x0 if i == 0 else (max(set(near), key=near.count) if near else guess)
        out.append(replace(ln, text=piece, spans=(), bbox=(x0, ln.top, ln.x1, ln.bottom)))
        done += _text_width(piece + " ")
    return [replace(l, bbox=(l.x0, l.top, (out[i + 1].x0 - 2) if i + 1 < len(out) else l.x1, l.bottom))
            for i, l in enumerate(out)]


def _stacked(lines: Sequence[Line], head: Line) -> str:
    """A header cell wrapped in its narrow column ("En" over "cours"), joined."""
    parts, last = [head.plain_text.strip()], head
    for l in sorted(lines, key=lambda l: l.top):
        if l.top > last.top + 1 and abs(l.x0 - head.x0) < 2 and l.top - last.bottom < 0.6 * max(l.height, 1):
            parts.append(l.plain_text.strip())
            last = l
    return " ".join(parts)


def _header(lines: Sequence[Line]) -> tuple[_Columns, float] | None:
    """Columns named by a header row, and the header's bottom; None when the page has none."""
    lines = [piece for ln in lines for piece in _glued_header(ln, lines)]
    for ln in lines:
        t = ln.plain_text.strip()
        if len(t) > 40 or not HEADER_CELLS["text"].match(t):
            continue
        row = [l for l in lines if abs(l.top - ln.top) < 4 and len(l.plain_text.strip()) <= 40]
        if sum(1 for l in row if classify_status(_stacked(lines, l))) >= 2:
            continue  # "Réalisée | En cours | Non réalisée": a follow-up table (followup.py)
        named = [(l, next((r for r, rx in HEADER_CELLS.items() if rx.match(l.plain_text.strip())), None))
                 for l in row]
        named = [(l, r) for l, r in zip([l for l, _ in named],
                                        _label_column([l.plain_text for l, _ in named], [r for _, r in named]))]
        roles: dict[str, Line] = {}
        for l, role in named:
            if role is not None and role not in roles:
                roles[role] = l
        if "text" in roles and len(roles) >= 2 and ("owner" in roles or "number" in roles or "page" in roles):
            bottom = max(l.bottom for l in row)
            starts = _column_starts(sorted(roles.items(), key=lambda kv: kv[1].x0), lines, bottom)
            return _Columns(starts, min(x for _, x in starts), max(l.x1 for l in roles.values())), bottom
    return None


def _column_starts(heads: list[tuple[str, Line]], lines: Sequence[Line], bottom: float) -> tuple[tuple[str, float], ...]:
    """Where each column starts: at its header name, or left of it when the name is centred
    over its column (OFNAC recaps: « OBJET DE LA RECOMMANDATION » centred over the text
    cells) — where at least two lines below start, left of the name but right of the middle
    of the previous name, reaching under the name and ending before the middle of the next."""
    def mid(ln: Line) -> float:
        return (ln.x0 + ln.x1) / 2
    out: list[tuple[str, float]] = []
    for i, (role, head) in enumerate(heads):
        lo = mid(heads[i - 1][1]) if i else float("-inf")
        hi = mid(heads[i + 1][1]) if i + 1 < len(heads) else float("inf")
        under = [round(l.x0) for l in lines if bottom < l.top < bottom + 400 and lo < l.x0 < head.x0 - 6
                 and head.x0 + 6 < l.x1 < hi and not re.match(r"\s*\d", l.plain_text)]
        common = [x for x in set(under) if under.count(x) >= 2]
        out.append((role, min(l.x0 for l in lines if round(l.x0) == min(common)) if common else head.x0))
    return tuple(out)
