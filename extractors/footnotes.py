"""Footnotes: the notes printed at the bottom of pages, paired with their calls in the body.

The note area of a page is found by position and typography, never by fixed margins:
- a short horizontal separator rule low on the page with only smaller-than-body lines
  under it (the usual Word / LaTeX layout), or, when there is no rule,
- a block of smaller-than-body lines at the bottom of the page that starts with a note
  number which is also called (superscript) in the body of the same page.
Inside the area a line opens a new note when it starts with a plausible number (the next
in sequence, a restart at 1 for notes numbered per page, or a number called on the page);
anything else continues the previous note, also across a page break. Calls are
superscript spans holding digits (the layout stage keeps them apart from the word they
follow, so "1 939" plus call 2 never becomes "1 9392").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from extractors.locate import numbered_section_at
from extractors.patterns.notes_tables import CALL_TEXT, NOTE_START
from models.document import BBox, Document, Line, Page
from models.records import Footnote, Problem, Section

SMALL = 0.97  # under a separator rule, note lines are at most this share of the body size
SMALL_NO_RULE = 0.93  # without a rule the contrast must be clearer
MAX_JUMP = 5  # a number this far ahead of the last note still opens a note (gap reported)


@dataclass
class _Note:
    number: int
    page: int
    lines: list[Line] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def bbox(self) -> BBox:
        own = [ln for ln in self.lines if ln.page == self.page] or self.lines
        return (min(ln.x0 for ln in own), min(ln.top for ln in own),
                max(ln.x1 for ln in own), max(ln.bottom for ln in own))


@dataclass(frozen=True)
class _Call:
    number: int
    page: int
    bbox: BBox


def extract_footnotes(doc: Document, sections: Sequence[Section]) -> tuple[list[Footnote], list[Problem]]:
    """Notes of the whole document in reading order, each with the page and section of its call."""
    body = doc.body_size
    areas = {page.number: note_area(page, body) for page in doc.pages}
    calls = find_calls(doc, areas)
    calls_by_page: dict[int, set[int]] = {}
    for c in calls:
        calls_by_page.setdefault(c.page, set()).add(c.number)
    notes: list[_Note] = []
    for page in doc.pages:
        area = areas[page.number]
        if area is None:
            area = _ruleless_area(page, body, calls_by_page.get(page.number, set()))
        if area:
            _read_area(page.number, area, notes, calls_by_page.get(page.number, set()))
    return _pair(notes, calls, sections)


# -- the note area ---------------------------------------------------------------------------

def note_area(page: Page, body_size: float) -> list[Line] | None:
    """Body lines under the footnote separator rule(s) of `page`, or None when it has none.

    On a page set in columns each column may have its own rule and notes (Federal
    Register); the areas are returned column after column, each top to bottom.
    """
    lines = [ln for ln in page.lines if ln.text.strip() and (ln.is_body or _footer_note(ln))]
    if not lines:
        return None
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    found: list[tuple[float, float, float, list[Line]]] = []  # (x0, x1, top, lines) per rule
    for rule in page.rules:
        x0, top, x1, bottom = rule.bbox
        if not rule.is_horizontal or top < 0.35 * page.height:
            continue
        if (x1 - x0) > 0.6 * (right - left) or (x1 - x0) < 15:
            continue  # a separator is short
        if _touches_vertical(rule, page):
            continue  # part of a table grid
        # Lines starting under the rule, in the rule's column (multi-column pages).
        column = [ln for ln in lines if x0 - 5 <= ln.x0 < x1]
        under = [ln for ln in column if ln.top >= bottom - 1]
        if not under or not all(ln.size <= SMALL * body_size for ln in under):
            continue
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
        out.extend(_with_glued_footers(page, under))
    return out


def _footer_note(line: Line) -> bool:
    """A line marked as running footer that opens like a note ("1 Circulaire du…")."""
    return line.role == "footer" and note_start(line) is not None


def _with_glued_footers(page: Page, area: list[Line]) -> list[Line]:
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


def _touches_vertical(rule, page: Page) -> bool:
    x0, top, x1, bottom = rule.bbox
    for other in page.rules:
        if other.is_vertical:
            ox0, otop, ox1, obottom = other.bbox
            if x0 - 2 <= ox0 <= x1 + 2 and otop - 2 <= top <= obottom + 2:
                return True
    return False


def _ruleless_area(page: Page, body_size: float, called: set[int]) -> list[Line] | None:
    """Bottom block of small lines opening with a note number that the page calls."""
    body_lines = [ln for ln in page.lines if ln.text.strip() and (ln.is_body or _footer_note(ln))]
    if not body_lines:
        return None
    lines = _with_glued_footers(page, body_lines)
    block: list[Line] = []
    for ln in reversed(lines):
        if ln.size > SMALL_NO_RULE * body_size:
            break
        block.insert(0, ln)
    if not block or block[0].top < 0.4 * page.height or len(block) == len(lines):
        return None
    for i, ln in enumerate(block):
        start = note_start(ln)
        if start and start[0] in called:
            return block[i:]
    return None


# -- notes inside the area -------------------------------------------------------------------

def note_start(line: Line) -> tuple[int, str] | None:
    """(number, text) when the line begins with a note number, printed inline or raised."""
    spans = [s for s in line.spans if s.text.strip()]
    if spans and spans[0].superscript and spans[0].text.strip().isdigit():
        rest = "".join(s.text for s in line.spans[line.spans.index(spans[0]) + 1:]).strip()
        if rest:
            return int(spans[0].text.strip()), rest
    m = NOTE_START.match(line.text)
    if m:
        return int(m.group("number")), m.group("text").strip()
    return None


def _read_area(page_no: int, area: list[Line], notes: list[_Note], called: set[int]) -> None:
    on_page = False
    starts: list[float] = []  # x0 of the note openings seen in this area
    conts: list[float] = []  # x0 of the continuation lines
    for ln in area:
        start = note_start(ln)
        last = notes[-1].number if notes else None
        if start and _indented_like_continuation(ln.x0, starts, conts):
            start = None  # "10 seconds." set where continuation lines start, not notes
        can_continue = bool(notes) and notes[-1].lines[-1].page >= page_no - 1
        orphan = start is not None and not can_continue and (start[0] in called or start[0] == 1)
        if start and (_plausible(start[0], last, on_page, called) or orphan):
            notes.append(_Note(start[0], page_no, [ln], [start[1]]))
            starts.append(ln.x0)
            on_page = True
        elif can_continue:
            notes[-1].lines.append(ln)
            notes[-1].texts.append(ln.plain_text if not start else ln.text)
            conts.append(ln.x0)
        # an unnumbered line with no note just before it is dropped: nothing to continue


def _indented_like_continuation(x0: float, starts: list[float], conts: list[float]) -> bool:
    """True when notes open at one indent, continue at another, and `x0` is the latter."""
    if not starts or not conts:
        return False
    return all(abs(x0 - s) > 2 for s in starts) and any(abs(x0 - c) <= 1 for c in conts)


def _plausible(n: int, last: int | None, on_page: bool, called: set[int]) -> bool:
    if last is None:
        return True
    if n == last + 1 or (n == 1 and not on_page):
        return True  # next in sequence, or numbering restarting on a new page
    return last < n <= last + MAX_JUMP or (n in called and n > last)


def join_lines(texts: list[str]) -> str:
    """Fold note lines into one string; a word cut by a hyphen at line end is rejoined."""
    out = ""
    for t in texts:
        t = t.strip()
        if not t:
            continue
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and t[:1].islower():
            out = out[:-1] + t
        else:
            out = f"{out} {t}" if out else t
    return out


# -- calls -----------------------------------------------------------------------------------

def find_calls(doc: Document, areas: dict[int, list[Line] | None]) -> list[_Call]:
    """Superscript digit spans in body text (tables included), outside the note areas."""
    calls: list[_Call] = []
    for page in doc.pages:
        area = {id(ln) for ln in (areas.get(page.number) or [])}
        for ln in page.lines:
            if not ln.is_body or id(ln) in area:
                continue
            for s in ln.spans:
                if not s.superscript:
                    continue
                m = CALL_TEXT.match(s.text)
                if not m:
                    continue
                for n in _call_numbers(m.group(0)):
                    calls.append(_Call(n, page.number, (s.x0, ln.top, s.x1, ln.bottom)))
    return calls


def _call_numbers(text: str) -> list[int]:
    out: list[int] = []
    for part in text.replace(" ", "").split(","):
        if "-" in part or "–" in part:
            a, _, b = part.replace("–", "-").partition("-")
            if a.isdigit() and b.isdigit() and 0 <= int(b) - int(a) <= 10:
                out.extend(range(int(a), int(b) + 1))
            continue
        if part.isdigit():
            out.append(int(part))
    return out


# -- pairing and problems --------------------------------------------------------------------

def _pair(notes: list[_Note], calls: list[_Call], sections: Sequence[Section]) -> tuple[list[Footnote], list[Problem]]:
    """Each note takes the call with its number on its own page, else the nearest before it."""
    problems: list[Problem] = []
    used: set[int] = set()
    out: list[Footnote] = []
    seen: set[int] = set()
    for i, note in enumerate(notes):
        call = _find_call(note, calls, used)
        if call is not None:
            used.add(id(call))
        else:
            problems.append(Problem("footnote_call_missing",
                                    f"note {note.number} on page {note.page} has no call in the body",
                                    note.page, str(note.number)))
        prev = notes[i - 1] if i else None
        if prev is None or (note.number == 1 and prev.page != note.page):
            seen = set()  # numbering (re)starts: per page, per chapter or for the report
        elif note.number in seen:
            problems.append(Problem("footnote_duplicate", f"note {note.number} printed twice",
                                    note.page, str(note.number)))
        elif note.number > prev.number + 1:
            problems.append(Problem("footnote_gap", f"notes {prev.number + 1}-{note.number - 1} not found",
                                    note.page, str(note.number)))
        seen.add(note.number)
        cp, cb = (call.page, call.bbox) if call else (note.page, note.bbox)
        out.append(Footnote(note.number, join_lines(note.texts), note.page, note.bbox,
                            call.page if call else None, call.bbox if call else None,
                            numbered_section_at(sections, cp, cb[1])))
    return out, problems


def _find_call(note: _Note, calls: list[_Call], used: set[int]) -> _Call | None:
    same = [c for c in calls if c.number == note.number and id(c) not in used]
    here = [c for c in same if c.page == note.page]
    if here:
        return here[0]
    before = [c for c in same if c.page < note.page]
    return before[-1] if before else None
