"""Codes pdfminer could not map ("(cid:47)"), read through the font program.

pdfminer writes "(cid:N)" for a code its font has no character for (no ToUnicode, no
usable encoding: the Cour des comptes du Sénégal 2017 report, GAO reports' symbol
fonts). The page's font resources give the embedded program, read by `font_codes` as
for the pdfium backend, once per document.
"""
from __future__ import annotations

import re
import zlib
from collections import defaultdict

from extractors.layout.font_codes import METHOD_FR, decode_codes, read_font_codes
from models.document import TextIssue

CID = re.compile(r"^\(cid:(\d+)\)$")
_WINANSI_UNUSED = frozenset((0o177, 0o201, 0o215, 0o217, 0o220, 0o235))


class PlumberFonts:
    """Font programs by font name, and what their codes read as, for one document."""

    def __init__(self) -> None:
        self.codes: dict[tuple, dict[int, str]] = {}
        self.methods: dict[tuple, str] = {}
        self.data: dict[tuple, bytes] = {}

    def read(self, page, texts: list[str], fontnames: list[str]) -> tuple[list[str], list[TextIssue]]:
        """`texts` with their "(cid:N)" entries read, and the issues to report."""
        wanted: dict[str, list[int]] = defaultdict(list)
        for i, text in enumerate(texts):
            if text.startswith("(cid:") and CID.match(text):
                wanted[fontnames[i]].append(i)
        if not wanted:
            return texts, []
        programs = _page_programs(page)
        out = list(texts)
        issues: list[TextIssue] = []
        for name, indices in wanted.items():
            codes = [int(CID.match(texts[i]).group(1)) for i in indices]
            blob, winansi = programs.get(name, (None, False))
            key = None if blob is None else (name, len(blob), zlib.crc32(blob))
            table: dict[int, str] = {}
            if winansi:
                # PDF 32000-1, Annex D, note 5: the unused codes of WinAnsiEncoding above
                # 040 print the bullet (GAO-06-282 p. 38, code 127 in Century-Book).
                table = {c: "\u2022" for c in codes if c in _WINANSI_UNUSED}
                codes_left = [c for c in codes if c not in table]
                if not codes_left:
                    key = None
            if key is not None:
                self.data.setdefault(key, blob)
                table = {**self.codes.setdefault(key, {}), **table}
                missing = {c for c in codes if c not in table}
                if missing:
                    found = read_font_codes(blob, name, missing)
                    self.codes[key].update(found.chars)
                    table.update(found.chars)
                    if found.method:
                        self.methods[key] = found.method
            method = METHOD_FR.get(self.methods.get(key, ""), "l’encodage WinAnsi" if winansi else "aucune méthode")
            issues += decode_codes(table, indices, codes, out, name, page.page_number, method)
        return out, issues


def _page_programs(page) -> dict[str, tuple[bytes | None, bool]]:
    """Font name -> (embedded program, WinAnsiEncoding?), for the page and its forms."""
    from pdfminer.pdftypes import resolve1

    out: dict[str, tuple[bytes | None, bool]] = {}

    def visit(resources, depth: int) -> None:
        resources = resolve1(resources) or {}
        for ref in (resolve1(resources.get("Font")) or {}).values():
            _add_font(resolve1(ref), out)
        if depth < 3:
            for ref in (resolve1(resources.get("XObject")) or {}).values():
                xobj = resolve1(ref)
                attrs = getattr(xobj, "attrs", {})
                if _lit(resolve1(attrs.get("Subtype"))) == "Form" and attrs.get("Resources"):
                    visit(attrs["Resources"], depth + 1)

    try:
        visit(page.page_obj.resources, 0)
    except Exception:  # damaged resources: the codes stay unread, and are reported
        pass
    return out


def _add_font(font, out: dict[str, tuple[bytes | None, bool]]) -> None:
    from pdfminer.pdftypes import resolve1

    if not isinstance(font, dict):
        return
    target = font
    if _lit(resolve1(font.get("Subtype"))) == "Type0":
        descendants = resolve1(font.get("DescendantFonts")) or []
        if not descendants:
            return
        target = resolve1(descendants[0])
    name = _lit(resolve1(target.get("BaseFont")))
    if name in out:
        return
    encoding = resolve1(font.get("Encoding"))
    if isinstance(encoding, dict):
        encoding = resolve1(encoding.get("BaseEncoding"))
    winansi = _lit(encoding) == "WinAnsiEncoding"
    descriptor = resolve1(target.get("FontDescriptor")) or {}
    data = None
    for field in ("FontFile2", "FontFile3", "FontFile"):
        stream = resolve1(descriptor.get(field))
        if stream is not None:
            try:
                data = stream.get_data()
            except Exception:
                data = None
            break
    out[name] = (data, winansi)


def _lit(value) -> str:
    """A PDF name as text (pdfminer gives PSLiteral objects, their name str or bytes)."""
    name = getattr(value, "name", value)
    if isinstance(name, bytes):
        return name.decode("latin-1")
    return "" if name is None else str(name)
