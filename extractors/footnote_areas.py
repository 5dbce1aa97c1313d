"""Where the notes are on a page: the block under a separator rule, or a bottom block without one.

Typography alone is not enough: notes may be set barely smaller than the body (9 under
9.5), at the body size, or without a separator rule. The signals are combined:
- a short separator rule low on the page (the usual Word / LaTeX layout): the lines under
  it are notes when they are smaller than the body, or, at the body size, when they open
  with numbers that the page calls in superscript above the rule;
- without a rule: the bottom block of the page whose note openings carry the numbers of
  the superscript calls of the same page (calls are reliable: raised digits in the body),
  set apart from the body by a smaller size, a vertical gap or a tighter leading, with one
  left margin (a table row starting with a number has cells at several x positions).
A note continued from the previous page opens the block with unnumbered lines set like
the notes under it; they are kept when the same separation stands above them.
"""
from __future__ import annotations

from statistics import median
from typing import Callable

from extractors.patterns.notes_tables import GLUED_DIGITS, NOTE_START, NOTE_START_GLUED
from models.document import Document, Line, Page

SMALL = 0.97  # note lines at most this share of the body size count as "smaller than body"
AT_BODY = 1.02  # notes are never larger than the body text
CALLED_SHARE = 0.5  # without a rule, at least this share of the note openings is called on the page
TIGHT_PITCH = 0.92  # a note block's leading at most this share of the body leading is "tighter"
LOWEST_TOP = 0.25  # a note block never starts in the top quarter of the page

StartFn = Callable[[Line], "tuple[int, str] | None"]


def note_start(line: Line) -> tuple[int, str] | None:
    """(number, text) when the line begins with a note number, printed inline or raised,
    followed by a space or touching the text ("7Par décision", Writer without indent)."""
    spans = [s for s in line.spans if s.text.strip()]
    if spans and spans[0].superscript and spans[0].text.strip().isdigit():
        rest = "".join(s.text for s in line.spans[line.spans.index(spans[0]) + 1:]).strip()
        if rest:
            return int(spans[0].text.strip()), rest
    m = NOTE_START.match(line.text) or NOTE_START_GLUED.match(line.text)
    if m:
        return int(m.group("number")), m.group("text").strip()
    return None


def glued_splits(text: str) -> list[tuple[int, str]]:
    """The readings of a line opening with digits touching the rest, when notes are glued:
    "2380% des auteurs" is note 2, 23 or 238 (only the sequence of notes can tell)."""
    m = GLUED_DIGITS.match(text)
    if not m:
        return []
    run = m.group("digits")
    return [(int(run[:k]), (run[k:] + m.group("rest")).strip()) for k in range(1, min(len(run), 5))
            if run[k] != "0"]  # "2017) et" is no note 2 reading "017) et"


Calls = dict[int, list[float]]  # note number -> tops of its calls on the page


# -- under a separator rule ------------------------------------------------------------------

def note_area(page: Page, body_size: float, calls: Calls | None = None,
              note_start: StartFn = note_start) -> list[Line] | None:
    """Body lines under the footnote separator rule(s) of `page`, or None when it has none.

    On a page set in columns each column may have its own rule and notes (Federal
    Register); the areas are returned column after column, each top to bottom. Lines at
    the body size are accepted under a rule only when their openings are called above it
    (`calls` and `note_start` given): a rule over body-size text is otherwise a border.
    """
    lines = [ln for ln in page.lines if ln.text.strip() and (ln.is_body or _footer_note(ln, note_start))]
    if not lines:
        return None
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    verticals = [r.bbox for r in page.rules if r.is_vertical]  # once, not once per rule
    found: list[tuple[float, float, float, list[Line]]] = []  # (x0, x1, top, lines) per rule
    for rule in page.rules:
        x0, top, x1, bottom = rule.bbox
        if not rule.is_horizontal or top < 0.35 * page.height:
            continue
        if (x1 - x0) > 0.6 * (right - left) or (x1 - x0) < 15:
            continue  # a separator is short
        if _touches_vertical(rule, verticals):
            continue  # part of a table grid
        # Lines starting under the rule, in the rule's column (multi-column pages).
        column = [ln for ln in lines if x0 - 5 <= ln.x0 < x1]
        under = [ln for ln in column if ln.top >= bottom - 1]
        if not under:
            continue
        if not all(ln.size <= SMALL * body_size for ln in under):
            if not all(ln.size <= AT_BODY * body_size for ln in under):
                continue
            if calls is None or not _called_openings(under, calls, top, note_start):
                continue  # body-size text under a rule: notes only when the page calls them
        if any(ln.top < bottom - 1 < ln.bottom for ln in column):
            continue  # text runs across the rule: an underline, not a separator
        if any(ln.top < top and ln.x0 < x0 - 5 and ln.x1 > x1 for ln in lines if ln.bottom > top - 3 * body_size):
            continue  # a wider text block sits right above: the rule is inside the text
        found.append((x0, x1, top, under))
    if not found:
        return None
    best: list[tuple[float, float, float, list[Line]]] = []
    for item in sorted(found, key=lambda f: f[2]):  # keep the topmost rule of each column
        if not any(item[0] < b[1] and b[0] < item[1] for b in best):
            best.append(item)
    out: list[Line] = []
    for _, _, _, under in sorted(best, key=lambda b: b[0]):
        out.extend(with_glued_footers(page, under))
    return out


