"""Codes of fonts without a usable character map, read again for the pdfium backend.

pdfium reads the codes of such a font as characters ("/D\\x03&RXU" for "La Cour"): the
glyph ids of an Identity-H font whose space is glyph 3 come out as control characters.
A page with control characters is the only one that pays for this check; the fonts that
produce them are read through their embedded program (`font_codes`), once per document.
"""
from __future__ import annotations

import ctypes
import re
import zlib
from collections import defaultdict

from extractors.layout.font_codes import METHOD_FR, decode_codes, read_font_codes
from models.document import TextIssue

# Control characters pdfium passes through from raw codes (U+0002 is its end-of-line
# hyphen, U+0000 and tab/newline/return are its own).
_CONTROL = re.compile("[\x01\x03-\x08\x0b\x0c\x0e-\x1f]")
_RAW_SHARE = 0.05  # of a font's characters on the page being control characters


class FontMemo:
    """What each font of one document reads as, keyed by name and program checksum."""

    def __init__(self) -> None:
        self.codes: dict[tuple, dict[int, str]] = {}
        self.methods: dict[tuple, str] = {}
        self.data: dict[tuple, bytes] = {}
        self.unmapped: set[tuple] = set()  # fonts seen reading as raw codes


def repair_codes(raw, tp, text: str, memo: FontMemo, page: int) -> tuple[str, list[TextIssue]]:
    """The page text with the raw codes of unmapped fonts read through their programs."""
    if not _CONTROL.search(text):
        return text, []
    groups: dict[int, list[int]] = defaultdict(list)
    handles: dict[int, object] = {}
    for i in range(len(text)):
        obj = raw.FPDFText_GetTextObject(tp, i)
        if not obj or raw.FPDFText_IsGenerated(tp, i) == 1:
            continue
        font = raw.FPDFTextObj_GetFont(obj)
        key = ctypes.cast(font, ctypes.c_void_p).value
        if key:
            groups[key].append(i)
            handles[key] = font
    chars = list(text)
    issues: list[TextIssue] = []
    for handle, indices in groups.items():
        raw_codes = [ord(text[i]) for i in indices]
        key = _font_key(raw, handles[handle], memo)
        if key is None:
            continue
        # A font is known by its control characters; once known, a line of it without
        # spaces or digits ("%pQp¿FDLUH", a table header) is read again as well.
        if key not in memo.unmapped:
            if sum(1 for c in raw_codes if _CONTROL.match(chr(c))) < _RAW_SHARE * len(raw_codes):
                continue
            memo.unmapped.add(key)
        table = memo.codes.setdefault(key, {})
        missing = {c for c in raw_codes if c not in table}
        if missing:
            found = read_font_codes(memo.data[key], key[0], missing)
            table.update(found.chars)
            if found.method:
                memo.methods[key] = found.method
        issues += decode_codes(table, indices, raw_codes, chars, key[0], page,
                               METHOD_FR.get(memo.methods.get(key, ""), "aucune méthode"))
    return "".join(chars), issues


def _font_key(raw, font, memo: FontMemo) -> tuple | None:
    """(name, size, checksum) of the font program; pdfium's handles may be reused."""
    buf = ctypes.create_string_buffer(256)
    raw.FPDFFont_GetBaseFontName(font, buf, 256)
    name = buf.value.decode("utf-8", "replace")
    size = ctypes.c_size_t()
    key = None
    if raw.FPDFFont_GetFontData(font, None, 0, ctypes.byref(size)) and size.value:
        data = (ctypes.c_ubyte * size.value)()
        if raw.FPDFFont_GetFontData(font, data, size.value, ctypes.byref(size)):
            blob = bytes(data)[: size.value]
            key = (name, len(blob), zlib.crc32(blob))
            if key not in memo.data:
                memo.data[key] = blob
    return key
