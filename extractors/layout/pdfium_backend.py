"""The pypdfium2 backend (default): fast, with pdfium's own word breaks.

pdfium is asked only for what is not known yet, through raw calls re-declared for speed
(`_Fast`): half a million characters per report go through `_pdfium_glyphs`.
"""
from __future__ import annotations

import ctypes
import re
import struct
import sys
from array import array
from typing import Iterator

from extractors.layout.backend import BOLD_NAME, ITALIC_NAME, Glyph, RawPage, clean_font_name
from extractors.layout.glyph_fixes import LIGATURES, expand_ligatures, split_shared_boxes, valid_unicode
from extractors.layout.pdfium_fonts import FontMemo, repair_codes
from extractors.layout.turns import baseline_turn, quarter_turn
from models.document import OutlineEntry, Rule, TextIssue
from models.errors import EmptyPDF, EncryptedPDF, UnreadablePDF

_FONT_ITALIC_FLAG = 1 << 6
_FONT_FORCE_BOLD_FLAG = 1 << 18


class PdfiumBackend:
    """A PDF opened with pypdfium2 (the `Backend` protocol)."""

    name = "pdfium"

    def __init__(self, path: str) -> None:
        import pypdfium2 as pdfium

        try:
            self.pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            raise _pdfium_open_error(path, exc) from None
        self.page_count = len(self.pdf)
        self.fonts = FontMemo()
        if self.page_count == 0:
            self.pdf.close()
            raise EmptyPDF(f"{path}: the PDF has no pages")

    def page(self, number: int) -> RawPage:
        return _pdfium_page(self.pdf, number - 1, fonts=self.fonts)

    def glyphs(self, number: int) -> list[Glyph]:
        return _pdfium_page(self.pdf, number - 1, with_drawings=False, fonts=self.fonts).glyphs

    def outline(self) -> tuple[OutlineEntry, ...]:
        return pdfium_outline(self.pdf)

    def title(self) -> str | None:
        return (self.pdf.get_metadata_dict().get("Title") or "").strip() or None

    def close(self) -> None:
        self.pdf.close()


def _pdfium_open_error(path: str, exc: Exception) -> Exception:
    """Why pdfium could not load the file, from the file itself.

    pdfium's last-error code is process-wide and can be stale (a zero-page file read
    right after an encrypted one says "Incorrect password"), so the bytes decide:
    "encrypted" only when a trailer declares /Encrypt and no empty user password opens
    it (a damaged copy of an owner-password-only file is damaged, not locked).
    """
    from extractors.pdf_damage import has_encrypt_entry, inspect_bytes

    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        data = b""
    if has_encrypt_entry(data) and _needs_password(path):
        return EncryptedPDF(f"{path}: encrypted PDF, a password is needed to open it")
    if re.search(rb"/Count\s+0\b", data) and not re.search(rb"/Count\s+[1-9]", data) \
            and not re.search(rb"/Type\s*/Page\b(?!s)", data):
        return EmptyPDF(f"{path}: the PDF has no pages")
    damage = inspect_bytes(data)
    detail = damage[0] if damage else re.sub(r"\s*\(PDFium: Success\)", "", str(exc)).rstrip(".")
    return UnreadablePDF(f"{path}: not a readable PDF, damaged or truncated ({detail})")


def _needs_password(path: str) -> bool:
    """True when pdfminer (which rebuilds a broken xref) is refused with an empty password."""
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    try:
        with open(path, "rb") as fh:
            PDFDocument(PDFParser(fh), password="")
    except PDFPasswordIncorrect:
        return True
    except Exception:  # too damaged for pdfminer too: say damaged rather than locked
        return False
    return False


def pdfium_outline(pdf) -> tuple[OutlineEntry, ...]:
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