def _called_openings(lines: list[Line], calls: Calls, top: float, note_start: StartFn,
                     share: float = CALLED_SHARE, at_least: int = 1) -> bool:
    """True when `share` of the note openings in `lines` are called above `top`, or
    `at_least` of them (whichever is fewer)."""
    numbers = [s[0] for s in map(note_start, lines) if s]
    good = sum(1 for n in numbers if any(t < top for t in calls.get(n, ())))
    return bool(numbers) and good >= max(1, min(share * len(numbers), at_least))


def _footer_note(line: Line, note_start: StartFn | None) -> bool:
    """A line marked as running footer that opens like a note ("1 Circulaire du…")."""
    return line.role == "footer" and note_start is not None and note_start(line) is not None


def with_glued_footers(page: Page, area: list[Line]) -> list[Line]:
    """Add lines the layout took for running footers but that sit tight against the notes.

    Notes whose text recurs from page to page ("1 Circulaire du 9 mai 2019…", numbered
    per page or not) can be marked as running footers by the layout stage; a true footer
    stands apart from the notes, a note line is glued to its neighbours.
    """
    kept = {id(ln) for ln in area}
    lines = sorted((ln for ln in page.lines if id(ln) in kept or ln.role == "footer"), key=lambda ln: ln.top)
    changed = True
    while changed:
        changed = False
        for i, ln in enumerate(lines):
            if id(ln) in kept:
                continue
            near = [o for o in lines[max(i - 1, 0):i + 2] if id(o) in kept and o is not ln]
            if any(abs(o.size - ln.size) <= 0.3 and _gap(o, ln) <= 0.6 * ln.size for o in near):
                kept.add(id(ln))
                changed = True
    return [ln for ln in lines if id(ln) in kept]


def _gap(a: Line, b: Line) -> float:
    return max(b.top - a.bottom, a.top - b.bottom)


def _touches_vertical(rule, verticals: list) -> bool:
    """`verticals`: the bboxes of the page's vertical rules."""
    x0, top, x1, bottom = rule.bbox
    for ox0, otop, ox1, obottom in verticals:
        if x0 - 2 <= ox0 <= x1 + 2 and otop - 2 <= top <= obottom + 2:
            return True
    return False


# -- without a rule --------------------------------------------------------------------------

def body_pitch(doc: Document) -> float:
    """Median distance between the tops of consecutive body-size lines (the body leading)."""
    body = doc.body_size
    steps: list[float] = []
    for page in doc.pages:
        lines = sorted((ln for ln in page.lines if ln.is_body and abs(ln.size - body) <= 0.3),
                       key=lambda ln: ln.top)
        for a, b in zip(lines, lines[1:]):
            d = b.top - a.top
            if 0.8 * body < d < 2.2 * body and abs(a.x0 - b.x0) < 40:
                steps.append(d)
    return median(steps) if steps else 1.2 * body


def ruleless_area(page: Page, body_size: float, pitch: float, calls: Calls, note_start: StartFn,
                  expected: int | None, open_note: Line | None) -> list[Line] | None:
    """The bottom block of notes of a page without separator rule, or None.

    `expected` is the number the next note of the document would carry (None before the
    first note); `open_note` is the last line of a note still running at the bottom of
    the previous page (its continuation may open this page's block without a number).
    """
    body = [ln for ln in page.lines if ln.text.strip() and (ln.is_body or _footer_note(ln, note_start))]
    if not body:
        return None
    lines = with_glued_footers(page, body)
    for i, ln in enumerate(lines):
        if ln.top < LOWEST_TOP * page.height:
            continue
        start = note_start(ln)
        if not start:
            continue
        n = start[0]
        called = any(t < ln.top for t in calls.get(n, ()))
        block = _without_footer(lines[i:], note_start)
        if not _note_like(block, body_size):
            continue
        small = _median_size(block) <= SMALL * body_size
        if not (called or (n == expected and small)):
            continue
        if not _called_openings(block, calls, ln.top, note_start) and not (n == expected and small):
            continue
        if not small and not _called_openings(block, calls, ln.top, note_start, 1.0, at_least=2):
            continue  # at the body size only calls tell notes from a list "1. … 2. …" called once
        if open_note is not None and not _finished(open_note):
            k = _continuation_top(lines, i, open_note)
            if k < i and _separated(lines[k - 1] if k else None, lines[k:i] + block, body_size, pitch):
                return lines[k:i] + block
        if _separated(lines[i - 1] if i else None, block, body_size, pitch):
            return block
    if open_note is not None and not _finished(open_note):
        return _continuation_only(lines, open_note, body_size, pitch, LOWEST_TOP * page.height)
    return None


