"""Footnotes: the notes printed at the bottom of pages, paired with their calls in the body.

The note area of a page is found by position and typography, never by fixed margins
(extractors/footnote_areas.py): the lines under a short separator rule, or, without a
rule, the bottom block whose openings carry the numbers the page calls in superscript,
set apart by a smaller size, a gap or a tighter leading.
Inside the area the lines that open notes are chosen together, as the best numbered
sequence: the next number after the last note (or 1 when numbering restarts per page),
numbers called on the page, a raised note number, a line that follows a short one.
A line that only looks like an opening ("4 000 bénéficiaient…", "12 décembre 2016",
a number set at the continuation indent) opens a note only when no better line does;
anything else continues the previous note, also across a page break. Calls are
superscript spans holding digits (the layout stage keeps them apart from the word they
follow, so "1 939" plus call 2 never becomes "1 9392").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from extractors.cell_text import fold_lines  # a word cut by a hyphen at line end is rejoined
from extractors.footnote_areas import body_pitch, glued_splits, note_area, note_start, ruleless_area
from extractors.locate import numbered_section_at
from extractors.patterns.notes_tables import CALL_TEXT, NOTE_START, NOTE_START_DOUBTFUL, NOTE_START_GLUED
from models.document import BBox, Document, Line
from models.records import Footnote, Problem, Section

MAX_JUMP = 5  # a number this far ahead of the last note still opens a note (gap reported)
OPENING = 3.0  # weight of one note opening: the number of notes found dominates the choice
SKIP_COST = 0.4  # cost of each number skipped between two consecutive openings
GLUED_SPLIT = 0.5  # cost of reading a glued digit run as a number plus a text starting with digits


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
    notes, areas = _scan(doc)
    return _pair(notes, find_calls(doc, areas), sections)


def note_areas(doc: Document) -> dict[int, list[Line]]:
    """Page number -> the lines read as footnotes on that page (pages without notes absent).

    For other extractors that must skip the notes (a table continued over a page break
    has the notes of the first page between its two parts).
    """
    return {n: area for n, area in _scan(doc)[1].items() if area}


def _scan(doc: Document) -> tuple[list[_Note], dict[int, list[Line] | None]]:
    """Find the note area of each page, in page order (a page's area depends on whether
    the previous page left a note open and on the number the next note should carry)."""
    body = doc.body_size
    pitch = body_pitch(doc)
    page_calls = _page_calls(doc)
    areas: dict[int, list[Line] | None] = {}
    notes: list[_Note] = []
    glued = False  # the report prints its note numbers touching their text
    for page in doc.pages:
        calls = page_calls.get(page.number, {})
        area = note_area(page, body, calls, note_start)
        if area is None:
            last = notes[-1] if notes else None
            running = last.lines[-1] if last and last.lines[-1].page == page.number - 1 else None
            area = ruleless_area(page, body, pitch, calls, note_start,
                                 last.number + 1 if last else None, running)
        areas[page.number] = area
        if area:
            glued = glued or any(map(_glued, area))
            _read_area(page.number, area, notes, set(calls), glued)
    return notes, areas


def _page_calls(doc: Document) -> dict[int, dict[int, list[float]]]:
    """Per page, number -> tops of its superscript calls; a raised number opening a line is
    a note's own number, not a call."""
    out: dict[int, dict[int, list[float]]] = {}
    for c in find_calls(doc, {}, skip_leading=True):
        out.setdefault(c.page, {}).setdefault(c.number, []).append(c.bbox[1])
    return out


# -- notes inside the area -------------------------------------------------------------------

def _read_area(page_no: int, area: list[Line], notes: list[_Note], called: set[int], glued: bool) -> None:
    """Split the area's lines into notes: the openings are chosen as one numbered sequence.

    With `glued` (the report prints note numbers touching their text), a line opening
    with a run of digits may be a note number followed by a text starting with digits.
    """
    starts = [note_start(ln) for ln in area]
    seen_starts: list[float] = []  # x0 of the openings so far, of the continuation lines
    seen_conts: list[float] = []
    for i, (ln, start) in enumerate(zip(area, starts)):
        if start and _indented_like_continuation(ln.x0, seen_starts, seen_conts) and not _raised(ln):
            starts[i] = None  # "10 seconds." set where continuation lines start, not notes
        (seen_starts if starts[i] else seen_conts).append(ln.x0)
    options = [[s] if s else [] for s in starts]
    if glued:
        for i, ln in enumerate(area):  # "2380% des auteurs" may be note 23, after a note's end
            if _after_short_line(area, i):
                options[i] += [o for o in glued_splits(ln.text) if o not in options[i]]
    can_continue = bool(notes) and notes[-1].lines[-1].page >= page_no - 1
    last = notes[-1].number if notes else None
    chosen = _best_openings(area, options, last, called)
    for i, ln in enumerate(area):
        if i in chosen:
            notes.append(_Note(chosen[i][0], page_no, [ln], [chosen[i][1]]))
            can_continue = True
        elif can_continue:
            notes[-1].lines.append(ln)
            notes[-1].texts.append(ln.plain_text if not starts[i] else ln.text)
        # an unnumbered line with no note just before it is dropped: nothing to continue


def _after_short_line(area: list[Line], i: int) -> bool:
    """The line opens the area or follows a line ending short of the right margin."""
    right = max(o.x1 for o in area)
    return i == 0 or area[i - 1].x1 < right - 3 * area[i].size