def _pdfium_page(pdf, index: int, with_drawings: bool = True, fonts: FontMemo | None = None) -> RawPage:
    """One page read with pdfium; `with_drawings=False` skips the rules and images (the
    table extractor re-reads a page's glyphs only: it has the rules from the layout)."""
    import pypdfium2.raw as raw

    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            glyphs, issues = _pdfium_glyphs(raw, textpage.raw, height, fonts or FontMemo(), index + 1)
        finally:
            textpage.close()
        turn = _display_matrix(raw, page, width, height)
        if turn is not None:
            quarter = quarter_turn(turn[0], turn[1])  # the page's own turn adds to each glyph's
            glyphs = [g._replace(**dict(zip(("x0", "top", "x1", "bottom"),
                                            _to_display(turn, g.x0, height - g.top, g.x1, height - g.bottom))),
                                 turn=(g.turn + quarter) % 4)
                      if g.text != " " else g._replace(turn=(g.turn + quarter) % 4) if quarter else g
                      for g in glyphs]
        rules: list[Rule] = []
        images = 0
        for kind, obj in _pdfium_drawings(raw, page.raw) if with_drawings else ():
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
                continue
            left, bottom, right, top = _pdfium_bounds(raw, obj)
            if turn is not None:
                rules.append(Rule(_to_display(turn, left, top, right, bottom)))
            else:
                rules.append(Rule((left, height - top, right, height - bottom)))
        return RawPage(index + 1, width, height, glyphs, rules, images, tuple(issues))
    finally:
        page.close()


def _display_matrix(raw, page, width: float, height: float) -> tuple[float, ...] | None:
    """The affine map from PDF user space to the page as displayed (top-left origin), or
    None when it is the plain flip `height - y`.

    pdfium gives character boxes in user space; a page turned by /Rotate (a landscape
    table printed sideways: pdfplumber tests issue 1054, 270 degrees, senate expenditures,
    90) or whose crop box does not start at 0,0 would otherwise read one letter per line.
    pdfium's own page-to-device map, sampled at three points, gives the transform.
    """
    crop = page.get_cropbox()
    if page.get_rotation() == 0 and abs(crop[0]) < 0.01 and abs(crop[1]) < 0.01:
        return None
    scale = 64  # device coordinates are integers: sample at 1/64 pt
    size_x, size_y = int(round(width * scale)), int(round(height * scale))
    dx, dy = ctypes.c_int(), ctypes.c_int()

    def device(x: float, y: float) -> tuple[float, float]:
        raw.FPDF_PageToDevice(page.raw, 0, 0, size_x, size_y, 0, x, y, dx, dy)
        return dx.value / scale, dy.value / scale

    ox, oy = device(0.0, 0.0)
    ax, ay = device(1000.0, 0.0)
    bx, by = device(0.0, 1000.0)
    return ((ax - ox) / 1000, (ay - oy) / 1000, (bx - ox) / 1000, (by - oy) / 1000, ox, oy)


def _to_display(m: tuple[float, ...], left: float, top: float, right: float, bottom: float) -> tuple[float, ...]:
    """A user-space box (left, top, right, bottom; y up) as a display box x0, top, x1, bottom."""
    a, b, c, d, e, f = m
    xs, ys = [], []
    for x, y in ((left, top), (right, bottom)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return (min(xs), min(ys), max(xs), max(ys))


def _pdfium_drawings(raw, parent, level: int = 0, in_form: bool = False) -> Iterator[tuple[int, object]]:
    """(type, object) of the paths and images of a page, down to 4 levels of forms.

    The raw calls do what `PdfPage.get_objects` does in a quarter of the time: it wraps
    each of the page's objects, text included, in a helper object.
    """
    count = (raw.FPDFFormObj_CountObjects if in_form else raw.FPDFPage_CountObjects)(parent)
    if count < 0:
        raise _pdfium_error("Failed to get number of pageobjects.")
    get_object = raw.FPDFFormObj_GetObject if in_form else raw.FPDFPage_GetObject
    for i in range(count):
        obj = get_object(parent, i)
        if not obj:
            raise _pdfium_error("Failed to get pageobject.")
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_PATH or kind == raw.FPDF_PAGEOBJ_IMAGE:
            yield kind, obj
        elif kind == raw.FPDF_PAGEOBJ_FORM and level < 3:
            yield from _pdfium_drawings(raw, obj, level + 1, True)


def _pdfium_bounds(raw, obj) -> tuple[float, float, float, float]:
    """Left, bottom, right, top of a page object, in PDF coordinates."""
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        raise _pdfium_error("Failed to locate pageobject.")
    return left.value, bottom.value, right.value, top.value


def _pdfium_error(message: str) -> Exception:
    import pypdfium2 as pdfium

    return pdfium.PdfiumError(message)


class _Fast:
    """pdfium entry points re-declared with plain pointer types.

    The generated bindings wrap every returned pointer in a typed object, which then
    has to be cast to an int to key the font cache; with `c_void_p` the text object
    comes back as an int directly. Half a million calls per report make this count.
    The two per-character calls (`text_object_at`, `loose_box_at`) declare no argument
    types at all, which skips ctypes' per-argument conversion (a third of their cost):
    callers pass ints for the index and, for the pointers, ready-made call arguments
    (`c_void_p.from_param(address)`, `byref(rect)`) that ctypes takes as they are,
    where a `c_void_p` object would be converted on every call.
    All are `PYFUNCTYPE`, called without releasing the GIL: they return in well under
    a microsecond, and dropping and retaking the GIL costs a sixth of that.
    """

    def __init__(self, raw) -> None:
        vp, c_int = ctypes.c_void_p, ctypes.c_int

        def proto(fn, restype, *argtypes):
            return ctypes.PYFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, vp).value)

        self.get_text = proto(raw.FPDFText_GetText, c_int, vp, c_int, c_int, vp)
        self.is_generated = proto(raw.FPDFText_IsGenerated, c_int, vp, c_int)
        self.text_object_at = proto(raw.FPDFText_GetTextObject, vp)  # (textpage, index)
        # (textpage, index, rect): its success flag goes unread (a failed call leaves the
        # rect as it was), and a `None` result type spares ctypes converting it.
        self.loose_box_at = proto(raw.FPDFText_GetLooseCharBox, None)


