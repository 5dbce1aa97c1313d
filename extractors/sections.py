"""Sections: the heading hierarchy of a report, from numbering, typography and the outline.

Signals, strongest first:
- numbering with sequence consistency: after 1.1.3 the next heading may be 1.1.4,
  1.1.3.1, 1.2 or 2, never 7 or 1.1.1 again; a number that breaks the sequence is a list
  item or a table cell. The best chain is found by dynamic programming over candidates;
- typography relative to the document's own body text: a heading line has a style (font,
  size, weight, slant) other than the body's. Never "larger": some layouts set minor
  headings smaller than the body;
- position: TOC pages and lines with page numbers or dot leaders never give headings;
- the PDF outline, when it validates against the page text, gives structure to
  documents whose headings are not numbered (GAO side headings).
Unnumbered parts (SYNTHÈSE, INTRODUCTION, the list of recommendations…) and annexes
("Annexe n° 4 : …") are level 1.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from extractors.patterns.headings import (
    ANNEX, CAPTION_START, LABEL_ONLY, LEADERS, NUMBERED_HEADING, PART, TOC_LINE, TOC_TITLE, roman_value,
)
from extractors.heading_sequence import best_chain
from extractors.plain_headings import Spacing, plain_heading_end, spacing_of
from models.document import Document, Line
from models.records import Section

Style = tuple[str, float, bool, bool]
_MONO = re.compile(r"(?i)mono|courier|consol|code")


@dataclass
class _Cand:
    """A heading candidate: its first line index in the flat line list, and what it says."""

    index: int
    page: int
    line: Line
    kind: str  # heading | part | annex | recommendation_list
    label: str | None = None
    comps: tuple[tuple[str, int], ...] = ()  # numbering components: ("dec", 1), ("roman", 2)
    title: str = ""
    bbox: tuple = ()
    end: int = 0  # index of the last line of the (wrapped) heading
    annex_number: int | None = None
    plain: bool = False  # set like the body text: kept only when it continues the sequence


def extract_sections(doc: Document) -> list[Section]:
    """The report's sections in reading order, with level, parent, page range and text."""
    lines = content_lines(doc)
    if not lines:
        return []
    styles = [style_of(ln) for ln in lines]  # once: every step below compares styles
    body = body_style(lines, styles)
    toc_pages = find_toc_pages(doc)
    by_page: dict[int, list[Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    body_lines = [ln for ln, st in zip(lines, styles) if st == body]
    body_ids = {id(ln) for ln in body_lines}
    ctx = _Context(body, _note_styles(doc, lines, styles), _left_margins(doc, body_lines),
                   {p.number: p.width for p in doc.pages}, _right_edges(doc, body_lines),
                   spacing_of(lines, lambda ln: id(ln) in body_ids, body[1]), by_page, styles)
    cands = _candidates(lines, ctx, toc_pages)
    # annexes carry their own numbering (questionnaires, lists, sub-parts of an appended
    # document): there a body-styled numbered line is never taken for a report heading
    first_annex = min((c.index for c in cands if c.kind == "annex"), default=len(lines))
    cands = [c for c in cands if not (c.plain and c.index > first_annex)]
    numbered = _consistent_styles(best_chain([c for c in cands if c.kind == "heading"]))
    others = [c for c in cands if c.kind != "heading"]
    chosen = sorted(numbered + others, key=lambda c: c.index)
    chosen = _dedupe_parts(chosen, lines)
    sections = _to_sections(chosen, lines, doc, method="numbering")
    from extractors.outline import sections_from_outline  # it builds on this module's records

    outlined = sections_from_outline(doc, lines, body)
    if outlined and len(outlined) > 2 * max(1, len([s for s in sections if s.number])):
        return outlined
    return sections


def content_lines(doc: Document) -> list[Line]:
    """Body lines, plus "header" lines whose exact text appears on one page only.

    Running headers are found by repetition with digits ignored, so a level-1 heading at
    the top of each new page ("1 Un pilotage …, volet 1", "2 Un pilotage …, volet 2") can
    be mistaken for one; a real running header repeats its exact text.
    """
    seen: Counter = Counter()
    for page in doc.pages:
        for text in {ln.text.strip() for ln in page.lines if ln.role == "header"}:
            seen[text] += 1
    return [ln for page in doc.pages for ln in page.lines
            if ln.is_body or (ln.role == "header" and seen[ln.text.strip()] == 1)]


# -- styles and page kinds ------------------------------------------------------------------

def style_of(line: Line) -> Style:
    return (_family(line.font), round(line.size * 2) / 2, line.bold, line.italic)


@lru_cache(maxsize=None)
def _family(font: str) -> str:
    """The font family without subset prefix and weight/slant suffix.

    Cached: a report sets thousands of lines in a few dozen font names.
    """
    font = font.split("+", 1)[-1]
    return _FAMILY_END.split(font)[0].lower()


_FAMILY_END = re.compile(r"[-,]")


def body_style(lines: list[Line], styles: list[Style]) -> Style:
    """The style carrying most characters: the body text (`styles`: those of `lines`)."""
    weights: Counter = Counter()
    for ln, st in zip(lines, styles):
        weights[st] += len(ln.text)
    return weights.most_common(1)[0][0]


def is_distinct(line: Line, body: Style) -> bool:
    """A style other than the body's: bolder, lighter, slanted, another size or family."""
    return _differs(style_of(line), body)


def _differs(style: Style, body: Style) -> bool:
    fam, size, bold, italic = style
    return (bold != body[2] or italic != body[3] or abs(size - body[1]) >= 0.5
            or fam != body[0])


def find_toc_pages(doc: Document) -> dict[int, bool]:
    """Pages of a table of contents -> whether the page is titled so (SOMMAIRE…).

    Untitled ones are pages where most lines end in page numbers; a summary table of
    recommendations (a page column) can look alike, so parts still count there.
    """
    pages: dict[int, bool] = {}
    for page in doc.pages:
        body = [ln for ln in page.lines if ln.is_body and ln.text.strip()]
        if not body:
            continue
        titled = any(TOC_TITLE.match(ln.plain_text) for ln in body[:6])
        ends = sum(1 for ln in body if _toc_line(ln.text) or _has_leaders(ln.text)
                   or _PAGE_NUMBER_ONLY.fullmatch(ln.text))
        if titled or (len(body) >= 6 and ends >= 0.45 * len(body)):
            pages[page.number] = titled
    return pages


_PAGE_NUMBER_ONLY = re.compile(r"\s*\d{1,3}\s*")


# TOC_LINE and LEADERS are searched from every position of the text, and find_toc_pages
# and _candidates try them on every line of the report (a fifth of the section time).
# Each is tried only when the text holds what any match of it needs, which most lines lack.

def _toc_line(text: str) -> bool:
    """TOC_LINE.search: every branch of it ends in digits, then blanks only."""
    return text.rstrip()[-1:].isdigit() and TOC_LINE.search(text) is not None


def _has_leaders(text: str) -> bool:
    """LEADERS.search: five dots, two ellipses in a row or five underscores are needed."""
    return ((text.count(".") >= 5 or "……" in text or "_____" in text)
            and LEADERS.search(text) is not None)


# -- candidates -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Context:
    body: Style
    note_styles: frozenset  # styles found mostly at page bottoms: footnotes
    margins: dict  # page -> left margin of the body text
    widths: dict  # page -> page width
    rights: dict  # page -> right edge of the body text
    spacing: Spacing  # the body's usual line and paragraph gaps
    by_page: dict  # page -> its content lines
    styles: list  # style_of each content line, by index


def _note_styles(doc: Document, lines: list[Line], styles: list[Style]) -> frozenset:
    """Styles whose lines sit mostly in the bottom third of the page: footnotes, not headings."""
    heights = {p.number: p.height for p in doc.pages}
    total: Counter = Counter()
    low: Counter = Counter()
    for ln, st in zip(lines, styles):
        total[st] += 1
        low[st] += ln.top > 0.66 * heights[ln.page]
    return frozenset(st for st, n in total.items() if n >= 5 and low[st] >= 0.6 * n)


def _left_margins(doc: Document, body_lines: list[Line]) -> dict:
    """Per page, the most common left edge of body-style lines (odd/even pages may differ)."""
    per_page: dict[int, Counter] = {}
    for ln in body_lines:
        per_page.setdefault(ln.page, Counter())[round(ln.x0)] += 1
    overall: Counter = Counter()
    for c in per_page.values():
        overall.update(c)
    total = sum(overall.values())
    default = min((x for x, n in overall.items() if n >= 0.05 * total), default=0)
    out = {}
    for p in doc.pages:
        c = per_page.get(p.number)
        out[p.number] = min((x for x, n in c.items() if n >= 3), default=default) if c else default
    return out


def _right_edges(doc: Document, body_lines: list[Line]) -> dict:
    """Per page, the right edge of the body text (where full lines end)."""
    per_page: dict[int, list[float]] = {}
    for ln in body_lines:
        per_page.setdefault(ln.page, []).append(ln.x1)
    allx = sorted(x for xs in per_page.values() for x in xs)
    default = allx[int(0.9 * (len(allx) - 1))] if allx else 0
    out = {}
    for p in doc.pages:
        xs = sorted(per_page.get(p.number, []))
        out[p.number] = xs[int(0.9 * (len(xs) - 1))] if len(xs) >= 5 else default
    return out


def _candidates(lines: list[Line], ctx: _Context, toc: dict[int, bool]) -> list[_Cand]:
    out: list[_Cand] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        cand = None
        if not toc.get(ln.page) and not _has_leaders(ln.text):
            cand = _candidate_at(lines, i, ctx)
            if cand and ln.page in toc and (cand.kind == "heading" or _has_neighbour(lines, i, cand.end)):
                cand = None  # a TOC entry: numbered, or with its page number beside it
        if cand is None:
            i += 1
            continue
        out.append(cand)
        i = cand.end + 1
    return out


def _candidate_at(lines: list[Line], i: int, ctx: _Context) -> _Cand | None:
    ln = lines[i]
    styles = ctx.styles
    style = styles[i]
    text = ln.plain_text.strip()
    if text and style == ctx.body:
        return _plain_candidate(lines, i, ctx)
    if (not text or not _differs(style, ctx.body) or style in ctx.note_styles
            or (ln.spans and ln.spans[0].superscript)
            or (_MONO.search(ln.font) and not _MONO.search(ctx.body[0])
                and not (ln.bold and ln.size > ctx.body[1]))):
        return None  # code listings with line numbers are no headings (Debian guide p. 28)
    # pieces of the same visual line split by the layout stage (ligatures, kerning)
    end = i
    while (end + 1 < len(lines) and lines[end + 1].page == ln.page
           and abs(lines[end + 1].top - ln.top) < 2 and styles[end + 1] == style
           and -1 < lines[end + 1].x0 - lines[end].x1 < 1.5 * ln.size):
        gap = lines[end + 1].x0 - lines[end].x1
        text += (" " if gap > 0.2 * ln.size else "") + lines[end + 1].plain_text.strip()
        end += 1
    # a label alone, its title in the next run on the same baseline
    if LABEL_ONLY.match(text) and end + 1 < len(lines):
        nxt = lines[end + 1]
        same_baseline = (abs(nxt.top - ln.top) < 2 and nxt.x0 > ln.x1
                         and styles[end + 1][1:3] == style[1:3])
        # a chapter number set large above its title ("1" then "Glossaire", ANSSI guide)
        below = (0 <= nxt.top - ln.bottom < 2 * ln.height and _differs(styles[end + 1], ctx.body)
                 and not LABEL_ONLY.match(nxt.plain_text) and not ANNEX.match(nxt.plain_text))
        if nxt.page == ln.page and (same_baseline or below):
            text = f"{text} {nxt.plain_text.strip()}"
            end += 1
    annex = ANNEX.match(text)
    if annex:
        title, end = _wrapped(lines, i, end, text, True, ctx)
        num = annex.group("num")
        value = int(num) if num.isdigit() else roman_value(num)
        return _Cand(i, ln.page, ln, "annex", title=title, end=end, annex_number=value,
                     bbox=_bbox(lines[i:end + 1]))
    m = NUMBERED_HEADING.match(text)
    if m and not TOC_LINE.search(text) and _at_margin(lines, i, end, ctx):
        comps = _components(m)
        if comps is None:
            return None
        title, end = _wrapped(lines, i, end, m.group("title"), False, ctx)
        if len(title) > 300:
            return None
        return _Cand(i, ln.page, ln, "heading", label=m.group("label"), comps=comps,
                     title=title, end=end, bbox=_bbox(lines[i:end + 1]))
    if text[:1].isalpha() and text.upper() == text or PART.match(text):
        title, end = _wrapped(lines, i, end, text, True, ctx)
        pm = PART.match(title)
        if pm:
            kind = "recommendation_list" if pm.group("reclist") else "part"
            return _Cand(i, ln.page, ln, kind, title=title, end=end, bbox=_bbox(lines[i:end + 1]))
    return None


def _plain_candidate(lines: list[Line], i: int, ctx: _Context) -> _Cand | None:
    """A numbered heading set like the body text: see extractors/plain_headings.py."""
    ln = lines[i]
    m = NUMBERED_HEADING.match(ln.plain_text.strip())
    if (not m or TOC_LINE.search(ln.text) or (ln.spans and ln.spans[0].superscript)
            or _has_neighbour(lines, i, i)):
        return None
    comps = _components(m)
    end = plain_heading_end(lines, i, ctx.by_page.get(ln.page, ()), ctx.spacing,
                            ctx.margins.get(ln.page, 0), ctx.rights.get(ln.page, 0))
    if comps is None or end is None:
        return None
    title = _clean(" ".join([m.group("title")] + [l.plain_text for l in lines[i + 1:end + 1]]))
    return _Cand(i, ln.page, ln, "heading", label=m.group("label"), comps=comps, title=title,
                 end=end, bbox=_bbox(lines[i:end + 1]), plain=True)


def _at_margin(lines: list[Line], i: int, end: int, ctx: _Context) -> bool:
    """A numbered heading starts near the left margin and has no neighbour on its baseline
    (table cells do: "A.C.J.E.91" in a row of the ENM training table, dev report p. 39)."""
    ln = lines[i]
    margin = ctx.margins.get(ln.page, 0)
    right = ctx.rights.get(ln.page, 0)
    # a centred chapter title: as far from the left text edge as from the right one
    centered = ((right > margin and abs((ln.x0 - margin) - (right - ln.x1)) < 12)
                or abs((ln.x0 + ln.x1) - ctx.widths.get(ln.page, 0)) < 24)
    if not centered and (ln.x0 > margin + 50 or ln.x0 < margin - 40):
        return False
    return not _has_neighbour(lines, i, end)


def _has_neighbour(lines: list[Line], i: int, end: int) -> bool:
    """Another line on the baseline of line i (table cells, TOC page numbers)."""
    ln = lines[i]
    for k in range(max(0, i - 8), min(len(lines), end + 9)):
        other = lines[k]
        if not i <= k <= end and other.page == ln.page and abs(other.top - ln.top) < 2.5:
            return True
    return False


def _components(m: re.Match) -> tuple[tuple[str, int], ...] | None:
    if m.group("dec"):
        return tuple(("dec", int(x)) for x in m.group("dec").split("."))
    if m.group("roman"):
        value = roman_value(m.group("roman"))
        return (("roman", value),) if value else None
    if m.group("upper"):
        return (("upper", ord(m.group("upper")) - 64),)
    return (("lower", ord(m.group("lower")) - 96),)


def _wrapped(lines: list[Line], i: int, end: int, title: str, any_x: bool,
             ctx: _Context) -> tuple[str, int]:
    """Join the lines that continue a heading: same style, same page, just below, after a
    line that ran to (near) the right edge, unless the next one starts in lower case."""
    left = ctx.margins.get(lines[i].page, 0)
    right = ctx.rights.get(lines[i].page, 0)
    first = lines[end]  # the line carrying the title (the label may sit above it)
    any_x = any_x or end > i and lines[end].top > lines[i].bottom - 1
    style = ctx.styles[end]
    prev = lines[end]
    j = end + 1
    while j < len(lines) and j - i < 6:
        ln = lines[j]
        # Baseline to baseline, not box to box: with tight leading the boxes of a wrapped
        # heading's lines overlap (relayout i, line height 1.05 x size).
        pitch = ln.bottom - prev.bottom
        if (ln.page != first.page or ctx.styles[j] != style or pitch < 0.6 * first.size
                or pitch > max(first.height, 1.2 * first.size) + max(0.9 * first.height, 0.6 * first.size + 2)):
            break
        if not any_x and ln.x0 < lines[i].x0 - 2:
            break
        text = ln.plain_text.strip()
        if (NUMBERED_HEADING.match(text) or ANNEX.match(text) or LABEL_ONLY.match(text)
                or CAPTION_START.match(text)):
            break
        full = right - left > 50 and (prev.x1 - left) >= 0.6 * (right - left)
        if not full and not text[:1].islower():
            break
        title = f"{title} {text}"
        prev = ln
        end = j
        j += 1
    return _clean(title), end


def _clean(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip()
    return title.strip(" :–—-").strip()


def _bbox(lines: list[Line]) -> tuple:
    return (min(l.x0 for l in lines), min(l.top for l in lines),
            max(l.x1 for l in lines), max(l.bottom for l in lines))


def _dedupe_parts(chosen: list[_Cand], lines: list[Line]) -> list[_Cand]:
    """A part title seen twice (running title, back-reference) counts once: the first.
    An annex number seen twice (a list of annexes, then the annex) keeps the one that
    opens its page, else the last."""
    firsts = {ln.page: k for k, ln in reversed(list(enumerate(lines)))}
    annexes: dict[int | None, _Cand] = {}
    for c in chosen:
        if c.kind == "annex":
            prev = annexes.get(c.annex_number)
            if prev is None or firsts.get(prev.page) != prev.index:
                annexes[c.annex_number] = c
    seen: set[str] = set()
    out = []
    for c in chosen:
        if c.kind == "annex" and annexes.get(c.annex_number) is not c:
            continue
        key = c.kind + ":" + _fold(c.title)
        if c.kind not in ("heading", "annex") and key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out


def _fold(s: str) -> str:
    """Lower case without accents, to compare titles as printed and as bookmarked."""
    return unicodedata.normalize("NFKD", s).translate(_NO_COMBINING).lower()


class _CombiningMarks(dict):
    """A str.translate table deleting combining marks, filled as characters are met.

    str.translate runs the per-character loop in C: the outline matcher folds every line
    of the pages its bookmarks point to, once per bookmark.
    """

    def __missing__(self, code: int) -> int | None:
        self[code] = None if unicodedata.combining(chr(code)) else code
        return self[code]


_NO_COMBINING = _CombiningMarks()


# -- sequence consistency ---------------------------------------------------------------------

def _consistent_styles(chain: list[_Cand]) -> list[_Cand]:
    """Drop chain members whose style is not the one their level uses almost everywhere.

    Headings of one level share a style; a line that slipped into the sequence in another
    style (a numbered code line, a bold table cell) is not a heading.
    """
    by_level: dict[int, Counter] = {}
    for c in chain:
        by_level.setdefault(len(c.comps), Counter())[style_of(c.line)] += 1
    keep = []
    for c in chain:
        styles = by_level[len(c.comps)]
        total = sum(styles.values())
        main, count = styles.most_common(1)[0]
        if total >= 4 and count >= 0.75 * total and style_of(c.line) != main:
            if style_of(c.line)[1] < main[1] - 1.5 or style_of(c.line)[0] != main[0]:
                continue
        keep.append(c)
    return keep


# -- records --------------------------------------------------------------------------------

def _number(c: _Cand) -> str | None:
    if c.kind != "heading" or not c.label:
        return None
    label = re.sub(r"(?i)^(?:chapitre|chapter)\s+", "", c.label.strip())
    return label.rstrip(".)").strip()


def _to_sections(chosen: list[_Cand], lines: list[Line], doc: Document, method: str) -> list[Section]:
    secs: list[Section] = []
    stack: list[int] = []
    for k, c in enumerate(chosen):
        level = len(c.comps) if c.kind == "heading" else 1
        while stack and secs[stack[-1]].level >= level:
            stack.pop()
        parent = stack[-1] if stack else None
        nxt = chosen[k + 1].index if k + 1 < len(chosen) else len(lines)
        text = "\n".join(ln.text for ln in lines[c.end + 1:nxt])
        title = c.title
        if c.kind == "annex":
            title = f"Annexe n° {c.annex_number} : {c.title}" if c.title else f"Annexe n° {c.annex_number}"
            m = ANNEX.match(c.title)
            if m and m.group("title"):
                title = f"Annexe n° {c.annex_number} : {m.group('title')}"
            elif m:
                title = f"Annexe n° {c.annex_number}"
        secs.append(Section(number=_number(c), title=title, level=level, page=c.page,
                            bbox=c.bbox or None, kind=c.kind, parent_index=parent, text=text,
                            annex_number=c.annex_number, method=method))
        stack.append(len(secs) - 1)
    return _with_page_ends(secs, doc.page_count)


def _with_page_ends(secs: list[Section], last_page: int) -> list[Section]:
    out = []
    for k, s in enumerate(secs):
        end = last_page
        for t in secs[k + 1:]:
            if t.level <= s.level:
                end = max(s.page, t.page if t.bbox and t.bbox[1] > 120 else t.page - 1)
                break
        out.append(replace(s, page_end=end))
    return out