def _glued(line: Line) -> bool:
    """The line opens with a note number touching its text, at the text's size ("7Par")."""
    return not _raised(line) and bool(NOTE_START_GLUED.match(line.text)) and not NOTE_START.match(line.text)


def _raised(line: Line) -> bool:
    spans = [s for s in line.spans if s.text.strip()]
    return bool(spans) and spans[0].superscript


def _weight(area: list[Line], i: int, number: int, called: set[int]) -> float:
    """How much line i looks like a note opening, beyond its leading number."""
    ln = area[i]
    w = OPENING
    w += 0.3 if number in called else 0.0
    w += 0.2 if _raised(ln) else 0.0
    if _after_short_line(area, i):
        w += 0.2  # the line above ends short: the previous note ended there
    if NOTE_START_DOUBTFUL.match(ln.text) and not _raised(ln):
        w -= 0.8  # "4 000 bénéficiaient", "12 décembre 2016": likely inside a note
    return w


def _first_cost(n: int, last: int | None, called: bool) -> float | None:
    """Cost of `n` as the first opening of the area after note `last` (None: impossible)."""
    if last is None or n == last + 1:
        return 0.0
    if n == 1:
        return 0.3  # numbering restarting (per page, per chapter)
    if last < n <= last + MAX_JUMP:
        return SKIP_COST * (n - last - 1)
    if called:
        return 1.0 if n > last else 2.0  # far from the sequence, but called on this page
    return None


def _step_cost(a: int, b: int, called: bool) -> float | None:
    """Cost of opening note `b` right after note `a` in the same area."""
    if b == a + 1:
        return 0.0
    if a + 1 < b <= a + MAX_JUMP:
        return SKIP_COST * (b - a - 1)
    if b > a and called:
        return 1.0
    return None


def _best_openings(area: list[Line], options: list[list[tuple[int, str]]], last: int | None,
                   called: set[int]) -> dict[int, tuple[int, str]]:
    """{line index: (note number, text)} of the best-scoring increasing sequence of openings.

    A line may offer several readings (a glued "2380% des" is 2, 23 or 238); the first is
    the plain one, the others cost GLUED_SPLIT, and the sequence picks at most one per line.
    """
    cands = [(i, n, _weight(area, i, n, called) - (GLUED_SPLIT if k else 0.0), text)
             for i, opts in enumerate(options) for k, (n, text) in enumerate(opts)]
    best: list[tuple[float | None, int]] = []  # per candidate: (best chain score ending here, previous)
    for j, (i, n, w, _) in enumerate(cands):
        c0 = _first_cost(n, last, n in called)
        score, prev = (w - c0, -1) if c0 is not None else (None, -1)
        for k in range(j):
            if best[k][0] is None or cands[k][0] >= i:
                continue
            c = _step_cost(cands[k][1], n, n in called)
            if c is not None and (score is None or best[k][0] + w - c > score):
                score, prev = best[k][0] + w - c, k
        best.append((score, prev))
    ends = [j for j, (sc, _) in enumerate(best) if sc is not None]
    if not ends:
        return {}
    j = max(ends, key=lambda e: best[e][0])
    out: dict[int, tuple[int, str]] = {}
    while j >= 0:
        out[cands[j][0]] = (cands[j][1], cands[j][3])
        j = best[j][1]
    return out


def _indented_like_continuation(x0: float, starts: list[float], conts: list[float]) -> bool:
    """True when notes open at one indent, continue at another, and `x0` is the latter."""
    if not starts or not conts:
        return False
    return all(abs(x0 - s) > 2 for s in starts) and any(abs(x0 - c) <= 1 for c in conts)


# -- calls -----------------------------------------------------------------------------------

def find_calls(doc: Document, areas: dict[int, list[Line] | None], skip_leading: bool = False) -> list[_Call]:
    """Superscript digit spans in body text (tables included), outside the note areas.

    Lines marked as running headers are read too: the rows of a long table repeat their
    shapes from page to page, so the layout stage may mark a row at the top of a page as
    a running header, and a call in its cells must still meet its note (a running header
    itself carries no raised number). With `skip_leading`, a raised number opening its
    line is not a call (it is the number of a note when the note areas are not known yet).
    """
    calls: list[_Call] = []
    for page in doc.pages:
        area = {id(ln) for ln in (areas.get(page.number) or [])}
        for ln in page.lines:
            if not (ln.is_body or ln.role == "header") or id(ln) in area:
                continue
            raised = [s for s in ln.spans if s.superscript]
            if not raised:
                continue  # most lines: settled without looking for the leading span
            lead = next((s for s in ln.spans if s.text.strip()), None) if skip_leading else None
            for s in raised:
                if skip_leading and s is lead:
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
                                    f"note {note.number} (page {note.page}) : aucun appel trouvé dans le texte",
                                    note.page, str(note.number)))
        prev = notes[i - 1] if i else None
        if prev is None or (note.number == 1 and prev.page != note.page):
            seen = set()  # numbering (re)starts: per page, per chapter or for the report
        elif note.number in seen:
            problems.append(Problem("footnote_duplicate", f"note {note.number} imprimée deux fois",
                                    note.page, str(note.number)))
        elif note.number > prev.number + 1:
            problems.append(Problem("footnote_gap", (f"note {prev.number + 1} introuvable" if note.number == prev.number + 2
                                     else f"notes {prev.number + 1} à {note.number - 1} introuvables"),
                                    note.page, str(note.number)))
        seen.add(note.number)
        cp, cb = (call.page, call.bbox) if call else (note.page, note.bbox)
        out.append(Footnote(note.number, fold_lines(note.texts), note.page, note.bbox,
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
