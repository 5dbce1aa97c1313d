"""Running headers, footers and printed page labels, found by repetition across pages.

Not by fixed margins: a line is running when its shape (digits folded) comes back near
the top or bottom of many pages; a margin number is a page label when enough pages share
its offset from the physical page number.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from models.document import Document, Line, Page

_PAGE_LABEL = re.compile(
    r"""^\s*(?:
        [-–—]\s*(?P<a>\d{1,4})\s*[-–—]          # "- 12 -"
      | (?:page|p\.)\s*(?P<b>\d{1,4})(?:\s*(?:/|sur|of)\s*\d{1,4})?   # "Page 12 sur 40"
      | (?P<c>\d{1,4})\s*(?:/|sur|of)\s*\d{1,4}   # "12/40"
      | (?P<d>\d{1,4})                          # "12"
      | (?P<e>[ivxlc]{1,7})                     # roman labels of front matter
    )\s*$""",
    re.I | re.X,
)
_DIGITS = re.compile(r"\d+")
_WHITESPACE = re.compile(r"\s+")
HEADER_ZONE = 0.14  # share of the page height where running headers/footers may sit


def _shape(text: str) -> str:
    return _DIGITS.sub("#", _WHITESPACE.sub(" ", text.strip().lower()))


def label_of(text: str) -> str | None:
    m = _PAGE_LABEL.match(text)
    if not m:
        return None
    return next(v for v in m.groupdict().values() if v)


def mark_running_lines(pages: list[Page]) -> list[Page]:
    """Mark lines repeated near the top or bottom of many pages as header/footer/label."""
    n = len(pages)
    margins = [_margin_lines(page) for page in pages]
    shapes: Counter[str] = Counter()
    for lines in margins:
        shapes.update({shape for _, _, shape, _ in lines})
    threshold = max(2, int(0.3 * n)) if n >= 3 else n + 1
    running = {s for s, c in shapes.items() if c >= threshold}
    label_offsets = _label_offsets(pages, margins)
    out = []
    for page, lines in zip(pages, margins):
        new_lines = list(page.lines)
        label = None
        for i, line, shape, lab in lines:
            role = line.role
            if lab is not None and _label_fits(lab, page.number, label_offsets):
                role, label = "page_label", lab
            elif shape in running:
                role = "header" if line.top < page.height / 2 else "footer"
            if role != line.role:
                new_lines[i] = _with_role(line, role)
        out.append(Page(page.number, page.width, page.height, tuple(new_lines), page.rules, label, page.image_count))
    return out


def _margin_lines(page: Page) -> list[tuple[int, Line, str, str | None]]:
    """The page's lines in the header and footer zones, with their index, shape and label.

    Worked out once per line, as all three passes of `mark_running_lines` need them.
    """
    top_zone, bottom_zone = page.height * HEADER_ZONE, page.height * (1 - HEADER_ZONE)
    return [(i, line, _shape(line.text), label_of(line.text))
            for i, line in enumerate(page.lines)
            if line.bbox[3] <= top_zone or line.bbox[1] >= bottom_zone]


def _label_offsets(pages: list[Page], margins: list[list[tuple[int, Line, str, str | None]]]) -> set[int]:
    """Offsets (physical page - printed number) shared by enough margin numbers."""
    offsets: Counter[int] = Counter()
    for page, lines in zip(pages, margins):
        for _, _, _, lab in lines:
            if lab and lab.isdigit():
                offsets[page.number - int(lab)] += 1
    need = max(2, int(0.2 * len(pages))) if len(pages) >= 3 else 1
    return {off for off, c in offsets.items() if c >= need}


def _label_fits(label: str, page_number: int, offsets: set[int]) -> bool:
    if not label.isdigit():
        return False
    return (page_number - int(label)) in offsets


def _with_role(line: Line, role) -> Line:
    return Line(line.page, line.text, line.bbox, line.font, line.size, line.bold, line.italic, line.spans, role)


_SUPERSCRIPT = str.maketrans("0123456789,", "⁰¹²³⁴⁵⁶⁷⁸⁹,")


def _readable(line: Line) -> str:
    """The line with footnote calls printed as superscripts: "1 939²", never "1 9392"."""
    if not any(s.superscript for s in line.spans):
        return line.text
    parts = []
    for span in line.spans:
        text = span.text
        if span.superscript and text.strip().replace(",", "").isdigit():
            text = text.strip().translate(_SUPERSCRIPT)
            if parts:
                parts[-1] = parts[-1].rstrip()
        parts.append(text)
    return " ".join("".join(parts).split())


def page_text(page: Page) -> str:
    """The page's text as the `pages` table stores it, one line per line."""
    return "\n".join(_readable(line) for line in page.lines)


def page_texts(doc: Document) -> Iterable[tuple[int, str | None, str]]:
    """(page, printed label, text) for the full-text `pages` table."""
    for page in doc.pages:
        yield page.number, page.label, page_text(page)
