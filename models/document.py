"""The layout model every extractor reads: a Document of Pages of text Lines.

Built once per PDF by `extractors.layout`; the extractors never open the PDF again (the
table extractor excepted, through `Document.path`). Coordinates are PDF points from the
top-left corner of the page, as pdfplumber stamps them: (x0, top, x1, bottom).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

BBox = tuple[float, float, float, float]
LineRole = Literal["body", "header", "footer", "page_label"]


@dataclass(frozen=True)
class Span:
    """A run of characters sharing font, size and vertical position inside a line."""

    text: str
    x0: float
    x1: float
    font: str
    size: float
    bold: bool
    italic: bool
    superscript: bool


class Boxed:
    """The sides of a record's `bbox` (x0, top, x1, bottom, in points from the top left) by name."""

    bbox: BBox

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def x1(self) -> float:
        return self.bbox[2]

    @property
    def bottom(self) -> float:
        return self.bbox[3]


@dataclass(frozen=True)
class Line(Boxed):
    """One visual line of text on a page.

    `superscript` spans keep footnote calls apart from the word they follow, so that
    "1 939²" is read as 1 939 plus call 2. `role` marks running headers, footers and
    printed page labels, which stay in the model so nothing is silently lost.
    """

    page: int
    text: str
    bbox: BBox
    font: str
    size: float
    bold: bool
    italic: bool
    spans: tuple[Span, ...] = ()
    role: LineRole = "body"

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]

    @cached_property
    def plain_text(self) -> str:
        """The text without superscript spans (footnote calls removed).

        Cached on the line (the extractors ask for it some 50,000 times per report); the
        cache lives in the instance dict, so it takes no part in equality, hash or repr,
        and `dataclasses.replace` builds a line that computes its own.
        """
        if not self.spans:
            return self.text
        return " ".join(_join_spans([s for s in self.spans if not s.superscript]).split())

    @property
    def is_body(self) -> bool:
        return self.role == "body"


def _join_spans(spans: list[Span]) -> str:
    out = ""
    prev: Span | None = None
    for s in spans:
        if (prev is not None and s.x0 - prev.x1 > 0.15 * max(s.size, 1)
                and not out.endswith(" ") and not s.text.startswith(" ")):
            out += " "
        out += s.text
        prev = s
    return out.strip()


@dataclass(frozen=True)
class Rule:
    """A ruling line or filled rectangle drawn on the page (table borders, note separators)."""

    bbox: BBox

    @property
    def is_horizontal(self) -> bool:
        x0, top, x1, bottom = self.bbox
        return (bottom - top) <= 2.0 and (x1 - x0) > 2.0

    @property
    def is_vertical(self) -> bool:
        x0, top, x1, bottom = self.bbox
        return (x1 - x0) <= 2.0 and (bottom - top) > 2.0


@dataclass(frozen=True)
class Page:
    number: int  # 1-based physical index in the PDF
    width: float
    height: float
    lines: tuple[Line, ...]
    rules: tuple[Rule, ...] = ()
    label: str | None = None  # the page number printed on the page, if recognised
    image_count: int = 0

    @property
    def body_lines(self) -> list[Line]:
        return [ln for ln in self.lines if ln.is_body]

    @property
    def has_text(self) -> bool:
        return any(ln.text.strip() for ln in self.lines)


@dataclass(frozen=True)
class TextIssue:
    """What the layout stage had to repair, or could not read, on a page.

    `kind`: "unreliable_text" (the page's words are not words, or glyphs that no map
    reads), "font_remapped" (codes read through the font program: glyph names or
    outlines), "invalid_unicode" (lone surrogates replaced by U+FFFD). `count` is the
    number of characters concerned. The pipeline turns them into `quality` rows.
    """

    kind: str
    page: int
    detail: str
    count: int = 0


@dataclass(frozen=True)
class OutlineEntry:
    """One PDF bookmark: the strongest structure signal when the PDF has one."""

    title: str
    level: int  # 1-based depth in the outline tree
    page: int | None  # 1-based physical page, None when the target cannot be resolved


@dataclass(frozen=True)
class Document:
    path: str
    file_name: str
    sha256: str
    pages: tuple[Page, ...]
    outline: tuple[OutlineEntry, ...] = ()
    pdf_title: str | None = None  # the Info dictionary's Title, often empty or wrong
    backend: str = "pdfium"
    text_issues: tuple[TextIssue, ...] = ()  # what the layout stage repaired or could not read

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def lines(self, body_only: bool = True):
        """All lines in reading order, page after page."""
        for page in self.pages:
            for line in page.lines:
                if not body_only or line.is_body:
                    yield line

    @cached_property
    def body_size(self) -> float:
        """The most common font size of body text, weighted by characters.

        Cached: it walks every line of the report and several extractors need it.
        """
        return _body_size(self)


def _body_size(doc: Document) -> float:
    weights: dict[float, int] = {}
    for line in doc.lines():
        key = round(line.size * 2) / 2
        weights[key] = weights.get(key, 0) + len(line.text)
    if not weights:
        return 10.0
    return max(weights.items(), key=lambda kv: kv[1])[0]
