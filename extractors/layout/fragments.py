"""A line the content stream draws in pieces, put back together.

The groups are `lines._group_lines`'s: (glyphs, inked glyphs, largest size, widest gap).
"""
from __future__ import annotations

def join_fragments(groups, word_gap: float):
    """A line the content stream interrupts, put back together.

    Producers sometimes draw a word's first letter before the rest of the line (GAO-06-1046
    p. 48: the "A" of "Acknowledgments", then "GAO Contact and Staff" above, then
    "cknowledgments"), or after it (GAO-07-791 p. 122: "ccountability of the federal
    government", and the "a" long after). A group that starts, on the same baseline and at
    the same size, where an earlier group ends (closer than `word_gap` of the size: no word
    space) continues it; one that ends where an earlier group starts comes before it.
    """
    if len(groups) < 2:
        return groups
    out: list = []
    ends: dict[tuple[int, int], int] = {}  # (x1, bottom) of a group's last ink, rounded -> index in out
    starts: dict[tuple[int, int], int] = {}  # (x0, bottom) of a group's first ink, rounded -> index
    for group in groups:
        ink = group[1]
        j = _touching(ends, ink[0].x0, ink[0].bottom, lambda k: (out[k][1][-1], ink[0]), word_gap)
        if j is not None:
            ends.pop(_end_key(out[j]), None)
            out[j] = _joined(out[j], group)
            ends[_end_key(out[j])] = j
            continue
        j = _touching(starts, ink[-1].x1, ink[-1].bottom, lambda k: (ink[-1], out[k][1][0]), word_gap)
        if j is not None:
            starts.pop(_start_key(out[j]), None)
            out[j] = _joined(group, out[j])
            starts[_start_key(out[j])] = j
            continue
        out.append(group)
        ends[_end_key(group)] = starts[_start_key(group)] = len(out) - 1
    return out


def _end_key(group) -> tuple[int, int]:
    last = group[1][-1]
    return round(last.x1), round(last.bottom)


def _start_key(group) -> tuple[int, int]:
    first = group[1][0]
    return round(first.x0), round(first.bottom)


def _touching(table: dict, x: float, bottom: float, pair, word_gap: float) -> int | None:
    """The index of the group in `table` (keyed by a rounded edge) whose edge meets the
    point (x, bottom); `pair(index)` gives (the left glyph, the right glyph) to check."""
    bx, by = round(x), round(bottom)
    for key in ((bx, by), (bx - 1, by), (bx + 1, by), (bx, by - 1), (bx, by + 1)):
        j = table.get(key)
        if j is None:
            continue
        left, right = pair(j)
        gap = right.x0 - left.x1
        if (abs(left.bottom - right.bottom) <= 0.5 and abs(left.size - right.size) <= 0.5
                and -0.5 <= gap <= word_gap * max(right.size, 1.0)):
            return j
    return None


def _joined(first, second):
    """Two groups as one line: `first`'s trailing spaces are the stream's break, not a
    space (the gap is narrower than a word space)."""
    f_glyphs, f_ink, f_main, f_widest = first
    s_glyphs, s_ink, s_main, s_widest = second
    kept = len(f_glyphs)
    while kept and f_glyphs[kept - 1].text == " ":
        kept -= 1
    gap = s_ink[0].x0 - f_ink[-1].x1
    return (f_glyphs[:kept] + s_glyphs, f_ink + s_ink, max(f_main, s_main), max(f_widest, s_widest, gap))