_FAST: _Fast | None = None


def _fast(raw) -> _Fast:
    global _FAST
    if _FAST is None:
        _FAST = _Fast(raw)
    return _FAST


def _page_text(raw, fast: _Fast, tp, tp_ptr: int, count: int) -> str:
    """The character of every index, in one call when pdfium allows it.

    `FPDFText_GetText` returns the page text as UTF-16; when it has exactly one unit per
    character (no surrogate pairs, no dropped control characters) it lines up with the
    character indices. Otherwise, and for its U+FFFE units, ask character by character.
    """
    buf = ctypes.create_string_buffer((count + 1) * 2)
    got = fast.get_text(tp_ptr, 0, count, ctypes.addressof(buf)) if count else 0
    units = buf.raw[: max(0, got - 1) * 2]
    if len(units) != 2 * count:
        return "".join(_char(raw.FPDFText_GetUnicode(tp, i)) for i in range(count))
    text = units.decode("utf-16-le", "surrogatepass")
    if len(text) != count:
        text = _one_per_index(units)
    unclear = [m.start() for m in _UNCLEAR.finditer(text)]
    if not unclear:
        return text
    chars = list(text)
    for i in unclear:
        chars[i] = _char(raw.FPDFText_GetUnicode(tp, i))
    return "".join(chars)


def _one_per_index(units: bytes) -> str:
    """The page text with one character per index where it has surrogate pairs.

    pdfium gives a character outside the BMP (the mathematical italic "𝜇" and "𝐹" of a
    formula, TAIC 2014-103 p. 46) two indices, one per UTF-16 unit. Decoded as a pair it
    is one character, and every character after it would take the box of the one before
    ("The f riction", "p eak"): the pair is kept whole at its first index, and its second
    index reads U+0000, which is skipped.
    """
    codes = array("H")
    codes.frombytes(units)
    if sys.byteorder != "little":
        codes.byteswap()
    out: list[str] = []
    i, n = 0, len(codes)
    while i < n:
        code = codes[i]
        if 0xD800 <= code < 0xDC00 and i + 1 < n and 0xDC00 <= codes[i + 1] < 0xE000:
            out.append(chr(0x10000 + ((code - 0xD800) << 10) + (codes[i + 1] - 0xDC00)))
            out.append("\x00")
            i += 2
            continue
        out.append(chr(code))
        i += 1
    return "".join(out)


_UNCLEAR = re.compile("[\ufffe\ud800-\udfff]")  # units to ask about one by one


def _char(code: int) -> str:
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return "\ufffd"


