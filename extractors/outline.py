"""Sections from the PDF outline (bookmarks), each validated against the page text.

The outline gives structure to documents whose headings are not numbered (GAO side
headings); sections.py prefers it when it finds clearly more sections than numbering.
Split from sections.py, whose candidate and record helpers it reuses.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.patterns.headings import ANNEX, NUMBERED_HEADING, roman_value
from extractors.sections import (
    Style, _bbox, _Cand, _clean, _components, _fold, _to_sections, is_distinct,
)
from models.document import Document, Line
from models.records import Section


def sections_from_outline(doc: Document, lines: list[Line], body: Style) -> list[Section]:
    """Sections from the bookmarks, each validated by finding its heading on its page."""
    if not doc.outline:
        return []
    by_page: dict[int, list[int]] = {}
    for k, ln in enumerate(lines):
        by_page.setdefault(ln.page, []).append(k)
    chosen: list[tuple[_Cand, int]] = []
    last = -1
    for entry in doc.outline:
        if entry.page is None:
            # unresolved target (GAO reports): the next heading-styled line with that text
            idxs = [k for k in range(last + 1, len(lines)) if is_distinct(lines[k], body)]
        else:
            idxs = by_page.get(entry.page, [])
        hit = _find_heading(entry.title, idxs, lines)
        if hit is None:
            continue
        k, end, title = hit
        last = max(last, end)
        m = NUMBERED_HEADING.match(entry.title)
        label = m.group("label") if m and _components(m) else None
        if label:
            title = _clean(title[len(label):]) if _fold(title).startswith(_fold(label)) else m.group("title")
        c = _Cand(k, lines[k].page, lines[k], "heading", label=label, title=title, end=end,
                  bbox=_bbox(lines[k:end + 1]))
        c.comps = (("outline", 0),) * max(1, entry.level)
        am = ANNEX.match(title)
        if am and entry.level == 1:
            num = am.group("num")
            c.kind, c.annex_number = "annex", int(num) if num.isdigit() else roman_value(num)
        chosen.append((c, entry.level))
    if len(chosen) < 0.6 * len(doc.outline):
        return []
    chosen.sort(key=lambda t: t[0].index)
    return _to_sections([c for c, _ in chosen], lines, doc, method="outline")


def _find_heading(title: str, idxs: list[int], lines: list[Line]) -> tuple[int, int, str] | None:
    """The line(s) on the target page whose text starts the bookmark title."""
    want = _key(title)
    if not want:
        return None
    numbered = NUMBERED_HEADING.match(title) is not None
    for k in idxs:
        got = _line_key(lines[k].plain_text, numbered)
        if not got or not want.startswith(got[: max(8, min(len(got), len(want)))]) and not got.startswith(want):
            continue
        text, end = lines[k].plain_text.strip(), k
        j = k + 1
        while len(_key(text)) < len(want) and j < len(lines) and j - k < 6 and lines[j].page == lines[k].page:
            nxt = _key(text + lines[j].plain_text)
            if not want.startswith(nxt[: len(want)]) and not nxt.startswith(want):
                break
            text, end = f"{text} {lines[j].plain_text.strip()}", j
            j += 1
        if len(_key(text)) < min(len(want), 16):  # "Agency" alone is no match for a long title
            continue
        return k, end, _clean(text)
    return None


@lru_cache(maxsize=4096)
def _line_key(text: str, numbered_title: bool) -> str:
    """The key of a line's text, without its numbering when the bookmark has none ("1.1.4
    Titre" for bookmark "Titre"). Cached: every bookmark of a page reads the page's lines."""
    m = NUMBERED_HEADING.match(text)
    if m and not numbered_title:
        text = m.group("title")
    return _key(text)


def _key(s: str) -> str:
    return _NOT_ALNUM.sub("", _fold(s))


_NOT_ALNUM = re.compile(r"[^0-9a-z]")
