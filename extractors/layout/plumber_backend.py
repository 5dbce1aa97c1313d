"""The pdfplumber backend (reference): pdfminer's reading of the same page.

Slow (pdfminer parses each page in Python) but independent of pdfium; the differential
tests compare the two. Bookmarks are read with pypdfium2, which resolves their targets.
"""
from __future__ import annotations

from extractors.layout.backend import BOLD_NAME, ITALIC_NAME, Glyph, RawPage, clean_font_name
from extractors.layout.glyph_fixes import LIGATURES, expand_ligatures, split_shared_boxes, valid_unicode
from extractors.layout.plumber_fonts import PlumberFonts
from extractors.layout.turns import baseline_turn
from models.document import OutlineEntry, Rule
from models.errors import EmptyPDF, EncryptedPDF, UnreadablePDF


class PlumberBackend:
    """A PDF opened with pdfplumber (the `Backend` protocol)."""

    name = "pdfplumber"

    def __init__(self, path: str) -> None:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect

        self.path = path
        try:
            self.pdf = pdfplumber.open(path)
            self.page_count = len(self.pdf.pages)
        except PDFPasswordIncorrect:
            raise EncryptedPDF(f"{path}: encrypted PDF, a password is needed to open it") from None
        except Exception as exc:
            # pdfplumber wraps pdfminer's errors: PdfminerException(PDFPasswordIncorrect()).
            if any(isinstance(a, PDFPasswordIncorrect) for a in getattr(exc, "args", ())):
                raise EncryptedPDF(f"{path}: encrypted PDF, a password is needed to open it") from None
            raise UnreadablePDF(f"{path}: not a readable PDF, damaged or truncated ({type(exc).__name__}: {exc})") from None
        self.fonts = PlumberFonts()
        if self.page_count == 0:
            self.pdf.close()
            raise EmptyPDF(f"{path}: the PDF has no pages")

    def page(self, number: int) -> RawPage:
        page = self.pdf.pages[number - 1]
        try:
            return _plumber_page(page, self.fonts)
        finally:
            page.flush_cache()

    def glyphs(self, number: int) -> list[Glyph]:
        return self.page(number).glyphs

    def outline(self) -> tuple[OutlineEntry, ...]:
        return _plumber_outline(self.path)

    def title(self) -> str | None:
        try:
            info_title = self.pdf.metadata.get("Title")
        except Exception:
            return None
        return info_title.strip() if isinstance(info_title, str) and info_title.strip() else None

    def close(self) -> None:
        self.pdf.close()


def _plumber_outline(path: str) -> tuple[OutlineEntry, ...]:
    """pdfminer resolves outline targets poorly; pypdfium2 reads the same bookmarks."""
    import pypdfium2 as pdfium

    from extractors.layout.pdfium_backend import pdfium_outline

    try:
        pdf = pdfium.PdfDocument(path)
    except Exception:
        return ()
    try:
        return pdfium_outline(pdf)
    finally:
        pdf.close()


def _plumber_page(page, fonts: PlumberFonts | None = None) -> RawPage:
    chars = page.chars
    texts, issues = (fonts or PlumberFonts()).read(page, [c["text"] for c in chars],
                                                   [str(c.get("fontname", "")) for c in chars])
    joined, invalid = valid_unicode("\x00".join(texts), page.page_number)
    if invalid:
        texts = joined.split("\x00")
        issues = [*issues, *invalid]
    glyphs: list[Glyph] = []
    last: Glyph | None = None  # the last inked glyph
    for c, text in zip(chars, texts):
        name = clean_font_name(str(c.get("fontname", "")))
        bold = bool(BOLD_NAME.search(name))
        italic = bool(ITALIC_NAME.search(name))
        size = round(float(c.get("size", 0.0)), 2)
        matrix = c.get("matrix") or (1, 0)
        turn = baseline_turn(matrix[0], -matrix[1])  # pdfminer's matrix has y up
        if turn in (1, 3):  # pdfminer's size is the box height, along the line of vertical text
            size = round(float(c["x1"] - c["x0"]), 2)
        if text.isspace():
            if last is None or not (len(last.text) > 1 or last.text in LIGATURES) or not _inside(c, last):
                glyphs.append(Glyph(" ", 0, 0, 0, 0, size, name, bold, italic, turn))
            continue
        last = Glyph(text, c["x0"], c["top"], c["x1"], c["bottom"], size, name, bold, italic, turn)
        glyphs.append(last)
    glyphs = split_shared_boxes(expand_ligatures(glyphs))
    rules = [Rule((o["x0"], o["top"], o["x1"], o["bottom"])) for o in (page.rects + page.lines)]
    return RawPage(page.page_number, float(page.width), float(page.height), glyphs, rules, len(page.images),
                   tuple(issues))


def _inside(space: dict, last: Glyph) -> bool:
    """A space lying mostly inside the last inked glyph (a ligature) takes no room: no word
    break (the pdfium backend's rule, see `_pdfium_glyphs`)."""
    x0, x1 = space["x0"], space["x1"]
    return last.x0 <= x0 and last.x1 - x0 > 0.5 * (x1 - x0) and abs(space["bottom"] - last.bottom) < 1.0