_SKIP = frozenset(("\x00", "\ufffe", "\uffff"))
_LIGATURE_CHARS = frozenset(LIGATURES)
_RECT = struct.Struct("4f")  # FS_RECTF: left, top, right, bottom


def _pdfium_glyphs(raw, tp, height: float, fonts: FontMemo, page: int) -> tuple[list[Glyph], list[TextIssue]]:
    """The page's glyphs, and what had to be repaired to read them."""
    count = raw.FPDFText_CountChars(tp)
    if count <= 0:
        return [], []
    fast = _fast(raw)
    tp_ptr = ctypes.cast(tp, ctypes.c_void_p).value
    text, issues = repair_codes(raw, tp, _page_text(raw, fast, tp, tp_ptr, count), fonts, page)
    text, invalid = valid_unicode(text, page)
    issues += invalid
    # Written for speed, half a million characters per report: pdfium is asked only
    # for what is not known yet, and the common character takes one set test.
    rect = raw.FS_RECTF()
    tp_arg = ctypes.c_void_p.from_param(tp_ptr)
    rect_arg = ctypes.byref(rect)
    unpack = _RECT.unpack_from
    buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    fonts: dict[int, tuple[float, str, bool, bool, int]] = {}
    glyphs: list[Glyph] = []
    append = glyphs.append
    new = tuple.__new__
    get_obj = fast.text_object_at
    get_box = fast.loose_box_at
    special = _special_chars(text)
    ligatures = bool(special & _LIGATURE_CHARS)
    skip = _SKIP
    dropped = _dropped_spaces(fast, tp_ptr, text)
    last_key: int | None = -1
    shared = False  # two letters in a row reported with the same box (a ligature)
    p_left = p_right = -1.0
    font: tuple[float, str, bool, bool, int] = (0.0, "", False, False, 0)
    f_size, f_name, f_bold, f_italic, f_turn = font
    space_glyph = new(Glyph, (" ", 0, 0, 0, 0, *font))  # carries the last font
    for i, ch in enumerate(text):
        if ch in special and ch not in _LIGATURE_CHARS:
            if ch != "\x02":  # a space, or nothing to read
                if ch not in skip and i not in dropped:
                    if f_turn % 1 and fast.is_generated(tp_ptr, i):
                        # pdfium's guess in slanted text, often inside a word ("Mini stères",
                        # OFNAC 2023 p. 27): given its box, `turns.diagonal_lines` checks it.
                        get_box(tp_arg, i, rect_arg)
                        left, top, right, bottom = unpack(rect)
                        append(space_glyph._replace(x0=left, top=height - top, x1=right, bottom=height - bottom))
                        continue
                    if (ligatures or shared) and glyphs and _after_ligature(glyphs) and _inside_last(glyphs[-1], get_box, tp_arg, i,
                                                                           rect_arg, rect, height):
                        continue
                    append(space_glyph)  # its font is never read: it keeps the last one
                continue
            # pdfium reports a hyphen that ends a line as U+0002 (U+FFFE in the page
            # text): it is the hyphen printed on the page, read "-" as pdfplumber does
            # ("SG-SADJAV", IGAS 2019 p. 5).
            ch = "-"
        key = get_obj(tp_arg, i)  # the text object, None for a character pdfium made up
        if key != last_key:
            cached = fonts.get(key) if key else None
            if cached is None:
                cached = _font_at(raw, tp, i, buf, flags)
                if key:
                    fonts[key] = cached
            if cached is not font:
                font = cached
                f_size, f_name, f_bold, f_italic, f_turn = font
                space_glyph = new(Glyph, (" ", 0, 0, 0, 0, *font))
            last_key = key if key else -1  # no object: read the font again next time
        get_box(tp_arg, i, rect_arg)
        left, top, right, bottom = unpack(rect)
        if left == p_left and right == p_right:
            shared = True
        p_left, p_right = left, right
        append(new(Glyph, (ch, left, height - top, right, height - bottom, f_size, f_name, f_bold, f_italic, f_turn)))
    if shared:
        glyphs = split_shared_boxes(glyphs)
    if ligatures:
        glyphs = expand_ligatures(glyphs)
    return glyphs, issues


