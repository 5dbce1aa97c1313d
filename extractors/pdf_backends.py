"""The two PDF readers behind the layout stage: pypdfium2 (fast, default) and pdfplumber.

Each yields, page by page, the glyphs in content-stream order with their box, font and
size, plus the ruling lines and rectangles drawn on the page. Everything above this
module is backend-neutral, so both give the same Document (tests compare them).
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from typing import Iterator, NamedTuple

from models.document import OutlineEntry, Rule
from models.errors import EmptyPDF, EncryptedPDF, UnreadablePDF

BACKENDS = ("pdfium", "pdfplumber")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|[-,]bd\b|extrabold", re.I)
_ITALIC_NAME = re.compile(r"italic|oblique|[-,]it\b", re.I)
_FONT_ITALIC_FLAG = 1 << 6
_FONT_FORCE_BOLD_FLAG = 1 << 18


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


@dataclass(frozen=True)
class RawPage:
    number: int
    width: float
    height: float
    glyphs: list[Glyph]
    rules: list[Rule]
    image_count: int


def clean_font_name(name: str) -> str:
    """Drop the subset prefix ("ABCDEF+Arial-BoldMT" -> "Arial-BoldMT")."""
    return name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name


def open_pages(path: str, backend: str = "pdfium") -> tuple[int, Iterator[RawPage], tuple[OutlineEntry, ...], str | None]:
    """Open `path`; return (page count, lazy page iterator, outline, Info title)."""
    if backend == "pdfium":
        return _open_pdfium(path)
    if backend == "pdfplumber":
        return _open_pdfplumber(path)
    raise ValueError(f"unknown layout backend {backend!r}; choose one of {', '.join(BACKENDS)}")


# -- pypdfium2 -----------------------------------------------------------------------------

def _open_pdfium(path: str):
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text:
            raise EncryptedPDF(f"{path}: encrypted PDF, a password is needed to open it") from None
        raise UnreadablePDF(f"{path}: not a readable PDF ({exc})") from None
    count = len(pdf)
    if count == 0:
        pdf.close()
        raise EmptyPDF(f"{path}: the PDF has no pages")
    outline = _pdfium_outline(pdf)
    title = (pdf.get_metadata_dict().get("Title") or "").strip() or None

    def pages() -> Iterator[RawPage]:
        try:
            for index in range(count):
                yield _pdfium_page(pdf, index)
        finally:
            pdf.close()

    return count, pages(), outline, title


def _pdfium_outline(pdf) -> tuple[OutlineEntry, ...]:
    entries = []
    try:
        for bm in pdf.get_toc(max_depth=12):
            dest = bm.get_dest()
            index = dest.get_index() if dest is not None else None
            title = " ".join((bm.get_title() or "").split())
            if title:
                entries.append(OutlineEntry(title, bm.level + 1, None if index is None else index + 1))
    except Exception:  # a broken outline is no reason to lose the report
        return ()
    return tuple(entries)


def _pdfium_page(pdf, index: int) -> RawPage:
    import pypdfium2.raw as raw

    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        glyphs = _pdfium_glyphs(raw, textpage.raw, height)
        textpage.close()
        rules: list[Rule] = []
        images = 0
        for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE], max_depth=4):
            if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
                continue
            left, bottom, right, top = obj.get_bounds()
            rules.append(Rule((left, height - top, right, height - bottom)))
        return RawPage(index + 1, width, height, glyphs, rules, images)
    finally:
        page.close()


def _pdfium_glyphs(raw, tp, height: float) -> list[Glyph]:
    count = raw.FPDFText_CountChars(tp)
    rect = raw.FS_RECTF()
    buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    fonts: dict[int, tuple[float, str, bool, bool]] = {}
    glyphs: list[Glyph] = []
    for i in range(count):
        code = raw.FPDFText_GetUnicode(tp, i)
        if code in (0xFFFE, 0xFFFF) or code == 0:
            continue
        ch = chr(code)
        obj = raw.FPDFText_GetTextObject(tp, i)
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        font = fonts.get(key)
        if font is None:
            size = raw.FPDFText_GetFontSize(tp, i)
            raw.FPDFText_GetFontInfo(tp, i, buf, 128, ctypes.byref(flags))
            name = clean_font_name(buf.value.decode("utf-8", "replace"))
            weight = raw.FPDFText_GetFontWeight(tp, i)
            bold = weight >= 600 or bool(flags.value & _FONT_FORCE_BOLD_FLAG) or bool(_BOLD_NAME.search(name))
            italic = bool(flags.value & _FONT_ITALIC_FLAG) or bool(_ITALIC_NAME.search(name))
            font = (round(size, 2), name, bold, italic)
            if key:
                fonts[key] = font
        if ch.isspace() or ch in "\r\n":
            glyphs.append(Glyph(" ", 0, 0, 0, 0, font[0], font[1], font[2], font[3]))
            continue
        raw.FPDFText_GetLooseCharBox(tp, i, rect)
        glyphs.append(Glyph(ch, rect.left, height - rect.top, rect.right, height - rect.bottom, *font))
    return glyphs


# -- pdfplumber ----------------------------------------------------------------------------

def _open_pdfplumber(path: str):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path)
        count = len(pdf.pages)
    except PDFPasswordIncorrect:
        raise EncryptedPDF(f"{path}: encrypted PDF, a password is needed to open it") from None
    except Exception as exc:
        raise UnreadablePDF(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    if count == 0:
        pdf.close()
        raise EmptyPDF(f"{path}: the PDF has no pages")
    title = None
    try:
        info_title = pdf.metadata.get("Title")
        title = info_title.strip() if isinstance(info_title, str) and info_title.strip() else None
    except Exception:
        title = None
    outline = _plumber_outline(path)

    def pages() -> Iterator[RawPage]:
        try:
            for page in pdf.pages:
                yield _plumber_page(page)
                page.flush_cache()
        finally:
            pdf.close()

    return count, pages(), outline, title


def _plumber_outline(path: str) -> tuple[OutlineEntry, ...]:
    """pdfminer resolves outline targets poorly; pypdfium2 reads the same bookmarks."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except Exception:
        return ()
    try:
        return _pdfium_outline(pdf)
    finally:
        pdf.close()


def _plumber_page(page) -> RawPage:
    glyphs: list[Glyph] = []
    for c in page.chars:
        name = clean_font_name(str(c.get("fontname", "")))
        text = c["text"]
        bold = bool(_BOLD_NAME.search(name))
        italic = bool(_ITALIC_NAME.search(name))
        size = round(float(c.get("size", 0.0)), 2)
        if text.isspace():
            glyphs.append(Glyph(" ", 0, 0, 0, 0, size, name, bold, italic))
            continue
        glyphs.append(Glyph(text, c["x0"], c["top"], c["x1"], c["bottom"], size, name, bold, italic))
    rules = [Rule((o["x0"], o["top"], o["x1"], o["bottom"])) for o in (page.rects + page.lines)]
    return RawPage(page.page_number, float(page.width), float(page.height), glyphs, rules, len(page.images))
