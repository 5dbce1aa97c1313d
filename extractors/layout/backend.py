"""The backend protocol of the layout stage: what a PDF reader must give.

A backend yields, page by page, the glyphs in content-stream order with their box, font
and size, plus the ruling lines and rectangles drawn on the page, the outline and the
Info title. Everything above it is backend-neutral, so pypdfium2 (fast, default) and
pdfplumber (reference) give the same Document (tests compare them). The table extractor
asks the same protocol for a page's glyphs, never a reader of its own.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterator, NamedTuple, Protocol

from models.document import OutlineEntry, Rule, TextIssue
from models.errors import UnreadablePDF

BACKENDS = ("pdfium", "pdfplumber")
BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|[-,]bd\b|extrabold", re.I)
ITALIC_NAME = re.compile(r"italic|oblique|[-,]it\b", re.I)


class Glyph(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str
    bold: bool
    italic: bool
    # Quarter turns counter-clockwise of the glyph's baseline on the page as displayed:
    # 0 upright, 1 read bottom to top, 2 upside down, 3 top to bottom, a fraction for
    # slanted text (0.5 = 45°; `turns.baseline_turn`).
    turn: float = 0


@dataclass(frozen=True)
class RawPage:
    number: int
    width: float
    height: float
    glyphs: list[Glyph]
    rules: list[Rule]
    image_count: int
    issues: tuple[TextIssue, ...] = field(default=())


class Backend(Protocol):
    """One opened PDF. Pages are numbered from 1, as everywhere in the model."""

    name: str
    page_count: int

    def page(self, number: int) -> RawPage:
        """The page's glyphs, rules and image count."""

    def glyphs(self, number: int) -> list[Glyph]:
        """The page's glyphs only (the table extractor has the rules from the layout)."""

    def outline(self) -> tuple[OutlineEntry, ...]:
        """The bookmarks, () when there are none or they are broken."""

    def title(self) -> str | None:
        """The Info dictionary's Title, None when empty."""

    def close(self) -> None:
        """Release the file; the backend is not used afterwards."""


def open_backend(path: str, backend: str = "pdfium") -> Backend:
    """Open `path` with the named backend; raise a SuiviError when it cannot be read."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown layout backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    check_pdf_file(path)
    if backend == "pdfium":
        from extractors.layout.pdfium_backend import PdfiumBackend

        return PdfiumBackend(path)
    from extractors.layout.plumber_backend import PlumberBackend

    return PlumberBackend(path)


def iter_pages(backend: Backend) -> Iterator[RawPage]:
    """Every page in order, the backend closed at the end (or when the caller stops)."""
    try:
        for number in range(1, backend.page_count + 1):
            yield backend.page(number)
    finally:
        backend.close()


def clean_font_name(name: str) -> str:
    """Drop the subset prefix ("ABCDEF+Arial-BoldMT" -> "Arial-BoldMT")."""
    return name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name


def check_pdf_file(path: str) -> None:
    """Raise UnreadablePDF with a plain reason for what is not a PDF file at all.

    Backends say "Data format error" or "PDFSyntaxError" for a folder, an empty file or
    a text file named .pdf; the user needs to hear which of those it is. Readers accept
    junk before the header (up to 1 KB, as Acrobat does), so only that much is checked.
    """
    if os.path.isdir(path):
        raise UnreadablePDF(f"{path}: is a directory, not a PDF file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise UnreadablePDF(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if not head:
        raise UnreadablePDF(f"{path}: empty file (0 bytes), not a PDF")
    if b"%PDF-" not in head:
        raise UnreadablePDF(f"{path}: not a PDF (no %PDF- header in the first 1 KB)")
