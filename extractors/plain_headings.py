"""Numbered headings set exactly like the body text: found by vertical spacing and shape.

Some reports give minor headings no typographic difference at all (a Word "Titre 3"
styled like the body, a layout where only level 1 is bold). Such a heading is still set
apart by the page: a SHORT block (one line, at most three when wrapped) that starts at
the left margin with a numbering token, carries no final period, has more space above
it than the document's usual paragraph spacing (or opens the page), and is followed by
text below. A numbered paragraph ("14.1. The Committee acknowledges…", "7.2.1. Two
trains…") runs on at line pitch for many lines and ends with a period; a numbered list
item is spaced like the paragraphs around it and usually ends with ";" or "."; table
cells have neighbours on their baseline. Those are rejected here; what passes is only a
candidate: sections.py keeps it when it chains into the numbering sequence.

All distances are measured against the document's own spacing (its usual line gap and
paragraph gap), never in absolute points.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

from models.document import Line

# A heading never ends on a clause mark; a final period is tolerated only when a
# paragraph break follows (some reports punctuate their headings).
_CLAUSE_END = (";", ",", ":")


@dataclass(frozen=True)
class Spacing:
    """The document's usual vertical rhythm for body text (gaps in points)."""

    line_gap: float  # between two lines of one paragraph
    para_gap: float  # between two paragraphs (lower part of the distribution)
    size: float  # body font size

    @property
    def line_tol(self) -> float:
        """The largest gap still read as "the next line of the same block"."""
        return self.line_gap + 0.25 * self.size


def spacing_of(lines: Sequence[Line], is_body: Callable[[Line], bool], size: float) -> Spacing:
    """Line and paragraph gaps from consecutive body lines that overlap horizontally.

    The line gap is the most common gap; the paragraph gap is the 40th percentile of the
    larger ones (heading gaps sit at the top of that distribution, list gaps at the bottom).
    """
    gaps: Counter = Counter()
    for a, b in zip(lines, lines[1:]):
        if (a.page == b.page and is_body(a) and is_body(b)
                and min(a.x1, b.x1) > max(a.x0, b.x0)):
            g = b.top - a.bottom
            if -1 < g < 4 * size:
                gaps[round(g * 2) / 2] += 1
    if not gaps:
        return Spacing(0.2 * size, 0.8 * size, size)
    line_gap = gaps.most_common(1)[0][0]
    larger = sorted(g for g, n in gaps.items() for _ in range(n) if g > line_gap + 0.25 * size)
    para_gap = larger[int(0.4 * (len(larger) - 1))] if larger else line_gap + size
    return Spacing(line_gap, para_gap, size)


def _overlaps(a: Line, b: Line) -> bool:
    return min(a.x1, b.x1) > max(a.x0, b.x0)


def gap_above(page_lines: Sequence[Line], ln: Line) -> float | None:
    """The vertical gap to the nearest line above `ln` on its page (None: opens the page)."""
    best = None
    for o in page_lines:
        if o is not ln and o.bottom <= ln.top + 1 and _overlaps(o, ln):
            g = ln.top - o.bottom
            best = g if best is None or g < best else best
    return best


def gap_below(page_lines: Sequence[Line], ln: Line) -> tuple[float, Line] | None:
    """The gap to the nearest line below `ln` on its page, and that line."""
    best = None
    for o in page_lines:
        if o is not ln and o.top >= ln.bottom - 1 and _overlaps(o, ln):
            g = o.top - ln.bottom
            if best is None or g < best[0]:
                best = (g, o)
    return best


def plain_heading_end(lines: Sequence[Line], i: int, page_lines: Sequence[Line],
                      spacing: Spacing, left: float, right: float) -> int | None:
    """Index of the last line of a body-styled numbered heading starting at lines[i],
    or None when lines[i] is not set apart as a heading (see the module docstring).

    `page_lines` are the content lines of its page; `left`/`right` the text edges there.
    """
    first = lines[i]
    width = max(right - left, 1.0)
    size = spacing.size
    if first.x0 > left + 1.5 * size or first.x0 < left - 2 * size:
        return None  # indented: a list item or a quotation
    # the block: wrapped continuation lines at line pitch, after a line that ran full
    end = i
    while (end + 1 < len(lines) and end - i < 3 and lines[end + 1].page == first.page
           and lines[end + 1].size == first.size and lines[end + 1].bold == first.bold
           and lines[end + 1].italic == first.italic
           and -1 < lines[end + 1].top - lines[end].bottom <= spacing.line_tol
           and (lines[end].x1 - left >= 0.75 * width or lines[end + 1].plain_text[:1].islower())):
        end += 1
    last = lines[end]
    if end - i >= 3 or len(" ".join(ln.plain_text for ln in lines[i:end + 1])) > 220:
        return None  # a numbered paragraph, not a heading
    below = gap_below(page_lines, last)
    if below is None:
        return None  # nothing follows on the page: a heading keeps with its text
    after, nxt = below
    ending = last.plain_text.rstrip()[-1:]
    if ending in _CLAUSE_END or (ending == "." and after <= spacing.line_tol):
        return None  # a sentence goes on, or a paragraph that ends like one
    if after <= spacing.line_tol:
        # text goes on at line pitch: only a short heading line, then a new sentence
        if last.x1 - left > 0.7 * width or not nxt.plain_text[:1].isupper():
            return None
    above = gap_above(page_lines, first)
    if above is None and ending == ".":
        return None  # opens the page: no space to measure, so no sentence-like block
    if above is not None:
        extra = max(2.0, 0.25 * size)
        if above < spacing.line_gap + 0.8 * size:
            return None
        if above < spacing.para_gap + extra and above < after + 2 * extra:
            return None  # spaced like any paragraph: a numbered paragraph or list item
    return end
