"""Rows of an unruled summary table whose label cell may sit in the middle of its row.

Why: a recap printed « RECOMMANDATION | OBJET DE LA RECOMMANDATION » with no rules between
rows centres the label « Recommandation n° 5 » vertically against a text cell of one to six
lines (OFNAC recaps): the label sits on the 2nd or 3rd line of its row. Cutting rows at the
labels gives the first lines of a row to the previous one. Here a row is a block of lines
set apart by a gap larger than the leading inside a cell, and each label joins the block
its vertical centre falls in (or the nearest one); the label does not make the row.
"""
from __future__ import annotations

from typing import Callable, Sequence

import regex as re

from models.document import Line

# a cell's text ends a sentence or a list item: where a row may end when no gap shows it
_CELL_END = re.compile(r"[.;:!?)»]\s*$")


def _mid(ln: Line) -> float:
    return (ln.top + ln.bottom) / 2


def _blocks(lines: Sequence[Line], height: float, alone: Callable[[Line], bool]) -> list[list[Line]]:
    """Lines split where the vertical gap exceeds the usual leading by a third of a line:
    cell padding above and below sets rows apart even when the leading is loose. A line
    `alone` (a theme line across the columns) is a block of its own."""
    ordered = sorted(lines, key=lambda l: l.top)
    gaps, bottom = [], None
    for ln in ordered:
        if bottom is not None:
            gaps.append(max(ln.top - bottom, 0.0))
        bottom = ln.bottom if bottom is None else max(bottom, ln.bottom)
    if not gaps:
        return [list(ordered)] if ordered else []
    base = sorted(gaps)[len(gaps) // 4]  # most gaps are the leading inside a cell
    limit = max(0.35 * height, base + 0.3 * height)
    out: list[list[Line]] = [[ordered[0]]]
    for gap, ln, prev in zip(gaps, ordered[1:], ordered):
        if gap > limit or alone(ln) or alone(prev):
            out.append([])
        out[-1].append(ln)
    return out


def _anchors(lines: Sequence[Line], is_label: Callable[[str], bool], height: float) -> list[list[Line]]:
    """Labels of the number column, a label wrapped in its narrow column ("Recommandation" over
    "n° 5") joined back."""
    def text(group: Sequence[Line]) -> str:
        return " ".join(l.plain_text for l in group)
    out: list[list[Line]] = []
    for ln in sorted(lines, key=lambda l: l.top):
        if out and ln.top - out[-1][-1].bottom < 0.5 * height and not is_label(text(out[-1])) \
                and is_label(text([*out[-1], ln])):
            out[-1].append(ln)
        else:
            out.append([ln])
    return [a for a in out if is_label(text(a))]


def _split(block: list[Line], labels: list[list[Line]], top_aligned: bool) -> list[list[Line]]:
    """A block holding several labels (rows with no gap between them) cut into one row per
    label: just above each label when labels sit on the first line of their rows, else where
    each label falls nearest the middle of its piece, a piece preferably ending a sentence."""
    lines = sorted(block, key=lambda l: l.top)
    tops = [min(l.top for l in lab) for lab in labels]
    if top_aligned:
        cuts = [next((j for j, l in enumerate(lines) if l.top >= t - 1), len(lines)) for t in tops[1:]]
    else:
        cuts, start = [], 0
        for k in range(len(labels) - 1):
            c, c_next = (sum(_mid(l) for l in labels[k]) / len(labels[k]),
                         sum(_mid(l) for l in labels[k + 1]) / len(labels[k + 1]))
            # the next piece reaches at most the label after next
            end = len(lines) if k + 2 == len(labels) else \
                next((j for j, l in enumerate(lines) if l.top >= tops[k + 2]), len(lines))
            height = max(l.height for l in lines)

            def misfit(j: int) -> float:
                a, b = lines[start:j], lines[j:end]
                off = abs((a[0].top + a[-1].bottom) / 2 - c) + abs((b[0].top + b[-1].bottom) / 2 - c_next)
                return off / height + (0 if _CELL_END.search(a[-1].plain_text) else 1.5)
            options = [j for j in range(start + 1, end) if _mid(lines[j - 1]) < c_next and _mid(lines[j]) > c]
            j = min(options, key=misfit, default=start + 1)
            cuts.append(j)
            start = j
    pieces = [lines[a:b] for a, b in zip([0, *cuts], [*cuts, len(lines)])]
    return [piece + lab for piece, lab in zip(pieces, labels)]


def centred_rows(lines: Sequence[Line], in_label_column: Callable[[Line], bool],
                 is_label: Callable[[str], bool]) -> list[list[Line]] | None:
    """Rows of an unruled table with a label column, top to bottom; None when the table has
    no label in that column (the caller cuts rows at gaps as before)."""
    if not lines:
        return None
    height = sorted(l.height for l in lines)[len(lines) // 2] or 1.0
    column = [l for l in lines if in_label_column(l)]
    labels = _anchors(column, is_label, height)
    if not labels:
        return None
    taken = {id(l) for lab in labels for l in lab}
    # a line starting in the label column that is no label: a theme line (or a stray cell)
    blocks = _blocks([l for l in lines if id(l) not in taken], height, in_label_column)
    text_blocks = [i for i, b in enumerate(blocks) if any(not in_label_column(l) for l in b)]
    owned: dict[int, list[list[Line]]] = {}
    for lab in labels:
        c = sum(_mid(l) for l in lab) / len(lab)
        if not text_blocks:
            break
        i = min(text_blocks, key=lambda i: max(blocks[i][0].top - c, c - max(l.bottom for l in blocks[i]), 0.0))
        owned.setdefault(i, []).append(lab)
    single = [(blocks[i], labs[0]) for i, labs in owned.items() if len(labs) == 1]
    top_aligned = bool(single) and all(abs(min(l.top for l in lab) - b[0].top) < 0.5 * height
                                       for b, lab in single)
    rows: list[list[Line]] = []
    for i, block in enumerate(blocks):
        labs = owned.get(i, [])
        rows += _split(block, labs, top_aligned) if len(labs) > 1 else [block + (labs[0] if labs else [])]
    unowned = [lab for lab in labels if not any(lab in labs for labs in owned.values())]
    rows += unowned
    return sorted(rows, key=lambda r: min(l.top for l in r))