def _finished(line: Line) -> bool:
    """The line closes a sentence: a note ending there is unlikely to run on the next page."""
    return line.text.rstrip()[-1:] in ".!?»)"


def _without_footer(block: list[Line], note_start: StartFn) -> list[Line]:
    """Drop one or two unnumbered lines standing far below the notes (a running footer
    the layout stage left in the body)."""
    size = _median_size(block)
    gaps = _inner_gaps(block)
    for j in range(max(len(gaps) - 2, 1), len(gaps)):
        tail = block[j + 1:]
        others = gaps[:j] + gaps[j + 1:]
        if gaps[j] > max(1.5 * size, 3 * max(others, default=0.0)) and not any(map(note_start, tail)):
            return block[:j + 1]
    return block


def _median_size(block: list[Line]) -> float:
    return median(ln.size for ln in block)


def _note_like(block: list[Line], body_size: float) -> bool:
    """One size, never above the body, and one left margin (plus a hanging indent)."""
    size = _median_size(block)
    if any(ln.size > AT_BODY * body_size for ln in block):
        return False
    if sum(1 for ln in block if abs(ln.size - size) <= 0.5) < 0.9 * len(block):
        return False
    margins: list[float] = []  # left x clusters, the first line's first
    counts: list[int] = []
    for ln in block:
        for j, m in enumerate(margins):
            if abs(ln.x0 - m) <= 2.5:
                counts[j] += 1
                break
        else:
            margins.append(ln.x0)
            counts.append(1)
    return sum(sorted(counts, reverse=True)[:2]) >= 0.9 * len(block) and counts[0] >= 0.3 * len(block)


def _inner_gaps(block: list[Line]) -> list[float]:
    return [b.top - a.bottom for a, b in zip(block, block[1:])]


def _separated(above: Line | None, block: list[Line], body_size: float, pitch: float) -> bool:
    """The block stands apart from the text above: smaller type, a gap, or a tighter leading."""
    size = _median_size(block)
    if above is None:
        return size <= SMALL * body_size
    if size <= SMALL * body_size and above.size > size + 0.3:
        return True  # notes set smaller than the text right above them
    gaps = _inner_gaps(block)
    gap = block[0].top - above.bottom
    if gap >= max(max(gaps, default=0.0) + 0.4 * size, 0.6 * size):
        return True  # a blank band above the notes, wider than any inside them
    steps = [b.top - a.top for a, b in zip(block, block[1:])]
    return len(steps) >= 2 and median(steps) <= TIGHT_PITCH * pitch and gap > max(gaps, default=0.0)


def _continuation_top(lines: list[Line], i: int, open_note: Line) -> int:
    """Index of the first of the unnumbered lines right above `lines[i]` set like the notes."""
    size = lines[i].size
    gaps = _inner_gaps(lines[i:])
    tight = max(max(gaps, default=0.0) + 0.4 * size, 0.5 * size)
    k = i
    while k > 0:
        ln, nxt = lines[k - 1], lines[k]
        if abs(ln.size - size) > 0.3 or abs(ln.size - open_note.size) > 0.3:
            break
        if nxt.top - ln.bottom > tight or abs(ln.x0 - lines[i].x0) > 15:
            break
        k -= 1
    return k


def _continuation_only(lines: list[Line], open_note: Line, body_size: float, pitch: float,
                       lowest: float) -> list[Line] | None:
    """A page whose bottom block only continues the previous page's note (smaller type)."""
    if open_note.size > SMALL * body_size:
        return None  # at the body size a continuation cannot be told from the text
    k = len(lines)
    while k > 0 and abs(lines[k - 1].size - open_note.size) <= 0.3:
        k -= 1
    block = lines[k:]
    if not block or not k or block[0].top < lowest or not _note_like(block, body_size):
        return None
    return block if _separated(lines[k - 1], block, body_size, pitch) else None