def _after_ligature(glyphs: list[Glyph]) -> bool:
    """Whether the last glyph is a ligature: its character, or letters sharing one box."""
    last = glyphs[-1]
    if last.text in _LIGATURE_CHARS:
        return True
    if len(glyphs) < 2:
        return False
    before = glyphs[-2]
    return before.text != " " and before.x0 == last.x0 and before.x1 == last.x1


def _inside_last(last: Glyph, get_box, tp_arg, i: int, rect_arg, rect, height: float) -> bool:
    """Whether the space at index i lies mostly inside the last glyph's box (a ligature's).

    Such a space takes no room and is no word break: InDesign sets one after the "fi"
    ligature (pdfplumber's issue 71 example p. 1: "défi nir"; pdftotext skips space
    characters and reads "définir"). Only after a ligature: the boxes of other glyphs
    often reach over the next space ("of the", TSB A11F0012 p. 20), a real one.
    """
    get_box(tp_arg, i, rect_arg)
    left, _, right, bottom = _RECT.unpack_from(rect)
    return (last.x0 <= left and last.x1 - left > 0.5 * (right - left)
            and abs(height - bottom - last.bottom) < 1.0)


def _special_chars(text: str) -> frozenset[str]:
    """The characters of a page that are not read as one glyph as they are.

    Checked once per distinct character, so the loop over the page needs one set test.
    """
    return frozenset(ch for ch in set(text) if ch in _SKIP or ch.isspace() or ch == "\x02") | (
        _LIGATURE_CHARS.intersection(text))


def _dropped_spaces(fast: _Fast, tp_ptr: int, text: str) -> set[int]:
    """The indices of the spaces that are pdfium's wrong guesses, to leave out.

    pdfium adds the word breaks a PDF leaves out (justified text set without space
    characters: ANSSI guide p. 6 "AIDE : Advanced Intrusion…", which pdfplumber glues
    together). Its guess before a comma or a full stop is wrong, though ("DACG¹ , le
    nombre"): a generated space whose next ink, within 7 characters, is one of ",.)]"
    is dropped.
    """
    return {m.start() for m in _SPACE_BEFORE_PUNCT.finditer(text) if fast.is_generated(tp_ptr, m.start())}


# A space whose next non-space character, among the 7 after it, is one of ",.)]"
# (`\s` is `str.isspace`).
_SPACE_BEFORE_PUNCT = re.compile(r"\s(?=\s{0,6}[,.)\]])")


def _font_at(raw, tp, i: int, buf, flags) -> tuple[float, str, bool, bool, float]:
    """(size, name, bold, italic, quarter turn) of the character at index i.

    `buf` (128 bytes) and `flags` serve a whole page: where pdfium knows no font for a
    character, the call leaves them as they are and the last font read stands in.
    """
    # The font size alone ignores the text matrix: PDFs that set "Tf 1" and scale with
    # Tm (GAO reports, InDesign output) would all read as size 1.
    scale, turn = _matrix_scale(raw, tp, i, raw.FS_MATRIX())
    size = raw.FPDFText_GetFontSize(tp, i) * scale
    raw.FPDFText_GetFontInfo(tp, i, buf, 128, ctypes.byref(flags))
    name = clean_font_name(buf.value.decode("utf-8", "replace"))
    weight = raw.FPDFText_GetFontWeight(tp, i)
    bold = weight >= 600 or bool(flags.value & _FONT_FORCE_BOLD_FLAG) or bool(BOLD_NAME.search(name))
    italic = bool(flags.value & _FONT_ITALIC_FLAG) or bool(ITALIC_NAME.search(name))
    return (round(size, 2), name, bold, italic, turn)


def _matrix_scale(raw, tp, i: int, matrix) -> tuple[float, float]:
    """The scale of a character's matrix (text matrix times CTM), 1.0 when unavailable, and
    the turn of its baseline (user space has y up, the page y down)."""
    try:
        if not raw.FPDFText_GetMatrix(tp, i, matrix):
            return 1.0, 0
        scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        turn = baseline_turn(matrix.a, -matrix.b)
    except Exception:
        return 1.0, 0
    return (scale if scale > 0.01 else 1.0), turn
